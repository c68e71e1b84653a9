//! Scroll mode end to end, through the real server and a protocol-level
//! client that keeps every byte the server sends: `prefix [` over a pane
//! whose output scrolled far off screen, a search that moves the view to an
//! old line, and a copy that reaches the terminal as OSC 52.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use base64::Engine as _;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use grove::protocol::{ClientMsg, ServerMsg, TermSize};
use support::grove::Server;
use support::repo::TestRepo;

const SIZE: TermSize = TermSize {
    cols: 120,
    rows: 40,
};

struct Dashboard {
    runtime: tokio::runtime::Runtime,
    conn: grove::client::connect::ClientConn,
    screen: vt100::Parser,
    raw: Vec<u8>,
}

impl Dashboard {
    fn attach(t: &TestRepo) -> Dashboard {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let paths = t.grove_paths();
        let conn = runtime.block_on(async {
            let mut conn = grove::client::connect::connect(&paths)
                .await
                .unwrap()
                .unwrap();
            conn.send(&ClientMsg::Attach {
                cwd: t.root.clone(),
                size: SIZE,
                notifications: grove::protocol::Notifications::Bell,
                tty: None,
            })
            .await
            .unwrap();
            conn
        });
        let nonzero = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        Dashboard {
            runtime,
            conn,
            screen: vt100::Parser::new(nonzero(SIZE.rows), nonzero(SIZE.cols), 0),
            raw: Vec::new(),
        }
    }

    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        let event = Event::Key(KeyEvent::new(code, modifiers));
        self.runtime
            .block_on(self.conn.send(&ClientMsg::Input { event }))
            .unwrap();
    }

    fn chars(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    /// Reads frames until `check` holds on the screen (and raw bytes).
    fn wait(&mut self, what: &str, check: impl Fn(&str, &[u8]) -> bool) -> String {
        let deadline = self
            .runtime
            .block_on(async { tokio::time::Instant::now() + support::pane::TIMEOUT });
        loop {
            let contents = self.screen.screen().contents();
            if check(&contents, &self.raw) {
                return contents;
            }
            let conn = &mut self.conn;
            let message = self
                .runtime
                .block_on(async { tokio::time::timeout_at(deadline, conn.recv()).await })
                .unwrap_or_else(|_| panic!("waiting for {what}; the screen:\n{contents}"))
                .unwrap();
            if let ServerMsg::Output { bytes } = message {
                self.screen.process(&bytes);
                self.raw.extend_from_slice(&bytes);
            }
        }
    }
}

fn copied(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let start = text.rfind("\x1b]52;c;")? + "\x1b]52;c;".len();
    let end = start + text[start..].find('\x07')?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&text[start..end])
        .ok()?;
    String::from_utf8(decoded).ok()
}

#[test]
fn scroll_mode_searches_history_and_copies_with_osc_52() {
    let t = TestRepo::new();
    let _server = Server(&t);
    std::fs::write(
        t.root.join(".grove.yaml"),
        "agent: lines\nagents:\n  lines:\n    command: [\"sh\", \"-c\", \
         \"i=1; while [ $i -le 300 ]; do echo line $i; i=$((i+1)); done; echo all printed; exec sleep 100000\"]\n",
    )
    .unwrap();
    t.grove_ok(&["new", "log"]);
    let mut d = Dashboard::attach(&t);
    d.wait("the end of the output", |s, _| s.contains("all printed"));
    assert!(!d.screen.screen().contents().contains("line 120\n"));

    d.key(KeyCode::Char('b'), KeyModifiers::CONTROL);
    d.key(KeyCode::Char('['), KeyModifiers::NONE);
    d.wait("scroll mode", |s, _| s.contains("SCROLL"));
    d.key(KeyCode::Char('/'), KeyModifiers::NONE);
    d.chars("line 120");
    d.key(KeyCode::Enter, KeyModifiers::NONE);
    // The view moved up to the match; the status line says where it is.
    let screen = d.wait("the search to find line 120", |s, _| {
        s.contains("/line 120: line") && s.lines().any(|l| l.contains("line 120 "))
    });
    assert!(!screen.contains("all printed"), "{screen}");

    // Mark the match, move one line up (older), copy both.
    d.key(KeyCode::Char('v'), KeyModifiers::NONE);
    d.key(KeyCode::Char('k'), KeyModifiers::NONE);
    d.key(KeyCode::Char('y'), KeyModifiers::NONE);
    d.wait("the copy", |s, raw| {
        s.contains("copied 2 line(s)") && copied(raw).is_some()
    });
    assert_eq!(copied(&d.raw).unwrap(), "line 119\nline 120");

    // A search for something that is not there says so and keeps the view.
    d.key(KeyCode::Char('/'), KeyModifiers::NONE);
    d.chars("no such text");
    d.key(KeyCode::Enter, KeyModifiers::NONE);
    d.wait("no match", |s, _| {
        s.contains("/no such text: no match above")
    });

    // q leaves scroll mode: the live screen again.
    d.key(KeyCode::Char('q'), KeyModifiers::NONE);
    d.wait("the live screen", |s, _| {
        s.contains("all printed") && !s.contains("SCROLL")
    });
}
