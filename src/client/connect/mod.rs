//! Reaching the server: connect to the socket, make sure it is really ours,
//! and agree on the protocol version before anything else is said.
//!
//! [`connect`] never starts a server (for commands like `grove ls` that only
//! ask); [`connect_or_start`] does, as a detached child whose output goes to
//! the server log. Both return a [`ClientConn`] that has passed the
//! handshake, or an error that is one line for the user.

mod error;
mod start;

use std::io::ErrorKind;
use std::path::Path;
use std::time::Duration;

use tokio::io::BufReader;
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};

use crate::paths::{DirPresence, Paths};
use crate::protocol::{self, ClientMsg, ProtocolError, ServerMsg, VERSION};
pub use error::ConnectError;
pub use start::{START_TIMEOUT, connect_or_spawn, connect_or_start};

/// How long a server has to answer `Hello`.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection to a server that accepted our protocol version.
pub struct ClientConn {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    server_pid: u32,
}

impl ClientConn {
    /// The server's pid, from its `Welcome`.
    pub fn server_pid(&self) -> u32 {
        self.server_pid
    }

    /// Writes one message.
    pub async fn send(&mut self, message: &ClientMsg) -> Result<(), ProtocolError> {
        protocol::write_frame(&mut self.writer, message).await
    }

    /// Reads the next message. Not cancellation-safe (a frame half read when
    /// the future is dropped is lost): in a `select!`, split the connection
    /// and give the reader its own task.
    pub async fn recv(&mut self) -> Result<ServerMsg, ProtocolError> {
        protocol::read_frame(&mut self.reader).await
    }

    /// The two halves, for a reader task and a writer task; use them with
    /// [`protocol::read_frame`] and [`protocol::write_frame`].
    pub fn into_split(self) -> (BufReader<OwnedReadHalf>, OwnedWriteHalf) {
        (self.reader, self.writer)
    }
}

/// Connects to the running server, or returns `None` when there is none (no
/// runtime directory, no socket, or a stale socket nobody listens on).
///
/// The runtime directory is checked before the socket is trusted: a
/// directory someone else controls could hold their socket, and we would
/// send them our keystrokes.
pub async fn connect(paths: &Paths) -> Result<Option<ClientConn>, ConnectError> {
    match paths.check_runtime_dir()? {
        DirPresence::Absent => return Ok(None),
        DirPresence::Present => {}
    }
    let socket = paths.socket_path();
    let stream = match UnixStream::connect(&socket).await {
        Ok(stream) => stream,
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::NotFound | ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None);
        }
        // A server dying as we connect resets the connection it had
        // queued; gone as soon as its lock is (see below).
        Err(err) if err.kind() == ErrorKind::ConnectionReset && lock_released(paths).await => {
            return Ok(None);
        }
        Err(source) => {
            return Err(ConnectError::Connect {
                path: socket,
                source,
            });
        }
    };
    check_server_uid(&stream, &socket)?;
    match handshake(stream, &socket).await {
        Ok(conn) => Ok(Some(conn)),
        // A server killed a moment ago can still accept before its socket
        // goes; once its lock is released it is as gone as one that refused.
        // The kernel closes a dying process's files only when its last
        // thread has exited, which can be a moment after it looks dead, so
        // the lock gets that moment. (A live server that hung up on us keeps
        // holding the lock.)
        Err(ConnectError::Handshake { ref source, .. })
            if went_away(source) && lock_released(paths).await =>
        {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// How long a server that hung up mid-handshake has to release its lock
/// before we call it alive.
const DYING: Duration = Duration::from_secs(1);

/// Whether the server lock is free, or becomes free within [`DYING`].
async fn lock_released(paths: &Paths) -> bool {
    let give_up = tokio::time::Instant::now() + DYING;
    let mut pause = Duration::from_millis(5);
    while server_lock_held(paths) {
        if tokio::time::Instant::now() >= give_up {
            return false;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(100));
    }
    true
}

/// Whether some process holds the server lock (a live server does, for its
/// whole life; the kernel drops it when the server dies).
fn server_lock_held(paths: &Paths) -> bool {
    use nix::fcntl::{Flock, FlockArg};
    let Ok(file) = std::fs::File::open(paths.server_lock_path()) else {
        return false;
    };
    match Flock::lock(file, FlockArg::LockSharedNonblock) {
        Ok(_free) => false,
        Err((_, errno)) => errno == nix::errno::Errno::EWOULDBLOCK,
    }
}

/// Whether a handshake failed because the server's end closed.
fn went_away(error: &crate::protocol::ProtocolError) -> bool {
    use crate::protocol::ProtocolError;
    match error {
        ProtocolError::Closed => true,
        ProtocolError::Io(io) => matches!(
            io.kind(),
            ErrorKind::ConnectionReset | ErrorKind::BrokenPipe | ErrorKind::UnexpectedEof
        ),
        ProtocolError::TooLarge { .. } | ProtocolError::Decode(_) => false,
    }
}

fn check_server_uid(stream: &UnixStream, socket: &Path) -> Result<(), ConnectError> {
    let ours = crate::sys::current_uid();
    let cred = stream.peer_cred().map_err(|source| ConnectError::Connect {
        path: socket.to_path_buf(),
        source,
    })?;
    if cred.uid() == ours {
        Ok(())
    } else {
        Err(ConnectError::ForeignServer {
            path: socket.to_path_buf(),
            uid: cred.uid(),
            ours,
        })
    }
}

async fn handshake(stream: UnixStream, socket: &Path) -> Result<ClientConn, ConnectError> {
    let (reader, writer) = stream.into_split();
    let mut conn = ClientConn {
        reader: BufReader::new(reader),
        writer,
        server_pid: 0,
    };
    let exchange = async {
        conn.send(&ClientMsg::Hello { version: VERSION }).await?;
        conn.recv().await
    };
    let reply = tokio::time::timeout(HANDSHAKE_TIMEOUT, exchange)
        .await
        .map_err(|_| ConnectError::HandshakeTimeout {
            path: socket.to_path_buf(),
            waited: HANDSHAKE_TIMEOUT,
        })?
        .map_err(|source| ConnectError::Handshake {
            path: socket.to_path_buf(),
            source,
        })?;
    match reply {
        ServerMsg::Welcome { version, pid } if version == VERSION => {
            conn.server_pid = pid;
            Ok(conn)
        }
        ServerMsg::Welcome { version, .. } => Err(ConnectError::VersionMismatch {
            server: version,
            client: VERSION,
        }),
        ServerMsg::VersionMismatch { server, client } => {
            Err(ConnectError::VersionMismatch { server, client })
        }
        ServerMsg::Output { .. } | ServerMsg::Detached { .. } | ServerMsg::Response { .. } => {
            Err(ConnectError::UnexpectedReply {
                path: socket.to_path_buf(),
            })
        }
    }
}
