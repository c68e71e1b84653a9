//! Frames that redraw only the pane screens that changed.
//!
//! Most frames follow a program printing: an agent's output, or the echo of
//! a key. Nothing else on the dashboard moved, since everything else that
//! changes what a client sees marks it [`Dirty::Changed`]; only a pane's
//! output marks it [`Dirty::Screens`]. Such a frame draws what changed
//! inside each pane since the client's last frame, exactly as a whole frame
//! would draw it there, and sends the cells that differ: the rows the
//! emulator marked (an echo is one row, see `pane/damage.rs`) when the
//! client's kept screen of the pane is the one its last frame drew, else
//! the pane's whole inside. The whole dashboard is drawn again when anything
//! is drawn over the panes (an overlay, scroll mode's marks) or the client
//! missed a frame.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::client::{Client, ClientOverlay, Dirty};
use super::outbox::Continuity;
use super::reuse::ScreenKey;
use super::workspaces::{PaneId, Workspace};
use crate::pane::{Changed, Emulator};
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
/// screens when nothing else can have moved and what they changed covers at
/// most half the dashboard (past that, moving their cells in and out costs
/// more than drawing everything: `cargo bench --bench frame`).
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
            let emulator = live.pane.lock_emulator();
            let inner = slot.inner;
            let area = match redraw(client, &workspace.record.name, live.id, &emulator, inner) {
                Redraw::Nothing => 0,
                Redraw::Rows(rows) => {
                    u32::from(inner.width) * u32::try_from(rows.len()).unwrap_or(u32::MAX)
                }
                Redraw::All => inner.area(),
            };
            Some(area)
        })
        .sum();
    match changed.saturating_mul(2) <= client.canvas.area().area() {
        true => Patch::Screens,
        false => Patch::Whole,
    }
}

/// What of a pane's inside `client` must draw again.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Redraw {
    Nothing,
    /// These rows of the screen; the rest is as the client's last frame
    /// drew it.
    Rows(Vec<u16>),
    All,
}

fn redraw(client: &Client, name: &str, pane: PaneId, emulator: &Emulator, inner: Rect) -> Redraw {
    let Some((drawn, area)) = client.drawn.latest_key(name) else {
        return Redraw::All;
    };
    if drawn.pane != pane || area != inner {
        return Redraw::All;
    }
    if drawn.changes == emulator.changes() {
        return Redraw::Nothing;
    }
    match emulator.changed_since(drawn.changes) {
        Changed::Nothing => Redraw::Rows(Vec::new()),
        Changed::Rows(rows) => Redraw::Rows(rows),
        Changed::Everything => Redraw::All,
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
        | ClientOverlay::Choose { .. }
        | ClientOverlay::SendPrompt(_)
        | ClientOverlay::CheckOutput { .. }
        | ClientOverlay::MergeRefused { .. } => false,
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
        match redraw(client, name, live.id, &emulator, slot.inner) {
            Redraw::Nothing => {}
            Redraw::Rows(rows) => {
                if let Some((drawn_key, drawn)) = client.drawn.latest_mut(name) {
                    for row in rows.into_iter().filter(|row| *row < slot.inner.height) {
                        let line = Rect::new(slot.inner.x, slot.inner.y + row, slot.inner.width, 1);
                        let mut region = Buffer::empty(line);
                        ui::draw_screen_row(screen, slot.inner, row, &mut region);
                        drawn.update_row(&region);
                        client.canvas.patch(region);
                    }
                    *drawn_key = key;
                }
            }
            Redraw::All => {
                let mut region = Buffer::empty(slot.inner);
                ui::pane::draw_screen(screen, slot.inner, &mut region);
                let drawn = DrawnScreen::capture(&region, slot.inner);
                client.canvas.patch(region);
                client.drawn.insert(name.clone(), key, drawn);
            }
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
