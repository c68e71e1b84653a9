//! The wire format: round trips, framing limits, and what the client
//! tells the server about its terminal.

#[test]
fn desktop_notifications_only_where_the_terminal_shows_them() {
    use super::Notifications::{Bell, Osc9};
    for (program, tmux, expected) in [
        (Some("iTerm.app"), false, Osc9),
        (Some("WezTerm"), false, Osc9),
        (Some("ghostty"), false, Osc9),
        (Some("WezTerm"), true, Bell),
        (Some("Apple_Terminal"), false, Bell),
        (Some("grove"), false, Bell),
        (None, false, Bell),
    ] {
        assert_eq!(
            super::Notifications::for_terminal(program, tmux),
            expected,
            "{program:?} {tmux}"
        );
    }
}

use super::*;

#[tokio::test]
async fn messages_round_trip() {
    let messages = vec![
        ClientMsg::Hello { version: VERSION },
        ClientMsg::Attach {
            notifications: Notifications::Osc9,
            cwd: "/r".into(),
            size: TermSize { cols: 80, rows: 24 },
            tty: Some("/dev/pts/3".into()),
        },
        ClientMsg::Input {
            event: crossterm::event::Event::Paste("héllo\n".into()),
        },
        ClientMsg::Request {
            request: Request::New {
                cwd: "/r".into(),
                name: "a".into(),
                agent: Some("shell".into()),
                prompt: None,
                base: None,
            },
        },
    ];
    let mut wire = Vec::new();
    for message in &messages {
        write_frame(&mut wire, message).await.unwrap();
    }
    let mut reader = wire.as_slice();
    for message in &messages {
        let back: ClientMsg = read_frame(&mut reader).await.unwrap();
        assert_eq!(&back, message);
    }
    let end: Result<ClientMsg, _> = read_frame(&mut reader).await;
    assert!(matches!(end, Err(ProtocolError::Closed)));
}

#[tokio::test]
async fn every_response_round_trips() {
    let info = |status| WorkspaceInfo {
        name: "a".into(),
        repo: "/r".into(),
        path: "/w/a".into(),
        branch: "grove/a".into(),
        base: "main".into(),
        agent: Some("shell".into()),
        status,
        state: None,
        port: 20001,
        created: 1,
        git: None,
    };
    let responses = vec![
        Response::Created {
            workspace: Box::new(info(AgentStatus::Running)),
        },
        Response::Listing {
            workspaces: vec![
                info(AgentStatus::Running),
                info(AgentStatus::Exited {
                    how: "exited with code 3".into(),
                }),
                info(AgentStatus::Stopped),
            ],
        },
        Response::Killed { name: "a".into() },
        Response::Removed {
            summary: "gone".into(),
        },
        Response::Stats {
            stats: Stats::default(),
        },
        Response::ServerExiting,
        Response::Failed {
            message: "no".into(),
            kind: FailureKind::Refused,
        },
    ];
    for response in responses {
        let message = ServerMsg::Response { response };
        let mut wire = Vec::new();
        write_frame(&mut wire, &message).await.unwrap();
        let back: ServerMsg = read_frame(&mut wire.as_slice()).await.unwrap();
        assert_eq!(back, message);
    }
}

#[tokio::test]
async fn oversized_and_garbage_frames_are_errors() {
    let mut wire = ((MAX_FRAME + 1) as u32).to_le_bytes().to_vec();
    let result: Result<ClientMsg, _> = read_frame(&mut wire.as_slice()).await;
    assert!(matches!(result, Err(ProtocolError::TooLarge { .. })));

    wire = 3u32.to_le_bytes().to_vec();
    wire.extend_from_slice(&[0xff, 0xff, 0xff]);
    let result: Result<ClientMsg, _> = read_frame(&mut wire.as_slice()).await;
    assert!(matches!(result, Err(ProtocolError::Decode(_))));

    wire = 10u32.to_le_bytes().to_vec();
    wire.extend_from_slice(&[1, 2]);
    let result: Result<ClientMsg, _> = read_frame(&mut wire.as_slice()).await;
    assert!(matches!(result, Err(ProtocolError::Io(_))));
}
