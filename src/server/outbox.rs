//! What the server has drawn for one client and not yet sent.
//!
//! Frames are diffs against what the client last received, so they cannot be
//! dropped one by one; instead they are appended to one bounded byte buffer
//! that the connection's writer takes whole. A client that falls behind (its
//! terminal or network is slower than the agents) fills the buffer; then it is
//! emptied and the next frame is a full redraw — the tmux approach, and never
//! an unbounded queue.

use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use crate::protocol::DetachReason;

/// Past this many unsent bytes the client is considered behind.
pub const LIMIT: usize = 4 << 20;

/// Whether the queued bytes still build on what the client has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Continuity {
    Intact,
    /// Bytes were thrown away; the next frame must redraw everything.
    Broken,
}

#[derive(Debug)]
struct Pending {
    bytes: Vec<u8>,
    continuity: Continuity,
    end: End,
}

/// Whether the stream goes on, and how it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Open,
    /// Tell the client why, then stop.
    Detach(DetachReason),
    /// Stop without a word (the client is already gone).
    Closed,
}

/// What the connection's writer should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Bytes(Vec<u8>),
    Detach(DetachReason),
    Closed,
}

/// Shared by the session (which pushes) and the connection (which sends).
#[derive(Debug)]
pub struct Outbox {
    pending: Mutex<Pending>,
    ready: Notify,
}

impl Default for Outbox {
    fn default() -> Self {
        Self {
            pending: Mutex::new(Pending {
                bytes: Vec::new(),
                continuity: Continuity::Intact,
                end: End::Open,
            }),
            ready: Notify::new(),
        }
    }
}

impl Outbox {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a frame. Returns `Broken` when the client was too far behind and
    /// everything queued (this frame included) was dropped.
    pub fn push(&self, frame: &[u8]) -> Continuity {
        let mut pending = self.lock();
        if pending.bytes.len() + frame.len() > LIMIT {
            pending.bytes.clear();
            pending.continuity = Continuity::Broken;
            return Continuity::Broken;
        }
        pending.bytes.extend_from_slice(frame);
        drop(pending);
        self.ready.notify_one();
        Continuity::Intact
    }

    /// Replaces whatever is queued with a full redraw.
    pub fn replace(&self, frame: &[u8]) {
        let mut pending = self.lock();
        pending.bytes.clear();
        pending.bytes.extend_from_slice(frame);
        pending.continuity = Continuity::Intact;
        drop(pending);
        self.ready.notify_one();
    }

    /// Whether the next frame must be a full redraw.
    pub fn continuity(&self) -> Continuity {
        self.lock().continuity
    }

    /// Ends the stream after what is queued, telling the client why.
    pub fn detach(&self, reason: DetachReason) {
        self.end(End::Detach(reason));
    }

    /// Ends the stream after what is queued.
    pub fn close(&self) {
        self.end(End::Closed);
    }

    fn end(&self, end: End) {
        let mut pending = self.lock();
        if pending.end == End::Open {
            pending.end = end;
        }
        drop(pending);
        self.ready.notify_one();
    }

    /// Waits for the next thing to send.
    pub async fn next(&self) -> Next {
        loop {
            {
                let mut pending = self.lock();
                if !pending.bytes.is_empty() {
                    return Next::Bytes(std::mem::take(&mut pending.bytes));
                }
                match pending.end {
                    End::Open => {}
                    End::Detach(reason) => {
                        pending.end = End::Closed;
                        return Next::Detach(reason);
                    }
                    End::Closed => return Next::Closed,
                }
            }
            self.ready.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_accumulate_until_taken() {
        let outbox = Outbox::default();
        assert_eq!(outbox.push(b"ab"), Continuity::Intact);
        assert_eq!(outbox.push(b"cd"), Continuity::Intact);
        assert_eq!(outbox.next().await, Next::Bytes(b"abcd".to_vec()));
        outbox.push(b"last");
        outbox.detach(DetachReason::Requested);
        assert_eq!(outbox.next().await, Next::Bytes(b"last".to_vec()));
        assert_eq!(outbox.next().await, Next::Detach(DetachReason::Requested));
        assert_eq!(outbox.next().await, Next::Closed);
    }

    #[tokio::test]
    async fn a_client_that_falls_behind_gets_a_full_redraw_not_a_queue() {
        let outbox = Outbox::default();
        let frame = vec![b'x'; LIMIT / 3];
        for _ in 0..3 {
            assert_eq!(outbox.push(&frame), Continuity::Intact);
        }
        assert_eq!(outbox.push(&frame), Continuity::Broken);
        assert_eq!(outbox.continuity(), Continuity::Broken);
        outbox.replace(b"full");
        assert_eq!(outbox.continuity(), Continuity::Intact);
        assert_eq!(outbox.next().await, Next::Bytes(b"full".to_vec()));
    }
}
