//! The vt100 callbacks: answers terminal queries and tracks what vt100 ignores.
//!
//! vt100 0.18 parses and draws but never replies, and drops the modes it does
//! not implement. This shim sees every sequence vt100 leaves unhandled, writes
//! replies into a buffer the pane sends back to the program (so queries are
//! answered with no client attached), and keeps the state the renderer and key
//! encoder need: focus reporting (1004), alternate scroll (1007), synchronized
//! updates (2026), kitty keyboard flags, modifyOtherKeys, the bell count, the
//! window title and desktop notifications (OSC 9 / OSC 777). It also takes
//! the rows vt100 pushes off the top of the screen into the pane's
//! [`History`].

use std::collections::VecDeque;

use vt100::Screen;
use vt100::capture::RowContents;

use super::history::{History, HistoryLimits, KeepsHistory};
use super::keys::{KittyFlags, ModifyOtherKeys};
use super::kitty::{KittyStack, SetMode};
use super::modes::{
    AlternateScroll, Autowrap, FocusReporting, InsertMode, Switch, SyncUpdate, TrackedModes,
};
use super::query;

/// Notifications kept until someone takes them; older ones are dropped first,
/// so a program printing OSC 9 in a loop cannot grow memory.
const MAX_NOTIFICATIONS: usize = 32;
/// Longest title or notification text kept, in bytes.
const MAX_TEXT_BYTES: usize = 1024;

/// Which escape sequence a notification came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationSource {
    /// `OSC 9 ; body` (iTerm2 style).
    Osc9,
    /// `OSC 777 ; notify ; title ; body` (rxvt / foot style).
    Osc777,
}

/// A desktop notification a program asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub source: NotificationSource,
    pub title: String,
    pub body: String,
}

/// The callbacks state behind one pane's parser.
#[derive(Debug, Default)]
pub struct Shim {
    replies: Vec<u8>,
    modes: TrackedModes,
    modify_other_keys: ModifyOtherKeys,
    kitty_main: KittyStack,
    kitty_alternate: KittyStack,
    bells: u64,
    title: String,
    notifications: VecDeque<Notification>,
    history: History,
}

fn param(params: &[&[u16]], index: usize) -> Option<u16> {
    params.get(index).and_then(|sub| sub.first().copied())
}

fn text(bytes: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if text.len() > MAX_TEXT_BYTES {
        let mut cut = MAX_TEXT_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

impl Shim {
    /// A shim whose history keeps up to `limits`.
    pub fn new(limits: HistoryLimits) -> Self {
        Self {
            history: History::new(limits),
            ..Self::default()
        }
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn history_mut(&mut self) -> &mut History {
        &mut self.history
    }

    /// Reply bytes produced since the last call.
    pub fn take_replies(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.replies)
    }

    pub fn modes(&self) -> TrackedModes {
        self.modes
    }

    pub fn modify_other_keys(&self) -> ModifyOtherKeys {
        self.modify_other_keys
    }

    /// The kitty flags of the stack that belongs to the screen in use.
    pub fn kitty_flags(&self, screen: &Screen) -> KittyFlags {
        self.kitty(screen).flags()
    }

    /// BELs seen since the pane started (wrapping).
    pub fn bells(&self) -> u64 {
        self.bells
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn take_notifications(&mut self) -> Vec<Notification> {
        self.notifications.drain(..).collect()
    }

    fn kitty(&self, screen: &Screen) -> &KittyStack {
        if screen.alternate_screen() {
            &self.kitty_alternate
        } else {
            &self.kitty_main
        }
    }

    fn kitty_mut(&mut self, screen: &Screen) -> &mut KittyStack {
        if screen.alternate_screen() {
            &mut self.kitty_alternate
        } else {
            &mut self.kitty_main
        }
    }

    fn reply(&mut self, bytes: &[u8]) {
        self.replies.extend_from_slice(bytes);
    }

    fn notify(&mut self, notification: Notification) {
        if self.notifications.len() >= MAX_NOTIFICATIONS {
            self.notifications.pop_front();
        }
        self.notifications.push_back(notification);
    }

    /// `CSI ? … h/l` that vt100 did not handle. vt100 calls this once per
    /// unknown parameter with the whole list, so every known parameter is
    /// applied each time; setting a mode twice is harmless.
    fn private_modes(&mut self, params: &[&[u16]], switch: Switch) {
        for mode in params.iter().filter_map(|sub| sub.first()) {
            match mode {
                7 => self.modes.autowrap = Autowrap::switched(switch),
                1004 => self.modes.focus = FocusReporting::switched(switch),
                1007 => self.modes.alternate_scroll = AlternateScroll::switched(switch),
                2026 => self.modes.sync = SyncUpdate::switched(switch),
                _ => {}
            }
        }
    }

    /// `CSI … h/l` (ANSI modes), which vt100 leaves all to the shim.
    fn ansi_modes(&mut self, params: &[&[u16]], switch: Switch) {
        if params.iter().any(|sub| sub.first() == Some(&4)) {
            self.modes.insert = InsertMode::switched(switch);
        }
    }

    fn set_modify_other_keys(&mut self, params: &[&[u16]]) {
        // `CSI > 4 ; n m`; other resources (1, 2 …) are not keyboard related.
        if param(params, 0) != Some(4) {
            return;
        }
        self.modify_other_keys = match param(params, 1) {
            None | Some(0) => ModifyOtherKeys::Off,
            Some(1) => ModifyOtherKeys::Level1,
            Some(_) => ModifyOtherKeys::Level2,
        };
    }

    fn modify_other_keys_report(&mut self) {
        let level = match self.modify_other_keys {
            ModifyOtherKeys::Off => 0,
            ModifyOtherKeys::Level1 => 1,
            ModifyOtherKeys::Level2 => 2,
        };
        self.reply(format!("\x1b[>4;{level}m").as_bytes());
    }

    fn osc_colour_queries(&mut self, params: &[&[u8]]) {
        let Some(first) = params
            .first()
            .and_then(|p| std::str::from_utf8(p).ok())
            .and_then(|p| p.parse::<u16>().ok())
        else {
            return;
        };
        // `OSC 10 ; ? ; ?` asks for 10 then 11: each further parameter is the
        // next colour.
        for (offset, value) in (0u16..).zip(params.iter().skip(1)) {
            if *value == b"?"
                && let Some(reply) = query::colour_report(first.saturating_add(offset))
            {
                self.reply(reply.as_bytes());
            }
        }
    }

    fn osc_notification(&mut self, params: &[&[u8]]) {
        match params {
            // `OSC 9 ; 4 ; state ; progress` is ConEmu's progress bar, not a
            // notification.
            [b"9", b"4", ..] => {}
            [b"9", body @ ..] if !body.is_empty() => self.notify(Notification {
                source: NotificationSource::Osc9,
                title: String::new(),
                body: text(&body.join(&b';')),
            }),
            [b"777", b"notify", title, body @ ..] => self.notify(Notification {
                source: NotificationSource::Osc777,
                title: text(title),
                body: text(&body.join(&b';')),
            }),
            _ => {}
        }
    }
}

impl KeepsHistory for Shim {
    fn erase_history(&mut self) {
        self.history.erase();
    }
}

impl vt100::Callbacks for Shim {
    /// The parser keeps no scrollback: each row leaving the top of the
    /// screen comes here instead.
    fn on_scroll(&mut self, row: RowContents<'_>, alternate_screen: bool) {
        if !alternate_screen {
            self.history.push(&row);
        }
    }

    fn audible_bell(&mut self, _: &mut Screen) {
        self.bells = self.bells.wrapping_add(1);
    }

    fn set_window_title(&mut self, _: &mut Screen, title: &[u8]) {
        self.title = text(title);
    }

    fn unhandled_csi(
        &mut self,
        screen: &mut Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first = param(params, 0);
        match (i1, i2, c) {
            (None, None, 'c') if first.unwrap_or(0) == 0 => {
                self.reply(query::PRIMARY_DEVICE_ATTRIBUTES);
            }
            (Some(b'>'), None, 'c') if first.unwrap_or(0) == 0 => {
                self.reply(query::SECONDARY_DEVICE_ATTRIBUTES);
            }
            (None, None, 'n') => match first {
                Some(5) => self.reply(query::STATUS_OK),
                Some(6) => self.reply(query::cursor_position_report(screen).as_bytes()),
                _ => {}
            },
            (Some(b'?'), None, 'n') if first == Some(6) => {
                self.reply(query::extended_cursor_position_report(screen).as_bytes());
            }
            (Some(b'?'), Some(b'$'), 'p') => {
                let mode = first.unwrap_or(0);
                let value = query::private_mode(screen, &self.modes, mode);
                self.reply(query::private_mode_report(mode, value).as_bytes());
            }
            (Some(b'$'), None, 'p') => {
                let mode = first.unwrap_or(0);
                let value = query::ansi_mode(&self.modes, mode);
                self.reply(query::ansi_mode_report(mode, value).as_bytes());
            }
            (Some(b'>'), None, 'q') if first.unwrap_or(0) == 0 => {
                self.reply(query::version_report().as_bytes());
            }
            (Some(b'?'), None, 'u') => {
                let flags = self.kitty(screen).flags().0;
                self.reply(format!("\x1b[?{flags}u").as_bytes());
            }
            (Some(b'>'), None, 'u') => self.kitty_mut(screen).push(first.unwrap_or(0)),
            (Some(b'<'), None, 'u') => self.kitty_mut(screen).pop(first.unwrap_or(1)),
            (Some(b'='), None, 'u') => {
                if let Some(mode) = SetMode::from_param(param(params, 1)) {
                    self.kitty_mut(screen).set(first.unwrap_or(0), mode);
                }
            }
            (Some(b'>'), None, 'm') => self.set_modify_other_keys(params),
            (Some(b'?'), None, 'm') if first == Some(4) => self.modify_other_keys_report(),
            (Some(b'?'), None, 'h') => self.private_modes(params, Switch::Set),
            (Some(b'?'), None, 'l') => self.private_modes(params, Switch::Reset),
            (None, None, 'h') => self.ansi_modes(params, Switch::Set),
            (None, None, 'l') => self.ansi_modes(params, Switch::Reset),
            _ => {}
        }
    }

    fn unhandled_osc(&mut self, _: &mut Screen, params: &[&[u8]]) {
        match params.first() {
            Some(&(b"10" | b"11" | b"12")) => self.osc_colour_queries(params),
            Some(&(b"9" | b"777")) => self.osc_notification(params),
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "shim_tests.rs"]
mod tests;
