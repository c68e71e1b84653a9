//! Programs that ask the terminal questions get answers from the pane itself,
//! with no client attached.

mod support;

use std::io::Write;

use grove::pane::PaneSpec;
use support::pane::{sh, spawn, tempdir, wait_for_exit, wait_for_text};

/// The probe's child process is this test binary re-run with this variable set.
const PROBE_ENV: &str = "GROVE_TEST_CPR_PROBE";

#[test]
fn a_shell_script_reads_the_cursor_position_reply() {
    let dir = tempdir();
    // Raw mode with a 2 s read timeout (`time 20`), so a missing reply shows
    // up as an empty REPLY instead of a hang. The reply `ESC[3;7R` is six bytes.
    let script = r#"
        printf '\033[2J\033[3;7H'
        stty raw -echo min 0 time 20
        printf '\033[6n'
        reply=$(dd bs=1 count=6 2>/dev/null)
        stty sane
        printf '\r\nREPLY=%s END\n' "$(printf '%s' "$reply" | tr '\033' 'E')"
    "#;
    let pane = spawn(sh(script, dir.path()));
    let screen = wait_for_text(&pane, " END");
    assert!(screen.contains("REPLY=E[3;7R END"), "{screen}");
}

/// Not a test on its own: run inside a pane by `crossterm_gets_the_cursor_position`.
#[test]
fn cpr_probe() {
    if std::env::var_os(PROBE_ENV).is_none() {
        return;
    }
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\x1b[2J\x1b[5;10H");
    let _ = out.flush();
    let line = match crossterm::cursor::position() {
        Ok((col, row)) => format!("\r\nPOSITION col={col} row={row} END\r\n"),
        Err(error) => format!("\r\nPOSITION error={error} END\r\n"),
    };
    let _ = out.write_all(line.as_bytes());
    let _ = out.flush();
}

#[test]
fn crossterm_gets_the_cursor_position() {
    let dir = tempdir();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut spec = PaneSpec::new(
        [
            exe.into_os_string(),
            "--exact".into(),
            "cpr_probe".into(),
            "--nocapture".into(),
            "--test-threads=1".into(),
        ],
        dir.path(),
    );
    spec.env.insert(PROBE_ENV.into(), "1".into());
    let pane = spawn(spec);
    let screen = wait_for_text(&pane, " END");
    // crossterm reports 0-based (column, row); the probe moved to row 5, col 10.
    assert!(screen.contains("POSITION col=9 row=4 END"), "{screen}");
    wait_for_exit(&pane);
}

#[test]
fn device_attributes_and_mode_queries_are_answered_to_a_script() {
    let dir = tempdir();
    // DA1 then DECRQM 2026: 9 + 11 reply bytes.
    let script = r#"
        stty raw -echo min 0 time 20
        printf '\033[c\033[?2026$p'
        reply=$(dd bs=1 count=20 2>/dev/null)
        stty sane
        printf '\r\nREPLY=%s END\n' "$(printf '%s' "$reply" | tr '\033' 'E')"
    "#;
    let pane = spawn(sh(script, dir.path()));
    let screen = wait_for_text(&pane, " END");
    assert!(
        screen.contains("REPLY=E[?62;22cE[?2026;2$y END"),
        "{screen}"
    );
}
