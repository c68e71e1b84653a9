//! Scroll mode's work that needs the emulator: searching a pane's history
//! and copying lines out of it. A copy goes to the dashboard's terminal as
//! OSC 52 (which reaches the user's clipboard through ssh and tmux too), and
//! to the system clipboard tool when the server's session has one.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use base64::Engine as _;

use super::client::ClientId;
use super::session::Session;
use crate::pane::{Emulator, LineForm};
use crate::ui::scroll::{Direction, search};

/// The most bytes one copy sends through OSC 52; terminals cap it too.
const MAX_COPY_BYTES: usize = 1 << 20;

/// Every line of the pane, oldest first: the history, then every row of
/// the screen (blank ones too, so positions match scroll mode's).
pub fn all_lines(emulator: &Emulator) -> Vec<String> {
    let screen = emulator.screen();
    let cols = screen.size().1.get();
    let mut lines = emulator.history_lines(usize::MAX, LineForm::Plain);
    lines.extend(screen.rows(0, cols));
    lines
}

/// A search scroll mode asked for.
pub struct Search<'a> {
    pub name: &'a str,
    pub query: &'a str,
    pub direction: Direction,
    /// The cursor's line, from the bottom.
    pub from: usize,
    /// The pane's height, to place the cursor.
    pub rows: u16,
}

impl Session {
    fn lines_of(&self, repo: Option<&Path>, name: &str) -> Option<Vec<String>> {
        let workspace = self
            .table
            .all()
            .find(|w| w.record.name == name && repo.is_none_or(|r| w.record.repo == r))?;
        let live = workspace.live.as_ref()?;
        let emulator = live.pane.lock_emulator();
        Some(all_lines(&emulator))
    }

    pub(super) fn search_history(&mut self, id: ClientId, repo: Option<&Path>, asked: Search<'_>) {
        let Search {
            name,
            query,
            direction,
            from,
            rows,
        } = asked;
        let lines = self.lines_of(repo, name).unwrap_or_default();
        let found = search(&lines, query, direction, from);
        if let Some(client) = self.clients.get_mut(&id)
            && let Some(scroll) = client.scroll.as_mut()
        {
            match found {
                Some(line) => {
                    scroll.show_line(line, rows);
                    scroll.found = Some(format!("/{query}: line {} from the bottom", line + 1));
                }
                None => {
                    let way = match direction {
                        Direction::Older => "above",
                        Direction::Newer => "below",
                    };
                    scroll.found = Some(format!("/{query}: no match {way}"));
                }
            }
        }
    }

    pub(super) fn copy_history(
        &mut self,
        id: ClientId,
        repo: Option<&Path>,
        name: &str,
        from: usize,
        to: usize,
    ) {
        let lines = self.lines_of(repo, name).unwrap_or_default();
        let total = lines.len();
        let text: Vec<&str> = (to..=from)
            .rev()
            .filter_map(|position| lines.get(total.checked_sub(position + 1)?))
            .map(|l| l.trim_end())
            .collect();
        let count = text.len();
        let mut text = text.join("\n");
        text.truncate(MAX_COPY_BYTES);
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        client
            .outbox
            .push(format!("\x1b]52;c;{encoded}\x07").as_bytes());
        let tool = copy_to_clipboard_tool(&text);
        if let Some(scroll) = client.scroll.as_mut() {
            scroll.found = Some(match tool {
                Some(tool) => format!("copied {count} line(s) (terminal clipboard and {tool})"),
                None => format!("copied {count} line(s) to the terminal's clipboard (OSC 52)"),
            });
        }
    }
}

/// Hands `text` to the first clipboard tool this session can use; its name.
fn copy_to_clipboard_tool(text: &str) -> Option<&'static str> {
    let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some();
    let x11 = std::env::var_os("DISPLAY").is_some();
    let candidates: [(&'static str, &[&str], bool); 4] = [
        ("wl-copy", &[], wayland),
        ("xclip", &["-selection", "clipboard"], x11),
        ("xsel", &["--clipboard", "--input"], x11),
        ("pbcopy", &[], cfg!(target_os = "macos")),
    ];
    candidates
        .into_iter()
        .filter(|(_, _, usable)| *usable)
        .find_map(|(program, args, _)| {
            let mut child = Command::new(program)
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let written = child
                .stdin
                .take()
                .is_some_and(|mut stdin| stdin.write_all(text.as_bytes()).is_ok());
            // The tool exits on its own once it owns the selection (xclip
            // forks); reap it on a thread so nothing here waits.
            std::thread::spawn(move || child.wait());
            written.then_some(program)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pane::{HistoryLimits, PaneSize};

    #[test]
    fn all_lines_are_the_history_then_the_whole_screen() {
        let mut emulator = Emulator::new(
            PaneSize { rows: 3, cols: 10 },
            HistoryLimits::new(100, 1 << 20),
        );
        emulator.process(b"a\r\nb\r\nc\r\nd\r\ne");
        assert_eq!(all_lines(&emulator), ["a", "b", "c", "d", "e"]);
        emulator.process(b"\r\n");
        assert_eq!(all_lines(&emulator), ["a", "b", "c", "d", "e", ""]);
    }
}
