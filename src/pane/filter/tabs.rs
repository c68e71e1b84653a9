//! Tab stops the program sets and clears, which vt100 0.18 lacks: it always
//! tabs to the next multiple of eight. HTS (`ESC H`) sets a stop at the
//! cursor, TBC (`CSI g`, `CSI 3 g`) clears the one at the cursor or all of
//! them, CHT (`CSI n I`) and CBT (`CSI n Z`) move forward and back over `n`
//! stops. Each tab needs the cursor's column: on a pending wrap (or in the
//! last column) it does nothing, where vt100 would move back onto the last
//! column and lose the wrap (xterm and tmux keep it). Otherwise, while the
//! stops are the default ones, the tab reaches vt100 as it came; once the
//! program has changed them, it becomes a move to the column this table
//! says (`CSI col G`). The stops go back to every eight columns when the
//! width changes (as tmux does) and on a full reset (RIS).

use super::{Filter, Sink, Terminal};

/// Default stops are this far apart.
const EVERY: u16 = 8;

/// The tab stops of one screen width.
#[derive(Debug, Default)]
pub(super) struct TabStops {
    /// A flag per column once the program changed a stop; `None` while the
    /// stops are every eight columns, vt100's own.
    custom: Option<Vec<bool>>,
}

impl TabStops {
    /// Whether a tab can go to vt100 unchanged.
    pub(super) fn are_default(&self) -> bool {
        self.custom.is_none()
    }

    /// Back to every eight columns.
    pub(super) fn reset(&mut self) {
        self.custom = None;
    }

    fn is_stop(&self, col: u16) -> bool {
        match &self.custom {
            Some(stops) => stops.get(usize::from(col)).copied().unwrap_or(false),
            None => col > 0 && col.is_multiple_of(EVERY),
        }
    }

    /// Changes the stop at `col` of a screen `cols` wide.
    fn change(&mut self, cols: u16, col: u16, stop: bool) {
        let stops = self.custom.get_or_insert_with(|| {
            (0..cols)
                .map(|c| c > 0 && c.is_multiple_of(EVERY))
                .collect()
        });
        if let Some(flag) = stops.get_mut(usize::from(col)) {
            *flag = stop;
        }
        self.forget_if_default();
    }

    fn clear_all(&mut self, cols: u16) {
        self.custom = Some(vec![false; usize::from(cols)]);
    }

    /// A program that resets its terminal (`tput init`) clears every stop
    /// and sets them again eight apart: tabs can then go to vt100 as they are.
    fn forget_if_default(&mut self) {
        let default = self.custom.as_ref().is_some_and(|stops| {
            (0u16..)
                .zip(stops)
                .all(|(c, &stop)| stop == (c > 0 && c.is_multiple_of(EVERY)))
        });
        if default {
            self.custom = None;
        }
    }

    /// Where a tab from `col` goes: the next stop, or the last column when
    /// there is none (also from a pending wrap, as vt100 does).
    fn next(&self, col: u16, cols: u16) -> u16 {
        let last = cols.saturating_sub(1);
        (col.saturating_add(1)..last)
            .find(|&c| self.is_stop(c))
            .unwrap_or(last)
    }

    /// Where a back tab from `col` goes: the stop before it, or the first column.
    fn previous(&self, col: u16, cols: u16) -> u16 {
        let col = col.min(cols.saturating_sub(1));
        (1..col).rev().find(|&c| self.is_stop(c)).unwrap_or(0)
    }
}

impl Filter {
    /// HT. At or past the last column it does nothing: a pending wrap stays
    /// pending.
    pub(super) fn tab<T: Terminal>(&mut self, out: &mut Sink<T>) {
        let col = out.cursor().col;
        let cols = out.cols();
        if col < cols.saturating_sub(1) {
            if self.tabs.are_default() {
                out.push(b'\t');
            } else {
                out.cha(self.tabs.next(col, cols));
            }
        }
    }

    /// HTS (`ESC H`): a stop at the cursor. Nothing on a pending wrap, whose
    /// column is past the last one (as tmux).
    pub(super) fn set_tab_stop<T: Terminal>(&mut self, out: &mut Sink<T>) {
        let col = out.cursor().col;
        self.tabs.change(out.cols(), col, true);
    }

    /// TBC (`CSI g`, `CSI 0 g`, `CSI 3 g`); other parameters do nothing.
    pub(super) fn clear_tab_stops<T: Terminal>(&mut self, which: Option<u16>, out: &mut Sink<T>) {
        match which {
            None | Some(0) => {
                let col = out.cursor().col;
                self.tabs.change(out.cols(), col, false);
            }
            Some(3) => self.tabs.clear_all(out.cols()),
            Some(_) => {}
        }
    }

    /// CHT (`CSI n I`): forward over `count` stops.
    pub(super) fn forward_tabs<T: Terminal>(&mut self, count: u16, out: &mut Sink<T>) {
        let cols = out.cols();
        let count = count.clamp(1, cols);
        if self.tabs.are_default() {
            for _ in 0..count {
                out.push(b'\t');
            }
            return;
        }
        let mut col = out.cursor().col;
        if col >= cols.saturating_sub(1) {
            return;
        }
        for _ in 0..count {
            col = self.tabs.next(col, cols);
        }
        out.cha(col);
    }

    /// CBT (`CSI n Z`): back over `count` stops.
    pub(super) fn backward_tabs<T: Terminal>(&mut self, count: u16, out: &mut Sink<T>) {
        let cols = out.cols();
        let mut col = out.cursor().col;
        for _ in 0..count.clamp(1, cols) {
            col = self.tabs.previous(col, cols);
        }
        out.cha(col);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_stops_are_every_eight_columns_up_to_the_last() {
        let tabs = TabStops::default();
        assert_eq!(tabs.next(0, 80), 8);
        assert_eq!(tabs.next(8, 80), 16);
        assert_eq!(tabs.next(75, 80), 79);
        assert_eq!(tabs.next(79, 80), 79);
        assert_eq!(tabs.next(80, 80), 79);
        assert_eq!(tabs.previous(17, 80), 16);
        assert_eq!(tabs.previous(16, 80), 8);
        assert_eq!(tabs.previous(3, 80), 0);
        assert_eq!(tabs.previous(80, 80), 72);
    }

    #[test]
    fn changed_stops_are_used_and_the_default_set_again_is_forgotten() {
        let mut tabs = TabStops::default();
        tabs.clear_all(20);
        assert!(!tabs.are_default());
        assert_eq!(tabs.next(0, 20), 19);
        assert_eq!(tabs.previous(19, 20), 0);
        tabs.change(20, 5, true);
        assert_eq!(tabs.next(0, 20), 5);
        assert_eq!(tabs.next(5, 20), 19);
        assert_eq!(tabs.previous(19, 20), 5);
        // Past the width: ignored.
        tabs.change(20, 25, true);
        tabs.change(20, 5, false);
        tabs.change(20, 8, true);
        tabs.change(20, 16, true);
        assert!(tabs.are_default());
    }
}
