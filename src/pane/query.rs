//! The answers to terminal queries: what grove says it is and what state its
//! modes are in.
//!
//! Programs ask before they draw (crossterm's `cursor::position()`, Codex's
//! startup probe, Claude Code's 2026 probe) and many give up or stall for
//! seconds without an answer, so every reply here is produced inside the pane
//! from the emulator's own state, with or without a client attached.

use vt100::{MouseProtocolEncoding, MouseProtocolMode, Screen};

use super::modes::TrackedModes;

/// DA1 reply: a VT220 (62) with ANSI colour (22). Nothing grove cannot honour
/// (sixel, printer) is claimed.
pub const PRIMARY_DEVICE_ATTRIBUTES: &[u8] = b"\x1b[?62;22c";

/// DA2 reply. The version 277 is the first xterm patch level vim treats as
/// supporting SGR mouse reports; wezterm answers the same for that reason.
pub const SECONDARY_DEVICE_ATTRIBUTES: &[u8] = b"\x1b[>1;277;0c";

/// DSR 5 reply: "terminal OK".
pub const STATUS_OK: &[u8] = b"\x1b[0n";

/// Colours reported for OSC 10 / 11 / 12 queries. No client may be attached, so
/// the real terminal's colours are not known; a dark background is what most
/// users run and what agents pick their theme from.
pub const DEFAULT_FOREGROUND: &str = "rgb:e5e5/e5e5/e5e5";
/// See [`DEFAULT_FOREGROUND`].
pub const DEFAULT_BACKGROUND: &str = "rgb:0000/0000/0000";

/// XTVERSION reply (`DCS > | name version ST`).
pub fn version_report() -> String {
    format!("\x1bP>|grove {}\x1b\\", env!("CARGO_PKG_VERSION"))
}

/// The 1-based cursor position for CPR. vt100 keeps the column one past the
/// last cell while a wrap is pending; a real terminal reports the last column.
fn one_based_cursor(screen: &Screen) -> (u16, u16) {
    let (row, col) = screen.cursor_position();
    let (_, cols) = screen.size();
    let col = col.min(cols.get().saturating_sub(1));
    (row.saturating_add(1), col.saturating_add(1))
}

/// CPR (`CSI 6 n`) reply: `CSI row ; col R`.
pub fn cursor_position_report(screen: &Screen) -> String {
    let (row, col) = one_based_cursor(screen);
    format!("\x1b[{row};{col}R")
}

/// DECXCPR (`CSI ? 6 n`) reply: `CSI ? row ; col ; page R`, always page 1.
pub fn extended_cursor_position_report(screen: &Screen) -> String {
    let (row, col) = one_based_cursor(screen);
    format!("\x1b[?{row};{col};1R")
}

/// A DECRPM mode value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeValue {
    NotRecognized,
    Set,
    Reset,
    PermanentlyReset,
}

impl ModeValue {
    fn code(self) -> u8 {
        match self {
            ModeValue::NotRecognized => 0,
            ModeValue::Set => 1,
            ModeValue::Reset => 2,
            ModeValue::PermanentlyReset => 4,
        }
    }

    fn of(set: bool) -> Self {
        if set {
            ModeValue::Set
        } else {
            ModeValue::Reset
        }
    }
}

/// The state of DEC private mode `mode`, as far as vt100 and the shim know it.
///
/// 1047 is answered "not recognized" (vt100 does not know it; the filter in
/// front of vt100 passes it on as 47). 7 (autowrap) is implemented by the
/// filter and tracked by the shim.
pub fn private_mode(screen: &Screen, tracked: &TrackedModes, mode: u16) -> ModeValue {
    let mouse = screen.mouse_protocol_mode();
    let encoding = screen.mouse_protocol_encoding();
    match mode {
        1 => ModeValue::of(screen.application_cursor()),
        7 => tracked.autowrap.mode_value(),
        9 => ModeValue::of(mouse == MouseProtocolMode::Press),
        25 => ModeValue::of(!screen.hide_cursor()),
        47 | 1049 => ModeValue::of(screen.alternate_screen()),
        1000 => ModeValue::of(mouse == MouseProtocolMode::PressRelease),
        1002 => ModeValue::of(mouse == MouseProtocolMode::ButtonMotion),
        1003 => ModeValue::of(mouse == MouseProtocolMode::AnyMotion),
        1004 => tracked.focus.mode_value(),
        1005 => ModeValue::of(encoding == MouseProtocolEncoding::Utf8),
        1006 => ModeValue::of(encoding == MouseProtocolEncoding::Sgr),
        1007 => tracked.alternate_scroll.mode_value(),
        2004 => ModeValue::of(screen.bracketed_paste()),
        2026 => tracked.sync.mode_value(),
        _ => ModeValue::NotRecognized,
    }
}

/// The state of ANSI mode `mode`: insert (IRM, 4) is implemented by the
/// filter in front of vt100 and tracked by the shim; automatic newline (LNM,
/// 20) is not implemented, so permanently reset.
pub fn ansi_mode(tracked: &TrackedModes, mode: u16) -> ModeValue {
    match mode {
        4 => tracked.insert.mode_value(),
        20 => ModeValue::PermanentlyReset,
        _ => ModeValue::NotRecognized,
    }
}

/// DECRPM reply for a private mode: `CSI ? mode ; value $ y`.
pub fn private_mode_report(mode: u16, value: ModeValue) -> String {
    format!("\x1b[?{mode};{}$y", value.code())
}

/// DECRPM reply for an ANSI mode: `CSI mode ; value $ y`.
pub fn ansi_mode_report(mode: u16, value: ModeValue) -> String {
    format!("\x1b[{mode};{}$y", value.code())
}

/// Reply to an OSC 10/11/12 colour query, terminated with ST.
pub fn colour_report(which: u16) -> Option<String> {
    let colour = match which {
        10 | 12 => DEFAULT_FOREGROUND,
        11 => DEFAULT_BACKGROUND,
        _ => return None,
    };
    Some(format!("\x1b]{which};{colour}\x1b\\"))
}
