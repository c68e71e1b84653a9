//! The key encoder: crossterm key and paste events to the bytes a program in a
//! PTY expects.
//!
//! What a key turns into depends on modes the program asked for (application
//! cursor keys, kitty keyboard flags, modifyOtherKeys, bracketed paste); the
//! emulator tracks them and hands them over as [`InputModes`]. The encoder is a
//! set of pure functions so every byte it can emit is pinned down by a table
//! test: agents such as Claude Code and Codex become unusable when a single
//! key (Shift+Enter above all) arrives in the wrong form.
//!
//! - `event` folds crossterm's many spellings of one key into one shape;
//! - `xterm` writes the legacy and modifyOtherKeys forms (tmux `input-keys.c`);
//! - `kitty` writes the kitty keyboard protocol forms;
//! - `paste` wraps and sanitises pasted text.

mod event;
mod kitty;
mod paste;
#[cfg(test)]
mod tests;
mod xterm;

use crossterm::event::KeyEvent;

/// Whether arrow keys send `CSI` (normal) or `SS3` (application, DECCKM) forms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CursorKeys {
    #[default]
    Normal,
    Application,
}

/// Whether pasted text is wrapped in `CSI 200~` … `CSI 201~` (mode 2004).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PasteMode {
    #[default]
    Plain,
    Bracketed,
}

/// xterm's modifyOtherKeys level (`CSI > 4 ; n m`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ModifyOtherKeys {
    #[default]
    Off,
    /// Level 1: modified keys that have no well-known encoding are reported.
    Level1,
    /// Level 2: every modified key is reported, including Shift+Enter.
    Level2,
}

/// The kitty keyboard protocol flags in effect (`CSI > flags u`); 0 means legacy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KittyFlags(pub u8);

impl KittyFlags {
    pub const DISAMBIGUATE: u8 = 0b1;
    pub const REPORT_EVENT_TYPES: u8 = 0b10;
    pub const REPORT_ALTERNATE_KEYS: u8 = 0b100;
    pub const REPORT_ALL_KEYS_AS_ESCAPES: u8 = 0b1000;
    pub const REPORT_ASSOCIATED_TEXT: u8 = 0b1_0000;

    /// True when the program asked for the given flag bit(s).
    pub fn has(self, bits: u8) -> bool {
        self.0 & bits == bits
    }

    /// True when keys are encoded by the kitty protocol rather than the legacy
    /// rules. The other flags only refine escape codes, so on their own they
    /// leave the legacy encoding in place.
    pub fn replaces_legacy(self) -> bool {
        self.has(Self::DISAMBIGUATE) || self.has(Self::REPORT_ALL_KEYS_AS_ESCAPES)
    }
}

/// Everything about a pane that changes how input is encoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputModes {
    pub cursor_keys: CursorKeys,
    pub paste: PasteMode,
    pub modify_other_keys: ModifyOtherKeys,
    pub kitty: KittyFlags,
}

/// The bytes to write to the pane for one key event.
///
/// Release events and keys with no encoding in the pane's modes give nothing.
/// Kitty flags win over modifyOtherKeys, which wins over the legacy forms, the
/// same precedence a terminal applies when a program enables several.
pub fn encode_key(key: &KeyEvent, modes: &InputModes) -> Vec<u8> {
    let Some(press) = event::Press::from_crossterm(key) else {
        return Vec::new();
    };
    if modes.kitty.replaces_legacy() {
        kitty::encode(&press, modes.kitty)
    } else {
        xterm::encode(&press, modes.cursor_keys, modes.modify_other_keys)
    }
}

/// The bytes to write to the pane for one paste.
///
/// Control characters other than tab, LF and CR are dropped in both modes: a
/// paste is text, and an ESC inside it could end a bracketed paste early or
/// drive the program as if typed. Plain mode turns line ends into CR, which
/// is what the Enter key sends.
pub fn encode_paste(text: &str, modes: &InputModes) -> Vec<u8> {
    match modes.paste {
        PasteMode::Bracketed => paste::bracketed(text),
        PasteMode::Plain => paste::plain(text),
    }
}
