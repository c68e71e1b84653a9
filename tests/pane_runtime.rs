//! A pane started inside a tokio runtime, as the server starts them: the
//! runtime reads small output itself and hands floods to the pane's thread
//! and back (`pane/handover.rs`). Whoever reads, every byte must be parsed,
//! once and in order, and the end of output must be told.

mod support;

use grove::pane::{LineForm, Pane, ProcessExit};
use support::pane::{runtime, sh, spawn, tempdir, wait_for_exit, wait_for_text, wait_until};

/// Every line the pane printed: its history, then its screen.
fn all_lines(pane: &Pane) -> Vec<String> {
    let mut lines = pane
        .with_emulator(|emulator| emulator.history_lines(emulator.history_len(), LineForm::Plain));
    lines.extend(pane.contents().lines().map(str::to_owned));
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[test]
fn output_in_floods_pauses_and_echoes_is_parsed_whole_and_in_order() {
    let runtime = runtime();
    let _inside = runtime.enter();
    let dir = tempdir();
    // Floods (thousands of lines at once, read in 4 KB bites), small writes
    // right after them and after a pause longer than the flood thread waits,
    // so the descriptor goes to the thread and back several times.
    let script = "printf 'start\\n'; \
         for round in 1 2 3; do \
           seq -f \"flood-$round-%g\" 1 2000; \
           printf 'right-after-%s\\n' $round; \
           sleep 0.2; \
           printf 'after-a-pause-%s\\n' $round; \
           sleep 0.1; \
         done; \
         echo END";
    let pane = spawn(sh(script, dir.path()));
    let output = pane.output_changes();
    wait_for_text(&pane, "END");
    assert_eq!(wait_for_exit(&pane), ProcessExit::Code { code: 0 });
    wait_until("the end of output to be told", || {
        output.has_changed().is_err()
    });

    let mut expected = vec!["start".to_owned()];
    for round in 1..=3 {
        expected.extend((1..=2000).map(|line| format!("flood-{round}-{line}")));
        expected.push(format!("right-after-{round}"));
        expected.push(format!("after-a-pause-{round}"));
    }
    expected.push("END".to_owned());
    let lines = all_lines(&pane);
    let first_difference = lines
        .iter()
        .zip(&expected)
        .position(|(got, want)| got != want);
    assert!(
        lines.len() == expected.len() && first_difference.is_none(),
        "{} lines, {} expected; first difference at {first_difference:?}: {:?}",
        lines.len(),
        expected.len(),
        first_difference.map(|at| (&lines[at], &expected[at])),
    );
}

#[test]
fn queries_are_answered_on_the_runtime_too() {
    let runtime = runtime();
    let _inside = runtime.enter();
    let dir = tempdir();
    // Asks for the cursor position (a small read the runtime parses), and
    // prints the answer it reads back.
    let script = "stty raw -echo; printf 'ab\\033[6n'; \
         reply=$(dd bs=1 count=6 2>/dev/null | od -An -c | tr -d ' \\n'); \
         stty sane; printf '\\ngot %s\\n' \"$reply\"";
    let pane = spawn(sh(script, dir.path()));
    let screen = wait_for_text(&pane, "got ");
    assert!(screen.contains("got 033[1;3R"), "{screen}");
}
