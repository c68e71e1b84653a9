//! Hostile bytes on the socket: the frame decoder fed truncated frames,
//! length fields past the limit, length fields that promise more than
//! arrives, garbage and mutated payloads; and the real server fed the same
//! by a peer that passed the handshake, then sizes, input and requests no
//! real client sends.
//!
//! What must hold: every bad frame is an error, never a panic; what the
//! decoder allocates is bounded by what actually arrived (a peer cannot make
//! it hold 16 MB by announcing 16 MB); every message survives the wire
//! exactly; and after all of it the server still answers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;
mod support;

use std::path::PathBuf;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use grove::protocol::{
    ClientMsg, Escapes, MAX_FRAME, ProtocolError, Request, RetryKept, SendEnter, ServerMsg,
    TermSize, WaitFor, read_frame, write_frame,
};
use proptest::prelude::*;
use support::grove::Server;
use support::repo::TestRepo;
use tokio::io::AsyncWriteExt as _;

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// Encodes one message as a frame. In-memory IO never waits, so a plain
/// executor does (and this works inside the server test's runtime too).
fn frame<T: serde::Serialize>(message: &T) -> Vec<u8> {
    let mut wire = Vec::new();
    futures::executor::block_on(write_frame(&mut wire, message)).unwrap();
    wire
}

/// Decodes one frame from `wire`.
fn decode<T: serde::de::DeserializeOwned>(wire: &[u8]) -> Result<T, ProtocolError> {
    let mut reader = wire;
    futures::executor::block_on(read_frame(&mut reader))
}

// ------------------------------------------------------------ strategies

/// Text a hostile or careless client might put anywhere a string goes.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => ".{0,16}",
        2 => prop::sample::select(vec![
            "", "../../etc/passwd", "-rf", "a\0b", "$(touch pwned)", "`id`", "\x1b[2J",
            "\u{202e}", "name\nwith\nlines", "é中😀",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
        1 => (1_000usize..20_000).prop_map(|n| "x".repeat(n)),
    ]
}

fn path() -> impl Strategy<Value = PathBuf> {
    text().prop_map(PathBuf::from)
}

fn request() -> impl Strategy<Value = Request> {
    prop_oneof![
        (
            path(),
            text(),
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(text())
        )
            .prop_map(|(cwd, name, agent, prompt, base)| Request::New {
                cwd,
                name,
                agent,
                prompt,
                base
            }),
        prop::option::of(path()).prop_map(|repo| Request::List { repo }),
        (path(), text()).prop_map(|(repo, name)| Request::Kill { repo, name }),
        (path(), text(), prop::collection::vec(text(), 0..8))
            .prop_map(|(repo, name, keys)| Request::Keys { repo, name, keys }),
        (path(), text(), any::<usize>()).prop_map(|(repo, name, history)| Request::Capture {
            repo,
            name,
            escapes: Escapes::Sgr,
            history,
        }),
        (path(), prop::option::of(text())).prop_map(|(repo, name)| Request::Wait {
            repo,
            name,
            until: WaitFor::Exited,
        }),
        (path(), path()).prop_map(|(cwd, file)| Request::RunJob {
            cwd,
            file,
            retry: RetryKept::Keep
        }),
        (path(), text()).prop_map(|(repo, name)| Request::JobStatus { repo, name }),
        (path(), text(), text()).prop_map(|(repo, name, text)| Request::Send {
            repo,
            name,
            text,
            enter: SendEnter::Press,
        }),
        (path(), text(), any::<bool>()).prop_map(|(repo, name, force)| Request::Remove {
            repo,
            name,
            force
        }),
        Just(Request::Stats),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (any::<char>(), any::<u8>()).prop_map(|(c, m)| Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::from_bits_truncate(m)
        ))),
        text().prop_map(Event::Paste),
        (any::<u16>(), any::<u16>()).prop_map(|(cols, rows)| Event::Resize(cols, rows)),
        (any::<u16>(), any::<u16>()).prop_map(|(column, row)| Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })),
        Just(Event::FocusGained),
        Just(Event::FocusLost),
    ]
}

fn client_msg() -> impl Strategy<Value = ClientMsg> {
    prop_oneof![
        any::<u32>().prop_map(|version| ClientMsg::Hello { version }),
        (path(), any::<u16>(), any::<u16>(), prop::option::of(path())).prop_map(
            |(cwd, cols, rows, tty)| ClientMsg::Attach {
                cwd,
                size: TermSize { cols, rows },
                notifications: grove::protocol::Notifications::Bell,
                tty,
            }
        ),
        event().prop_map(|event| ClientMsg::Input { event }),
        request().prop_map(|request| ClientMsg::Request { request }),
    ]
}

/// A payload: garbage, or a real one with bytes changed, or with a huge
/// varint spliced in where a length might be.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        (
            client_msg(),
            prop::collection::vec((any::<usize>(), any::<u8>()), 1..6)
        )
            .prop_map(|(message, changes)| {
                let mut bytes = frame(&message).split_off(4);
                for (at, byte) in changes {
                    let len = bytes.len();
                    if len > 0 {
                        bytes[at % len] = byte;
                    }
                }
                bytes
            }),
        (client_msg(), any::<usize>()).prop_map(|(message, at)| {
            let mut bytes = frame(&message).split_off(4);
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, [0xff, 0xff, 0xff, 0xff, 0x0f]);
            bytes
        }),
    ]
}

// ------------------------------------------------------------ the decoder

proptest! {
    #![proptest_config(hostile::config(256))]

    #[test]
    fn every_message_survives_the_wire(message in client_msg()) {
        let wire = frame(&message);
        prop_assert_eq!(decode::<ClientMsg>(&wire).unwrap(), message);
    }

    /// A frame cut anywhere is an error (the header cut is the end of the
    /// stream; a payload cut is an early EOF), never a message or a panic.
    #[test]
    fn a_truncated_frame_is_an_error(message in client_msg(), cut in any::<usize>()) {
        let wire = frame(&message);
        let cut = cut % wire.len();
        match decode::<ClientMsg>(&wire[..cut]) {
            Err(ProtocolError::Closed) => prop_assert!(cut < 4),
            Err(ProtocolError::Io(error)) => {
                prop_assert!(cut >= 4);
                prop_assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof);
            }
            other => prop_assert!(false, "cut at {} of {}: {:?}", cut, wire.len(), other),
        }
    }

    /// Garbage decodes to an error or to some message, as either side's
    /// type, and costs little more memory than its own size.
    #[test]
    fn a_garbage_payload_costs_little(payload in payload()) {
        let mut wire = u32::try_from(payload.len()).unwrap().to_le_bytes().to_vec();
        wire.extend_from_slice(&payload);
        let (_, client) = hostile::alloc::measure(|| decode::<ClientMsg>(&wire).is_ok());
        let (_, server) = hostile::alloc::measure(|| decode::<ServerMsg>(&wire).is_ok());
        let bound = 2 << 20;
        prop_assert!(client.peak < bound, "{} bytes decoding {:?}", client.peak, payload);
        prop_assert!(server.peak < bound, "{} bytes decoding {:?}", server.peak, payload);
    }

    /// A length field is a claim: past the limit it is refused before
    /// anything is read; under it, only what arrives is held.
    #[test]
    fn a_length_field_costs_only_what_arrives(
        len in prop_oneof![Just(u32::MAX), Just(MAX_FRAME as u32), Just(MAX_FRAME as u32 + 1), any::<u32>()],
        sent in prop::collection::vec(any::<u8>(), 0..100),
    ) {
        let mut wire = len.to_le_bytes().to_vec();
        wire.extend_from_slice(&sent);
        let (result, usage) = hostile::alloc::measure(|| decode::<ClientMsg>(&wire));
        let len = len as usize;
        if len > MAX_FRAME {
            let too_large = matches!(result, Err(ProtocolError::TooLarge { .. }));
            prop_assert!(too_large, "{:?}", result);
            prop_assert!(usage.peak < 1024, "{} bytes to refuse a frame", usage.peak);
        } else {
            if len > sent.len() {
                let eof = matches!(&result, Err(ProtocolError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof);
                prop_assert!(eof, "{:?}", result);
            }
            prop_assert!(
                usage.peak < 256 << 10,
                "{} bytes held for a {len}-byte claim with {} bytes sent",
                usage.peak,
                sent.len()
            );
        }
    }
}

// ------------------------------------------------------------ the server

/// A connection that said Hello, with raw access to the socket.
async fn greeted(t: &TestRepo) -> tokio::net::UnixStream {
    let mut stream = tokio::net::UnixStream::connect(t.grove_paths().socket_path())
        .await
        .unwrap();
    let hello = frame(&ClientMsg::Hello {
        version: grove::protocol::VERSION,
    });
    stream.write_all(&hello).await.unwrap();
    let welcome: ServerMsg = read_frame(&mut stream).await.unwrap();
    assert!(matches!(welcome, ServerMsg::Welcome { .. }), "{welcome:?}");
    stream
}

/// Sends `bytes` on a fresh greeted connection and closes it.
async fn send_raw(t: &TestRepo, bytes: &[u8]) {
    let mut stream = greeted(t).await;
    let _ = stream.write_all(bytes).await;
    let _ = stream.shutdown().await;
}

/// Sends one request and reads its answer, if the server gives one.
async fn ask(t: &TestRepo, request: Request) -> Option<ServerMsg> {
    let mut stream = greeted(t).await;
    let wire = frame(&ClientMsg::Request { request });
    stream.write_all(&wire).await.unwrap();
    read_frame(&mut stream).await.ok()
}

#[test]
fn a_hostile_peer_cannot_bring_the_server_down() {
    let t = TestRepo::new();
    t.use_fake_agent();
    let _server = Server(&t);
    t.grove_ok(&["new", "target"]);
    let pid = t.server_pid();
    block_on(async {
        // Before the handshake: nothing, garbage, a huge length.
        for bytes in [
            &b""[..],
            b"\xff\xff\xff\xff",
            b"GET / HTTP/1.1\r\n\r\n",
            &[0u8; 3],
        ] {
            let mut stream = tokio::net::UnixStream::connect(t.grove_paths().socket_path())
                .await
                .unwrap();
            let _ = stream.write_all(bytes).await;
        }
        // After it: garbage frames, lengths past the limit, a frame that
        // promises 16 MB and stops, a message of the wrong direction.
        let mut promise = u32::try_from(MAX_FRAME).unwrap().to_le_bytes().to_vec();
        promise.extend_from_slice(b"only this");
        for bytes in [
            vec![3, 0, 0, 0, 0xff, 0xff, 0xff],
            u32::MAX.to_le_bytes().to_vec(),
            promise,
            frame(&ServerMsg::Output {
                bytes: vec![0x1b; 100],
            }),
            frame(&ClientMsg::Input {
                event: Event::FocusGained,
            }),
        ] {
            send_raw(&t, &bytes).await;
        }
        // A dashboard that says its terminal is 65535x65535 and is a file
        // outside /dev, then resizes to nothing and back, pastes a lot and
        // clicks far outside.
        let mut stream = greeted(&t).await;
        let attach = ClientMsg::Attach {
            notifications: grove::protocol::Notifications::Bell,
            tty: Some("/dev/pts/../../etc/passwd".into()),
            cwd: t.root.clone(),
            size: TermSize {
                cols: u16::MAX,
                rows: u16::MAX,
            },
        };
        stream.write_all(&frame(&attach)).await.unwrap();
        for event in [
            Event::Resize(0, 0),
            Event::Resize(u16::MAX, 1),
            Event::Resize(1, u16::MAX),
            Event::Paste("\x1b[201~$(touch pwned)\n".repeat(1_000)),
            Event::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: u16::MAX,
                row: u16::MAX,
                modifiers: KeyModifiers::all(),
            }),
            Event::Resize(u16::MAX, u16::MAX),
        ] {
            stream
                .write_all(&frame(&ClientMsg::Input { event }))
                .await
                .unwrap();
        }
        // The server draws for that client, over the socket since that
        // "terminal" is refused: a frame comes back.
        let drawn: ServerMsg = read_frame(&mut stream).await.unwrap();
        assert!(matches!(drawn, ServerMsg::Output { .. }), "{drawn:?}");
        drop(stream);
        // Requests with names and paths no command line would send.
        for request in [
            Request::Kill {
                repo: t.root.clone(),
                name: "../../etc".into(),
            },
            Request::Keys {
                repo: t.root.clone(),
                name: "target".into(),
                keys: vec!["\x1b[2J".into(); 1000],
            },
            Request::Capture {
                repo: t.root.clone(),
                name: "target".into(),
                escapes: Escapes::Sgr,
                history: usize::MAX,
            },
            Request::Send {
                repo: t.root.clone(),
                name: "nope\0".into(),
                text: "x".repeat(1 << 20),
                enter: SendEnter::Skip,
            },
            Request::RunJob {
                cwd: t.root.clone(),
                file: "/dev/zero".into(),
                retry: RetryKept::Keep,
            },
            Request::JobStatus {
                repo: "relative/../path".into(),
                name: "\u{202e}".into(),
            },
            Request::New {
                cwd: "/nonexistent\0".into(),
                name: "$(touch pwned)".into(),
                agent: None,
                prompt: None,
                base: None,
            },
        ] {
            let answer = ask(&t, request.clone()).await;
            assert!(
                matches!(answer, Some(ServerMsg::Response { .. })),
                "no answer to {request:?}: {answer:?}"
            );
        }
    });
    assert_eq!(t.server_pid(), pid, "the server was replaced");
    let stats = t.stats();
    assert!(stats.wakeups > 0);
    let listed = t.grove_ok(&["ls"]);
    assert!(listed.contains("target"), "{listed}");
    assert!(!t.root.join("pwned").exists() && !t.dir.path().join("pwned").exists());
}
