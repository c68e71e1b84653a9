// PLACEHOLDER until the net helper's connect lands.
use std::path::Path;

use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};

use crate::paths::Paths;
use crate::protocol::{ClientMsg, ServerMsg, VERSION, read_frame, write_frame};

pub struct ClientConn {
    pub reader: OwnedReadHalf,
    pub writer: OwnedWriteHalf,
}

impl ClientConn {
    pub async fn send(&mut self, message: &ClientMsg) -> anyhow::Result<()> {
        Ok(write_frame(&mut self.writer, message).await?)
    }
    pub async fn recv(&mut self) -> anyhow::Result<ServerMsg> {
        Ok(read_frame(&mut self.reader).await?)
    }
}

pub async fn connect(paths: &Paths) -> anyhow::Result<Option<ClientConn>> {
    let Ok(stream) = UnixStream::connect(paths.runtime_dir.join("server.sock")).await else {
        return Ok(None);
    };
    let (reader, writer) = stream.into_split();
    let mut conn = ClientConn { reader, writer };
    conn.send(&ClientMsg::Hello { version: VERSION }).await?;
    let _ = conn.recv().await?;
    Ok(Some(conn))
}

pub async fn connect_or_start(paths: &Paths, exe: &Path) -> anyhow::Result<ClientConn> {
    if let Some(conn) = connect(paths).await? {
        return Ok(conn);
    }
    std::process::Command::new(exe)
        .arg("server")
        .stdin(std::process::Stdio::null())
        .spawn()?;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        if let Some(conn) = connect(paths).await? {
            return Ok(conn);
        }
    }
    anyhow::bail!("server did not start")
}
