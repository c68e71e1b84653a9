//! What the emulator's answers and screen must look like whatever it was
//! fed: the grammar of every reply the query shim gives (with cursor
//! reports inside the screen), the screen's invariants, drawing it at odd
//! sizes, and feeding it in pieces while checking vt100 did not panic.

use grove::pane::{Emulator, MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS, PaneSize, ParserHealth};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use regex::bytes::Regex;

/// The shape of every reply the shim can give, anchored at the start.
pub fn reply_grammar() -> Regex {
    Regex::new(concat!(
        r"^(?-u:",
        r"(?P<da1>\x1b\[\?62;22c)",
        r"|(?P<da2>\x1b\[>1;277;0c)",
        r"|(?P<ok>\x1b\[0n)",
        r"|(?P<cpr>\x1b\[(?P<cpr_row>[0-9]+);(?P<cpr_col>[0-9]+)R)",
        r"|(?P<xcpr>\x1b\[\?(?P<x_row>[0-9]+);(?P<x_col>[0-9]+);1R)",
        r"|(?P<private>\x1b\[\?(?P<p_mode>[0-9]+);[0-4]\$y)",
        r"|(?P<ansi>\x1b\[(?P<a_mode>[0-9]+);[0-4]\$y)",
        r"|(?P<version>\x1bP>\|grove [0-9]+\.[0-9]+\.[0-9]+\x1b\\)",
        r"|(?P<kitty>\x1b\[\?(?P<flags>[0-9]+)u)",
        r"|(?P<mok>\x1b\[>4;[0-2]m)",
        r"|(?P<colour>\x1b\](?P<which>1[0-2]);rgb:[0-9a-f]{4}/[0-9a-f]{4}/[0-9a-f]{4}\x1b\\)",
        r")"
    ))
    .unwrap()
}

/// One parsed reply: its kind and the number the checks care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Da1,
    Da2,
    Ok,
    Cpr,
    ExtendedCpr,
    PrivateMode(u32),
    AnsiMode(u32),
    Version,
    Kitty,
    ModifyOtherKeys,
    Colour(u32),
}

pub fn num(captures: &regex::bytes::Captures<'_>, name: &str) -> u32 {
    let text = std::str::from_utf8(&captures[name]).unwrap();
    text.parse()
        .unwrap_or_else(|_| panic!("{name} {text:?} is not a u32"))
}

/// Splits `replies` into answers, failing on anything that is not one,
/// and checks what each says against the screen they were made on.
pub fn parse_replies(grammar: &Regex, replies: &[u8], size: PaneSize) -> Vec<Reply> {
    let mut rest = replies;
    let mut parsed = Vec::new();
    while !rest.is_empty() {
        let Some(c) = grammar.captures(rest) else {
            panic!(
                "malformed reply at {:?} (all replies {:?})",
                String::from_utf8_lossy(rest),
                String::from_utf8_lossy(replies)
            );
        };
        let within = |row: u32, col: u32| {
            assert!(
                (1..=u32::from(size.rows)).contains(&row)
                    && (1..=u32::from(size.cols)).contains(&col),
                "cursor report {row};{col} outside a {size} screen"
            );
        };
        let reply = if c.name("da1").is_some() {
            Reply::Da1
        } else if c.name("da2").is_some() {
            Reply::Da2
        } else if c.name("ok").is_some() {
            Reply::Ok
        } else if c.name("cpr").is_some() {
            within(num(&c, "cpr_row"), num(&c, "cpr_col"));
            Reply::Cpr
        } else if c.name("xcpr").is_some() {
            within(num(&c, "x_row"), num(&c, "x_col"));
            Reply::ExtendedCpr
        } else if c.name("private").is_some() {
            Reply::PrivateMode(num(&c, "p_mode"))
        } else if c.name("ansi").is_some() {
            Reply::AnsiMode(num(&c, "a_mode"))
        } else if c.name("version").is_some() {
            Reply::Version
        } else if c.name("kitty").is_some() {
            let flags = num(&c, "flags");
            assert!(
                flags <= 31,
                "kitty flags {flags} beyond the five defined bits"
            );
            Reply::Kitty
        } else if c.name("mok").is_some() {
            Reply::ModifyOtherKeys
        } else {
            Reply::Colour(num(&c, "which"))
        };
        parsed.push(reply);
        rest = &rest[c.get(0).unwrap().end()..];
    }
    parsed
}

/// What must hold of an emulator whatever it was fed.
pub fn check_invariants(emulator: &mut Emulator, size: PaneSize) {
    assert_eq!(emulator.size(), size);
    let screen = emulator.screen();
    let (rows, cols) = screen.size();
    assert_eq!((rows.get(), cols.get()), (size.rows, size.cols));
    let (row, col) = screen.cursor_position();
    assert!(row < size.rows, "cursor row {row} on a {size} screen");
    assert!(col <= size.cols, "cursor column {col} on a {size} screen");
    assert_eq!(screen.rows(0, size.cols).count(), usize::from(size.rows));
    let _ = screen.contents();
    let _ = screen.contents_formatted();
    let _ = screen
        .cell(row, col.min(size.cols - 1))
        .map(|c| c.contents().len());
    // Draw the screen as the dashboard would, into areas smaller and
    // larger than it, so every wide glyph meets an edge somewhere.
    for (width, height) in [
        (size.cols, size.rows),
        (size.cols / 2 + 1, 3),
        (size.cols + 3, 1),
    ] {
        let area = Rect::new(1, 1, width.min(250), height.min(250));
        let mut buf = Buffer::empty(Rect::new(0, 0, area.width + 2, area.height + 2));
        grove::ui::draw_screen(screen, area, &mut buf);
    }
    assert!(
        emulator.title().len() <= 1024,
        "title of {} bytes",
        emulator.title().len()
    );
    assert!(emulator.input_modes().kitty.0 <= 31);
    let notifications = emulator.take_notifications();
    assert!(notifications.len() <= 32);
    for n in notifications {
        assert!(n.title.len() <= 1024 && n.body.len() <= 1024);
    }
}

/// Feeds `bytes` split at `cuts` (taken modulo the length), returning the
/// replies; fails if vt100 panicked.
pub fn feed(emulator: &mut Emulator, bytes: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    let mut replies = Vec::new();
    for pair in points.windows(2) {
        let processed = emulator.process(&bytes[pair[0]..pair[1]]);
        assert_eq!(
            processed.parser,
            ParserHealth::Intact,
            "vt100 panicked on {:?}",
            String::from_utf8_lossy(bytes)
        );
        replies.extend(processed.replies);
    }
    // Replies go back to the program through a bounded queue; they must not
    // outgrow what asked for them (`OSC 10;?;?…` is the most generous: 26
    // bytes of answer for every 2 bytes of question).
    assert!(
        replies.len() <= 16 * bytes.len() + 32,
        "{} bytes of replies to {} bytes of output",
        replies.len(),
        bytes.len()
    );
    replies
}

pub fn clamp(rows: u16, cols: u16) -> PaneSize {
    PaneSize::new(
        rows.clamp(MIN_ROWS, MAX_ROWS),
        cols.clamp(MIN_COLS, MAX_COLS),
    )
}
