//! One client connection, after the listener has checked the peer and the
//! protocol version. The first message decides what the connection is: a
//! dashboard (`Attach`: input in, frames out until detach) or a one-shot
//! request (`Request`: one response). A message that makes no sense closes
//! this connection and nothing else.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, oneshot};

use super::client::ClientId;
use super::outbox::{Next, Outbox};
use super::session::Event;
use super::terminal::Terminal;
use crate::git::{Git, Repo};
use crate::paths::Paths;
use crate::protocol::{ClientMsg, ProtocolError, Response, ServerMsg, read_frame, write_frame};
use crate::ui::keymap::Keymap;

/// Serves one connection until it ends.
pub async fn serve<R, W>(
    mut reader: R,
    mut writer: W,
    events: mpsc::Sender<Event>,
    paths: Paths,
    ids: Arc<AtomicU64>,
) where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let first: ClientMsg = match read_frame(&mut reader).await {
        Ok(message) => message,
        Err(error) => return log_end(error),
    };
    match first {
        ClientMsg::Attach {
            cwd,
            size,
            notifications,
            tty,
        } => {
            let id = ClientId(ids.fetch_add(1, Ordering::Relaxed));
            let outbox = Arc::new(Outbox::default());
            let (repo, keymap, message) = dashboard_setup(paths, cwd).await;
            let attach = Event::Attach {
                client: id,
                repo,
                size,
                notifications,
                keymap,
                message,
                outbox: Arc::clone(&outbox),
            };
            if events.send(attach).await.is_err() {
                return;
            }
            let terminal = tty.and_then(|path| match Terminal::open(&path) {
                Ok(terminal) => Some(terminal),
                Err(error) => {
                    tracing::info!(client = id.0, %error, "frames go over the socket");
                    None
                }
            });
            let sender = tokio::spawn(send_frames(writer, outbox, terminal));
            loop {
                match read_frame::<_, ClientMsg>(&mut reader).await {
                    Ok(ClientMsg::Input { event }) => {
                        if events
                            .send(Event::Input { client: id, event })
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                    Ok(other) => {
                        tracing::warn!(client = id.0, ?other, "unexpected message; closing");
                        break;
                    }
                    Err(error) => {
                        log_end(error);
                        break;
                    }
                }
            }
            let _ = events.send(Event::Gone { client: id }).await;
            let _ = sender.await;
        }
        ClientMsg::Request {
            request: crate::protocol::Request::Events { repo },
        } => stream_events(reader, writer, events, repo).await,
        ClientMsg::Request { request } => {
            let (reply, answer) = oneshot::channel();
            if events
                .send(Event::Request { request, reply })
                .await
                .is_err()
            {
                return;
            }
            let response = answer.await.unwrap_or(Response::ServerExiting);
            let _ = write_frame(&mut writer, &ServerMsg::Response { response }).await;
        }
        ClientMsg::Hello { .. } | ClientMsg::Input { .. } => {
            tracing::warn!("a connection began with neither Attach nor Request; closing");
        }
    }
}

/// `grove events`: forwards what the session emits until the client goes
/// away (its end of the socket closes, or a write fails).
async fn stream_events<R, W>(
    mut reader: R,
    mut writer: W,
    events: mpsc::Sender<Event>,
    repo: Option<std::path::PathBuf>,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let (sender, mut stream) = mpsc::channel(super::scripting::EVENT_QUEUE);
    if events
        .send(Event::Subscribe { repo, sender })
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            event = stream.recv() => {
                let Some(event) = event else { return };
                let response = Response::Event { event: Box::new(event) };
                if write_frame(&mut writer, &ServerMsg::Response { response }).await.is_err() {
                    return;
                }
            }
            // The client sends nothing more; anything (or EOF) ends it.
            _ = read_frame::<_, ClientMsg>(&mut reader) => return,
        }
    }
}

/// Writes the outbox until the session ends the stream: frames to the
/// client's terminal when the server could open it, else to the socket.
async fn send_frames<W: AsyncWrite + Unpin>(
    mut writer: W,
    outbox: Arc<Outbox>,
    terminal: Option<Terminal>,
) {
    loop {
        let message = match (outbox.next().await, &terminal) {
            (Next::Bytes(bytes), Some(terminal)) => {
                if let Err(error) = terminal.write_all(&bytes).await {
                    // The terminal hung up; the client will find out too.
                    tracing::info!(%error, "the client's terminal is gone");
                    outbox.close();
                    return;
                }
                continue;
            }
            (Next::Bytes(bytes), None) => ServerMsg::Output { bytes },
            (Next::Detach(reason), _) => ServerMsg::Detached { reason },
            (Next::Closed, _) => return,
        };
        let last = matches!(message, ServerMsg::Detached { .. });
        if write_frame(&mut writer, &message).await.is_err() || last {
            outbox.close();
            return;
        }
    }
}

/// The repository a dashboard shows and its key bindings. Outside a
/// repository the dashboard shows every workspace; a broken config still
/// attaches (with the built-in keys) and says what is wrong.
async fn dashboard_setup(
    paths: Paths,
    cwd: std::path::PathBuf,
) -> (Option<std::path::PathBuf>, Keymap, Option<String>) {
    let found = tokio::task::spawn_blocking(move || {
        let repo = find_repo(&cwd);
        let loaded = crate::config::load(&paths, repo.as_deref());
        (repo, loaded)
    })
    .await;
    match found {
        Ok((repo, Ok(loaded))) => match Keymap::from_config(&loaded.config.keys) {
            Ok(keymap) => (repo, keymap, None),
            Err(error) => (repo, Keymap::default(), Some(error.to_string())),
        },
        Ok((repo, Err(error))) => (repo, Keymap::default(), Some(format!("config: {error}"))),
        Err(error) => (None, Keymap::default(), Some(error.to_string())),
    }
}

fn find_repo(cwd: &Path) -> Option<std::path::PathBuf> {
    let git = Git::shared().ok()?;
    Repo::discover(&git, cwd).ok().map(|repo| repo.root)
}

fn log_end(error: ProtocolError) {
    match error {
        ProtocolError::Closed => {}
        ProtocolError::TooLarge { .. } | ProtocolError::Decode(_) | ProtocolError::Io(_) => {
            tracing::warn!(%error, "closing a connection");
        }
    }
}
