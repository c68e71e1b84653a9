//! Strategies for hostile terminal output: every escape family with huge,
//! many and malformed parameters, string sequences unterminated and giant,
//! 8-bit C1 controls, invalid UTF-8, wide glyphs at the margins, the queries
//! the shim answers, and complete output that asks nothing.

use proptest::prelude::*;

/// ESC, for building sequences with `format!`.
pub const ESC: &str = "\x1b";

/// A CSI parameter as a program might write it: small, at the edges of u16,
/// far past them, empty, or with a sign (which is an intermediate byte).
pub fn number() -> impl Strategy<Value = String> {
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
pub fn csi() -> impl Strategy<Value = Vec<u8>> {
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
pub fn string_body() -> impl Strategy<Value = Vec<u8>> {
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
pub fn string_sequence() -> impl Strategy<Value = Vec<u8>> {
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
pub fn text() -> impl Strategy<Value = Vec<u8>> {
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
pub fn invalid_utf8() -> impl Strategy<Value = Vec<u8>> {
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
pub fn control() -> impl Strategy<Value = Vec<u8>> {
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
pub fn query() -> impl Strategy<Value = Vec<u8>> {
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
pub fn chunk() -> impl Strategy<Value = Vec<u8>> {
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

/// Output that is complete (no sequence left open) and asks nothing.
pub fn complete_noise() -> impl Strategy<Value = Vec<u8>> {
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
