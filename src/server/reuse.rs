//! Pane screens a client's next frame can copy from its last one instead of
//! reading them out of the emulators again.
//!
//! Reading a screen out of vt100 is most of a frame's cost (`benches/frame.rs`),
//! and most frames change one pane: the agent that printed, or the one a key
//! went to. A drawn screen is reused while nothing it depends on has moved:
//! the same process (a restarted agent has a new emulator), the emulator's
//! [`changes`](crate::pane::Emulator::changes) count, the same place in the
//! layout (the paste checks it), and nothing drawn over it this frame: no
//! overlay, no scroll-mode marks.

use std::collections::BTreeMap;

use super::workspaces::PaneId;
use crate::ui::DrawnScreen;

/// What a drawn screen depends on, besides its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenKey {
    pub pane: PaneId,
    pub changes: u64,
}

/// One client's drawn screens, by workspace name.
#[derive(Debug, Default)]
pub struct DrawnPanes {
    screens: BTreeMap<String, (ScreenKey, DrawnScreen)>,
}

impl DrawnPanes {
    /// The screen drawn for `name` at `key`, if it is still that.
    pub fn get(&self, name: &str, key: Option<ScreenKey>) -> Option<&DrawnScreen> {
        let key = key?;
        self.screens
            .get(name)
            .filter(|(drawn, _)| *drawn == key)
            .map(|(_, screen)| screen)
    }

    /// The screen last drawn for `name`, whatever it was drawn at.
    pub fn latest_mut(&mut self, name: &str) -> Option<&mut (ScreenKey, DrawnScreen)> {
        self.screens.get_mut(name)
    }

    /// The key the screen last drawn for `name` was drawn at.
    pub fn latest_key(&self, name: &str) -> Option<(ScreenKey, ratatui::layout::Rect)> {
        self.screens
            .get(name)
            .map(|(key, screen)| (*key, screen.area()))
    }

    /// Keeps the screen a frame drew for `name` at `key`.
    pub fn insert(&mut self, name: String, key: ScreenKey, screen: DrawnScreen) {
        self.screens.insert(name, (key, screen));
    }

    /// Forgets every pane not in `shown`, so a client holds at most one
    /// screen per pane it shows.
    pub fn keep_only<'a>(&mut self, shown: impl Iterator<Item = &'a str>) {
        let shown: Vec<&str> = shown.collect();
        self.screens
            .retain(|name, _| shown.contains(&name.as_str()));
    }
}
