//! The argument types, declared with clap's derive API. Help text here is the
//! user's first documentation, so every command has an example.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// grove: parallel AI coding agents, each in its own git worktree and branch.
#[derive(Debug, Parser)]
#[command(
    name = "grove",
    version,
    about,
    after_help = "Run `grove` with no command inside a git repository to open the dashboard\n\
                  (starting the server if none runs); C-b d detaches, `grove` reattaches."
)]
pub struct Args {
    /// Run as if grove was started in DIR (like `git -C`).
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a workspace (a locked worktree on branch grove/NAME) and start its agent.
    #[command(
        after_help = "Examples:\n  grove new auth\n  grove new fix-login --base release/2.1\n  \
                      grove new tests --agent claude --prompt 'add tests for src/auth.rs'"
    )]
    New {
        /// Letters, digits, '-', '_' and '.'; becomes the branch grove/NAME.
        name: String,
        /// The agent profile to run [default: the config's `agent`].
        #[arg(long, value_name = "PROFILE")]
        agent: Option<String>,
        /// A first prompt, typed into the agent once it is ready.
        #[arg(long, value_name = "TEXT")]
        prompt: Option<String>,
        /// The ref to start from [default: the current branch].
        #[arg(long, value_name = "REF")]
        base: Option<String>,
    },
    /// Open the dashboard of a running server (`grove` also starts one).
    #[command(after_help = "Example:\n  grove attach")]
    Attach,
    /// Stop a workspace's agent; its worktree and branch stay.
    #[command(after_help = "Example:\n  grove kill auth")]
    Kill { name: String },
    /// Type a prompt into a workspace's agent, attached or not.
    #[command(
        after_help = "The text arrives as one bracketed paste (newlines stay inside the prompt),\n\
                      then Enter. With no TEXT, or TEXT `-`, it is read from stdin.\n\n\
                      Examples:\n  grove send auth 'also cover the logout path'\n  \
                      git diff main | grove send review -\n  grove send auth --no-enter 'draft: '\n  grove send auth --key Enter        # approve a dialog"
    )]
    Send {
        name: String,
        text: Option<String>,
        /// Leave the text in the agent's input without pressing Enter.
        #[arg(long)]
        no_enter: bool,
        /// Press a key instead of typing text (repeat for more): Enter, Esc, y, Up, C-c…
        /// Answers an approval dialog that ignores pasted text.
        #[arg(long = "key", value_name = "KEY", conflicts_with_all = ["text", "no_enter"])]
        keys: Vec<String>,
    },
    /// Print a pane's screen as the server holds it (like tmux capture-pane -p).
    #[command(
        after_help = "Works attached or not, for running and exited agents.\n\nExamples:\n  \
                      grove capture auth\n  grove capture auth --escapes --history 200 > auth.ansi"
    )]
    Capture {
        name: String,
        /// Keep the SGR escapes (colours, bold), like tmux capture-pane -e.
        #[arg(long, short)]
        escapes: bool,
        /// Also this many lines of history above the screen.
        #[arg(long, value_name = "N", default_value_t = 0)]
        history: usize,
    },
    /// Block until an agent's state matches; print it and the reason.
    #[command(
        after_help = "Exits 0 when the state matches; on --timeout, exits 1 with the last state.\n\n\
                      Examples:\n  grove wait auth --until idle\n  grove wait auth --until waiting --timeout 600\n  \
                      grove wait --any-needs-me && grove attach"
    )]
    Wait {
        name: Option<String>,
        #[arg(long, value_enum)]
        until: Option<super::script::Until>,
        /// The first workspace whose agent waits for input (an approval, a question).
        #[arg(long)]
        any_needs_me: bool,
        /// Give up after this many seconds.
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<f64>,
    },
    /// Stream what happens (workspaces, agent states, git, merges, job items) until Ctrl-C.
    #[command(
        after_help = "Field names of --json are stable; docs/cli.md lists them.\n\nExamples:\n  grove events\n  \
                      grove events --json | jq -c 'select(.type == \"status\" and .state == \"waiting\")'"
    )]
    Events {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Stop every agent and the server; workspaces stay and can be resumed.
    #[command(name = "kill-server", after_help = "Example:\n  grove kill-server")]
    KillServer,
    /// The running server's counters: wakeups, frames, bytes, git reads.
    #[command(after_help = "Examples:\n  grove stats\n  grove stats --json")]
    Stats {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the server in this process (the client starts it for you).
    #[command(hide = true)]
    Server {
        /// Stay in this terminal's session (for debugging from a shell).
        #[arg(long)]
        foreground: bool,
    },
    /// List this repository's workspaces.
    #[command(after_help = "Examples:\n  grove ls\n  grove ls --json | jq '.workspaces[].path'")]
    Ls {
        /// Print JSON: {"workspaces": [{"name", "repo", "path", "branch", "base", "agent", "status", ...}]}.
        #[arg(long)]
        json: bool,
    },
    /// Save a workspace's whole working state under refs/grove/snapshots/NAME/.
    #[command(after_help = "Example:\n  grove snapshot auth")]
    Snapshot { name: String },
    /// Remove a workspace: snapshot it, remove its worktree, delete its branch if merged.
    #[command(
        after_help = "Refuses a workspace with uncommitted or unmerged work unless --force;\n\
                      the snapshot keeps that work either way (see `grove restore`).\n\n\
                      Examples:\n  grove rm auth\n  grove rm spike --force"
    )]
    Rm {
        name: String,
        /// Remove even with uncommitted or unmerged work (an unmerged branch is kept).
        #[arg(long, short)]
        force: bool,
    },
    /// Merge a workspace's branch into its base, after a preview and a question.
    Merge(super::merge::MergeArgs),
    /// Bring a removed workspace back from its newest snapshot.
    #[command(
        after_help = "Examples:\n  grove restore auth\n  grove restore auth --list\n  grove restore auth --at 1763900000"
    )]
    Restore {
        name: String,
        /// Use the newest snapshot taken at or before this unix time.
        #[arg(long, value_name = "UNIX_TIME")]
        at: Option<u64>,
        /// List the workspace's snapshots instead of restoring.
        #[arg(long, conflicts_with = "at")]
        list: bool,
        /// With --list: print JSON {"snapshots": [{"time", "commit", "ref"}]}.
        #[arg(long, requires = "list")]
        json: bool,
    },
    /// Push a workspace's branch and open its pull request with gh (or say how).
    #[command(
        after_help = "Pushes grove/NAME to workspace.remote (default origin), then, when gh is\n\
                      installed and signed in, opens a pull request against the workspace's base\n\
                      (or prints the one it already has). Without gh it prints the command to run.\n\n\
                      Examples:\n  grove pr auth\n  grove pr spike --draft"
    )]
    Pr {
        name: String,
        /// Open the pull request as a draft.
        #[arg(long)]
        draft: bool,
    },
    /// Try grove with three scripted demo agents in a throwaway repository (no agent CLI needed).
    #[command(after_help = "Example:\n  grove demo")]
    Demo,
    /// Allow this repository's .grove.yaml to run its setup commands and check (once per version).
    #[command(
        after_help = "Setup commands from a repository's .grove.yaml run in every new worktree, and its\n\
                      check after every commit, so they do not run until you have read the file and\n\
                      trusted it, as with `direnv allow`.\n\
                      Changing the file needs trusting again.\n\nExample:\n  grove trust"
    )]
    Trust,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  grove completions bash > ~/.local/share/bash-completion/completions/grove\n  \
                      grove completions zsh > \"${fpath[1]}/_grove\"\n  grove completions fish > ~/.config/fish/completions/grove.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: super::comforts::Shell,
    },
    /// Print the man page (roff).
    #[command(after_help = "Example:\n  grove man | man -l -")]
    Man,
    /// Check what grove needs: git, the socket directory, inotify, the config, the agent programs.
    #[command(after_help = "Example:\n  grove doctor")]
    Doctor,
    /// Print the effective configuration and where each value came from.
    #[command(
        after_help = "Examples:\n  grove config\n  grove config check\n  grove config check .grove.yaml"
    )]
    Config {
        #[command(subcommand)]
        command: Option<ConfigCommand>,
    },
    /// Run a job file: one workspace and agent per item, each checked and merged into grove/job/NAME.
    #[command(
        after_help = "See docs/jobs.md for the job file.\n\nExamples:\n  grove run job.yaml --dry-run\n  \
                      grove run job.yaml\n  grove run job.yaml --json > summary.json\n  grove run job.yaml --detach"
    )]
    Run(super::job::RunArgs),
    /// A job's runs: resume, status, report, ls.
    #[command(
        after_help = "Examples:\n  grove job status headers\n  grove job resume headers\n  grove job report headers -o report.md\n  grove job ls"
    )]
    Job {
        #[command(subcommand)]
        command: super::job::JobCommand,
    },
    /// The team's tickets in .grove/tickets.yaml: add, list, start an agent on one, import from GitHub.
    #[command(
        after_help = "Examples:\n  grove ticket add 'Rate-limit logins' --label backend\n  grove ticket ls\n  \
                      grove ticket start 3 --agent claude\n  grove ticket import"
    )]
    Ticket {
        #[command(subcommand)]
        command: super::tickets::TicketCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a config file, or every layer in effect when FILE is omitted.
    Check { file: Option<PathBuf> },
    /// Print the configuration reference (every key, its default and meaning) as Markdown.
    Reference,
}
