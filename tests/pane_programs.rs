//! Full-screen programs in a pane: vim and less, when installed (Debian
//! packages `vim` and `less`; skipped with a note otherwise).

mod support;

use grove::pane::{PaneSpec, ProcessExit};
use support::pane::{
    installed, note, spawn, tempdir, wait_for_exit, wait_for_screen, wait_for_text,
};

fn file_with_text(dir: &std::path::Path) -> std::path::PathBuf {
    support::pane::write_file(dir, "notes.txt", "hello from grove\nsecond line\n")
}

#[test]
fn vim_opens_a_file_and_quits() {
    let Some(vim) = installed("vim") else {
        note("vim is not installed; skipping vim_opens_a_file_and_quits");
        return;
    };
    let dir = tempdir();
    let file = file_with_text(dir.path());
    // No vimrc, no viminfo, no swap file: the same screen on every machine.
    let pane = spawn(PaneSpec::new(
        [
            vim.into_os_string(),
            "-u".into(),
            "NONE".into(),
            "-i".into(),
            "NONE".into(),
            "-N".into(),
            "-n".into(),
            file.into_os_string(),
        ],
        dir.path(),
    ));
    let screen = wait_for_screen(&pane, "the file and vim's ~ lines", |s| {
        s.starts_with("hello from grove\nsecond line\n") && s.lines().any(|l| l.trim_end() == "~")
    });
    assert!(pane.with_screen(|s| s.alternate_screen()), "{screen}");
    assert_eq!(pane.write(b":q\r"), Ok(()));
    assert_eq!(wait_for_exit(&pane), ProcessExit::Code { code: 0 });
}

#[test]
fn less_shows_a_file_and_quits() {
    let Some(less) = installed("less") else {
        note("less is not installed; skipping less_shows_a_file_and_quits");
        return;
    };
    let dir = tempdir();
    let file = file_with_text(dir.path());
    let mut spec = PaneSpec::new([less.into_os_string(), file.into_os_string()], dir.path());
    // The user's LESS options (-F quits at once on a short file) stay out.
    spec.env.insert("LESS".into(), "".into());
    let pane = spawn(spec);
    wait_for_text(&pane, "hello from grove");
    wait_for_text(&pane, "(END)");
    assert_eq!(pane.write(b"q"), Ok(()));
    assert_eq!(wait_for_exit(&pane), ProcessExit::Code { code: 0 });
}
