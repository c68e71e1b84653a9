//! Telling the session that a pane printed: the first output after a quiet
//! spell straight from whoever parsed it (the runtime for an echo, the
//! pane's flood thread), then at most once a frame interval while output
//! keeps coming.
//!
//! The echo of a key is usually that first output, and every hand-off on its
//! way to the session is a thread to wake on a busy machine; a watcher task
//! in between was one more (benches/latency.py). While a pane floods, one
//! notice per frame interval keeps the session out of the way, since no
//! frame comes sooner anyway. Output during that interval is not lost: when
//! the session re-arms the notice it looks whether the pane printed since.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::session::{Event, FRAME_INTERVAL};
use super::workspaces::PaneId;

/// What a pane's reader holds to tell the session about output.
#[derive(Debug)]
pub struct Notice {
    pane: PaneId,
    events: mpsc::Sender<Event>,
    /// Whether the next output is told at once.
    armed: AtomicBool,
    /// A notice found the session's queue full; the session looks for these.
    missed: AtomicBool,
}

impl Notice {
    /// Called by the pane's reader after each read; never blocks.
    pub fn fire(&self) {
        if !self.armed.swap(false, Ordering::AcqRel) {
            return;
        }
        match self.events.try_send(Event::PaneOutput { pane: self.pane }) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => self.missed.store(true, Ordering::Release),
            // The session is gone: nobody to tell.
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
}

/// The session's side of one pane's notices.
#[derive(Debug)]
pub struct Throttle {
    notice: Arc<Notice>,
    /// When the notice is armed again, after one went out.
    rearm_at: Option<Instant>,
    /// The pane's output generation when the session last heard of it.
    seen: u64,
}

impl Throttle {
    /// An armed notice for `pane`, and the hook its reader calls.
    pub fn new(pane: PaneId, events: mpsc::Sender<Event>) -> (Throttle, crate::pane::OutputHook) {
        let notice = Arc::new(Notice {
            pane,
            events,
            armed: AtomicBool::new(true),
            missed: AtomicBool::new(false),
        });
        let fired = Arc::clone(&notice);
        let throttle = Throttle {
            notice,
            rearm_at: None,
            seen: 0,
        };
        (throttle, Box::new(move || fired.fire()))
    }

    /// The session heard of output up to `generation`; the next notice
    /// waits a frame interval.
    pub fn heard(&mut self, now: Instant, generation: u64) {
        self.seen = generation;
        self.rearm_at.get_or_insert(now + FRAME_INTERVAL);
    }

    pub fn due(&self) -> Option<Instant> {
        self.rearm_at
    }

    /// Re-arms the notice if its interval is over. Whether the pane printed
    /// since the session last heard (`generation` is its count now) and the
    /// session must treat that as output now.
    pub fn rearm(&mut self, now: Instant, generation: u64) -> Unheard {
        let missed = self.notice.missed.swap(false, Ordering::AcqRel);
        if self.rearm_at.is_some_and(|at| at <= now) {
            self.rearm_at = None;
            self.notice.armed.store(true, Ordering::Release);
            // Output parsed before the store was not told; take the notice
            // back for it unless the reader already used it.
            if generation != self.seen && self.notice.armed.swap(false, Ordering::AcqRel) {
                return Unheard::Output;
            }
        }
        match missed {
            true => Unheard::Output,
            false => Unheard::Nothing,
        }
    }
}

/// Whether a pane printed something the session was not told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unheard {
    Output,
    Nothing,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notices(events: &mut mpsc::Receiver<Event>) -> usize {
        std::iter::from_fn(|| events.try_recv().ok()).count()
    }

    #[tokio::test]
    async fn one_notice_per_interval_and_nothing_printed_meanwhile_is_lost() {
        let (sender, mut events) = mpsc::channel(8);
        let (mut throttle, hook) = Throttle::new(PaneId(1), sender);
        hook();
        hook();
        assert_eq!(notices(&mut events), 1, "the first output is told once");
        let start = Instant::now();
        throttle.heard(start, 2);
        assert_eq!(throttle.rearm(start, 5), Unheard::Nothing, "too soon");
        let later = start + FRAME_INTERVAL;
        // Printed during the interval: the session is told when it re-arms,
        // and the notice stays used until it heard that.
        assert_eq!(throttle.rearm(later, 5), Unheard::Output);
        hook();
        assert_eq!(notices(&mut events), 0);
        throttle.heard(later, 5);
        // Quiet during the interval: armed again, the next output is told.
        assert_eq!(throttle.rearm(later + FRAME_INTERVAL, 5), Unheard::Nothing);
        hook();
        assert_eq!(notices(&mut events), 1);
    }

    #[tokio::test]
    async fn a_notice_that_finds_the_queue_full_is_handled_later() {
        let (sender, mut events) = mpsc::channel(1);
        sender.try_send(Event::PaneOutput { pane: PaneId(9) }).ok();
        let (mut throttle, hook) = Throttle::new(PaneId(1), sender);
        hook();
        assert_eq!(notices(&mut events), 1, "only the one that filled it");
        assert_eq!(throttle.rearm(Instant::now(), 0), Unheard::Output);
        assert_eq!(throttle.rearm(Instant::now(), 0), Unheard::Nothing);
    }
}
