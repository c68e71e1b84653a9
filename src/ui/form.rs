//! Editing the new-workspace form: keys and pastes in, a [`FormOutcome`]
//! out. Pure, so the server can feed it a client's events and test the
//! whole interaction without a terminal.
//!
//! Editing is append-only at the end of the focused field (Backspace,
//! Ctrl+U): the fields are short names, and a movable caret would be more
//! state to keep in sync with what is drawn for little gain.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{FormField, NewWorkspaceForm};

/// What the server should do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    /// Keep the form open (it may have changed).
    Editing,
    /// Validate and create the workspace.
    Submit,
    /// Close the form without doing anything.
    Cancel,
}

impl FormField {
    /// The field after this one, wrapping around.
    pub fn next(self) -> FormField {
        match self {
            FormField::Name => FormField::Agent,
            FormField::Agent => FormField::Base,
            FormField::Base => FormField::Prompt,
            FormField::Prompt => FormField::Name,
        }
    }

    /// The field before this one, wrapping around.
    pub fn previous(self) -> FormField {
        match self {
            FormField::Name => FormField::Prompt,
            FormField::Agent => FormField::Name,
            FormField::Base => FormField::Agent,
            FormField::Prompt => FormField::Base,
        }
    }

    /// Only the prompt may span lines; the others are names.
    fn multiline(self) -> bool {
        match self {
            FormField::Prompt => true,
            FormField::Name | FormField::Agent | FormField::Base => false,
        }
    }
}

impl NewWorkspaceForm {
    /// The text of the focused field.
    pub fn focused_value(&self) -> &str {
        self.value(self.field)
    }

    /// The text of one field.
    pub fn value(&self, field: FormField) -> &str {
        match field {
            FormField::Name => &self.name,
            FormField::Agent => &self.agent,
            FormField::Base => &self.base,
            FormField::Prompt => &self.prompt,
        }
    }

    fn focused_mut(&mut self) -> &mut String {
        match self.field {
            FormField::Name => &mut self.name,
            FormField::Agent => &mut self.agent,
            FormField::Base => &mut self.base,
            FormField::Prompt => &mut self.prompt,
        }
    }

    /// Applies one key. Releases are ignored (terminals with the kitty
    /// protocol report them); repeats act like presses.
    pub fn handle_key(&mut self, key: &KeyEvent) -> FormOutcome {
        match key.kind {
            KeyEventKind::Press | KeyEventKind::Repeat => {}
            KeyEventKind::Release => return FormOutcome::Editing,
        }
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Enter => return FormOutcome::Submit,
            KeyCode::Tab | KeyCode::Down => self.field = self.field.next(),
            KeyCode::BackTab | KeyCode::Up => self.field = self.field.previous(),
            KeyCode::Backspace => {
                if self.focused_mut().pop().is_some() {
                    self.error = None;
                }
            }
            KeyCode::Char('u') if control => {
                if !self.focused_value().is_empty() {
                    self.focused_mut().clear();
                    self.error = None;
                }
            }
            KeyCode::Char(c) if !control && !alt && !c.is_control() => {
                self.focused_mut().push(c);
                self.error = None;
            }
            KeyCode::Char(_)
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

    /// Pastes into the focused field. Line breaks survive only in the
    /// prompt (as `\n`); elsewhere they, like every other control
    /// character, are dropped, since a name cannot hold them.
    pub fn handle_paste(&mut self, text: &str) {
        let multiline = self.field.multiline();
        let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        let kept: String = normalized
            .chars()
            .filter(|&c| !c.is_control() || (multiline && c == '\n'))
            .collect();
        if !kept.is_empty() {
            self.focused_mut().push_str(&kept);
            self.error = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn type_text(form: &mut NewWorkspaceForm, text: &str) {
        for c in text.chars() {
            assert_eq!(
                form.handle_key(&key(KeyCode::Char(c))),
                FormOutcome::Editing
            );
        }
    }

    #[test]
    fn printable_keys_insert_into_the_focused_field() {
        let mut form = NewWorkspaceForm::default();
        type_text(&mut form, "auth-ü");
        let shifted = KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT);
        form.handle_key(&shifted);
        assert_eq!(form.name, "auth-üX");
        assert_eq!(form.agent, "");
    }

    #[test]
    fn tab_and_arrows_move_between_fields_and_wrap() {
        let mut form = NewWorkspaceForm::default();
        form.handle_key(&key(KeyCode::Tab));
        assert_eq!(form.field, FormField::Agent);
        form.handle_key(&key(KeyCode::Down));
        form.handle_key(&key(KeyCode::Tab));
        assert_eq!(form.field, FormField::Prompt);
        form.handle_key(&key(KeyCode::Tab));
        assert_eq!(form.field, FormField::Name);
        form.handle_key(&key(KeyCode::BackTab));
        assert_eq!(form.field, FormField::Prompt);
        form.handle_key(&key(KeyCode::Up));
        assert_eq!(form.field, FormField::Base);
        type_text(&mut form, "main");
        assert_eq!(form.base, "main");
    }

    #[test]
    fn backspace_and_ctrl_u_edit_the_focused_field_only() {
        let mut form = NewWorkspaceForm {
            name: "keep".into(),
            agent: "claude".into(),
            field: FormField::Agent,
            ..NewWorkspaceForm::default()
        };
        form.handle_key(&key(KeyCode::Backspace));
        assert_eq!(form.agent, "claud");
        form.handle_key(&ctrl('u'));
        assert_eq!(form.agent, "");
        form.handle_key(&key(KeyCode::Backspace));
        assert_eq!(form.agent, "");
        assert_eq!(form.name, "keep");
    }

    #[test]
    fn enter_submits_and_esc_cancels() {
        let mut form = NewWorkspaceForm::default();
        assert_eq!(form.handle_key(&key(KeyCode::Enter)), FormOutcome::Submit);
        assert_eq!(form.handle_key(&key(KeyCode::Esc)), FormOutcome::Cancel);
    }

    #[test]
    fn control_and_alt_chords_and_releases_insert_nothing() {
        let mut form = NewWorkspaceForm::default();
        form.handle_key(&ctrl('a'));
        form.handle_key(&KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT));
        let mut release = key(KeyCode::Char('r'));
        release.kind = KeyEventKind::Release;
        form.handle_key(&release);
        form.handle_key(&key(KeyCode::F(5)));
        assert_eq!(form, NewWorkspaceForm::default());
    }

    #[test]
    fn editing_clears_a_stale_error_but_moving_does_not() {
        let mut form = NewWorkspaceForm {
            error: Some("name taken".into()),
            ..NewWorkspaceForm::default()
        };
        form.handle_key(&key(KeyCode::Tab));
        assert!(form.error.is_some());
        form.handle_key(&key(KeyCode::Backspace));
        assert!(form.error.is_some(), "nothing was deleted");
        type_text(&mut form, "x");
        assert_eq!(form.error, None);
    }

    #[test]
    fn paste_drops_line_breaks_outside_the_prompt() {
        let mut form = NewWorkspaceForm::default();
        form.handle_paste("fix\r\nbug\t1\n");
        assert_eq!(form.name, "fixbug1");
        form.field = FormField::Prompt;
        form.handle_paste("line one\r\nline two\rthree\x1b");
        assert_eq!(form.prompt, "line one\nline two\nthree");
    }
}
