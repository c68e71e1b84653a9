//! Each query fed through the emulator must produce these exact bytes.

use crate::pane::emulator::Emulator;
use crate::pane::history::HistoryLimits;
use crate::pane::keys::{KittyFlags, ModifyOtherKeys};
use crate::pane::modes::{AlternateScroll, FocusReporting, SyncUpdate};
use crate::pane::shim::{Notification, NotificationSource};
use crate::pane::size::PaneSize;

fn emulator() -> Emulator {
    Emulator::new(PaneSize::new(24, 80), HistoryLimits::new(1000, 1 << 20))
}

fn reply(emulator: &mut Emulator, input: &[u8]) -> String {
    let processed = emulator.process(input);
    String::from_utf8_lossy(&processed.replies).into_owned()
}

fn fresh_reply(input: &[u8]) -> String {
    reply(&mut emulator(), input)
}

#[test]
fn device_attributes() {
    assert_eq!(fresh_reply(b"\x1b[c"), "\x1b[?62;22c");
    assert_eq!(fresh_reply(b"\x1b[0c"), "\x1b[?62;22c");
    assert_eq!(fresh_reply(b"\x1b[>c"), "\x1b[>1;277;0c");
    assert_eq!(fresh_reply(b"\x1b[>0c"), "\x1b[>1;277;0c");
    assert_eq!(fresh_reply(b"\x1b[=c"), "", "DA3 is not answered");
}

#[test]
fn status_and_cursor_position() {
    assert_eq!(fresh_reply(b"\x1b[5n"), "\x1b[0n");
    assert_eq!(fresh_reply(b"\x1b[6n"), "\x1b[1;1R");
    assert_eq!(fresh_reply(b"\x1b[5;10H\x1b[6n"), "\x1b[5;10R");
    assert_eq!(fresh_reply(b"\x1b[5;10H\x1b[?6n"), "\x1b[?5;10;1R");
}

#[test]
fn cursor_position_is_taken_where_the_query_is_in_the_stream() {
    assert_eq!(
        fresh_reply(b"\x1b[2;3H\x1b[6n\x1b[7;8Habc\x1b[6n"),
        "\x1b[2;3R\x1b[7;11R"
    );
}

#[test]
fn cursor_position_with_a_pending_wrap_reports_the_last_column() {
    let mut emulator = emulator();
    emulator.process(b"\x1b[3;1H");
    emulator.process(&[b'x'; 80]);
    assert_eq!(reply(&mut emulator, b"\x1b[6n"), "\x1b[3;80R");
}

#[test]
fn decrqm_reports_vt100_modes() {
    let mut emulator = emulator();
    assert_eq!(reply(&mut emulator, b"\x1b[?1$p"), "\x1b[?1;2$y");
    assert_eq!(reply(&mut emulator, b"\x1b[?1h\x1b[?1$p"), "\x1b[?1;1$y");
    assert_eq!(reply(&mut emulator, b"\x1b[?25$p"), "\x1b[?25;1$y");
    assert_eq!(reply(&mut emulator, b"\x1b[?25l\x1b[?25$p"), "\x1b[?25;2$y");
    assert_eq!(reply(&mut emulator, b"\x1b[?1049$p"), "\x1b[?1049;2$y");
    assert_eq!(
        reply(&mut emulator, b"\x1b[?1049h\x1b[?1049$p"),
        "\x1b[?1049;1$y"
    );
    assert_eq!(reply(&mut emulator, b"\x1b[?47$p"), "\x1b[?47;1$y");
    assert_eq!(
        reply(&mut emulator, b"\x1b[?1002h\x1b[?1002$p"),
        "\x1b[?1002;1$y"
    );
    assert_eq!(reply(&mut emulator, b"\x1b[?1000$p"), "\x1b[?1000;2$y");
    assert_eq!(
        reply(&mut emulator, b"\x1b[?1006h\x1b[?1006$p"),
        "\x1b[?1006;1$y"
    );
    assert_eq!(reply(&mut emulator, b"\x1b[?2004$p"), "\x1b[?2004;2$y");
    // Autowrap and insert mode are the filter's; the shim knows their state.
    assert_eq!(reply(&mut emulator, b"\x1b[?7$p"), "\x1b[?7;1$y");
    assert_eq!(reply(&mut emulator, b"\x1b[?7l\x1b[?7$p"), "\x1b[?7;2$y");
    assert_eq!(reply(&mut emulator, b"\x1b[?7h\x1b[?7$p"), "\x1b[?7;1$y");
    assert_eq!(reply(&mut emulator, b"\x1b[4$p"), "\x1b[4;2$y");
    assert_eq!(reply(&mut emulator, b"\x1b[4h\x1b[4$p"), "\x1b[4;1$y");
    assert_eq!(reply(&mut emulator, b"\x1b[4l\x1b[4$p"), "\x1b[4;2$y");
    assert_eq!(reply(&mut emulator, b"\x1b[20$p"), "\x1b[20;4$y");
}

#[test]
fn decrqm_reports_shim_modes_and_unknowns() {
    let mut emulator = emulator();
    // 2026 must say "reset", not "unknown", or programs never turn it on.
    assert_eq!(reply(&mut emulator, b"\x1b[?2026$p"), "\x1b[?2026;2$y");
    assert_eq!(
        reply(&mut emulator, b"\x1b[?2026h\x1b[?2026$p"),
        "\x1b[?2026;1$y"
    );
    assert_eq!(reply(&mut emulator, b"\x1b[?1004$p"), "\x1b[?1004;2$y");
    assert_eq!(
        reply(&mut emulator, b"\x1b[?1007h\x1b[?1007$p"),
        "\x1b[?1007;1$y"
    );
    assert_eq!(reply(&mut emulator, b"\x1b[?1047$p"), "\x1b[?1047;0$y");
    assert_eq!(reply(&mut emulator, b"\x1b[?31337$p"), "\x1b[?31337;0$y");
    assert_eq!(reply(&mut emulator, b"\x1b[3$p"), "\x1b[3;0$y");
}

#[test]
fn xtversion() {
    let expected = format!("\x1bP>|grove {}\x1b\\", env!("CARGO_PKG_VERSION"));
    assert_eq!(fresh_reply(b"\x1b[>q"), expected);
    assert_eq!(fresh_reply(b"\x1b[>0q"), expected);
}

#[test]
fn osc_colour_queries() {
    assert_eq!(
        fresh_reply(b"\x1b]10;?\x07"),
        "\x1b]10;rgb:e5e5/e5e5/e5e5\x1b\\"
    );
    assert_eq!(
        fresh_reply(b"\x1b]11;?\x1b\\"),
        "\x1b]11;rgb:0000/0000/0000\x1b\\"
    );
    assert_eq!(
        fresh_reply(b"\x1b]10;?;?\x07"),
        "\x1b]10;rgb:e5e5/e5e5/e5e5\x1b\\\x1b]11;rgb:0000/0000/0000\x1b\\"
    );
    assert_eq!(
        fresh_reply(b"\x1b]11;rgb:1/2/3\x07"),
        "",
        "setting is not a query"
    );
}

#[test]
fn kitty_keyboard_stack_per_screen() {
    let mut emulator = emulator();
    assert_eq!(reply(&mut emulator, b"\x1b[?u"), "\x1b[?0u");
    assert_eq!(reply(&mut emulator, b"\x1b[>1u\x1b[?u"), "\x1b[?1u");
    assert_eq!(emulator.input_modes().kitty, KittyFlags(1));
    assert_eq!(reply(&mut emulator, b"\x1b[=4;2u\x1b[?u"), "\x1b[?5u");
    // The alternate screen starts with its own, empty stack.
    assert_eq!(reply(&mut emulator, b"\x1b[?1049h\x1b[?u"), "\x1b[?0u");
    emulator.process(b"\x1b[>11u");
    assert_eq!(emulator.input_modes().kitty, KittyFlags(11));
    assert_eq!(reply(&mut emulator, b"\x1b[<u\x1b[?u"), "\x1b[?0u");
    assert_eq!(reply(&mut emulator, b"\x1b[?1049l\x1b[?u"), "\x1b[?5u");
    assert_eq!(reply(&mut emulator, b"\x1b[<5u\x1b[?u"), "\x1b[?0u");
}

#[test]
fn kitty_sequences_are_not_taken_for_cursor_restore() {
    let mut emulator = emulator();
    emulator.process(b"\x1b[3;3H\x1b[s\x1b[10;10H\x1b[>1u\x1b[<u");
    assert_eq!(emulator.screen().cursor_position(), (9, 9));
    emulator.process(b"\x1b[u");
    assert_eq!(emulator.screen().cursor_position(), (2, 2));
}

#[test]
fn modify_other_keys() {
    let mut emulator = emulator();
    assert_eq!(
        emulator.input_modes().modify_other_keys,
        ModifyOtherKeys::Off
    );
    emulator.process(b"\x1b[>4;2m");
    assert_eq!(
        emulator.input_modes().modify_other_keys,
        ModifyOtherKeys::Level2
    );
    assert_eq!(reply(&mut emulator, b"\x1b[?4m"), "\x1b[>4;2m");
    emulator.process(b"\x1b[>4;1m");
    assert_eq!(
        emulator.input_modes().modify_other_keys,
        ModifyOtherKeys::Level1
    );
    emulator.process(b"\x1b[>4m");
    assert_eq!(
        emulator.input_modes().modify_other_keys,
        ModifyOtherKeys::Off
    );
    // SGR without the `>` is still drawing, not a key mode.
    emulator.process(b"\x1b[4;2mx");
    assert_eq!(
        emulator.input_modes().modify_other_keys,
        ModifyOtherKeys::Off
    );
}

#[test]
fn mode_tracking_survives_mixed_parameter_lists() {
    let mut emulator = emulator();
    // vt100 reports each unknown parameter separately with the whole list.
    emulator.process(b"\x1b[?1;1004;2004;2026;1007h");
    let modes = emulator.modes();
    assert_eq!(modes.focus, FocusReporting::On);
    assert_eq!(modes.sync, SyncUpdate::On);
    assert_eq!(modes.alternate_scroll, AlternateScroll::On);
    assert!(emulator.screen().application_cursor());
    assert!(emulator.screen().bracketed_paste());
    emulator.process(b"\x1b[?1004;2026l");
    let modes = emulator.modes();
    assert_eq!(modes.focus, FocusReporting::Off);
    assert_eq!(modes.sync, SyncUpdate::Off);
    assert_eq!(modes.alternate_scroll, AlternateScroll::On);
}

#[test]
fn bells_titles_and_notifications() {
    let mut emulator = emulator();
    emulator.process(b"a\x07b\x07\x1b]0;my title\x07");
    assert_eq!(emulator.bells(), 2, "a BEL that ends an OSC is not a bell");
    assert_eq!(emulator.title(), "my title");
    emulator.process(b"\x1b]9;build done; all green\x1b\\\x1b]9;4;1;50\x07");
    emulator.process(b"\x1b]777;notify;Codex;needs input\x07");
    assert_eq!(
        emulator.take_notifications(),
        vec![
            Notification {
                source: NotificationSource::Osc9,
                title: String::new(),
                body: "build done; all green".into(),
            },
            Notification {
                source: NotificationSource::Osc777,
                title: "Codex".into(),
                body: "needs input".into(),
            },
        ]
    );
    assert!(emulator.take_notifications().is_empty());
}

#[test]
fn notifications_are_bounded() {
    let mut emulator = emulator();
    for n in 0..100 {
        emulator.process(format!("\x1b]9;note {n}\x07").as_bytes());
    }
    let notes = emulator.take_notifications();
    assert_eq!(notes.len(), 32);
    assert_eq!(notes.last().map(|n| n.body.as_str()), Some("note 99"));
}

#[test]
fn queries_split_across_reads_are_answered_once() {
    let mut emulator = emulator();
    let mut replies = String::new();
    for chunk in [&b"\x1b"[..], b"[", b"6", b"n", b"\x1b[?20", b"26$p"] {
        replies.push_str(&reply(&mut emulator, chunk));
    }
    assert_eq!(replies, "\x1b[1;1R\x1b[?2026;2$y");
}
