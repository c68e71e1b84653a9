//! Every message between a client and the server, and how they are framed.
//!
//! The wire: a 4-byte little-endian length, then that many bytes of a
//! postcard-encoded message. Frames over [`MAX_FRAME`] are refused before
//! anything is allocated, and a frame's buffer grows only with the bytes
//! that arrive, so a broken or hostile peer cannot make the server reserve
//! memory it did not send; a frame that does not decode closes that one
//! connection.
//!
//! Every connection opens with [`ClientMsg::Hello`]; the server answers
//! [`ServerMsg::Welcome`] or [`ServerMsg::VersionMismatch`]. After that a
//! client either attaches a dashboard ([`ClientMsg::Attach`], then input and
//! resizes one way and terminal output the other) or sends one
//! [`ClientMsg::Request`] and reads one [`ServerMsg::Response`].
//!
//! Bump [`VERSION`] whenever a message changes shape.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The protocol version; a client and a server must agree on it exactly.
pub const VERSION: u32 = 6;

/// The largest frame either side accepts. A full redraw of a 500×200
/// terminal in truecolour is about 2 MB; this leaves room without letting a
/// peer make us allocate without bound.
pub const MAX_FRAME: usize = 16 << 20;

/// What [`read_frame`] reserves before the payload arrives; larger frames
/// grow the buffer as their bytes come in.
const INITIAL_PAYLOAD_CAPACITY: usize = 64 << 10;

/// A terminal size in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermSize {
    pub cols: u16,
    pub rows: u16,
}

/// Client → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ClientMsg {
    Hello {
        version: u32,
    },
    /// Start a dashboard for the repository containing `cwd`.
    Attach {
        cwd: PathBuf,
        size: TermSize,
        notifications: Notifications,
        /// The client's terminal device (`/dev/pts/3`). A server that can
        /// open it writes frames there itself, as tmux's server does, and
        /// the client has one hand-off fewer per frame; otherwise frames
        /// come over the socket as `Output`.
        tty: Option<PathBuf>,
    },
    /// A terminal event: a key, a paste, the mouse, focus, or a resize.
    Input {
        event: crossterm::event::Event,
    },
    /// A one-shot command; the server answers with one `Response`.
    Request {
        request: Request,
    },
}

/// How the client's terminal tells its user that an agent needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notifications {
    /// BEL: a sound, a flash or a mark on the tab, as the terminal is set.
    Bell,
    /// `OSC 9 ; text`: a desktop notification that says which agent and why.
    Osc9,
}

impl Notifications {
    /// What a terminal understands, from its `TERM_PROGRAM`; inside tmux
    /// (`TMUX` set) an OSC would need passthrough, so a bell.
    pub fn for_terminal(term_program: Option<&str>, inside_tmux: bool) -> Notifications {
        match term_program {
            Some("iTerm.app" | "WezTerm" | "ghostty") if !inside_tmux => Notifications::Osc9,
            Some(_) | None => Notifications::Bell,
        }
    }
}

/// Server → client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ServerMsg {
    Welcome {
        version: u32,
        pid: u32,
    },
    VersionMismatch {
        server: u32,
        client: u32,
    },
    /// Bytes for the attached terminal: a frame diff or a full redraw.
    Output {
        bytes: Vec<u8>,
    },
    /// The dashboard is over; the client restores the terminal and exits.
    Detached {
        reason: DetachReason,
    },
    Response {
        response: Response,
    },
}

/// Why an attached client was let go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetachReason {
    /// The user pressed the detach key.
    Requested,
    /// `grove kill-server`.
    ServerExiting,
}

impl std::fmt::Display for DetachReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DetachReason::Requested => "detached; `grove` reattaches",
            DetachReason::ServerExiting => "the grove server exited",
        })
    }
}

/// One-shot commands from the command line. The command line finds the
/// repository (`repo` is the root of its main worktree) so the server never
/// runs git on a connection's behalf before answering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Create a workspace and start its agent; `cwd` decides the default base.
    New {
        cwd: PathBuf,
        name: String,
        agent: Option<String>,
        prompt: Option<String>,
        base: Option<String>,
    },
    /// Workspaces of one repository, or of every repository.
    List { repo: Option<PathBuf> },
    /// Stop a workspace's agent; keep its worktree and branch.
    Kill { repo: PathBuf, name: String },
    /// Press keys in a workspace's agent (config key syntax: `Enter`, `y`, `C-c`).
    Keys {
        repo: PathBuf,
        name: String,
        keys: Vec<String>,
    },
    /// A pane's screen as text (with SGR escapes when asked), and
    /// `history` lines of history above it.
    Capture {
        repo: PathBuf,
        name: String,
        escapes: Escapes,
        history: usize,
    },
    /// Answer once an agent's state matches (`name: None`: any agent).
    Wait {
        repo: PathBuf,
        name: Option<String>,
        until: WaitFor,
    },
    /// Stream what happens (`Response::Event`s) until the client goes away.
    Events { repo: Option<PathBuf> },
    /// Start (or resume) the job in `file`, from `cwd`.
    RunJob {
        cwd: PathBuf,
        file: PathBuf,
        retry: RetryKept,
    },
    /// A job run's ledger, while the server has it.
    JobStatus { repo: PathBuf, name: String },
    /// Type a prompt into a workspace's agent.
    Send {
        repo: PathBuf,
        name: String,
        text: String,
        enter: SendEnter,
    },
    /// Stop the agent, then remove the workspace (see `workspace::remove`).
    Remove {
        repo: PathBuf,
        name: String,
        force: bool,
    },
    /// Counters for tests and diagnostics.
    Stats,
    /// Stop every agent and exit.
    KillServer,
}

/// Answers to [`Request`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    Created {
        workspace: Box<WorkspaceInfo>,
    },
    Listing {
        workspaces: Vec<WorkspaceInfo>,
    },
    Killed {
        name: String,
    },
    Sent {
        name: String,
    },
    Captured {
        text: String,
    },
    Waited {
        name: String,
        state: String,
        reason: String,
    },
    Event {
        event: Box<EventRecord>,
    },
    JobStarted {
        name: String,
        total: usize,
        merged: usize,
    },
    JobStatus {
        ledger: Box<crate::job::ledger::Ledger>,
    },
    Removed {
        summary: String,
    },
    Stats {
        stats: Stats,
    },
    ServerExiting,
    Failed {
        message: String,
        kind: FailureKind,
    },
}

/// What the server has done since it started; tests count frames and bytes
/// with these instead of timing anything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Times the session loop woke up (an event or a timer).
    pub wakeups: u64,
    /// Frames drawn and sent to clients.
    pub frames: u64,
    /// Bytes of terminal output sent to clients.
    pub bytes: u64,
    /// Full redraws forced because a client fell behind.
    pub full_redraws: u64,
    /// Frames skipped because nothing visible changed.
    pub skipped: u64,
    /// Frames that redrew only the pane screens that changed.
    #[serde(default)]
    pub patches: u64,
    /// Git reads the watcher started (each one worktree's refresh).
    pub git_reads: u64,
    /// Times a tracker looked at a pane's screen.
    pub status_looks: u64,
    /// Agent status changes.
    pub status_changes: u64,
    /// Resizes given to panes' PTYs (each one a SIGWINCH for the program).
    #[serde(default)]
    pub pane_resizes: u64,
}

/// How a failed request maps onto the command line's exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailureKind {
    /// Exit 1: the operation failed.
    Failure,
    /// Exit 2: bad input.
    Usage,
    /// Exit 3: refused to protect work.
    Refused,
}

/// What `grove ls --json` prints for each workspace. The serialized field
/// names are a public interface (docs/cli.md): add fields, never rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    pub name: String,
    pub repo: PathBuf,
    pub path: PathBuf,
    pub branch: String,
    pub base: String,
    /// The agent profile, when one was started.
    pub agent: Option<String>,
    pub status: AgentStatus,
    /// What the agent is doing and why, while its process runs.
    pub state: Option<crate::agent::Status>,
    pub port: u16,
    pub created: u64,
    /// The watcher's view of the branch; `None` until it has looked.
    pub git: Option<GitSummary>,
}

/// A workspace's branch at a glance: what the sidebar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitSummary {
    pub ahead: usize,
    pub behind: usize,
    pub committed: crate::git::state::DiffStat,
    pub uncommitted: crate::git::state::DiffStat,
    pub untracked: usize,
    /// Paths that would conflict if merged into the base now.
    pub conflicts: Vec<PathBuf>,
    /// Other workspaces changing some of the same paths.
    pub overlaps: Vec<String>,
    pub last_commit: Option<crate::git::state::CommitInfo>,
    pub check: crate::workspace::readiness::CheckStatus,
    /// The pull request and its checks, once one was opened.
    pub pr: Option<crate::workspace::PrState>,
    pub readiness: crate::workspace::readiness::Readiness,
    /// The worktree's `index.lock`, when held for longer than a commit takes.
    pub index_lock: Option<PathBuf>,
}

/// Whether a resumed job tries its kept items (failed, conflict, out of
/// bounds) again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetryKept {
    Retry,
    Keep,
}

/// Plain text, or text with the SGR escapes that draw it (colours, bold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Escapes {
    Plain,
    Sgr,
}

/// What `grove wait` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaitFor {
    Working,
    Waiting,
    Idle,
    Exited,
}

/// One thing that happened, as `grove events` prints it (docs/cli.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Unix time in milliseconds.
    pub time: u64,
    pub repo: PathBuf,
    pub kind: EventKind,
}

/// The kinds of [`EventRecord`]; field names are a public interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    WorkspaceCreated {
        workspace: String,
    },
    WorkspaceRemoved {
        workspace: String,
    },
    Status {
        workspace: String,
        from: String,
        state: String,
        reason: String,
    },
    Git {
        workspace: String,
        readiness: String,
        ahead: usize,
        behind: usize,
        uncommitted_files: usize,
    },
    Merged {
        workspace: String,
        branch: String,
        base: String,
    },
    JobItem {
        job: String,
        index: usize,
        item: String,
        state: String,
        reason: Option<String>,
    },
    /// The client read too slowly; this many events were dropped.
    Lagged {
        dropped: u64,
    },
}

/// Whether `grove send` presses Enter after the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendEnter {
    Press,
    /// Leave the text in the agent's input for the user to finish.
    Skip,
}

/// The state of a workspace's agent as the server sees it.
// No `#[serde(tag = …)]` here or anywhere in this module: postcard, like any
// non-self-describing format, cannot decode internally tagged enums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgentStatus {
    /// The agent's process is running.
    Running,
    /// The agent exited on its own; its last screen is kept.
    Exited { how: String },
    /// No process: never started here, killed, or the server restarted.
    Stopped,
}

/// Why a frame could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("connection closed")]
    Closed,
    #[error("frame of {len} bytes is larger than the {max}-byte limit")]
    TooLarge { len: usize, max: usize },
    #[error("malformed message: {0}")]
    Decode(#[from] postcard::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Writes one message as a frame.
pub async fn write_frame<W, T>(writer: &mut W, message: &T) -> Result<(), ProtocolError>
where
    W: AsyncWrite + Unpin,
    T: Serialize,
{
    let payload = postcard::to_stdvec(message)?;
    if payload.len() > MAX_FRAME {
        return Err(ProtocolError::TooLarge {
            len: payload.len(),
            max: MAX_FRAME,
        });
    }
    let len = u32::try_from(payload.len()).map_err(|_| ProtocolError::TooLarge {
        len: payload.len(),
        max: MAX_FRAME,
    })?;
    let mut frame = Vec::with_capacity(4 + payload.len());
    frame.extend_from_slice(&len.to_le_bytes());
    frame.extend_from_slice(&payload);
    writer.write_all(&frame).await?;
    writer.flush().await?;
    Ok(())
}

/// Reads one frame and decodes it. A clean end of stream before a frame
/// starts is [`ProtocolError::Closed`].
pub async fn read_frame<R, T>(reader: &mut R) -> Result<T, ProtocolError>
where
    R: AsyncRead + Unpin,
    T: for<'de> Deserialize<'de>,
{
    let mut header = [0u8; 4];
    match reader.read_exact(&mut header).await {
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(ProtocolError::Closed);
        }
        Err(err) => return Err(err.into()),
    }
    let len = u32::from_le_bytes(header) as usize;
    if len > MAX_FRAME {
        return Err(ProtocolError::TooLarge {
            len,
            max: MAX_FRAME,
        });
    }
    // The buffer grows with the bytes that actually arrive: a peer that
    // claims 16 MB and sends ten bytes (or stalls) holds ten bytes here, not
    // 16 MB per connection.
    let mut payload = Vec::with_capacity(len.min(INITIAL_PAYLOAD_CAPACITY));
    let expected = u64::try_from(len).unwrap_or(u64::MAX);
    reader.take(expected).read_to_end(&mut payload).await?;
    if payload.len() != len {
        return Err(ProtocolError::Io(std::io::ErrorKind::UnexpectedEof.into()));
    }
    Ok(postcard::from_bytes(&payload)?)
}

#[cfg(test)]
#[path = "protocol_tests.rs"]
mod tests;
