//! Layout invariants over many sizes, counts and modes, plus a few exact
//! layouts worth pinning.

use super::*;

const MODES: [LayoutMode; 3] = [LayoutMode::Tiled, LayoutMode::MainStack, LayoutMode::Zoom];
const SIZES: [(u16, u16); 9] = [
    (80, 24),
    (81, 25),
    (200, 50),
    (61, 13),
    (60, 10),
    (59, 10),
    (137, 41),
    (30, 8),
    (7, 5),
];

fn visible(layout: &DashboardLayout) -> Vec<(usize, PaneSlot)> {
    layout
        .panes
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, slot)| slot.visible == Visibility::Visible)
        .collect()
}

fn contains(outer: Rect, inner: Rect) -> bool {
    inner.x >= outer.x
        && inner.y >= outer.y
        && inner.right() <= outer.right()
        && inner.bottom() <= outer.bottom()
}

/// Checks what must hold for every layout, whatever fits.
fn check_invariants(area: Rect, panes: usize, mode: LayoutMode, focus: usize) -> DashboardLayout {
    let layout = compute(area, panes, mode, Some(focus));
    let case = format!("{area:?} panes={panes} {mode:?} focus={focus}");
    assert_eq!(layout.panes.len(), panes, "{case}");
    assert!(contains(area, layout.sidebar), "{case}");
    assert!(contains(area, layout.main), "{case}");
    assert_eq!(layout.status.height, area.height.min(1), "{case}");
    assert_eq!(layout.status.bottom(), area.bottom(), "{case}");
    let shown = visible(&layout);
    for (index, slot) in &shown {
        assert!(slot.inner.width >= MIN_INNER, "{case} pane {index}");
        assert!(slot.inner.height >= MIN_INNER, "{case} pane {index}");
        assert_eq!(slot.inner, slot.outer.inner(Margin::new(1, 1)), "{case}");
        assert!(contains(layout.main, slot.outer), "{case} pane {index}");
    }
    for (a, first) in &shown {
        for (b, second) in &shown {
            if a != b {
                assert!(!first.outer.intersects(second.outer), "{case}: {a} and {b}");
            }
        }
    }
    for slot in &layout.panes {
        if slot.visible == Visibility::Hidden {
            assert_eq!((slot.outer, slot.inner), (Rect::ZERO, Rect::ZERO), "{case}");
        }
    }
    if !shown.is_empty() {
        assert_eq!(
            layout.panes[focus].visible,
            Visibility::Visible,
            "{case}: the focused pane is always shown when anything is"
        );
    }
    layout
}

#[test]
fn invariants_hold_for_every_size_count_mode_and_focus() {
    for (width, height) in SIZES {
        let area = Rect::new(0, 0, width, height);
        for panes in 1..=9 {
            for mode in MODES {
                for focus in 0..panes {
                    check_invariants(area, panes, mode, focus);
                }
            }
        }
    }
}

#[test]
fn an_offset_area_is_respected() {
    let area = Rect::new(3, 2, 90, 30);
    for panes in 1..=9 {
        for mode in MODES {
            let layout = check_invariants(area, panes, mode, panes - 1);
            assert_eq!(layout.sidebar.x, 3);
            assert_eq!(layout.main.x, 3 + SIDEBAR_WIDTH);
        }
    }
}

#[test]
fn tiled_covers_the_main_area_without_gaps_when_everything_fits() {
    for (width, height) in [(80, 24), (81, 25), (200, 50), (137, 41)] {
        let area = Rect::new(0, 0, width, height);
        for panes in 1..=9 {
            let layout = compute(area, panes, LayoutMode::Tiled, None);
            let shown = visible(&layout);
            assert_eq!(shown.len(), panes, "{area:?} {panes}");
            let covered: u32 = shown.iter().map(|(_, slot)| slot.outer.area()).sum();
            assert_eq!(covered, layout.main.area(), "{area:?} {panes}");
        }
    }
}

#[test]
fn tiled_grid_shapes() {
    assert_eq!(grid_shape(1), (1, 1));
    assert_eq!(grid_shape(2), (2, 1));
    assert_eq!(grid_shape(3), (2, 2));
    assert_eq!(grid_shape(4), (2, 2));
    assert_eq!(grid_shape(5), (3, 2));
    assert_eq!(grid_shape(7), (3, 3));
    assert_eq!(grid_shape(9), (3, 3));
    assert_eq!(grid_shape(10), (4, 3));
}

#[test]
fn three_tiled_panes_put_the_odd_one_across_the_bottom() {
    let layout = compute(Rect::new(0, 0, 88, 24), 3, LayoutMode::Tiled, Some(0));
    assert_eq!(layout.sidebar, Rect::new(0, 0, 32, 23));
    assert_eq!(layout.main, Rect::new(32, 0, 56, 23));
    assert_eq!(layout.status, Rect::new(0, 23, 88, 1));
    let outers: Vec<Rect> = layout.panes.iter().map(|slot| slot.outer).collect();
    assert_eq!(
        outers,
        [
            Rect::new(32, 0, 28, 12),
            Rect::new(60, 0, 28, 12),
            Rect::new(32, 12, 56, 11),
        ]
    );
    assert_eq!(layout.panes[2].inner, Rect::new(33, 13, 54, 9));
}

#[test]
fn seven_tiled_panes_spread_the_remainder_over_the_rows() {
    let layout = compute(Rect::new(0, 0, 120, 40), 7, LayoutMode::Tiled, None);
    let mut per_row = std::collections::BTreeMap::<u16, usize>::new();
    for slot in &layout.panes {
        *per_row.entry(slot.outer.y).or_default() += 1;
    }
    assert_eq!(per_row.values().copied().collect::<Vec<_>>(), [3, 2, 2]);
}

#[test]
fn main_stack_gives_the_focused_pane_sixty_percent() {
    let layout = compute(Rect::new(0, 0, 132, 31), 4, LayoutMode::MainStack, Some(2));
    assert_eq!(layout.main, Rect::new(32, 0, 100, 30));
    assert_eq!(layout.panes[2].outer, Rect::new(32, 0, 60, 30));
    let stack: Vec<Rect> = [0, 1, 3].iter().map(|&i| layout.panes[i].outer).collect();
    assert_eq!(
        stack,
        [
            Rect::new(92, 0, 40, 10),
            Rect::new(92, 10, 40, 10),
            Rect::new(92, 20, 40, 10),
        ]
    );
}

#[test]
fn main_stack_with_one_pane_is_tiled() {
    let area = Rect::new(0, 0, 100, 30);
    assert_eq!(
        compute(area, 1, LayoutMode::MainStack, Some(0)),
        compute(area, 1, LayoutMode::Tiled, Some(0))
    );
}

#[test]
fn main_stack_hides_what_does_not_fit_in_the_stack() {
    // 9 rows of main area: two stacked panes of at least 4 rows fit.
    let layout = compute(Rect::new(0, 0, 100, 10), 5, LayoutMode::MainStack, Some(0));
    let shown: Vec<usize> = visible(&layout).iter().map(|(i, _)| *i).collect();
    assert_eq!(shown, [0, 1, 2]);
}

#[test]
fn zoom_shows_only_the_focused_pane_over_the_whole_main_area() {
    let layout = compute(Rect::new(0, 0, 100, 30), 5, LayoutMode::Zoom, Some(3));
    let shown = visible(&layout);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].0, 3);
    assert_eq!(shown[0].1.outer, layout.main);
}

#[test]
fn focus_out_of_range_or_missing_falls_back_to_the_first_pane() {
    let area = Rect::new(0, 0, 100, 30);
    for focus in [None, Some(7)] {
        let layout = compute(area, 3, LayoutMode::Zoom, focus);
        assert_eq!(layout.panes[0].visible, Visibility::Visible);
    }
}

#[test]
fn the_sidebar_goes_away_on_narrow_terminals() {
    let wide = compute(Rect::new(0, 0, 80, 20), 1, LayoutMode::Tiled, None);
    assert_eq!(wide.sidebar.width, SIDEBAR_WIDTH);
    let narrow = compute(Rect::new(0, 0, 79, 20), 1, LayoutMode::Tiled, None);
    assert_eq!(narrow.sidebar.width, 0);
    assert_eq!(narrow.main, Rect::new(0, 0, 79, 19));
}

#[test]
fn a_hidden_sidebar_leaves_the_whole_width_to_the_panes() {
    let area = Rect::new(0, 0, 200, 50);
    for mode in [LayoutMode::Tiled, LayoutMode::MainStack, LayoutMode::Zoom] {
        let shown = compute_split(area, 3, mode, Some(1), MAIN_PERCENT, Sidebar::Shown);
        let hidden = compute_split(area, 3, mode, Some(1), MAIN_PERCENT, Sidebar::Hidden);
        assert_eq!(shown.sidebar.width, SIDEBAR_WIDTH);
        assert_eq!(hidden.sidebar.width, 0);
        assert_eq!(hidden.main, Rect::new(0, 0, 200, 49), "{mode:?}");
        let right_edge = |l: &DashboardLayout| {
            l.panes
                .iter()
                .map(|p| p.outer.right())
                .max()
                .unwrap_or_default()
        };
        assert_eq!(right_edge(&hidden), 200, "{mode:?}");
        assert!(hidden.panes.iter().any(|p| p.outer.x == 0), "{mode:?}");
    }
}

#[test]
fn a_tiny_terminal_hides_panes_but_keeps_the_focused_one() {
    // 30×8: main is 30×7, room for one row of tiles; the grid keeps its
    // square-ish shape, so that row holds two panes, the focused one last.
    let layout = check_invariants(Rect::new(0, 0, 30, 8), 9, LayoutMode::Tiled, 8);
    let shown: Vec<usize> = visible(&layout).iter().map(|(i, _)| *i).collect();
    assert_eq!(shown, [7, 8]);
    let layout = check_invariants(Rect::new(0, 0, 30, 8), 9, LayoutMode::Tiled, 0);
    let shown: Vec<usize> = visible(&layout).iter().map(|(i, _)| *i).collect();
    assert_eq!(shown, [0, 1]);
}

#[test]
fn nothing_fits_in_a_terminal_smaller_than_a_pane() {
    for mode in MODES {
        let layout = compute(Rect::new(0, 0, 3, 3), 2, mode, Some(1));
        assert!(visible(&layout).is_empty(), "{mode:?}");
    }
    let empty = compute(Rect::ZERO, 2, LayoutMode::Tiled, None);
    assert_eq!(empty.status, Rect::ZERO);
    assert!(visible(&empty).is_empty());
}

#[test]
fn no_panes_still_lays_out_the_frame() {
    for mode in MODES {
        let layout = compute(Rect::new(0, 0, 88, 24), 0, mode, None);
        assert!(layout.panes.is_empty());
        assert_eq!(layout.main, Rect::new(32, 0, 56, 23));
    }
}

#[test]
fn pane_at_hits_borders_and_insides_of_visible_panes_only() {
    let layout = compute(Rect::new(0, 0, 88, 24), 3, LayoutMode::Tiled, Some(0));
    assert_eq!(pane_at(&layout, 32, 0), Some(0));
    assert_eq!(pane_at(&layout, 59, 11), Some(0));
    assert_eq!(pane_at(&layout, 60, 0), Some(1));
    assert_eq!(pane_at(&layout, 68, 18), Some(2));
    assert_eq!(pane_at(&layout, 5, 5), None, "sidebar");
    assert_eq!(pane_at(&layout, 38, 23), None, "status line");
    assert_eq!(pane_at(&layout, 200, 5), None, "outside");
    let zoomed = compute(Rect::new(0, 0, 88, 24), 3, LayoutMode::Zoom, Some(1));
    assert_eq!(
        pane_at(&zoomed, 0, 0),
        None,
        "hidden panes have empty rects"
    );
    assert_eq!(pane_at(&zoomed, 38, 5), Some(1));
}

#[test]
fn split_spreads_the_remainder_and_covers_the_length() {
    let runs: Vec<(u16, u16)> = split(10, 11, 3).collect();
    assert_eq!(runs, [(10, 4), (14, 4), (18, 3)]);
    for len in 0..40 {
        for parts in 1..8 {
            let runs: Vec<(u16, u16)> = split(0, len, parts).collect();
            assert_eq!(runs.iter().map(|r| r.1).sum::<u16>(), len);
            assert!(runs.windows(2).all(|w| w[0].0 + w[0].1 == w[1].0));
        }
    }
}
