//! Hostile input to the dashboard's own key handling: scroll mode at any
//! pane height with any keys (the server clamps the view only when it next
//! draws), and the new-workspace form and prompt editor under any keys and
//! pastes, which must keep no control characters but the prompt's line
//! breaks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hostile::keys::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(hostile::config(500))]

    /// Scroll mode takes any keys at any pane height (the server clamps the
    /// view to the history when it draws, which may be several keys later).
    #[test]
    fn scroll_mode_takes_any_keys(
        rows in prop_oneof![0u16..4, 4u16..200, Just(u16::MAX)],
        keys in prop::collection::vec(dashboard_key(), 0..40),
    ) {
        let mut scroll = grove::ui::scroll::ScrollState::new("pane", rows);
        for key in &keys {
            let _ = scroll.handle_key(key, rows);
            if let Some((top, bottom)) = scroll.marked_rows(rows) {
                prop_assert!(top <= bottom && bottom < rows.max(1));
            }
            let _ = scroll.hint();
        }
    }

    /// The new-workspace form and the prompt editor keep no control
    /// characters but the prompt's line breaks, whatever is typed or pasted.
    #[test]
    fn editors_keep_no_control_characters(
        inputs in prop::collection::vec(
            prop_oneof![
                key_event().prop_map(Ok),
                dashboard_key().prop_map(Ok),
                paste_text().prop_map(Err),
            ],
            0..30,
        ),
    ) {
        let mut form = grove::ui::NewWorkspaceForm::default();
        let mut prompt = grove::ui::PromptInput::new("target");
        for input in &inputs {
            match input {
                Ok(key) => {
                    let _ = form.handle_key(key);
                    let _ = prompt.handle_key(key);
                }
                Err(text) => {
                    form.handle_paste(text);
                    prompt.handle_paste(text);
                }
            }
        }
        for field in [&form.name, &form.agent, &form.base, &prompt.text] {
            prop_assert!(!field.chars().any(|c| c.is_control() && c != '\n'), "{field:?}");
        }
        for field in [&form.name, &form.agent, &form.base] {
            prop_assert!(!field.contains('\n'), "{field:?}");
        }
        let _ = prompt.shown();
    }
}

/// Regression (found by `scroll_mode_takes_any_keys`): `g` puts the cursor at
/// the top of any history, and an Up before the next frame clamped it
/// overflowed (a panic in a debug build, a jump to the bottom in release).
#[test]
fn up_after_the_top_of_history_stays_at_the_top() {
    let mut scroll = grove::ui::scroll::ScrollState::new("pane", 24);
    let _ = scroll.handle_key(&KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE), 24);
    let top = scroll.cursor_line(24);
    let _ = scroll.handle_key(&KeyEvent::new(KeyCode::Up, KeyModifiers::NONE), 24);
    assert!(scroll.cursor_line(24) >= top);
    let _ = scroll.handle_key(&KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE), 24);
    assert!(scroll.cursor_line(24) >= top);
}
