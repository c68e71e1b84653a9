//! The mouse encoder: a client's crossterm mouse event to the report a program
//! in a pane asked for with DECSET 9/1000/1002/1003 and 1005/1006.
//!
//! Agents such as Claude Code turn mouse reporting on and then expect clicks,
//! drags and the wheel in exactly the form they enabled; vt100 tracks the mode
//! and encoding, and this function writes the bytes, following xterm's
//! ctlseqs ("Mouse Tracking") and `EditorButton` in xterm's `button.c`. It is
//! pure: deciding that the pointer is over the focused pane, and what the
//! wheel does when the pane asked for nothing, is the caller's business.

use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use vt100::{MouseProtocolEncoding, MouseProtocolMode};

/// Added to every value in the X10 and UTF-8 forms, to keep them printable.
const OFFSET: u32 = 32;
/// The largest coordinate the X10 form can carry: value + 32 in one byte.
const MAX_X10_COORDINATE: u32 = 0xff - OFFSET;
/// The largest coordinate the UTF-8 (1005) form can carry: value + 32 in a
/// two-byte UTF-8 sequence, as xterm limits it.
const MAX_UTF8_COORDINATE: u32 = 0x7ff - OFFSET;

/// The button code of a release in the X10 and UTF-8 forms, which cannot say
/// which button went up.
const RELEASE: u32 = 3;
/// Added to the button code of a motion report.
const MOTION: u32 = 32;
/// Added for the wheel "buttons" 4–7.
const WHEEL: u32 = 64;

/// What a report says happened; decides which mode levels report it and,
/// in SGR, the final byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// A button press or a wheel step.
    Press,
    Release,
    /// Movement with a button held.
    Drag,
    /// Movement with no button held.
    Move,
}

/// The report for `event` in the pane's mouse mode and encoding, or `None`
/// when the mode does not report this kind of event or the position cannot
/// be encoded.
///
/// `origin` is the client-terminal cell of the pane's top-left inner cell;
/// reports carry 1-based coordinates relative to it, and an event left of or
/// above it is not the pane's.
pub fn encode_mouse(
    event: &MouseEvent,
    origin: (u16, u16),
    mode: MouseProtocolMode,
    encoding: MouseProtocolEncoding,
) -> Option<Vec<u8>> {
    let x = u32::from(event.column.checked_sub(origin.0)?) + 1;
    let y = u32::from(event.row.checked_sub(origin.1)?) + 1;
    let (button, phase) = button_and_phase(event.kind);
    if !reports(mode, phase, button) {
        return None;
    }
    // X10 compatibility mode (9) reports the button alone.
    let modifiers = match mode {
        MouseProtocolMode::Press => 0,
        MouseProtocolMode::None
        | MouseProtocolMode::PressRelease
        | MouseProtocolMode::ButtonMotion
        | MouseProtocolMode::AnyMotion => modifier_bits(event.modifiers),
    };
    match encoding {
        MouseProtocolEncoding::Sgr => {
            let code = button + modifiers;
            let last = if phase == Phase::Release { 'm' } else { 'M' };
            Some(format!("\x1b[<{code};{x};{y}{last}").into_bytes())
        }
        MouseProtocolEncoding::Default => {
            if x > MAX_X10_COORDINATE || y > MAX_X10_COORDINATE {
                return None;
            }
            let code = legacy_code(button, phase) + modifiers;
            let values = [code, x, y].map(|value| u8::try_from(value + OFFSET));
            let [Ok(code), Ok(x), Ok(y)] = values else {
                return None;
            };
            Some(vec![0x1b, b'[', b'M', code, x, y])
        }
        MouseProtocolEncoding::Utf8 => {
            if x > MAX_UTF8_COORDINATE || y > MAX_UTF8_COORDINATE {
                return None;
            }
            let code = legacy_code(button, phase) + modifiers;
            let mut report = String::from("\x1b[M");
            for value in [code, x, y] {
                report.push(char::from_u32(value + OFFSET)?);
            }
            Some(report.into_bytes())
        }
    }
}

/// The button code before modifiers (motion bit included) and the phase.
fn button_and_phase(kind: MouseEventKind) -> (u32, Phase) {
    match kind {
        MouseEventKind::Down(button) => (button_number(button), Phase::Press),
        MouseEventKind::Up(button) => (button_number(button), Phase::Release),
        MouseEventKind::Drag(button) => (button_number(button) + MOTION, Phase::Drag),
        MouseEventKind::Moved => (RELEASE + MOTION, Phase::Move),
        MouseEventKind::ScrollUp => (WHEEL, Phase::Press),
        MouseEventKind::ScrollDown => (WHEEL + 1, Phase::Press),
        MouseEventKind::ScrollLeft => (WHEEL + 2, Phase::Press),
        MouseEventKind::ScrollRight => (WHEEL + 3, Phase::Press),
    }
}

fn button_number(button: MouseButton) -> u32 {
    match button {
        MouseButton::Left => 0,
        MouseButton::Middle => 1,
        MouseButton::Right => 2,
    }
}

/// Whether the mode level reports this event. X10 mode (9) predates the
/// wheel and reports presses of the three buttons only, as xterm does.
fn reports(mode: MouseProtocolMode, phase: Phase, button: u32) -> bool {
    match mode {
        MouseProtocolMode::None => false,
        MouseProtocolMode::Press => phase == Phase::Press && button < WHEEL,
        MouseProtocolMode::PressRelease => phase == Phase::Press || phase == Phase::Release,
        MouseProtocolMode::ButtonMotion => phase != Phase::Move,
        MouseProtocolMode::AnyMotion => true,
    }
}

/// The X10/UTF-8 button code: a release is 3 whatever the button.
fn legacy_code(button: u32, phase: Phase) -> u32 {
    match phase {
        Phase::Release => RELEASE,
        Phase::Press | Phase::Drag | Phase::Move => button,
    }
}

/// Shift +4, Alt (xterm's meta) +8, Ctrl +16.
fn modifier_bits(modifiers: KeyModifiers) -> u32 {
    [
        (KeyModifiers::SHIFT, 4),
        (KeyModifiers::ALT, 8),
        (KeyModifiers::CONTROL, 16),
    ]
    .iter()
    .filter(|(modifier, _)| modifiers.contains(*modifier))
    .map(|(_, bit)| bit)
    .sum()
}

#[cfg(test)]
mod tests {
    //! Expected bytes are written out from xterm's ctlseqs, never computed.

    use super::*;
    use MouseButton::{Left, Middle, Right};
    use MouseEventKind::{Down, Drag, Moved, ScrollDown, ScrollLeft, ScrollRight, ScrollUp, Up};
    use MouseProtocolEncoding::{Default as X10, Sgr, Utf8};
    use MouseProtocolMode::{AnyMotion, ButtonMotion, Press, PressRelease};

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const S: KeyModifiers = KeyModifiers::SHIFT;
    const A: KeyModifiers = KeyModifiers::ALT;
    const C: KeyModifiers = KeyModifiers::CONTROL;
    /// The pane's top-left inner cell in the client's terminal.
    const ORIGIN: (u16, u16) = (10, 5);

    /// An event at pane-relative 1-based `(x, y)`.
    fn at(kind: MouseEventKind, x: u16, y: u16, modifiers: KeyModifiers) -> MouseEvent {
        MouseEvent {
            kind,
            column: ORIGIN.0 + x - 1,
            row: ORIGIN.1 + y - 1,
            modifiers,
        }
    }

    type Case = (
        MouseEvent,
        MouseProtocolMode,
        MouseProtocolEncoding,
        Option<&'static [u8]>,
    );

    #[rustfmt::skip] // a table reads across: one row per line
    fn cases() -> Vec<Case> {
        vec![
            // SGR: the button survives a release, which ends in `m`.
            (at(Down(Left), 3, 4, NONE), PressRelease, Sgr, Some(b"\x1b[<0;3;4M")),
            (at(Up(Left), 3, 4, NONE), PressRelease, Sgr, Some(b"\x1b[<0;3;4m")),
            (at(Down(Middle), 1, 1, S), PressRelease, Sgr, Some(b"\x1b[<5;1;1M")),
            (at(Up(Right), 3, 4, C), PressRelease, Sgr, Some(b"\x1b[<18;3;4m")),
            (at(Down(Right), 3, 4, S | A | C), PressRelease, Sgr, Some(b"\x1b[<30;3;4M")),
            (at(ScrollUp, 3, 4, NONE), PressRelease, Sgr, Some(b"\x1b[<64;3;4M")),
            (at(ScrollDown, 3, 4, A), PressRelease, Sgr, Some(b"\x1b[<73;3;4M")),
            (at(ScrollLeft, 3, 4, NONE), PressRelease, Sgr, Some(b"\x1b[<66;3;4M")),
            (at(ScrollRight, 3, 4, NONE), PressRelease, Sgr, Some(b"\x1b[<67;3;4M")),
            (at(Down(Left), 1000, 300, NONE), PressRelease, Sgr, Some(b"\x1b[<0;1000;300M")),
            // Mode levels: 9 presses only (no modifiers, no wheel), 1000 adds
            // releases, 1002 drags, 1003 any motion.
            (at(Down(Left), 3, 4, NONE), MouseProtocolMode::None, Sgr, None),
            (at(Down(Left), 3, 4, C), Press, Sgr, Some(b"\x1b[<0;3;4M")),
            (at(Down(Right), 3, 4, NONE), Press, Sgr, Some(b"\x1b[<2;3;4M")),
            (at(Up(Left), 3, 4, NONE), Press, Sgr, None),
            (at(ScrollUp, 3, 4, NONE), Press, Sgr, None),
            (at(Drag(Left), 3, 4, NONE), Press, Sgr, None),
            (at(Drag(Left), 3, 4, NONE), PressRelease, Sgr, None),
            (at(Moved, 3, 4, NONE), PressRelease, Sgr, None),
            (at(Drag(Left), 3, 4, NONE), ButtonMotion, Sgr, Some(b"\x1b[<32;3;4M")),
            (at(Drag(Right), 3, 4, C), ButtonMotion, Sgr, Some(b"\x1b[<50;3;4M")),
            (at(Up(Left), 3, 4, NONE), ButtonMotion, Sgr, Some(b"\x1b[<0;3;4m")),
            (at(Moved, 3, 4, NONE), ButtonMotion, Sgr, None),
            (at(Moved, 3, 4, NONE), AnyMotion, Sgr, Some(b"\x1b[<35;3;4M")),
            (at(Moved, 3, 4, S | C), AnyMotion, Sgr, Some(b"\x1b[<55;3;4M")),
            (at(Drag(Middle), 3, 4, NONE), AnyMotion, Sgr, Some(b"\x1b[<33;3;4M")),
            (at(ScrollDown, 3, 4, NONE), AnyMotion, Sgr, Some(b"\x1b[<65;3;4M")),
            // X10: value + 32 in one byte each; a release is button 3.
            (at(Down(Left), 3, 4, NONE), PressRelease, X10, Some(b"\x1b[M #$")),
            (at(Up(Left), 3, 4, NONE), PressRelease, X10, Some(b"\x1b[M##$")),
            (at(Up(Right), 3, 4, C), PressRelease, X10, Some(b"\x1b[M3#$")),
            (at(Down(Middle), 3, 4, S), PressRelease, X10, Some(b"\x1b[M%#$")),
            (at(ScrollUp, 3, 4, NONE), PressRelease, X10, Some(b"\x1b[M`#$")),
            (at(ScrollDown, 3, 4, NONE), PressRelease, X10, Some(b"\x1b[Ma#$")),
            (at(Drag(Left), 3, 4, NONE), ButtonMotion, X10, Some(b"\x1b[M@#$")),
            (at(Moved, 3, 4, NONE), AnyMotion, X10, Some(b"\x1b[MC#$")),
            (at(Down(Right), 3, 4, C), Press, X10, Some(b"\x1b[M\"#$")),
            (at(Down(Left), 223, 223, NONE), PressRelease, X10, Some(b"\x1b[M \xff\xff")),
            (at(Down(Left), 224, 1, NONE), PressRelease, X10, None),
            (at(Down(Left), 1, 224, NONE), PressRelease, X10, None),
            // UTF-8 (1005): like X10, with each value as a UTF-8 code point.
            (at(Down(Left), 3, 4, NONE), PressRelease, Utf8, Some(b"\x1b[M #$")),
            (at(Up(Left), 3, 4, NONE), PressRelease, Utf8, Some(b"\x1b[M##$")),
            (at(Down(Left), 95, 96, NONE), PressRelease, Utf8, Some(b"\x1b[M \x7f\xc2\x80")),
            (at(Down(Left), 224, 4, NONE), PressRelease, Utf8, Some(b"\x1b[M \xc4\x80$")),
            (at(Down(Left), 2015, 1, NONE), PressRelease, Utf8, Some(b"\x1b[M \xdf\xbf!")),
            (at(Down(Left), 2016, 1, NONE), PressRelease, Utf8, None),
        ]
    }

    #[test]
    fn reports_by_mode_and_encoding() {
        for (event, mode, encoding, expected) in cases() {
            let bytes = encode_mouse(&event, ORIGIN, mode, encoding);
            assert_eq!(
                bytes.as_deref(),
                expected,
                "{event:?} {mode:?} {encoding:?}"
            );
        }
    }

    #[test]
    fn events_left_of_or_above_the_pane_are_not_its_own() {
        let event = |column, row| MouseEvent {
            kind: Down(Left),
            column,
            row,
            modifiers: NONE,
        };
        let encode = |column, row| encode_mouse(&event(column, row), ORIGIN, PressRelease, Sgr);
        assert_eq!(encode(10, 5).as_deref(), Some(&b"\x1b[<0;1;1M"[..]));
        assert_eq!(encode(9, 5), None);
        assert_eq!(encode(10, 4), None);
        assert_eq!(encode(0, 0), None);
        let corner = encode_mouse(&event(0, 0), (0, 0), PressRelease, X10);
        assert_eq!(corner.as_deref(), Some(&b"\x1b[M !!"[..]));
    }
}
