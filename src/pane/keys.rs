//! The key encoder: crossterm key and paste events to the bytes a program in a
//! PTY expects.
//!
//! What a key turns into depends on modes the program asked for (application
//! cursor keys, kitty keyboard flags, modifyOtherKeys, bracketed paste); the
//! emulator tracks them and hands them over as [`InputModes`].

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
}

/// Everything about a pane that changes how input is encoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputModes {
    pub cursor_keys: CursorKeys,
    pub paste: PasteMode,
    pub modify_other_keys: ModifyOtherKeys,
    pub kitty: KittyFlags,
}
