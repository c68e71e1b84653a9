//! A running pane: the PTY, the program in it, and what serves it: a reader
//! (the runtime with a flood thread, see `handover`, or a reader thread), a
//! writer thread and a waiter thread.
//!
//! The reader parses everything the program prints into the [`Emulator`] under
//! a short-held lock and sends the shim's replies back at once, so programs get
//! answers to their queries whether or not a client is attached. The pane is
//! dead when its child has exited; the reader's end of output (which a
//! grandchild holding the PTY open can delay indefinitely) is reported
//! separately.

use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use nix::sys::signal::Signal;
use portable_pty::{MasterPty, PtySize, native_pty_system};
use tokio::io::unix::AsyncFd;
use tokio::sync::watch;

use super::emulator::Emulator;
use super::error::{PaneError, WriteError};
use super::handover;
use super::keys::InputModes;
use super::lifecycle::Lifecycle;
use super::ptyfd::PtyFd;
use super::reader::{OutputHook, Reading};
use super::size::PaneSize;
use super::spec::{PaneSpec, check_cwd, command};
use super::writer::{WriteQueue, write_queue};
use crate::sys::ProcessExit;

/// The parts of a pane the reader and writer threads share with it.
struct PaneIo {
    emulator: Arc<Mutex<Emulator>>,
    input: WriteQueue,
    output: watch::Receiver<u64>,
    hook: Arc<OnceLock<OutputHook>>,
}

/// A program running in a PTY, with its emulator.
pub struct Pane {
    program: String,
    lifecycle: Arc<Lifecycle>,
    emulator: Arc<Mutex<Emulator>>,
    /// portable-pty's master is `Send` but not `Sync`.
    master: Mutex<Box<dyn MasterPty + Send>>,
    input: WriteQueue,
    output: watch::Receiver<u64>,
    hook: Arc<OnceLock<OutputHook>>,
    kill_grace: Duration,
}

impl std::fmt::Debug for Pane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pane")
            .field("program", &self.program)
            .field("pid", &self.lifecycle.pid())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn pty_size(size: PaneSize) -> PtySize {
    PtySize {
        rows: size.rows,
        cols: size.cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

fn spawn_thread(
    program: &str,
    pid: u32,
    role: &'static str,
    body: impl FnOnce() + Send + 'static,
) -> Result<(), PaneError> {
    std::thread::Builder::new()
        .name(format!("grove-pane-{pid}-{role}"))
        .spawn(body)
        .map(drop)
        .map_err(|source| PaneError::Thread {
            program: program.to_owned(),
            role,
            source,
        })
}

impl Pane {
    /// Starts `spec.argv` in a new PTY in `spec.cwd`.
    pub fn spawn(spec: PaneSpec) -> Result<Self, PaneError> {
        if spec.argv.is_empty() {
            return Err(PaneError::EmptyCommand);
        }
        check_cwd(&spec)?;
        let program = spec.program();
        let size = spec.size.clamped();
        let pair = native_pty_system()
            .openpty(pty_size(size))
            .map_err(|source| PaneError::OpenPty {
                size,
                source: source.into(),
            })?;
        let child =
            pair.slave
                .spawn_command(command(&spec))
                .map_err(|source| PaneError::Spawn {
                    program: program.clone(),
                    cwd: spec.cwd.clone(),
                    source: source.into(),
                })?;
        // The PTY reports end of output only once every slave descriptor is
        // closed; ours would keep it open forever.
        drop(pair.slave);
        let pid = child.process_id().ok_or_else(|| PaneError::NoPid {
            program: program.clone(),
        })?;
        // Waiting and reaping go through the pid (see `lifecycle`); the handle
        // itself neither kills nor reaps when dropped.
        drop(child);
        let lifecycle = Arc::new(Lifecycle::new(pid));
        let waiter = Arc::clone(&lifecycle);
        if let Err(error) = spawn_thread(&program, pid, "wait", move || waiter.wait_for_exit()) {
            // Nobody would ever reap it: take it down here.
            let _ = crate::sys::signal_group(pid, Signal::SIGKILL);
            let _ = crate::sys::reap(pid);
            return Err(error);
        }
        let master = pair.master;
        let started = Self::start_io(&spec, &program, pid, &lifecycle, master.as_ref());
        let PaneIo {
            emulator,
            input,
            output,
            hook,
        } = match started {
            Ok(io) => io,
            Err(error) => {
                let foreground = foreground_group(master.as_ref());
                if let Err(kill_error) = lifecycle.kill(spec.kill_grace, foreground) {
                    tracing::warn!(%program, error = %kill_error, "cleaning up a half-started pane");
                }
                return Err(error);
            }
        };
        tracing::info!(%program, pid, cwd = %spec.cwd.display(), %size, "pane started");
        Ok(Self {
            program,
            lifecycle,
            emulator,
            master: Mutex::new(master),
            input,
            output,
            hook,
            kill_grace: spec.kill_grace,
        })
    }

    /// Starts reading and writing: on the runtime this is called from when
    /// there is one, else on a thread.
    fn start_io(
        spec: &PaneSpec,
        program: &str,
        pid: u32,
        lifecycle: &Arc<Lifecycle>,
        master: &dyn MasterPty,
    ) -> Result<PaneIo, PaneError> {
        let pty_error = |step: &'static str| {
            move |source: anyhow::Error| PaneError::Pty {
                program: program.to_owned(),
                step,
                source: source.into(),
            }
        };
        let reader = master
            .try_clone_reader()
            .map_err(pty_error("clone reader"))?;
        let writer = master.take_writer().map_err(pty_error("take writer"))?;
        let emulator = Arc::new(Mutex::new(Emulator::new(spec.size, spec.history)));
        let pty = PtyFd::nonblocking(master, program);
        let (input, drain) = write_queue(pty.clone());
        let (changes, output) = watch::channel(0u64);
        let name = program.to_owned();
        spawn_thread(program, pid, "write", move || drain.run(writer, &name))?;
        let hook = Arc::new(OnceLock::new());
        let reading = Reading {
            hook: Arc::clone(&hook),
            emulator: Arc::clone(&emulator),
            replies: input.clone(),
            changes,
            lifecycle: Arc::clone(lifecycle),
            pty,
        };
        match watch_on_runtime(reading.pty.as_deref(), program) {
            Some((fd, runtime)) => {
                drop(reader);
                let reading = Arc::new(reading);
                let (floods, handed) = handover::channel();
                let flooding = Arc::clone(&reading);
                spawn_thread(program, pid, "read", move || {
                    handover::floods(&flooding, handed);
                })?;
                runtime.spawn(handover::watch(reading, fd, floods));
            }
            None => spawn_thread(program, pid, "read", move || reading.run(reader))?,
        }
        Ok(PaneIo {
            emulator,
            input,
            output,
            hook,
        })
    }

    /// The child's pid, which is also its process-group id.
    pub fn pid(&self) -> u32 {
        self.lifecycle.pid()
    }

    /// Runs `f` on the current screen under the emulator's lock; keep it short,
    /// the reader waits for it.
    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(lock(&self.emulator).screen())
    }

    /// The emulator itself, locked. The reader thread waits while the guard
    /// lives, so hold it only to read a frame's worth of state; rendering
    /// several panes at once takes several of these.
    pub fn lock_emulator(&self) -> MutexGuard<'_, Emulator> {
        lock(&self.emulator)
    }

    /// Runs `f` on the emulator (modes, title, bells) under its lock.
    pub fn with_emulator<R>(&self, f: impl FnOnce(&Emulator) -> R) -> R {
        f(&lock(&self.emulator))
    }

    /// Mutable access to the emulator (taking notifications).
    pub fn with_emulator_mut<R>(&self, f: impl FnOnce(&mut Emulator) -> R) -> R {
        f(&mut lock(&self.emulator))
    }

    /// The screen's text, for tests and logs.
    pub fn contents(&self) -> String {
        self.with_screen(vt100::Screen::contents)
    }

    pub fn input_modes(&self) -> InputModes {
        lock(&self.emulator).input_modes()
    }

    /// Ticks once per chunk of output parsed. `changed()` fails once the
    /// output has ended (every holder of the PTY closed it).
    pub fn output_changes(&self) -> watch::Receiver<u64> {
        self.output.clone()
    }

    /// Calls `hook` after each chunk of output is parsed, from now on, on
    /// whichever thread parsed it; a pane takes one hook, and a second is
    /// refused.
    pub fn on_output(&self, hook: OutputHook) -> Result<(), OutputHook> {
        self.hook.set(hook)
    }

    /// `None` while the child runs, then how it ended. An exited child stays a
    /// zombie until [`Pane::kill`] or drop reaps it: the zombie keeps its
    /// process-group id from being recycled while grove may still signal
    /// whatever the program left in that group.
    pub fn exit_status(&self) -> watch::Receiver<Option<ProcessExit>> {
        self.lifecycle.exit_status()
    }

    /// Queues `bytes` for the program without blocking.
    pub fn write(&self, bytes: &[u8]) -> Result<(), WriteError> {
        self.input.try_write(bytes)
    }

    /// Resizes the emulator, then the PTY (which sends SIGWINCH), so the
    /// program's repaint is parsed at the new size. Returns the size used,
    /// clamped to at least 2x2.
    pub fn resize(&self, size: PaneSize) -> Result<PaneSize, PaneError> {
        let size = lock(&self.emulator).resize(size);
        lock(&self.master)
            .resize(pty_size(size))
            .map_err(|source| PaneError::Resize {
                size,
                source: source.into(),
            })?;
        Ok(size)
    }

    /// Kills the program and everything in its process group: SIGHUP and SIGTERM, the
    /// grace period, SIGKILL. Blocks until the child is reaped, for at most the
    /// grace period plus a second.
    pub fn kill(&self) -> Result<ProcessExit, PaneError> {
        let foreground = foreground_group(lock(&self.master).as_ref());
        self.lifecycle.kill(self.kill_grace, foreground)
    }
}

/// The PTY master registered with the runtime this pane is started from,
/// when there is one and the master is non-blocking (see `handover`).
fn watch_on_runtime(
    pty: Option<&PtyFd>,
    program: &str,
) -> Option<(AsyncFd<OwnedFd>, tokio::runtime::Handle)> {
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    match pty?.duplicate().and_then(crate::sys::readable) {
        Ok(fd) => Some((fd, runtime)),
        Err(error) => {
            tracing::warn!(%program, %error, "pane output is read by a thread of its own");
            None
        }
    }
}

fn foreground_group(master: &dyn MasterPty) -> Option<u32> {
    master
        .process_group_leader()
        .and_then(|pgid| u32::try_from(pgid).ok())
}

impl Drop for Pane {
    /// A dropped pane leaves nothing running. The kill happens on its own
    /// thread so dropping never blocks for the grace period; that thread also
    /// keeps the input queue alive, so the PTY writer's closing `^D` reaches
    /// the program only after it was signalled.
    fn drop(&mut self) {
        if self.lifecycle.finished() {
            return;
        }
        let lifecycle = Arc::clone(&self.lifecycle);
        let input = self.input.clone();
        let grace = self.kill_grace;
        let foreground = foreground_group(lock(&self.master).as_ref());
        let pid = lifecycle.pid();
        let program = self.program.clone();
        let kill = move || {
            if let Err(error) = lifecycle.kill(grace, foreground) {
                tracing::warn!(%program, %error, "killing a dropped pane");
            }
            drop(input);
        };
        let started = std::thread::Builder::new()
            .name(format!("grove-pane-{pid}-kill"))
            .spawn(kill);
        if let Err(error) = started {
            tracing::warn!(pid, %error, "no thread to kill a dropped pane; sending SIGKILL");
            self.lifecycle
                .kill(Duration::ZERO, foreground)
                .map(drop)
                .unwrap_or_else(|error| tracing::warn!(pid, %error, "killing a dropped pane"));
        }
    }
}
