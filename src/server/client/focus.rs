//! Moving a dashboard's focus: to a pane by direction (the nearest one on
//! that side, as tmux does), and to the agent that needs the user most.

use super::{Client, Effect, PaneFacts};
use crate::ui::layout::{self, DashboardLayout};

impl Client {
    pub(super) fn set_focus(&mut self, name: String) -> Vec<Effect> {
        if self.focus.as_ref() == Some(&name) {
            return Vec::new();
        }
        self.focus = Some(name);
        vec![Effect::Relayout]
    }

    pub(super) fn move_focus(&mut self, panes: &[PaneFacts], direction: Direction) -> Vec<Effect> {
        let Some(from) = self.focus_index(panes) else {
            return Vec::new();
        };
        let layout = self.layout_for(panes.len(), Some(from));
        match neighbor(&layout, from, direction).and_then(|i| panes.get(i)) {
            Some(pane) => self.set_focus(pane.name.clone()),
            None => Vec::new(),
        }
    }

    /// Focuses the agent that needs the user most: a question before
    /// finished work or an exit (a question holds its agent up), and of each the one
    /// that has waited longest. Pressed again, the next in that order,
    /// wrapping: an unanswered question stays on the list.
    pub(super) fn next_attention(&mut self, panes: &[PaneFacts]) -> Vec<Effect> {
        let mut needing: Vec<(u8, u64, usize)> = panes
            .iter()
            .enumerate()
            .filter_map(|(index, pane)| Some((pane.state?.urgency()?, pane.since, index)))
            .collect();
        needing.sort_unstable();
        let focused = self.focus_index(panes);
        let next = match needing.iter().position(|&(.., i)| Some(i) == focused) {
            Some(at) => needing.get((at + 1) % needing.len()),
            None => needing.first(),
        };
        match next.and_then(|&(.., index)| panes.get(index)) {
            Some(pane) => self.set_focus(pane.name.clone()),
            None => {
                self.message = Some("no agent needs you".to_owned());
                Vec::new()
            }
        }
    }
}

/// A direction to move focus in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Left,
    Right,
    Up,
    Down,
}

/// The visible pane nearest to `from` in `direction`: among panes entirely on
/// that side, the one whose span overlaps `from`'s most, then the closest.
fn neighbor(layout: &DashboardLayout, from: usize, direction: Direction) -> Option<usize> {
    let origin = layout.panes.get(from)?.outer;
    let visible = |slot: &layout::PaneSlot| slot.visible == layout::Visibility::Visible;
    layout
        .panes
        .iter()
        .enumerate()
        .filter(|(i, slot)| *i != from && visible(slot))
        .filter_map(|(i, slot)| {
            let r = slot.outer;
            let (beyond, distance, overlap) = match direction {
                Direction::Left => (
                    r.right() <= origin.x,
                    origin.x - r.right().min(origin.x),
                    span(r.y, r.bottom(), origin.y, origin.bottom()),
                ),
                Direction::Right => (
                    r.x >= origin.right(),
                    r.x.saturating_sub(origin.right()),
                    span(r.y, r.bottom(), origin.y, origin.bottom()),
                ),
                Direction::Up => (
                    r.bottom() <= origin.y,
                    origin.y - r.bottom().min(origin.y),
                    span(r.x, r.right(), origin.x, origin.right()),
                ),
                Direction::Down => (
                    r.y >= origin.bottom(),
                    r.y.saturating_sub(origin.bottom()),
                    span(r.x, r.right(), origin.x, origin.right()),
                ),
            };
            beyond.then_some((i, distance, overlap))
        })
        .min_by_key(|(i, distance, overlap)| (*distance, std::cmp::Reverse(*overlap), *i))
        .map(|(i, _, _)| i)
}

/// How much the ranges `[a0, a1)` and `[b0, b1)` overlap.
fn span(a0: u16, a1: u16, b0: u16, b1: u16) -> u16 {
    a1.min(b1).saturating_sub(a0.max(b0))
}
