//! The server's socket: where it lives, who may use it, and the first
//! exchange on every connection.
//!
//! [`Listener::bind`] checks the runtime directory (ours, 0700, not a
//! symlink), takes the one-server lock, recovers a stale socket, binds and
//! makes the socket 0600. [`Listener::accept`] returns only connections from
//! the allowed uid that sent a `Hello` of our protocol version; everything
//! else (another user, garbage, an oversized frame, silence, a different
//! version) is answered if it can be, logged, and closed without the caller
//! ever seeing it. Dropping the listener stops accepting and removes the
//! socket file.

mod accept;
mod bind;
mod error;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::fcntl::Flock;
use tokio::io::BufReader;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::paths::Paths;
use crate::protocol::{self, ClientMsg, ProtocolError, ServerMsg};
pub use error::ListenError;

/// How long a new connection has to send its `Hello`.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(3);

/// Welcomed connections waiting for [`Listener::accept`].
const READY_QUEUE: usize = 16;

/// Who may connect and how patient to be with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerConfig {
    /// The only uid whose connections are served; `sys::current_uid()` for a
    /// real server.
    pub allowed_uid: u32,
    /// How long a connection may take to say `Hello`.
    pub handshake_timeout: Duration,
}

impl ListenerConfig {
    /// Serves `allowed_uid` with the default handshake timeout.
    pub fn for_uid(allowed_uid: u32) -> Self {
        Self {
            allowed_uid,
            handshake_timeout: HANDSHAKE_TIMEOUT,
        }
    }
}

/// The process at the other end of a connection, from `SO_PEERCRED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub uid: u32,
    /// Absent on systems that do not report it.
    pub pid: Option<u32>,
}

/// The bound socket, for as long as the server runs.
pub struct Listener {
    socket: PathBuf,
    bound: Option<bind::FileId>,
    ready: mpsc::Receiver<Connection>,
    task: JoinHandle<()>,
    // Dropped after `drop` has removed the socket, so no other server can
    // bind before we are gone.
    _lock: Flock<File>,
}

impl Listener {
    /// Claims `paths.socket_path()` for a server serving `allowed_uid`.
    ///
    /// Async only because the socket is registered with the tokio runtime
    /// it is called from; nothing in it waits.
    pub async fn bind(paths: &Paths, allowed_uid: u32) -> Result<Listener, ListenError> {
        Self::bind_with(paths, ListenerConfig::for_uid(allowed_uid)).await
    }

    /// [`Listener::bind`] with every setting explicit.
    pub async fn bind_with(paths: &Paths, config: ListenerConfig) -> Result<Listener, ListenError> {
        paths.ensure_runtime_dir()?;
        let socket = paths.socket_path();
        let lock = bind::take_lock(&paths.server_lock_path(), &socket)?;
        bind::clear_stale(&socket)?;
        let (listener, bound) = bind::bind_private(&socket)?;
        let (sender, ready) = mpsc::channel(READY_QUEUE);
        let task = tokio::spawn(accept::run(listener, config, sender));
        tracing::info!(socket = %socket.display(), "listening");
        Ok(Listener {
            socket,
            bound,
            ready,
            task,
            _lock: lock,
        })
    }

    /// The next connection that passed the peer check and the handshake.
    /// Bad clients never surface here, so a caller loops
    /// `while let Some(connection) = listener.accept().await`; `None` means
    /// the accept task itself is gone, which only a bug can cause.
    pub async fn accept(&mut self) -> Option<Connection> {
        self.ready.recv().await
    }

    /// Where the socket is.
    pub fn socket_path(&self) -> &Path {
        &self.socket
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
        let ours = self.bound.is_some() && bind::FileId::of(&self.socket) == self.bound;
        if ours && let Err(err) = std::fs::remove_file(&self.socket) {
            tracing::warn!(socket = %self.socket.display(), "cannot remove the socket: {err}");
        }
    }
}

/// A client that passed the peer check and the handshake.
///
/// Every later frame error ([`ProtocolError`]: garbage, oversized, end of
/// stream) ends this connection and nothing else: drop it.
pub struct Connection {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    peer: Peer,
}

impl Connection {
    /// Who connected.
    pub fn peer(&self) -> Peer {
        self.peer
    }

    /// Reads the next message. Not cancellation-safe (a frame half read when
    /// the future is dropped is lost): in a `select!`, split the connection
    /// and give the reader its own task.
    pub async fn recv(&mut self) -> Result<ClientMsg, ProtocolError> {
        protocol::read_frame(&mut self.reader).await
    }

    /// Writes one message.
    pub async fn send(&mut self, message: &ServerMsg) -> Result<(), ProtocolError> {
        protocol::write_frame(&mut self.writer, message).await
    }

    /// The two halves, for a reader task and a writer task. The reader keeps
    /// its buffer: it may already hold what the client sent after `Hello`.
    /// Use them with [`protocol::read_frame`] and [`protocol::write_frame`].
    pub fn into_split(self) -> (BufReader<OwnedReadHalf>, OwnedWriteHalf) {
        (self.reader, self.writer)
    }
}
