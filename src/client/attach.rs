//! Attaching a dashboard: the outer terminal in raw mode on the alternate
//! screen with mouse, bracketed paste, focus events and (where the terminal
//! supports it) the kitty keyboard protocol, so Shift+Enter is distinct from
//! Enter. Events go to the server as they come. Frames are written to our
//! terminal by the server itself when it can open it (we name it in
//! `Attach`); otherwise they come back as bytes for stdout. Whatever ends the
//! attach — the detach key, the server exiting, the terminal closing, SIGHUP
//! or SIGTERM — the terminal is restored on the way out.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture, Event, KeyEventKind, KeyboardEnhancementFlags,
    PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use tokio::signal::unix::{SignalKind, signal};

use super::connect::ClientConn;
use super::events::{Gone, TerminalEvents};
use crate::protocol::{ClientMsg, DetachReason, Notifications, ServerMsg, TermSize};

/// How an attach ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The server let us go (detach key, or the server is exiting).
    Detached(DetachReason),
    /// Our terminal went away or we were told to stop (SIGHUP, SIGTERM).
    TerminalGone,
    /// The connection to the server broke.
    ServerLost,
}

/// Raw mode and the terminal modes we turned on; restored on drop.
struct TerminalGuard {
    keyboard: Keyboard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyboard {
    Legacy,
    Enhanced,
}

impl TerminalGuard {
    fn enter() -> anyhow::Result<TerminalGuard> {
        crossterm::terminal::enable_raw_mode().context("cannot put the terminal in raw mode")?;
        let keyboard = match crossterm::terminal::supports_keyboard_enhancement() {
            Ok(true) => Keyboard::Enhanced,
            Ok(false) | Err(_) => Keyboard::Legacy,
        };
        let mut out = std::io::stdout();
        crossterm::execute!(
            out,
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste,
            EnableFocusChange
        )?;
        if keyboard == Keyboard::Enhanced {
            crossterm::execute!(
                out,
                PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
            )?;
        }
        Ok(TerminalGuard { keyboard })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let mut out = std::io::stdout();
        if self.keyboard == Keyboard::Enhanced {
            let _ = crossterm::execute!(out, PopKeyboardEnhancementFlags);
        }
        let _ = crossterm::execute!(
            out,
            DisableFocusChange,
            DisableBracketedPaste,
            DisableMouseCapture,
            crossterm::cursor::Show,
            crossterm::cursor::SetCursorStyle::DefaultUserShape,
            crossterm::style::ResetColor,
            LeaveAlternateScreen
        );
        let _ = out.flush();
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Runs a dashboard for the repository at `cwd` until it ends.
pub async fn attach(conn: ClientConn, cwd: PathBuf) -> anyhow::Result<Ending> {
    let (cols, rows) = crossterm::terminal::size().context("cannot read the terminal size")?;
    let guard = TerminalGuard::enter()?;
    let ending = run(conn, cwd, TermSize { cols, rows }).await;
    drop(guard);
    ending
}

async fn run(mut conn: ClientConn, cwd: PathBuf, size: TermSize) -> anyhow::Result<Ending> {
    let notifications = Notifications::for_terminal(
        std::env::var("TERM_PROGRAM").ok().as_deref(),
        std::env::var_os("TMUX").is_some(),
    );
    // The server writes frames to our terminal itself when it can open it;
    // otherwise they come over the socket and are written below.
    let tty = nix::unistd::ttyname(std::io::stdout()).ok();
    conn.send(&ClientMsg::Attach {
        cwd,
        size,
        notifications,
        tty,
    })
    .await?;
    let (mut reader, mut writer) = conn.into_split();
    let mut events = TerminalEvents::new().context("cannot watch the terminal for input")?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    // Frames are read on their own task so a big one never delays input.
    let (frames_tx, mut frames) = tokio::sync::mpsc::channel::<ServerMsg>(64);
    let reading = tokio::spawn(async move {
        while let Ok(message) = crate::protocol::read_frame::<_, ServerMsg>(&mut reader).await {
            if frames_tx.send(message).await.is_err() {
                break;
            }
        }
    });
    let ending = loop {
        tokio::select! {
            events = events.next() => match events {
                Ok(events) => {
                    let mut lost = false;
                    for event in events.into_iter().filter(|e| !is_release(e)) {
                        let message = ClientMsg::Input { event };
                        if crate::protocol::write_frame(&mut writer, &message).await.is_err() {
                            lost = true;
                            break;
                        }
                    }
                    if lost {
                        break Ending::ServerLost;
                    }
                }
                Err(Gone::HungUp) => break Ending::TerminalGone,
                Err(Gone::Failed(error)) => {
                    tracing::warn!(%error, "reading the terminal failed");
                    break Ending::TerminalGone;
                }
            },
            message = frames.recv() => match message {
                Some(ServerMsg::Output { bytes }) => {
                    // Written here and now, blocking, as tmux's client does:
                    // tokio's stdout hands every write to a blocking-pool
                    // thread, one more thread to wake for every echo, and a
                    // terminal that cannot keep up should hold the dashboard
                    // back rather than let frames pile up.
                    let mut out = std::io::stdout().lock();
                    if out.write_all(&bytes).and_then(|()| out.flush()).is_err() {
                        break Ending::TerminalGone;
                    }
                }
                Some(ServerMsg::Detached { reason }) => break Ending::Detached(reason),
                Some(
                    ServerMsg::Welcome { .. }
                    | ServerMsg::VersionMismatch { .. }
                    | ServerMsg::Response { .. },
                ) => {}
                None => break Ending::ServerLost,
            },
            _ = hangup.recv() => break Ending::TerminalGone,
            _ = terminate.recv() => break Ending::TerminalGone,
        }
    };
    if ending == Ending::TerminalGone {
        // The server may be writing a frame to our terminal. Hang up and let
        // it finish and close its end before we restore the terminal, so no
        // frame lands on the shell underneath.
        let _ = tokio::io::AsyncWriteExt::shutdown(&mut writer).await;
        let drained = async { while frames.recv().await.is_some() {} };
        let _ = tokio::time::timeout(LAST_FRAME, drained).await;
    }
    reading.abort();
    Ok(ending)
}

/// How long a client that is going away waits for the server to stop
/// writing to its terminal.
const LAST_FRAME: std::time::Duration = std::time::Duration::from_millis(500);

/// Key releases (reported once the kitty protocol is on) carry nothing the
/// server uses.
fn is_release(event: &Event) -> bool {
    match event {
        Event::Key(key) => key.kind == KeyEventKind::Release,
        Event::FocusGained
        | Event::FocusLost
        | Event::Mouse(_)
        | Event::Paste(_)
        | Event::Resize(..) => false,
    }
}
