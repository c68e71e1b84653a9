//! The query shim under hostile output: every query a program may send is
//! answered exactly once, in order, with a well-formed answer of its kind,
//! whatever complete output surrounds it, however the stream is split and
//! at whatever size; and mode reports tell the state the program last set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;

use grove::pane::{Emulator, HistoryLimits, PaneSize};
use hostile::escapes::*;
use hostile::screen::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(hostile::config(200))]

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
        let mut emulator = Emulator::new(PaneSize::new(rows, cols), HistoryLimits::new(10_000, 64 * 1024));
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

    /// A mode query answers with the state the program last set, through any
    /// noise, for the modes that do not interact with each other.
    #[test]
    fn mode_reports_tell_the_truth(
        switches in prop::collection::vec(
            (prop::sample::select(vec![1u16, 25, 1004, 1007, 2004, 2026]), any::<bool>(), complete_noise()),
            1..20,
        ),
    ) {
        let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::NONE);
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
