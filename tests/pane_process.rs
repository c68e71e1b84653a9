//! Real programs in real PTYs: output, working directory, environment, input,
//! resize and exit.

mod support;

use std::time::Duration;

use grove::pane::{Pane, PaneError, PaneSize, PaneSpec, ProcessExit, WriteError};
use support::pane::{
    sh, spawn, tempdir, wait_for_exit, wait_for_screen, wait_for_text, wait_until,
};

#[test]
fn shell_output_reaches_the_screen() {
    let dir = tempdir();
    let pane = spawn(sh(
        "printf 'first line\\nsecond line\\n'; exit 0",
        dir.path(),
    ));
    let screen = wait_for_text(&pane, "second line");
    assert!(screen.starts_with("first line\nsecond line"), "{screen}");
    assert_eq!(wait_for_exit(&pane), ProcessExit::Code { code: 0 });
}

#[test]
fn runs_in_the_requested_directory() {
    let dir = tempdir();
    let canonical = dir.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
    let pane = spawn(sh("echo \"cwd=$(pwd -P) pwd=$PWD\"", dir.path()));
    wait_for_text(
        &pane,
        &format!("cwd={} pwd={}", canonical.display(), dir.path().display()),
    );
}

#[test]
fn a_missing_directory_is_refused_by_name() {
    let dir = tempdir();
    let missing = dir.path().join("no-such-worktree");
    match Pane::spawn(PaneSpec::new(["true"], &missing)) {
        Err(PaneError::MissingCwd { path }) => assert_eq!(path, missing),
        other => panic!("expected MissingCwd, got {other:?}"),
    }
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap_or_else(|e| panic!("{e}"));
    let error = Pane::spawn(PaneSpec::new(["true"], &file));
    match &error {
        Err(PaneError::CwdNotADirectory { path }) => assert_eq!(path, &file),
        other => panic!("expected CwdNotADirectory, got {other:?}"),
    }
    let message = error.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains(&file.display().to_string()), "{message}");
}

#[test]
fn an_unknown_program_is_named_in_the_error() {
    let dir = tempdir();
    match Pane::spawn(PaneSpec::new(["grove-no-such-program"], dir.path())) {
        Err(error @ PaneError::Spawn { .. }) => {
            assert!(
                error.to_string().contains("grove-no-such-program"),
                "{error}"
            );
        }
        other => panic!("expected Spawn, got {other:?}"),
    }
    assert!(matches!(
        Pane::spawn(PaneSpec::new(Vec::<String>::new(), dir.path())),
        Err(PaneError::EmptyCommand)
    ));
}

#[test]
fn the_environment_is_set_for_grove() {
    let dir = tempdir();
    let mut spec = sh(
        "echo \"T=$TERM C=$COLORTERM P=$TERM_PROGRAM X=$GROVE_EXTRA M=${TMUX-unset} L=${LINES-unset}\"",
        dir.path(),
    );
    spec.env.insert("GROVE_EXTRA".into(), "yes".into());
    let pane = spawn(spec);
    wait_for_text(
        &pane,
        "T=xterm-256color C=truecolor P=grove X=yes M=unset L=unset",
    );
}

#[test]
fn exit_codes_are_recorded() {
    let dir = tempdir();
    let pane = spawn(sh("exit 7", dir.path()));
    assert_eq!(wait_for_exit(&pane), ProcessExit::Code { code: 7 });
    // Killing a pane that already ended reports the same status and reaps it.
    assert_eq!(pane.kill().ok(), Some(ProcessExit::Code { code: 7 }));
    assert_eq!(support::pane::proc_state(pane.pid()), None);
}

#[test]
fn a_line_written_to_cat_is_echoed() {
    let dir = tempdir();
    let pane = spawn(PaneSpec::new(["cat"], dir.path()));
    assert_eq!(pane.write(b"hello grove\r"), Ok(()));
    // Once echoed by the terminal, once printed by cat.
    wait_for_screen(&pane, "the line twice", |s| {
        s.matches("hello grove").count() == 2
    });
    assert_eq!(pane.write(&[0x04]), Ok(()), "^D ends cat");
    assert_eq!(wait_for_exit(&pane), ProcessExit::Code { code: 0 });
}

#[test]
fn writes_report_full_when_the_program_does_not_read() {
    let dir = tempdir();
    let mut spec = sh("stty raw -echo; echo READY; exec sleep 60", dir.path());
    spec.kill_grace = Duration::from_millis(200);
    let pane = spawn(spec);
    wait_for_text(&pane, "READY");
    let chunk = vec![b'x'; 64 * 1024];
    // The PTY buffers some kilobytes, the queue a megabyte; a few hundred
    // chunks are far more than both.
    let outcome = (0..1000)
        .map(|_| pane.write(&chunk))
        .find(|result| result.is_err());
    assert_eq!(outcome, Some(Err(WriteError::Full)));
    assert_eq!(
        pane.kill().ok(),
        Some(ProcessExit::Signal { signal: 1 }),
        "sleep dies of SIGHUP"
    );
}

#[test]
fn input_that_overflows_the_pty_arrives_whole_and_in_order() {
    let dir = tempdir();
    let out = dir.path().join("got");
    // Writes come faster than cat reads, so some fill the PTY and queue
    // while others find room again.
    let script = format!("stty raw -echo; echo READY; exec cat > {}", out.display());
    let pane = spawn(sh(&script, dir.path()));
    wait_for_text(&pane, "READY");
    let mut expected = Vec::new();
    for round in 0..40u8 {
        let big: Vec<u8> = (0..20_000u32)
            .map(|i| b'a' + ((i % 26) as u8 + round) % 26)
            .collect();
        let small = format!("<{round}>");
        for bytes in [big.as_slice(), small.as_bytes()] {
            assert_eq!(pane.write(bytes), Ok(()));
            expected.extend_from_slice(bytes);
        }
    }
    wait_until("every byte to reach the program", || {
        std::fs::metadata(&out).map_or(0, |m| m.len()) >= expected.len() as u64
    });
    let got = std::fs::read(&out).unwrap();
    let first_difference = got.iter().zip(&expected).position(|(a, b)| a != b);
    assert_eq!(
        (got.len(), first_difference),
        (expected.len(), None),
        "bytes lost, added or reordered"
    );
}

#[test]
fn resize_reaches_the_program_and_is_clamped() {
    let dir = tempdir();
    let pane = spawn(sh(
        "while IFS= read -r line; do s=$(stty size); echo \"$s\" > size.txt; echo \"size=$s\"; done",
        dir.path(),
    ));
    assert_eq!(pane.write(b"\r"), Ok(()));
    wait_for_text(&pane, "size=24 80");
    assert_eq!(
        pane.resize(PaneSize::new(30, 100)).ok(),
        Some(PaneSize::new(30, 100))
    );
    let (rows, cols) = pane.with_screen(|s| s.size());
    assert_eq!((rows.get(), cols.get()), (30, 100));
    assert_eq!(pane.write(b"\r"), Ok(()));
    wait_for_text(&pane, "size=30 100");
    assert_eq!(
        pane.resize(PaneSize::new(1, 0)).ok(),
        Some(PaneSize::new(2, 2))
    );
    assert_eq!(pane.write(b"\r"), Ok(()));
    let size_file = dir.path().join("size.txt");
    support::pane::wait_until("the program to see a 2x2 terminal", || {
        std::fs::read_to_string(&size_file).is_ok_and(|s| s.trim() == "2 2")
    });
}
