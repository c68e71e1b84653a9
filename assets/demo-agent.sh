#!/bin/sh
# grove's demo agent: acts like a coding agent without any AI. It waits at
# a prompt, "works" on what it is asked (a spinner, real file edits, a real
# commit), and, for the role "careful", asks before touching a file.
# grove demo writes this file into the demo repository and runs it.

role=${1:-builder}
spin() {
  # A spinner line the status rules recognise as work.
  for frame in '-' '\' '|' '/' '-' '\' '|' '/'; do
    printf '\r\033[2K%s %s (esc to interrupt)' "$frame" "$1"
    sleep 0.25
  done
  printf '\r\033[2K'
}
prompt() {
  printf '\n> '
}

printf '\033[1mdemo agent\033[0m (%s) in %s\n' "$role" "$GROVE_WORKSPACE"
printf 'Tell me what to do; I edit files and commit, like a real agent.\n'
prompt
while IFS= read -r task; do
  [ -z "$task" ] && { prompt; continue; }
  printf '\n\033[36m●\033[0m %s\n' "$task"
  spin "Reading the code…"
  case "$role" in
  builder)
    mkdir -p src
    printf '/// Added by the demo agent for: %s\npub fn feature() -> u32 {\n    42\n}\n' "$task" > src/feature.rs
    spin "Writing src/feature.rs…"
    git add src/feature.rs && git commit -q -m "Add feature: $task"
    printf '\033[32m✓\033[0m wrote src/feature.rs and committed it\n'
    ;;
  careful)
    printf '\nI want to edit README.md.\nDo you want to proceed? (y/n) '
    IFS= read -r answer
    case "$answer" in
    y*|Y*)
      spin "Editing README.md…"
      printf '\n%s\n' "$task" >> README.md
      git add README.md && git commit -q -m "Docs: $task"
      printf '\033[32m✓\033[0m README.md updated and committed\n'
      ;;
    *) printf 'Fine, I left it alone.\n' ;;
    esac
    ;;
  *)
    spin "Thinking hard…"
    spin "Running the tests…"
    printf 'notes from the demo agent: %s\n' "$task" > NOTES.md
    printf '\033[32m✓\033[0m left my notes in NOTES.md (not committed: see the sidebar)\n'
    ;;
  esac
  prompt
done
