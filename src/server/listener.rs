// PLACEHOLDER until the net helper's listener lands.
use tokio::net::UnixListener;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};

use crate::paths::Paths;
use crate::protocol::{ClientMsg, ServerMsg, VERSION, read_frame, write_frame};

pub struct Listener {
    inner: UnixListener,
}

impl Listener {
    pub fn bind(paths: &Paths, _uid: u32) -> anyhow::Result<Listener> {
        std::fs::create_dir_all(&paths.runtime_dir)?;
        let path = paths.runtime_dir.join("server.sock");
        let _ = std::fs::remove_file(&path);
        Ok(Listener {
            inner: UnixListener::bind(path)?,
        })
    }

    pub async fn accept(&self) -> anyhow::Result<(OwnedReadHalf, OwnedWriteHalf)> {
        let (stream, _) = self.inner.accept().await?;
        let (mut reader, mut writer) = stream.into_split();
        let _hello: ClientMsg = read_frame(&mut reader).await?;
        write_frame(
            &mut writer,
            &ServerMsg::Welcome {
                version: VERSION,
                pid: std::process::id(),
            },
        )
        .await?;
        Ok((reader, writer))
    }
}
