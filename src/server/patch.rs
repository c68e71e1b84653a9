//! Frames that redraw only the pane screens that changed.
//!
//! Most frames follow a program printing: an agent's output, or the echo of
//! a key. Nothing else on the dashboard moved, since everything else that
//! changes what a client sees marks it [`Dirty::Changed`]; only a pane's
//! output marks it [`Dirty::Screens`]. Such a frame draws the inside of each
//! pane whose emulator changed since the client's last frame, exactly as a
//! whole frame would draw it there, and sends the cells that differ. The
//! whole dashboard is drawn again when anything is drawn over the panes (an
//! overlay, scroll mode's marks) or the client missed a frame.

use ratatui::buffer::Buffer;

use super::client::{Client, ClientOverlay, Dirty};
use super::outbox::Continuity;
use super::reuse::ScreenKey;
use super::workspaces::Workspace;
use crate::ui::layout::Visibility;
use crate::ui::{self, DrawnScreen};

/// How a client's next frame is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Patch {
    /// Only the insides of the panes whose screens changed.
    Screens,
    /// The whole dashboard.
    Whole,
}

/// How `client`'s next frame, showing `shown`, is drawn: only the changed
/// screens when nothing else can have moved and they cover at most half the
/// dashboard (past that, moving their cells in and out costs more than
/// drawing everything: `cargo bench --bench frame`).
pub(super) fn can_patch(client: &Client, shown: &[&Workspace]) -> Patch {
    if !plain(client) {
        return Patch::Whole;
    }
    let focus = focus_index(client, shown);
    let layout = client.layout_for(shown.len(), focus);
    let changed: u32 = shown
        .iter()
        .zip(&layout.panes)
        .filter(|(_, slot)| match slot.visible {
            Visibility::Visible => true,
            Visibility::Hidden => false,
        })
        .filter_map(|(workspace, slot)| {
            let live = workspace.live.as_ref()?;
            let key = ScreenKey {
                pane: live.id,
                changes: live.pane.lock_emulator().changes(),
            };
            let drawn = client.drawn.get(&workspace.record.name, Some(key));
            drawn.is_none().then_some(slot.inner.area())
        })
        .sum();
    match changed.saturating_mul(2) <= client.canvas.area().area() {
        true => Patch::Screens,
        false => Patch::Whole,
    }
}

/// The pane `client` has focused among `shown`: its choice, or the first.
fn focus_index(client: &Client, shown: &[&Workspace]) -> Option<usize> {
    client.focus_among(shown.iter().map(|w| w.record.name.as_str()))
}

/// Whether only pane screens changed for `client` and nothing is drawn
/// over them.
fn plain(client: &Client) -> bool {
    let plain = match client.overlay {
        ClientOverlay::None => client.scroll.is_none(),
        ClientOverlay::Help
        | ClientOverlay::NewWorkspace(_)
        | ClientOverlay::ConfirmKill { .. }
        | ClientOverlay::ConfirmRemove { .. }
        | ClientOverlay::MergePreview { .. }
        | ClientOverlay::MergeConflict { .. }
        | ClientOverlay::Diff { .. }
        | ClientOverlay::Board { .. }
        | ClientOverlay::SendPrompt(_)
        | ClientOverlay::CheckOutput { .. } => false,
    };
    let screens_only = match client.dirty {
        Dirty::Screens => true,
        Dirty::Clean | Dirty::Changed => false,
    };
    let intact = match client.outbox.continuity() {
        Continuity::Intact => true,
        Continuity::Broken => false,
    };
    plain && screens_only && intact
}

/// Redraws the inside of every visible pane of `shown` whose screen changed
/// since `client`'s last frame, and places the cursor; the bytes to send.
pub(super) fn draw_screens(client: &mut Client, shown: &[&Workspace]) -> Vec<u8> {
    let focus = focus_index(client, shown);
    let layout = client.layout_for(shown.len(), focus);
    let mut cursor = None;
    let mut style = vt100::CursorStyle::default();
    for (index, (workspace, slot)) in shown.iter().zip(&layout.panes).enumerate() {
        let Some(live) = workspace.live.as_ref() else {
            continue;
        };
        let emulator = live.pane.lock_emulator();
        let screen = emulator.screen();
        let focused = focus == Some(index);
        if focused {
            style = screen.cursor_style();
        }
        match slot.visible {
            Visibility::Visible => {}
            Visibility::Hidden => continue,
        }
        let name = &workspace.record.name;
        let key = ScreenKey {
            pane: live.id,
            changes: emulator.changes(),
        };
        if client.drawn.get(name, Some(key)).is_none() {
            let mut region = Buffer::empty(slot.inner);
            ui::pane::draw_screen(screen, slot.inner, &mut region);
            let drawn = DrawnScreen::capture(&region, slot.inner);
            client.canvas.patch(region);
            client.drawn.insert(name.clone(), key, drawn);
        }
        if focused {
            cursor = ui::pane::screen_cursor(screen, &workspace.status(), slot);
        }
    }
    client.canvas.place_cursor(cursor);
    let backend = client.canvas.backend_mut();
    backend.set_cursor_style(style);
    backend.take_bytes()
}
