//! Pasted text on its way into a pane.
//!
//! A paste is text the user vouched for by sight, so it must not be able to
//! act as keys: an `ESC[201~` inside it would end bracketed paste early and
//! let the rest run as typed input, and any other ESC or control character
//! could drive the program (this is the paste-injection attack). Everything
//! but tab, LF and CR is therefore dropped before the text goes anywhere.

const ESC: char = '\x1b';
const START: &str = "\x1b[200~";
const END: &str = "\x1b[201~";
/// The markers as they follow their ESC.
const MARKER_TAILS: [&str; 2] = ["[200~", "[201~"];

/// Mode 2004: the text between the start and end markers, sanitised.
pub(super) fn bracketed(text: &str) -> Vec<u8> {
    let clean = sanitize(text);
    if clean.is_empty() {
        return Vec::new();
    }
    [START, clean.as_str(), END].concat().into_bytes()
}

/// No bracketing: line ends become CR, the byte the Enter key sends, so a
/// multi-line paste reads like the lines typed one after another.
pub(super) fn plain(text: &str) -> Vec<u8> {
    sanitize(text)
        .replace("\r\n", "\r")
        .replace('\n', "\r")
        .into_bytes()
}

/// Drops paste markers whole (so `a ESC[201~ b` reads `ab`, not `a[201~b`)
/// and every other control character except tab, LF and CR. Working on the
/// original text in one pass means removing one marker cannot splice a new
/// one together from its neighbours.
fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == ESC {
            let rest = chars.as_str();
            for tail in MARKER_TAILS {
                if let Some(after) = rest.strip_prefix(tail) {
                    chars = after.chars();
                    break;
                }
            }
        } else if !c.is_control() || matches!(c, '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}
