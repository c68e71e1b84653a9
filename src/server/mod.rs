//! The grove server: one per user, it owns every pane and renders every
//! dashboard, and clients reach it over a Unix socket.
//!
//! [`daemon`] takes a freshly spawned server out of the user's terminal
//! session; [`listener`] owns the socket, its security checks and the version
//! handshake, and hands out connections that passed both; `connection` serves
//! each one; `session` is the actor that owns all state.

pub mod agent;
mod attention;
pub mod backend;
mod board;
pub mod canvas;
mod checks;
mod client;
mod connection;
pub mod daemon;
mod diffview;
mod flows;
mod gitread;
mod gitwork;
mod history;
mod input;
mod jobrun;
mod jobs;
mod launch;
pub mod listener;
mod outbox;
mod output;
mod panes;
mod patch;
mod pending;
mod prompts;
mod render;
mod reuse;
mod scripting;
mod session;
mod terminal;
mod watch;
mod watching;
mod workspaces;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use anyhow::Context as _;
use tokio::sync::mpsc;

use crate::paths::Paths;

/// How many events may wait for the session before senders wait too.
const EVENT_QUEUE: usize = 1024;

/// The longest an exiting server waits for its connections to write their
/// last messages.
const LAST_WRITES: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs the server in this process until `grove kill-server` or SIGTERM.
/// Call it before any async runtime exists.
pub fn run(paths: Paths) -> anyhow::Result<()> {
    // One thread for every task. Slow work goes to `spawn_blocking` and
    // parsing to the panes' reader threads, so the tasks only hand things
    // on, and a second worker only added wake-ups between threads to every
    // keystroke's echo: about 0.09 ms of its 0.6 ms median (benches/README.md,
    // "latency").
    let runtime = tokio::runtime::Builder::new_current_thread()
        .thread_name("grove-server")
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(paths))
}

async fn serve(paths: Paths) -> anyhow::Result<()> {
    let mut listener = listener::Listener::bind(&paths, crate::sys::current_uid()).await?;
    tracing::info!(pid = std::process::id(), "grove server listening");
    // Before the session reads the records, so it never shows what a killed
    // grove left half made. Clients wait in the socket's backlog meanwhile.
    let startup = paths.clone();
    if let Err(err) = tokio::task::spawn_blocking(move || recover_interrupted(&startup)).await {
        tracing::error!("recovering interrupted operations: {err}");
    }
    let (events, queue) = mpsc::channel(EVENT_QUEUE);
    let session = session::Session::new(paths.clone(), events.clone());
    let mut session = tokio::spawn(session.run(queue));
    let ids = Arc::new(AtomicU64::new(1));
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot watch for SIGTERM")?;
    // Kept so the last replies (`kill-server`'s among them) are written
    // before the runtime, and every task with it, is dropped.
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Some(connection) => {
                    let (reader, writer) = connection.into_split();
                    let task = connection::serve(reader, writer, events.clone(), paths.clone(), Arc::clone(&ids));
                    connections.spawn(task);
                }
                None => break,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = &mut session => break,
            _ = terminate.recv() => {
                tracing::info!("SIGTERM: stopping every agent");
                let (reply, answer) = tokio::sync::oneshot::channel();
                let stop = session::Event::Request { request: crate::protocol::Request::KillServer, reply };
                if events.send(stop).await.is_ok() {
                    let _ = answer.await;
                }
                let _ = (&mut session).await;
                break;
            }
        }
    }
    let flushed = tokio::time::timeout(LAST_WRITES, async {
        while connections.join_next().await.is_some() {}
    });
    if flushed.await.is_err() {
        tracing::warn!("some connections were still open at exit");
    }
    tracing::info!("grove server exiting");
    Ok(())
}

/// Takes back what operations a killed grove left half done, in every
/// repository with workspace records (`workspace::recover`).
fn recover_interrupted(paths: &Paths) {
    let state = match crate::state::Store::new(paths.state_file()).load() {
        Ok(state) => state,
        Err(err) => {
            tracing::error!("cannot read the workspace records: {err:#}");
            return;
        }
    };
    let mut repos: Vec<&std::path::Path> =
        state.workspaces.iter().map(|w| w.repo.as_path()).collect();
    repos.sort();
    repos.dedup();
    for repo in repos {
        let recovered =
            jobs::context(paths, repo).and_then(|ctx| Ok(crate::workspace::recover(&ctx)?));
        match recovered {
            Ok(list) => {
                for item in list {
                    tracing::warn!(repo = %repo.display(), ?item, "took back what a killed grove left half done");
                }
            }
            Err(err) => {
                tracing::warn!(repo = %repo.display(), "cannot recover interrupted operations: {err:#}")
            }
        }
    }
}
