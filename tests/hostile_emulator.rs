//! Hostile program output against the pane emulator (vt100 behind grove's
//! filter) and its query shim: every escape family with huge, many and
//! malformed parameters, unterminated and giant strings, 8-bit C1 controls,
//! invalid UTF-8 and wide characters at the margins, fed in arbitrary chunks
//! at sizes from below the minimum to the maximum with resizes in between.
//!
//! What must hold: vt100 never panics (the emulator would survive it, but it
//! loses the screen), the screen stays consistent with the size, everything
//! the shim keeps is bounded, every reply is a complete, well-formed answer
//! (a cursor report inside the screen), every query gets exactly one answer
//! in order, and no amount of output grows memory without bound.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;

use grove::pane::{Emulator, MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS, PaneSize, ParserHealth};
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use regex::bytes::Regex;

const ESC: &str = "\x1b";

// ------------------------------------------------------------ strategies

/// A CSI parameter as a program might write it: small, at the edges of u16,
/// far past them, empty, or with a sign (which is an intermediate byte).
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u32..10).prop_map(|n| n.to_string()),
        2 => any::<u16>().prop_map(|n| n.to_string()),
        1 => Just("65535".to_owned()),
        1 => Just("65536".to_owned()),
        1 => Just("4294967296".to_owned()),
        1 => Just("9".repeat(40)),
        1 => Just(String::new()),
        1 => Just("-1".to_owned()),
        1 => Just("0".repeat(30)),
    ]
}

/// `CSI [private] params [intermediates] final`, with 7-bit or 8-bit CSI,
/// up to hundreds of parameters separated by `;` or `:`.
fn csi() -> impl Strategy<Value = Vec<u8>> {
    let params = prop_oneof![
        8 => prop::collection::vec((number(), prop::bool::ANY), 0..6),
        2 => prop::collection::vec((number(), prop::bool::ANY), 6..40),
        1 => prop::collection::vec((number(), prop::bool::ANY), 200..400),
    ];
    (
        prop::sample::select(vec!["", "", "?", ">", "<", "=", "!"]),
        params,
        prop::sample::select(vec!["", "", "", " ", "$", "\"", "'", "!", "$ ", "%%"]),
        0x40u8..=0x7e,
        prop::bool::weighted(0.1),
    )
        .prop_map(|(private, params, intermediates, last, eight_bit)| {
            let mut out: Vec<u8> = if eight_bit {
                vec![0x9b]
            } else {
                b"\x1b[".to_vec()
            };
            out.extend_from_slice(private.as_bytes());
            for (i, (param, colon)) in params.iter().enumerate() {
                if i > 0 {
                    out.push(if *colon { b':' } else { b';' });
                }
                out.extend_from_slice(param.as_bytes());
            }
            out.extend_from_slice(intermediates.as_bytes());
            out.push(last);
            out
        })
}

/// The payload of a string sequence: the ones the shim reads, random bytes,
/// or something giant.
fn string_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "0;a title", "2;", "1;icon", "9;notify me", "9;4;1;50", "777;notify;T;body;more",
            "777;notify", "10;?", "11;?;?;?", "12;?", "10;?;?;?;?;?;?;?;?;?;?;?;?;?;?;?;?;?;?",
            "52;c;aGVsbG8=", "8;;http://example.com", "4;1;?", "104", "$q m", "+q544e",
            "1$r0m", "=1s", "G", "",
        ]).prop_map(|s| s.as_bytes().to_vec()),
        3 => prop::collection::vec(any::<u8>(), 0..64),
        1 => (1_000usize..100_000).prop_map(|n| "A;".repeat(n / 2).into_bytes()),
        1 => (1_000usize..50_000).prop_map(|n| "é".repeat(n).into_bytes()),
    ]
}

/// OSC, DCS, APC, PM and SOS (7-bit and 8-bit introducers), terminated
/// by BEL, ST (both spellings), CAN or SUB, or left open.
fn string_sequence() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(vec![
            &b"\x1b]"[..],
            b"\x1bP",
            b"\x1b_",
            b"\x1b^",
            b"\x1bX",
            b"\x9d",
            b"\x90",
            b"\x9f",
            b"\x9e",
            b"\x98",
        ]),
        string_body(),
        prop::sample::select(vec![
            &b"\x07"[..],
            b"\x1b\\",
            b"\x9c",
            b"",
            b"\x18",
            b"\x1a",
            b"\x1b",
        ]),
    )
        .prop_map(|(start, body, end)| [start, &body, end].concat())
}

/// Text, including what sits awkwardly on a grid: wide glyphs, combining
/// marks, emoji sequences, wide glyphs written at the last column.
fn text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => "[ -~]{0,40}".prop_map(String::into_bytes),
        3 => prop::collection::vec(
            prop::sample::select(vec![
                "中", "😀", "é", "\u{301}", "\u{200d}", "❤", "\u{fe0f}", "ｱ", "👨‍👩‍👧",
                "🇫🇷", "\u{0}", "\t", "\r", "\n", "\x08", "x", " ", "\u{ad}", "\u{1160}",
            ]),
            0..30,
        )
        .prop_map(|parts| parts.concat().into_bytes()),
        2 => (any::<u16>(), prop::sample::select(vec!["中", "😀", "❤\u{fe0f}", "\u{301}", "ab"]))
            .prop_map(|(col, glyph)| format!("{ESC}[{col}G{glyph}{glyph}").into_bytes()),
        1 => (any::<u16>(), any::<u16>(), prop::sample::select(vec!["中", "👨‍👩‍👧", "\u{301}"]))
            .prop_map(|(row, col, glyph)| format!("{ESC}[{row};{col}H{glyph}").into_bytes()),
    ]
}

/// Bytes that are not UTF-8: stray continuations, overlong forms, encoded
/// surrogates, code points past U+10FFFF, sequences cut short.
fn invalid_utf8() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        &b"\xff"[..],
        b"\xfe\xfe",
        b"\x80",
        b"\xbf\xbf",
        b"\xc0\x80",
        b"\xc1\xbf",
        b"\xe0\x80\x80",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xf8\x88\x80\x80\x80",
        b"\xe4\xb8",
        b"\xf0\x9f\x98",
        b"\xc3",
    ])
    .prop_map(<[u8]>::to_vec)
}

/// The escapes that change how everything after them is drawn: modes,
/// scroll regions, character sets, saves and restores, resets.
fn control() -> impl Strategy<Value = Vec<u8>> {
    let modes = prop::sample::select(vec![
        1u32, 3, 5, 6, 7, 9, 25, 47, 66, 69, 1000, 1002, 1003, 1004, 1005, 1006, 1007, 1015, 1047,
        1048, 1049, 2004, 2026,
    ]);
    prop_oneof![
        (modes, prop::bool::ANY, prop::bool::ANY).prop_map(|(mode, set, private)| {
            let q = if private { "?" } else { "" };
            let end = if set { 'h' } else { 'l' };
            format!("{ESC}[{q}{mode}{end}").into_bytes()
        }),
        (any::<u16>(), any::<u16>()).prop_map(|(t, b)| format!("{ESC}[{t};{b}r").into_bytes()),
        (any::<u16>(), any::<u16>()).prop_map(|(l, r)| format!("{ESC}[{l};{r}s").into_bytes()),
        prop::sample::select(vec![
            "\x1b(0",
            "\x1b)0",
            "\x1b(B",
            "\x0e",
            "\x0f",
            "\x1b7",
            "\x1b8",
            "\x1b[s",
            "\x1b[u",
            "\x1bD",
            "\x1bE",
            "\x1bM",
            "\x1bc",
            "\x1b#8",
            "\x1bH",
            "\x1b[3g",
            "\x1b=",
            "\x1b>",
            "\x1b[4h",
            "\x1b[4l",
            "\x1b[2J",
            "\x1b[3J",
            "\x1b[?1049h\x1b[2J",
            "\x1b[!p",
            "\x1b[>1u",
            "\x1b[>31u",
            "\x1b[<u",
            "\x1b[<65535u",
            "\x1b[=31;2u",
            "\x1b[>4;2m",
            "\x1b[?2026h",
            "\x1b[?2026l",
            "\x07",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        (
            prop::sample::select(vec![
                '@', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'J', 'K', 'L', 'M', 'P', 'S', 'T', 'X',
                'Z', 'b', 'd', 'e', 'a', '`', 'I'
            ]),
            any::<u16>(),
        )
            .prop_map(|(last, n)| format!("{ESC}[{n}{last}").into_bytes()),
        (0x20u8..0x7f).prop_map(|b| vec![0x1b, b]),
        (0x80u8..0xa0).prop_map(|b| vec![b]),
    ]
}

/// A query the shim answers.
fn query() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            "\x1b[c",
            "\x1b[0c",
            "\x1b[>c",
            "\x1b[>0c",
            "\x1b[5n",
            "\x1b[6n",
            "\x1b[?6n",
            "\x1b[>q",
            "\x1b[>0q",
            "\x1b[?u",
            "\x1b[?4m",
            "\x1b]10;?\x07",
            "\x1b]11;?\x1b\\",
            "\x1b]12;?\x07",
            "\x1b]10;?;?;?\x07",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        (number(), prop::bool::ANY).prop_map(|(mode, private)| {
            let q = if private { "?" } else { "" };
            format!("{ESC}[{q}{mode}$p").into_bytes()
        }),
    ]
}

/// One chunk of hostile output.
fn chunk() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => text(),
        3 => csi(),
        2 => string_sequence(),
        2 => control(),
        2 => query(),
        1 => invalid_utf8(),
        1 => prop::collection::vec(any::<u8>(), 0..200),
    ]
}

/// Sizes from nothing to past the maximum, mostly small.
fn dimension() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => 0u16..4,
        4 => 4u16..120,
        1 => 120u16..1100,
        1 => Just(1000u16),
        1 => Just(u16::MAX),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    /// Output, delivered in pieces split at the given points.
    Feed {
        bytes: Vec<u8>,
        cuts: Vec<usize>,
    },
    Resize {
        rows: u16,
        cols: u16,
    },
    /// Scroll mode moves the view into the scrollback.
    Scrollback(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (
            prop::collection::vec(chunk(), 1..8),
            prop::collection::vec(any::<usize>(), 0..4),
        )
            .prop_map(|(chunks, cuts)| Op::Feed { bytes: chunks.concat(), cuts }),
        // Large sizes are slow in a debug build; they are rare, and the
        // property below that resizes through them runs few cases.
        2 => (0u16..200, 0u16..300).prop_map(|(rows, cols)| Op::Resize { rows, cols }),
        1 => (dimension(), dimension()).prop_map(|(rows, cols)| Op::Resize { rows, cols }),
        1 => any::<usize>().prop_map(Op::Scrollback),
    ]
}

// ------------------------------------------------------------ checks

/// The shape of every reply the shim can give, anchored at the start.
fn reply_grammar() -> Regex {
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
enum Reply {
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

fn num(captures: &regex::bytes::Captures<'_>, name: &str) -> u32 {
    let text = std::str::from_utf8(&captures[name]).unwrap();
    text.parse()
        .unwrap_or_else(|_| panic!("{name} {text:?} is not a u32"))
}

/// Splits `replies` into answers, failing on anything that is not one,
/// and checks what each says against the screen they were made on.
fn parse_replies(grammar: &Regex, replies: &[u8], size: PaneSize) -> Vec<Reply> {
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
fn check_invariants(emulator: &mut Emulator, size: PaneSize) {
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
fn feed(emulator: &mut Emulator, bytes: &[u8], cuts: &[usize]) -> Vec<u8> {
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

fn clamp(rows: u16, cols: u16) -> PaneSize {
    PaneSize::new(
        rows.clamp(MIN_ROWS, MAX_ROWS),
        cols.clamp(MIN_COLS, MAX_COLS),
    )
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(hostile::config(200))]

    /// Anything a program prints, at any size, with resizes in between.
    #[test]
    fn any_output_at_any_size_keeps_the_emulator_whole(
        rows in 0u16..60,
        cols in 0u16..120,
        ops in prop::collection::vec(op(), 1..12),
    ) {
        let grammar = reply_grammar();
        let mut size = clamp(rows, cols);
        let mut emulator = Emulator::new(PaneSize::new(rows, cols), 256 * 1024);
        check_invariants(&mut emulator, size);
        for op in ops {
            match op {
                Op::Feed { bytes, cuts } => {
                    let replies = feed(&mut emulator, &bytes, &cuts);
                    parse_replies(&grammar, &replies, size);
                }
                Op::Resize { rows, cols } => {
                    size = clamp(rows, cols);
                    assert_eq!(emulator.resize(PaneSize::new(rows, cols)), size);
                }
                Op::Scrollback(rows) => {
                    emulator.screen_mut().set_scrollback(rows);
                    let _ = emulator.screen().contents();
                    emulator.screen_mut().set_scrollback(0);
                }
            }
            check_invariants(&mut emulator, size);
        }
    }

    /// Raw bytes, one byte at a time, at the smallest size there is.
    #[test]
    fn random_bytes_byte_by_byte_at_the_minimum_size(
        bytes in prop::collection::vec(any::<u8>(), 0..2_000),
    ) {
        let grammar = reply_grammar();
        let size = clamp(0, 0);
        let mut emulator = Emulator::new(PaneSize::new(1, 1), 0);
        for byte in &bytes {
            let replies = feed(&mut emulator, std::slice::from_ref(byte), &[]);
            parse_replies(&grammar, &replies, size);
        }
        check_invariants(&mut emulator, size);
    }

    /// Every query is answered exactly once, in order, with the answer of its
    /// kind, whatever complete output surrounds it and however the stream is
    /// split.
    #[test]
    fn every_query_gets_one_well_formed_answer_in_order(
        rows in 0u16..50,
        cols in 0u16..100,
        parts in prop::collection::vec((query(), complete_noise()), 1..20),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let grammar = reply_grammar();
        let size = clamp(rows, cols);
        let mut emulator = Emulator::new(PaneSize::new(rows, cols), 64 * 1024);
        let mut stream = Vec::new();
        let mut expected = Vec::new();
        for (query, noise) in &parts {
            stream.extend_from_slice(noise);
            stream.extend_from_slice(query);
            expected.extend(expected_replies(query));
        }
        let replies = feed(&mut emulator, &stream, &cuts);
        let got = parse_replies(&grammar, &replies, size);
        prop_assert_eq!(got, expected, "stream {:?}", String::from_utf8_lossy(&stream));
    }
}

proptest! {
    #![proptest_config(hostile::config(200))]

    /// The PTY splits output anywhere: where it does must not matter, to
    /// the screen, the replies or anything the shim keeps.
    #[test]
    fn splitting_output_anywhere_changes_nothing(
        rows in 0u16..30,
        cols in 0u16..60,
        chunks in prop::collection::vec(chunk(), 1..12),
        cuts in prop::collection::vec(any::<usize>(), 1..12),
    ) {
        let bytes = chunks.concat();
        let mut whole = Emulator::new(PaneSize::new(rows, cols), 64 * 1024);
        let mut split = Emulator::new(PaneSize::new(rows, cols), 64 * 1024);
        let replies_whole = feed(&mut whole, &bytes, &[]);
        let replies_split = feed(&mut split, &bytes, &cuts);
        prop_assert_eq!(replies_whole, replies_split);
        prop_assert_eq!(whole.screen().contents_formatted(), split.screen().contents_formatted());
        prop_assert_eq!(whole.screen().cursor_position(), split.screen().cursor_position());
        prop_assert_eq!(whole.title(), split.title());
        prop_assert_eq!(whole.input_modes(), split.input_modes());
        prop_assert_eq!(whole.modes(), split.modes());
        prop_assert_eq!(whole.take_notifications(), split.take_notifications());
    }

    /// A mode query answers with the state the program last set, through any
    /// noise, for the modes that do not interact with each other.
    #[test]
    fn mode_reports_tell_the_truth(
        switches in prop::collection::vec(
            (prop::sample::select(vec![1u16, 25, 1004, 1007, 2004, 2026]), any::<bool>(), complete_noise()),
            1..20,
        ),
    ) {
        let mut emulator = Emulator::new(PaneSize::new(24, 80), 0);
        let mut last = std::collections::BTreeMap::new();
        for (mode, set, noise) in &switches {
            let end = if *set { 'h' } else { 'l' };
            feed(&mut emulator, format!("{ESC}[?{mode}{end}").as_bytes(), &[]);
            // Noise that sets modes of its own, or resets the terminal,
            // would change the answer.
            let text = String::from_utf8_lossy(noise);
            if !text.contains("\x1b[?") && !text.contains("\x1bc") {
                feed(&mut emulator, noise, &[]);
            }
            last.insert(*mode, *set);
        }
        for (mode, set) in last {
            let reply = feed(&mut emulator, format!("{ESC}[?{mode}$p").as_bytes(), &[]);
            let value = if set { 1 } else { 2 };
            prop_assert_eq!(
                String::from_utf8_lossy(&reply),
                format!("{ESC}[?{mode};{value}$y"),
                "mode {}", mode
            );
        }
    }
}

/// Output that is complete (no sequence left open) and asks nothing.
fn complete_noise() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        "[ -~]{0,20}".prop_map(String::into_bytes),
        prop::sample::select(vec![
            "中文",
            "😀",
            "\u{301}",
            "\r\n",
            "\x1b[1;31m",
            "\x1b[0m",
            "\x1b[38;2;1;2;3m",
            "\x1b[999;999H",
            "\x1b[H",
            "\x1b[2J",
            "\x1b[K",
            "\x1b]0;title\x07",
            "\x1b]2;t\x1b\\",
            "\x1bP+q544e\x1b\\",
            "\x1b_apc\x1b\\",
            "\x1b[?1049h",
            "\x1b[?1049l",
            "\x1b[?2004h",
            "\x1b[4h",
            "\x1b[4l",
            "\x1b7",
            "\x1b8",
            "\x1b[s",
            "\x1b[u",
            "\x1b(0lqk\x1b(B",
            "\x1b[5;10r",
            "\x1b[r",
            "\x1bD",
            "\x1bM",
            "\x1b[>1u",
            "\x1b[<u",
            "\x1b[=5;1u",
            "\x1b[>4;1m",
            "\x1b[?2026h",
            "\x1b[?2026l",
            "\x07",
            "\x1b[65535@",
            "\x1b[65535L",
            "\x1b[99999999999999999999C",
            "\x1bc",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        (
            any::<u16>(),
            prop::sample::select(vec!["中", "😀", "❤\u{fe0f}"])
        )
            .prop_map(|(col, glyph)| format!("{ESC}[{col}G{glyph}").into_bytes()),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|p| p.concat())
}

/// The answers `query` must get.
fn expected_replies(query: &[u8]) -> Vec<Reply> {
    let text = std::str::from_utf8(query).unwrap();
    let mode = |digits: &str| -> u32 {
        // vte saturates parameters at u16::MAX; a leading `-` is an
        // intermediate byte, which makes the sequence something else.
        digits
            .chars()
            .filter(char::is_ascii_digit)
            .fold(0u32, |n, d| (n * 10 + d.to_digit(10).unwrap()).min(65535))
    };
    match text {
        "\x1b[c" | "\x1b[0c" => vec![Reply::Da1],
        "\x1b[>c" | "\x1b[>0c" => vec![Reply::Da2],
        "\x1b[5n" => vec![Reply::Ok],
        "\x1b[6n" => vec![Reply::Cpr],
        "\x1b[?6n" => vec![Reply::ExtendedCpr],
        "\x1b[>q" | "\x1b[>0q" => vec![Reply::Version],
        "\x1b[?u" => vec![Reply::Kitty],
        "\x1b[?4m" => vec![Reply::ModifyOtherKeys],
        "\x1b]10;?\x07" => vec![Reply::Colour(10)],
        "\x1b]11;?\x1b\\" => vec![Reply::Colour(11)],
        "\x1b]12;?\x07" => vec![Reply::Colour(12)],
        "\x1b]10;?;?;?\x07" => vec![Reply::Colour(10), Reply::Colour(11), Reply::Colour(12)],
        _ => {
            let body = text
                .strip_prefix("\x1b[")
                .and_then(|t| t.strip_suffix("$p"))
                .unwrap_or_else(|| panic!("no expectation for {text:?}"));
            match body.strip_prefix('?') {
                Some(digits) if digits.starts_with('-') => vec![],
                Some(digits) => vec![Reply::PrivateMode(mode(digits))],
                None if body.starts_with('-') => vec![],
                None => vec![Reply::AnsiMode(mode(body))],
            }
        }
    }
}

// ------------------------------------------------------------ bounds

/// Feeds `start`, then `total` bytes of `filler` in 64 KiB chunks, and
/// returns how much memory the emulator took on for it.
fn growth(start: &[u8], filler: u8, total: usize) -> hostile::alloc::Usage {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), 64 * 1024);
    emulator.process(b"warm up\r\n");
    let chunk = vec![filler; 64 * 1024];
    let ((), usage) = hostile::alloc::measure(|| {
        let processed = emulator.process(start);
        assert_eq!(processed.parser, ParserHealth::Intact);
        for _ in 0..total / chunk.len() {
            let processed = emulator.process(&chunk);
            assert_eq!(processed.parser, ParserHealth::Intact);
        }
    });
    usage
}

/// An unterminated string of any kind, or a CSI with endless parameters,
/// holds a bounded amount of memory however long it runs: a program that
/// prints `ESC ]` and then megabytes must not grow the server.
#[test]
fn giant_unterminated_sequences_hold_bounded_memory() {
    const TOTAL: usize = 8 << 20;
    const BOUND: usize = 1 << 20;
    let cases: [(&str, &[u8], u8); 9] = [
        ("OSC title", b"\x1b]0;", b'A'),
        ("OSC 52", b"\x1b]52;c;", b'Q'),
        ("OSC with separators", b"\x1b]777;notify;", b';'),
        ("DCS", b"\x1bPq", b'#'),
        ("APC", b"\x1b_G", b'A'),
        ("PM", b"\x1b^", b'A'),
        ("SOS", b"\x1bX", b'A'),
        ("CSI parameters", b"\x1b[", b'9'),
        ("CSI separators", b"\x1b[", b';'),
    ];
    for (what, start, filler) in cases {
        let usage = growth(start, filler, TOTAL);
        assert!(
            usage.peak < BOUND,
            "{what}: {TOTAL} bytes of it took {} bytes at peak ({} kept)",
            usage.peak,
            usage.kept
        );
    }
}

/// A size no terminal has is clamped, not allocated: 65535x65535 cells
/// would be 137 GB of vt100 cells and abort the server.
#[test]
fn giant_sizes_are_clamped_before_anything_is_allocated() {
    let (mut emulator, usage) =
        hostile::alloc::measure(|| Emulator::new(PaneSize::new(u16::MAX, u16::MAX), 1 << 20));
    assert_eq!(emulator.size(), PaneSize::new(MAX_ROWS, MAX_COLS));
    assert!(
        usage.peak < 256 << 20,
        "{} bytes for one emulator",
        usage.peak
    );
    assert_eq!(
        emulator.resize(PaneSize::new(u16::MAX, 1)),
        PaneSize::new(MAX_ROWS, MIN_COLS)
    );
    assert_eq!(
        emulator.resize(PaneSize::new(0, u16::MAX)),
        PaneSize::new(MIN_ROWS, MAX_COLS)
    );
    let processed = emulator.process(b"\x1b[65535;65535H\x1b[6n");
    assert_eq!(
        processed.replies,
        format!("\x1b[{MIN_ROWS};{MAX_COLS}R").into_bytes()
    );
}

/// Regression (found by the properties above): an emoji made wide by U+FE0F
/// in the last column of the bottom row scrolled, and vt100 left it wide in
/// the last column of the row above; writing over it panicked vt100.
#[test]
fn an_emoji_widened_at_the_bottom_right_can_be_written_over() {
    for bytes in [
        "aaa \x1b[3G❤\u{fe0f}\x1b[c\x1b8 aa\x1b[c",
        "\x1b[3G❤\u{fe0f}❤\u{fe0f}\x1b[0;0r\x1b[0G❤\u{fe0f}❤\u{fe0f}",
    ] {
        let mut emulator = Emulator::new(PaneSize::new(2, 3), 0);
        let replies = feed(&mut emulator, bytes.as_bytes(), &[]);
        parse_replies(&reply_grammar(), &replies, PaneSize::new(2, 3));
        check_invariants(&mut emulator, PaneSize::new(2, 3));
    }
    // What the screen shows: the emoji moved to the start of the next row.
    let mut emulator = Emulator::new(PaneSize::new(2, 3), 0);
    feed(&mut emulator, "x\r\nab❤\u{fe0f}c".as_bytes(), &[]);
    assert_eq!(emulator.screen().contents(), "ab\n❤\u{fe0f}c");
}

/// Regression (found by the split property): vte 0.15 dropped the tab after
/// a character split between two reads when an invalid byte followed.
#[test]
fn a_character_split_between_reads_loses_nothing_after_it() {
    let bytes = b"\xc2\xad\t\x8d";
    let mut whole = Emulator::new(PaneSize::new(2, 2), 0);
    let mut split = Emulator::new(PaneSize::new(2, 2), 0);
    feed(&mut whole, bytes, &[]);
    feed(&mut split, bytes, &[1]);
    assert_eq!(
        whole.screen().cursor_position(),
        split.screen().cursor_position()
    );
    assert_eq!(
        whole.screen().contents_formatted(),
        split.screen().contents_formatted()
    );
}
