//! The accept loop: who may connect, and the handshake every connection must
//! pass before the server sees it.
//!
//! It runs as its own task so that one slow or hostile client never holds up
//! the others: each accepted connection gets its own handshake task, bounded
//! in number and in time, and only connections that said a matching `Hello`
//! reach [`super::Listener::accept`]. A bad client is logged and dropped here;
//! nothing a client does can end the loop.

use std::time::Duration;

use tokio::io::BufReader;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::{Connection, ListenerConfig, Peer};
use crate::protocol::{ClientMsg, ProtocolError, ServerMsg, VERSION};

/// Handshakes in flight at once; further clients wait in the kernel's
/// backlog until one finishes.
const MAX_PENDING_HANDSHAKES: usize = 32;

/// The pause after a failed `accept` (out of file descriptors, say), so the
/// loop does not spin while the condition lasts.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Why a connection was closed during the handshake; for the log only.
#[derive(Debug, thiserror::Error)]
enum HandshakeError {
    #[error("no Hello within {0:?}")]
    Timeout(Duration),
    #[error("the first message was not Hello")]
    NotHello,
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
}

/// How a handshake that completed ended.
enum Greeting {
    Welcomed,
    Mismatched { client: u32 },
}

pub(super) async fn run(
    listener: UnixListener,
    config: ListenerConfig,
    ready: mpsc::Sender<Connection>,
) {
    let limit = config.handshake_timeout;
    let mut handshakes = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept(), if handshakes.len() < MAX_PENDING_HANDSHAKES => {
                match accepted {
                    Ok((stream, _)) => {
                        if let Some(peer) = admit(&stream, config.allowed_uid) {
                            handshakes.spawn(handshake(stream, peer, limit, ready.clone()));
                        }
                    }
                    Err(err) => {
                        tracing::warn!("accept failed: {err}");
                        tokio::time::sleep(ACCEPT_RETRY).await;
                    }
                }
            }
            Some(finished) = handshakes.join_next() => {
                if let Err(err) = finished {
                    tracing::error!("a handshake task failed: {err}");
                }
            }
        }
    }
}

/// The peer check: the socket accepts commands that start processes, so a
/// connection from anyone but the allowed user is closed unread.
fn admit(stream: &UnixStream, allowed_uid: u32) -> Option<Peer> {
    let cred = match stream.peer_cred() {
        Ok(cred) => cred,
        Err(err) => {
            tracing::warn!("closing a connection whose peer cannot be identified: {err}");
            return None;
        }
    };
    let peer = Peer {
        uid: cred.uid(),
        pid: cred.pid().and_then(|pid| u32::try_from(pid).ok()),
    };
    if peer.uid == allowed_uid {
        Some(peer)
    } else {
        tracing::warn!(
            uid = peer.uid,
            pid = ?peer.pid,
            allowed_uid,
            "refused a connection from another user"
        );
        None
    }
}

async fn handshake(
    stream: UnixStream,
    peer: Peer,
    limit: Duration,
    ready: mpsc::Sender<Connection>,
) {
    let (reader, writer) = stream.into_split();
    let mut connection = Connection {
        reader: BufReader::new(reader),
        writer,
        peer,
    };
    let outcome = match tokio::time::timeout(limit, greet(&mut connection)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(HandshakeError::Timeout(limit)),
    };
    match outcome {
        Ok(Greeting::Welcomed) => {
            if ready.send(connection).await.is_err() {
                tracing::debug!("the listener closed while a client was being welcomed");
            }
        }
        Ok(Greeting::Mismatched { client }) => {
            tracing::info!(pid = ?peer.pid, client, server = VERSION, "protocol version mismatch");
        }
        Err(err) => tracing::warn!(pid = ?peer.pid, "closing a connection: {err}"),
    }
}

async fn greet(connection: &mut Connection) -> Result<Greeting, HandshakeError> {
    match connection.recv().await? {
        ClientMsg::Hello { version } if version == VERSION => {
            let welcome = ServerMsg::Welcome {
                version: VERSION,
                pid: std::process::id(),
            };
            connection.send(&welcome).await?;
            Ok(Greeting::Welcomed)
        }
        ClientMsg::Hello { version } => {
            let mismatch = ServerMsg::VersionMismatch {
                server: VERSION,
                client: version,
            };
            connection.send(&mismatch).await?;
            Ok(Greeting::Mismatched { client: version })
        }
        ClientMsg::Attach { .. } | ClientMsg::Input { .. } | ClientMsg::Request { .. } => {
            Err(HandshakeError::NotHello)
        }
    }
}
