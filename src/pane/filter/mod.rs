//! A streaming filter in front of vt100 0.18 that makes up for what it lacks,
//! by rewriting the program's bytes into sequences vt100 does implement.
//!
//! What it rewrites, across chunk boundaries (the PTY splits output
//! anywhere): bare `CSI s` / `CSI u` (SCO save and restore) to `ESC 7` /
//! `ESC 8`; IND and NEL (`ESC D`, `ESC E`) to the line feeds they are; text in
//! the DEC line-drawing set to box characters ([`charset`]); insert mode
//! (IRM, `CSI 4 h`) to an insert (`CSI @`) before each character; mode 1047 to
//! 47; tabs, with the stops the program sets ([`tabs`]); text with autowrap
//! off ([`margin`]); and the cursor across alternate-screen switches
//! ([`csi`]) and DECRC, where vt100 keeps a cursor per screen or restores a
//! pending wrap. ED 3 and RIS also erase the pane's history, which vt100
//! no longer holds ([`Terminal::erase_history`]).
//!
//! Some of these need to know where vt100's cursor is. The filter then hands
//! the parser what it has passed on so far and reads the cursor from the
//! screen ([`Terminal`]), so the rest of the chunk is rewritten against the
//! real state. Only those controls pay for it (a tab: one more call into the
//! parser): a chunk of plain text and ordinary sequences is copied through in
//! one pass, runs of text in bulk.
//! `CSI > u`, `CSI < u`, `CSI ? u` and `CSI = … u` are the kitty keyboard
//! protocol and reach the shim untouched.
//!
//! It also guards vt100 against hostile output: a UTF-8 character split
//! between reads is held until it is whole, and U+FE0F at the right margin
//! is drawn as vt100 means it ([`text`]); string sequences are cut at
//! [`string::MAX_STRING_BYTES`] ([`string`]).

mod charset;
mod csi;
mod margin;
mod string;
mod tabs;
mod terminal;
#[cfg(test)]
mod tests;
mod text;

use charset::{Charsets, Slot};
use margin::Clip;
use string::StrKind;
use tabs::TabStops;
use terminal::{HistoryErase, Sink, Terminal};

/// Where the filter is in the escape-sequence grammar: enough of it to know
/// which bytes are text (only text is translated) and to carry the
/// sequences it rewrites across chunks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum State {
    #[default]
    Ground,
    /// Saw `ESC` (held back, not yet emitted).
    Escape,
    /// Saw `ESC [` (held back, not yet emitted).
    CsiStart,
    /// Inside a CSI sequence, before its final byte.
    Csi,
    /// Inside an OSC, DCS, APC, PM or SOS string.
    Str(StrKind),
    /// Saw `ESC` inside a string: `\\` ends it, anything else starts anew.
    StrEscape,
    /// Saw `ESC (` or `ESC )`: the next byte designates that character set.
    Designate(Slot),
    /// Saw `ESC` and an intermediate byte: pass until the final byte.
    EscIntermediate,
    /// A CSI too long to hold: passed on until its final byte.
    CsiRaw,
    /// Holding the first `len` bytes of a UTF-8 character in text until it
    /// is whole (see [`text`]).
    Utf8 { held: [u8; 4], len: u8 },
}

/// The longest CSI parameter string the filter holds (real ones are short).
const MAX_PARAMS: usize = 64;

const ESC: u8 = 0x1b;
const SO: u8 = 0x0e;
const SI: u8 = 0x0f;

/// IRM: whether a character replaces the cell under the cursor or first
/// makes room for itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum InsertMode {
    #[default]
    Replace,
    Insert,
}

/// DECAWM, with the text state autowrap off needs.
#[derive(Debug, Default)]
enum Autowrap {
    #[default]
    On,
    Off(Clip),
}

/// The filter of one pane; see the module documentation.
#[derive(Debug, Default)]
pub struct Filter {
    state: State,
    charsets: Charsets,
    /// The parameters of the CSI sequence being read.
    params: Vec<u8>,
    insert: InsertMode,
    autowrap: Autowrap,
    tabs: TabStops,
    /// Bytes of the current string sequence passed on so far.
    string_bytes: usize,
}

impl Filter {
    pub fn new() -> Self {
        Self::default()
    }

    /// The bytes the filter holds of a sequence or character a read cut
    /// short (`ESC`, `ESC [`, `ESC [` and parameters, or the first bytes of
    /// a UTF-8 character): what the next read continues. `None` inside
    /// anything else (a string, a long CSI passed on as it came, a
    /// character set designation), whose bytes are not held.
    pub fn held(&self) -> Option<Vec<u8>> {
        match self.state {
            State::Ground => Some(Vec::new()),
            State::Escape => Some(vec![ESC]),
            State::CsiStart => Some(vec![ESC, b'[']),
            State::Csi => Some([&[ESC, b'['][..], &self.params].concat()),
            State::Utf8 { held, len } => held.get(..usize::from(len)).map(<[u8]>::to_vec),
            State::Str(_)
            | State::StrEscape
            | State::Designate(_)
            | State::EscIntermediate
            | State::CsiRaw => None,
        }
    }

    /// Filters `input` and has `terminal` parse the result; `scratch` is a
    /// buffer kept between calls. Bytes of a sequence unfinished at the end
    /// of `input` are held until the next call.
    pub fn feed<T: Terminal>(&mut self, input: &[u8], scratch: &mut Vec<u8>, terminal: &mut T) {
        scratch.clear();
        scratch.reserve(input.len() + 2);
        if let Autowrap::Off(clip) = &mut self.autowrap {
            clip.forget_cursor();
        }
        let mut out = Sink {
            bytes: scratch,
            terminal,
        };
        let mut rest = input;
        while let Some((&byte, tail)) = rest.split_first() {
            match self.bulk(rest, &mut out) {
                0 => {
                    self.push(byte, &mut out);
                    rest = tail;
                }
                taken => rest = rest.get(taken..).unwrap_or_default(),
            }
        }
        out.flush();
    }

    /// Takes a run of bytes at the start of `rest` that need no decision
    /// each, and returns how many (0: none, the next byte goes to `push`).
    /// This is what keeps the filter cheap: most output is runs of text and
    /// of CSI parameters.
    fn bulk<T: Terminal>(&mut self, rest: &[u8], out: &mut Sink<T>) -> usize {
        // Text is drawn as it comes: no line drawing, no insert mode.
        let plain = self.charsets.current() == charset::Charset::Ascii
            && self.insert == InsertMode::Replace;
        match (self.state, &mut self.autowrap) {
            (State::Ground, Autowrap::On) if plain => {
                // Text that needs no rewriting, up to the next ESC, SO, SI,
                // tab or possible U+FE0F, or to an unfinished character at
                // the end of the read.
                // An unfinished character before the stop goes through
                // `State::Utf8` too: SO and SI are swallowed, and vte would
                // join the character with a continuation byte after them.
                let stop = rest
                    .iter()
                    .position(|&b| matches!(b, ESC | SO | SI | b'\t' | text::VS16_LEAD))
                    .unwrap_or(rest.len());
                let end = text::whole_prefix(rest.get(..stop).unwrap_or_default());
                out.extend(rest.get(..end).unwrap_or_default());
                end
            }
            (State::Ground, Autowrap::Off(clip)) if plain => {
                let end = rest
                    .iter()
                    .position(|b| !(0x20..=0x7e).contains(b))
                    .unwrap_or(rest.len());
                clip.ascii(rest.get(..end).unwrap_or_default(), out);
                end
            }
            (State::Csi, _) => {
                let room = MAX_PARAMS.saturating_sub(self.params.len());
                let end = rest
                    .iter()
                    .take(room)
                    .position(|b| !(0x20..=0x3f).contains(b))
                    .unwrap_or(room.min(rest.len()));
                self.params
                    .extend_from_slice(rest.get(..end).unwrap_or_default());
                end
            }
            _ => 0,
        }
    }

    /// The pane's width changed: tab stops go back to every eight columns
    /// (tmux's `screen_resize` does the same).
    pub fn width_changed(&mut self) {
        self.tabs.reset();
    }

    /// RIS (`ESC c`): everything the filter tracks goes back to its start.
    fn reset(&mut self) {
        self.charsets = Charsets::default();
        self.insert = InsertMode::Replace;
        self.autowrap = Autowrap::On;
        self.tabs.reset();
    }

    /// DECRC (`ESC 8`). vt100 restores a cursor saved on a pending wrap
    /// past the last column, tmux on the last column (the next character
    /// overwrites it instead of wrapping).
    fn restore_cursor<T: Terminal>(&mut self, out: &mut Sink<T>) {
        out.extend(&[ESC, b'8']);
        let cols = out.cols();
        if out.cursor().col >= cols {
            out.cha(cols.saturating_sub(1));
        }
    }

    fn push<T: Terminal>(&mut self, byte: u8, out: &mut Sink<T>) {
        match self.state {
            State::Ground => self.ground(byte, out),
            State::Escape => self.escape(byte, out),
            State::CsiStart => match byte {
                b's' => {
                    out.extend(&[ESC, b'7']);
                    self.state = State::Ground;
                }
                b'u' => {
                    self.restore_cursor(out);
                    self.state = State::Ground;
                }
                ESC => {
                    // An ESC here aborts the CSI and may start the next one.
                    out.extend(&[ESC, b'[']);
                    self.state = State::Escape;
                }
                _ => {
                    self.params.clear();
                    self.state = State::Csi;
                    self.csi(byte, out);
                }
            },
            State::Csi => self.csi(byte, out),
            State::CsiRaw => {
                out.push(byte);
                if (0x40..=0x7e).contains(&byte) {
                    self.state = State::Ground;
                }
            }
            State::Str(kind) => self.string(kind, byte, out),
            State::Utf8 { held, len } => self.continue_character(held, len, byte, out),
            State::StrEscape => {
                if byte == b'\\' {
                    out.extend(&[ESC, b'\\']);
                    self.state = State::Ground;
                } else {
                    self.escape(byte, out);
                }
            }
            State::Designate(slot) => {
                self.charsets.designate(slot, byte);
                out.push(byte);
                self.state = State::Ground;
            }
            State::EscIntermediate => {
                out.push(byte);
                if (0x30..=0x7e).contains(&byte) {
                    self.state = State::Ground;
                }
            }
        }
    }

    /// The byte after an `ESC` (which is held back).
    fn escape<T: Terminal>(&mut self, byte: u8, out: &mut Sink<T>) {
        self.state = State::Ground;
        match byte {
            b'[' => self.state = State::CsiStart,
            // IND: down a row, scrolling at the bottom (LF without a
            // carriage return), which vt100 0.18 ignores.
            b'D' => out.push(b'\n'),
            // NEL: the same, back to the first column.
            b'E' => out.extend(b"\r\n"),
            // HTS, which vt100 ignores.
            b'H' => self.set_tab_stop(out),
            b'8' => self.restore_cursor(out),
            b'c' => {
                self.reset();
                out.extend(&[ESC, byte]);
                out.erase_history(HistoryErase::Reset);
            }
            b']' | b'P' | b'_' | b'^' | b'X' => self.start_string(byte, out),
            b'(' | b')' => {
                out.extend(&[ESC, byte]);
                self.state = State::Designate(if byte == b'(' { Slot::G0 } else { Slot::G1 });
            }
            ESC => {
                out.push(ESC);
                self.state = State::Escape;
            }
            0x20..=0x2f => {
                out.extend(&[ESC, byte]);
                self.state = State::EscIntermediate;
            }
            _ => out.extend(&[ESC, byte]),
        }
    }

    /// A byte of a CSI sequence, whose parameters are held until its final
    /// byte (at most [`MAX_PARAMS`]; a longer one is passed on as it is).
    fn csi<T: Terminal>(&mut self, byte: u8, out: &mut Sink<T>) {
        match byte {
            ESC => {
                // An ESC aborts the sequence and may start the next one.
                out.extend(&[ESC, b'[']);
                out.bytes.append(&mut self.params);
                self.state = State::Escape;
            }
            0x40..=0x7e => {
                self.state = State::Ground;
                let params = std::mem::take(&mut self.params);
                self.finish_csi(&params, byte, out);
                // Keep the allocation for the next sequence.
                self.params = params;
                self.params.clear();
            }
            _ if self.params.len() < MAX_PARAMS => self.params.push(byte),
            _ => {
                out.extend(&[ESC, b'[']);
                out.bytes.append(&mut self.params);
                out.push(byte);
                self.state = State::CsiRaw;
            }
        }
    }

    fn ground<T: Terminal>(&mut self, byte: u8, out: &mut Sink<T>) {
        match byte {
            ESC => {
                if let Autowrap::Off(clip) = &mut self.autowrap {
                    clip.hold(out);
                }
                self.state = State::Escape;
            }
            SO => self.charsets.shift_out(),
            SI => self.charsets.shift_in(),
            0xc2..=0xf4 => self.start_character(byte),
            b'\t' => {
                if let Autowrap::Off(clip) = &mut self.autowrap {
                    clip.leave(out);
                }
                self.tab(out);
            }
            _ => match &mut self.autowrap {
                Autowrap::Off(clip) => clip.text(byte, self.charsets.current(), self.insert, out),
                Autowrap::On => {
                    // Insert mode: make room (ICH) before each character
                    // (multi-byte ones come whole through `text`; 0xc0,
                    // 0xc1 and 0xf5.. are characters vte replaces).
                    let starts_character = (0x20..=0x7e).contains(&byte) || byte >= 0xc0;
                    if self.insert == InsertMode::Insert && starts_character {
                        out.extend(b"\x1b[@");
                    }
                    match self.charsets.current().map(byte) {
                        Some(c) => {
                            let mut utf8 = [0u8; 4];
                            out.extend(c.encode_utf8(&mut utf8).as_bytes());
                        }
                        None => out.push(byte),
                    }
                }
            },
        }
    }
}
