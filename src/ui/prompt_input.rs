//! The prompt editor of `prefix t`: text typed or pasted for one agent,
//! sent whole when the user presses Enter. Pure, like the new-workspace
//! form, so the interaction is tested without a terminal.
//!
//! Alt+Enter adds a line break: agents take a multi-line prompt as one
//! bracketed paste, so the lines arrive together.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::FormOutcome;

/// The text being written for the agent in `target`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromptInput {
    pub target: String,
    pub text: String,
}

impl PromptInput {
    pub fn new(target: &str) -> PromptInput {
        PromptInput {
            target: target.to_owned(),
            text: String::new(),
        }
    }

    pub fn handle_key(&mut self, key: &KeyEvent) -> FormOutcome {
        match key.kind {
            KeyEventKind::Press | KeyEventKind::Repeat => {}
            KeyEventKind::Release => return FormOutcome::Editing,
        }
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Enter if alt => self.text.push('\n'),
            KeyCode::Enter if self.text.trim().is_empty() => {}
            KeyCode::Enter => return FormOutcome::Submit,
            KeyCode::Backspace => {
                self.text.pop();
            }
            KeyCode::Char('u') if control => self.text.clear(),
            KeyCode::Char(c) if !control && !alt && !c.is_control() => self.text.push(c),
            KeyCode::Char(_)
            | KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Up
            | KeyCode::Down
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Home
            | KeyCode::End
            | KeyCode::PageUp
            | KeyCode::PageDown
            | KeyCode::Delete
            | KeyCode::Insert
            | KeyCode::F(_)
            | KeyCode::Null
            | KeyCode::CapsLock
            | KeyCode::ScrollLock
            | KeyCode::NumLock
            | KeyCode::PrintScreen
            | KeyCode::Pause
            | KeyCode::Menu
            | KeyCode::KeypadBegin
            | KeyCode::Media(_)
            | KeyCode::Modifier(_) => {}
        }
        FormOutcome::Editing
    }

    /// A paste keeps its line breaks (as `\n`) and drops other controls.
    pub fn handle_paste(&mut self, text: &str) {
        let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        self.text
            .extend(normalized.chars().filter(|&c| !c.is_control() || c == '\n'));
    }

    /// The editor as the overlay shows it: the text and a caret.
    pub fn shown(&self) -> String {
        format!("{}▏", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn typing_editing_and_sending() {
        let mut input = PromptInput::new("api");
        // Enter on nothing sends nothing.
        assert_eq!(
            input.handle_key(&key(KeyCode::Enter, KeyModifiers::NONE)),
            FormOutcome::Editing
        );
        for c in "fix it".chars() {
            input.handle_key(&key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        input.handle_key(&key(KeyCode::Backspace, KeyModifiers::NONE));
        input.handle_key(&key(KeyCode::Enter, KeyModifiers::ALT));
        input.handle_paste("line\r\ntwo\x1b[31m");
        assert_eq!(input.text, "fix i\nline\ntwo[31m");
        assert_eq!(
            input.handle_key(&key(KeyCode::Enter, KeyModifiers::NONE)),
            FormOutcome::Submit
        );
        input.handle_key(&key(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(input.text, "");
        assert_eq!(
            input.handle_key(&key(KeyCode::Esc, KeyModifiers::NONE)),
            FormOutcome::Cancel
        );
    }
}
