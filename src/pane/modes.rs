//! The terminal modes vt100 does not track and the shim does: focus
//! reporting, alternate scroll, synchronized updates, and the two the filter
//! implements (autowrap and insert mode), kept here to answer DECRQM.

use super::query::ModeValue;

/// Whether a mode sequence ended in `h` (set) or `l` (reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Switch {
    Set,
    Reset,
}

macro_rules! on_off_mode {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub enum $name {
            #[default]
            Off,
            On,
        }

        impl $name {
            pub(super) fn switched(switch: Switch) -> Self {
                match switch {
                    Switch::Set => $name::On,
                    Switch::Reset => $name::Off,
                }
            }

            pub(crate) fn mode_value(self) -> ModeValue {
                match self {
                    $name::On => ModeValue::Set,
                    $name::Off => ModeValue::Reset,
                }
            }
        }
    };
}

on_off_mode!(
    /// Mode 1004: the program wants `CSI I` / `CSI O` when focus changes.
    FocusReporting
);
on_off_mode!(
    /// Mode 1007: in the alternate screen, the wheel becomes arrow keys.
    AlternateScroll
);
on_off_mode!(
    /// Mode 2026: `On` while a synchronized-update block is open; the
    /// renderer keeps showing the last complete frame until it closes.
    SyncUpdate
);

on_off_mode!(
    /// ANSI mode 4 (IRM), which the filter in front of vt100 implements.
    InsertMode
);

/// Mode 7 (DECAWM), which the filter in front of vt100 implements; on at
/// the start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Autowrap {
    #[default]
    On,
    Off,
}

impl Autowrap {
    pub(super) fn switched(switch: Switch) -> Self {
        match switch {
            Switch::Set => Autowrap::On,
            Switch::Reset => Autowrap::Off,
        }
    }

    pub(crate) fn mode_value(self) -> ModeValue {
        match self {
            Autowrap::On => ModeValue::Set,
            Autowrap::Off => ModeValue::Reset,
        }
    }
}

/// Modes vt100 does not track (those the filter implements are tracked here
/// only to answer DECRQM).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrackedModes {
    pub focus: FocusReporting,
    pub alternate_scroll: AlternateScroll,
    pub sync: SyncUpdate,
    pub autowrap: Autowrap,
    pub insert: InsertMode,
}
