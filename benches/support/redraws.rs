//! Synthetic agent output shared by the benches: full-screen redraws like a
//! busy agent's.

use std::fmt::Write as _;

const WORDS: [&str; 8] = [
    "fn ",
    "observe",
    "(&mut self, ",
    "now: Instant",
    ") -> ",
    "Option<Change> ",
    "{ let ",
    "x = 42; ",
];
const SPINNER: [&str; 6] = ["·", "✢", "✳", "✶", "✻", "✽"];

/// Full-screen redraws of `rows` × `cols`: rows of coloured words up to
/// `line` columns each in 256-colour and truecolour SGR, a rule, a spinner
/// line that claude's working rule matches, and a footer, until `bytes`;
/// every frame shifts every word.
pub fn redraws(rows: usize, cols: usize, line: usize, prefix: &str, bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 16 * 1024);
    text.push_str(prefix);
    let mut frame = 0usize;
    while text.len() < bytes {
        text.push_str("\x1b[H");
        for row in 0..rows - 3 {
            let _ = write!(text, "\x1b[{};1H", row + 1);
            let (mut col, mut word) = (0, 0);
            while col < line - 2 {
                let mix = frame + row * 7 + word * 13;
                let piece = WORDS[mix % WORDS.len()];
                let piece = &piece[..piece.len().min(line - 2 - col)];
                let _ = write!(text, "\x1b[0;38;5;{}m", mix % 256);
                if mix.is_multiple_of(5) {
                    let _ = write!(text, "\x1b[48;2;{};20;{}m", mix % 40, mix % 60);
                }
                text.push_str(piece);
                col += piece.len();
                word += 1;
            }
            text.push_str("\x1b[0m\x1b[K");
        }
        let _ = write!(
            text,
            "\x1b[{};1H\x1b[2m{}\x1b[0m",
            rows - 2,
            "─".repeat(cols)
        );
        let _ = write!(
            text,
            "\x1b[{};1H\x1b[2K\x1b[38;5;174m{}\x1b[0m Observing… ({}s · esc to interrupt)",
            rows - 1,
            SPINNER[frame % SPINNER.len()],
            frame / 10,
        );
        let _ = write!(text, "\x1b[{rows};1H\x1b[2K  ? for shortcuts");
        frame += 1;
    }
    text
}
