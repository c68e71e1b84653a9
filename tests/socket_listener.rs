//! The server's listener over real sockets in temporary directories: the
//! handshake, who gets refused, stale sockets, the one-server lock, and bad
//! clients that must cost only their own connection.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::time::Duration;

use grove::client::connect::{ClientConn, ConnectError, connect};
use grove::paths::Paths;
use grove::protocol::{
    self, ClientMsg, MAX_FRAME, ProtocolError, Request, Response, ServerMsg, VERSION,
};
use grove::server::listener::{Connection, ListenError, Listener, ListenerConfig};
use grove::sys::current_uid;
use tokio::io::AsyncWriteExt as _;
use tokio::net::UnixStream;
use tokio::time::timeout;

/// Every wait in these tests ends here at the latest.
const DEADLINE: Duration = Duration::from_secs(10);

async fn within<F: Future>(future: F) -> F::Output {
    timeout(DEADLINE, future).await.expect("timed out")
}

fn sandbox() -> (tempfile::TempDir, Paths) {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    (tmp, paths)
}

async fn client(paths: &Paths) -> ClientConn {
    within(connect(paths))
        .await
        .unwrap()
        .expect("a server is running")
}

/// One request and its answer, proving both ends of a connection work.
async fn round_trip(server: &mut Connection, client: &mut ClientConn) {
    let request = ClientMsg::Request {
        request: Request::List { repo: None },
    };
    client.send(&request).await.unwrap();
    assert_eq!(within(server.recv()).await.unwrap(), request);
    let response = ServerMsg::Response {
        response: Response::Listing { workspaces: vec![] },
    };
    server.send(&response).await.unwrap();
    assert_eq!(within(client.recv()).await.unwrap(), response);
}

/// Waits until the server closes `stream`. Closing with our bytes unread
/// resets the connection instead of ending it, so both count.
async fn closed_by_server(stream: &mut UnixStream) {
    match within(protocol::read_frame::<_, ServerMsg>(stream)).await {
        Err(ProtocolError::Closed) => {}
        Err(ProtocolError::Io(err)) if err.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("expected the server to close the connection, got {other:?}"),
    }
}

#[tokio::test]
async fn a_client_of_our_version_is_welcomed() {
    let (_tmp, paths) = sandbox();
    let mut listener = Listener::bind(&paths, current_uid()).await.unwrap();
    let mut client = client(&paths).await;
    assert_eq!(client.server_pid(), std::process::id());
    let mut server = within(listener.accept()).await.unwrap();
    assert_eq!(server.peer().uid, current_uid());
    assert_eq!(server.peer().pid, Some(std::process::id()));
    round_trip(&mut server, &mut client).await;
}

#[tokio::test]
async fn a_client_of_another_version_is_told_and_closed() {
    let (_tmp, paths) = sandbox();
    let _listener = Listener::bind(&paths, current_uid()).await.unwrap();
    let mut stream = UnixStream::connect(paths.socket_path()).await.unwrap();
    let hello = ClientMsg::Hello {
        version: VERSION + 1,
    };
    protocol::write_frame(&mut stream, &hello).await.unwrap();
    let reply: ServerMsg = within(protocol::read_frame(&mut stream)).await.unwrap();
    assert_eq!(
        reply,
        ServerMsg::VersionMismatch {
            server: VERSION,
            client: VERSION + 1
        }
    );
    closed_by_server(&mut stream).await;
}

#[tokio::test]
async fn the_client_reports_a_server_of_another_version_in_one_line() {
    let (_tmp, paths) = sandbox();
    paths.ensure_runtime_dir().unwrap();
    // A server from another release: it answers Hello with a mismatch.
    let old = tokio::net::UnixListener::bind(paths.socket_path()).unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = old.accept().await.unwrap();
        let hello: ClientMsg = protocol::read_frame(&mut stream).await.unwrap();
        assert_eq!(hello, ClientMsg::Hello { version: VERSION });
        let mismatch = ServerMsg::VersionMismatch {
            server: 99,
            client: VERSION,
        };
        protocol::write_frame(&mut stream, &mismatch).await.unwrap();
    });
    let err = within(connect(&paths)).await.err().unwrap();
    assert!(matches!(
        err,
        ConnectError::VersionMismatch {
            server: 99,
            client: VERSION
        }
    ));
    assert_eq!(
        err.to_string(),
        format!(
            "grove server is protocol v99, this client v{VERSION}; run `grove kill-server` and retry"
        )
    );
    within(server).await.unwrap();
}

#[test]
fn the_handshake_encoding_never_changes() {
    // Clients and servers of different releases must still understand these
    // three messages, so their bytes are pinned: variant index, then varints.
    let hello = postcard::to_stdvec(&ClientMsg::Hello { version: 300 }).unwrap();
    assert_eq!(hello, [0, 0xac, 0x02]);
    let welcome = ServerMsg::Welcome { version: 1, pid: 2 };
    assert_eq!(postcard::to_stdvec(&welcome).unwrap(), [0, 1, 2]);
    let mismatch = ServerMsg::VersionMismatch {
        server: 1,
        client: 2,
    };
    assert_eq!(postcard::to_stdvec(&mismatch).unwrap(), [1, 1, 2]);
}

#[tokio::test]
async fn a_peer_of_another_uid_is_refused() {
    let (_tmp, paths) = sandbox();
    // A listener that serves some other user refuses us, as a real server
    // refuses everybody but its owner.
    let other = current_uid().wrapping_add(1);
    let _listener = Listener::bind(&paths, other).await.unwrap();

    let mut stream = UnixStream::connect(paths.socket_path()).await.unwrap();
    closed_by_server(&mut stream).await;

    let err = within(connect(&paths)).await.err().unwrap();
    assert!(matches!(err, ConnectError::Handshake { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains(&paths.socket_path().display().to_string())
    );
}

#[tokio::test]
async fn bad_clients_lose_only_their_own_connection() {
    let (_tmp, paths) = sandbox();
    let config = ListenerConfig {
        allowed_uid: current_uid(),
        handshake_timeout: Duration::from_millis(300),
    };
    let mut listener = Listener::bind_with(&paths, config).await.unwrap();
    let mut early = client(&paths).await;
    let mut early_server = within(listener.accept()).await.unwrap();

    // Garbage: a frame that does not decode.
    let mut garbage = UnixStream::connect(paths.socket_path()).await.unwrap();
    garbage.write_all(&3u32.to_le_bytes()).await.unwrap();
    garbage.write_all(&[0xff, 0xff, 0xff]).await.unwrap();
    closed_by_server(&mut garbage).await;

    // A length over the limit, refused before anything is read or allocated.
    let mut oversized = UnixStream::connect(paths.socket_path()).await.unwrap();
    let too_long = u32::try_from(MAX_FRAME + 1).unwrap();
    oversized.write_all(&too_long.to_le_bytes()).await.unwrap();
    closed_by_server(&mut oversized).await;

    // A valid message that is not Hello.
    let mut rude = UnixStream::connect(paths.socket_path()).await.unwrap();
    let not_hello = ClientMsg::Request {
        request: Request::KillServer,
    };
    protocol::write_frame(&mut rude, &not_hello).await.unwrap();
    closed_by_server(&mut rude).await;

    // Silence, and a frame that never finishes: both hit the deadline.
    let mut silent = UnixStream::connect(paths.socket_path()).await.unwrap();
    let mut truncated = UnixStream::connect(paths.socket_path()).await.unwrap();
    truncated.write_all(&10u32.to_le_bytes()).await.unwrap();
    closed_by_server(&mut silent).await;
    closed_by_server(&mut truncated).await;

    // The connection that was already there still works, a new client is
    // welcomed, and it is the next one accepted: no bad client got through.
    round_trip(&mut early_server, &mut early).await;
    let mut late = client(&paths).await;
    let mut late_server = within(listener.accept()).await.unwrap();
    round_trip(&mut late_server, &mut late).await;
}

#[tokio::test]
async fn a_stale_socket_is_replaced() {
    let (_tmp, paths) = sandbox();
    paths.ensure_runtime_dir().unwrap();
    // A server that died without cleaning up: the socket file remains.
    drop(std::os::unix::net::UnixListener::bind(paths.socket_path()).unwrap());
    assert!(paths.socket_path().exists());
    assert!(within(connect(&paths)).await.unwrap().is_none());

    let mut listener = Listener::bind(&paths, current_uid()).await.unwrap();
    let mut client = client(&paths).await;
    let mut server = within(listener.accept()).await.unwrap();
    round_trip(&mut server, &mut client).await;
}

#[tokio::test]
async fn a_second_server_is_refused_while_the_first_runs() {
    let (_tmp, paths) = sandbox();
    let mut first = Listener::bind(&paths, current_uid()).await.unwrap();

    let err = Listener::bind(&paths, current_uid()).await.err().unwrap();
    let pid = std::process::id();
    assert!(
        matches!(err, ListenError::AlreadyRunning { pid: Some(p), .. } if p == pid),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "a grove server is already running (pid {pid}); its socket is {}",
            paths.socket_path().display()
        )
    );

    // The refused server touched nothing: the first one still serves.
    let mut client = client(&paths).await;
    let mut server = within(first.accept()).await.unwrap();
    round_trip(&mut server, &mut client).await;
}

#[tokio::test]
async fn a_live_socket_without_the_lock_is_left_alone() {
    let (_tmp, paths) = sandbox();
    paths.ensure_runtime_dir().unwrap();
    let _squatter = std::os::unix::net::UnixListener::bind(paths.socket_path()).unwrap();
    let err = Listener::bind(&paths, current_uid()).await.err().unwrap();
    assert!(
        matches!(err, ListenError::AlreadyRunning { pid: None, .. }),
        "{err:?}"
    );
    assert!(paths.socket_path().exists());
}

#[tokio::test]
async fn something_else_at_the_socket_path_is_refused() {
    let (_tmp, paths) = sandbox();
    paths.ensure_runtime_dir().unwrap();
    std::fs::write(paths.socket_path(), "not a socket").unwrap();
    let err = Listener::bind(&paths, current_uid()).await.err().unwrap();
    assert!(matches!(err, ListenError::Occupied { .. }), "{err:?}");
    let socket: PathBuf = paths.socket_path();
    assert!(err.to_string().contains(&socket.display().to_string()));
}

#[tokio::test]
async fn dropping_the_listener_removes_the_socket_and_frees_the_lock() {
    let (_tmp, paths) = sandbox();
    let listener = Listener::bind(&paths, current_uid()).await.unwrap();
    drop(listener);
    assert!(!paths.socket_path().exists());
    assert!(within(connect(&paths)).await.unwrap().is_none());
    let mut again = Listener::bind(&paths, current_uid()).await.unwrap();
    let mut client = client(&paths).await;
    let mut server = within(again.accept()).await.unwrap();
    round_trip(&mut server, &mut client).await;
}
