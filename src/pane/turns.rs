//! Turns to parse: how many pane readers may parse a large read at once.
//!
//! Every pane has its own reader thread. When many panes flood at once, all of
//! their readers are runnable, and with fewer cores than flooding panes they
//! are preempted in the middle of a parse, holding their emulator's lock. The
//! session then waits on each of them in turn to draw a frame, route a key or
//! read a status: with 16 panes flooding on 2 cores a frame waited up to a
//! quarter of a second for locks, and a key's echo with it. With turns, at
//! most [`TURNS`] readers parse a large read at a time and the others wait for
//! a turn *before* taking their lock, so the session waits for a few short
//! parses at most. Turns go in arrival order, so no flooding pane starves.
//! Small reads (an echo, a status line) parse without a turn: they are quick,
//! and a key's echo does not queue behind the flood.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};
use std::thread::Thread;

/// Reads at least this big take a turn. A PTY hands a flood over in reads of
/// about 4 KB; an echoed key or a redrawn status line is far smaller.
pub(super) const TURN_READ_BYTES: usize = 1024;

/// One core is left to the session, the clients and the agents themselves; a
/// single-core machine still parses.
pub(super) static TURNS: LazyLock<Turns> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    Turns::new(cores.saturating_sub(1).max(1))
});

/// A fair counting semaphore for threads (tokio's is for tasks).
#[derive(Debug)]
pub(super) struct Turns {
    queue: Mutex<Queue>,
}

#[derive(Debug)]
struct Queue {
    free: usize,
    waiting: VecDeque<Arc<Waiter>>,
}

#[derive(Debug)]
struct Waiter {
    thread: Thread,
    granted: AtomicBool,
}

/// A turn held; the next waiter gets it when this is dropped.
#[derive(Debug)]
pub(super) struct Turn<'a>(&'a Turns);

fn lock(queue: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    queue.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Turns {
    pub(super) fn new(count: usize) -> Self {
        Self {
            queue: Mutex::new(Queue {
                free: count,
                waiting: VecDeque::new(),
            }),
        }
    }

    /// Blocks until a turn is free and this thread is first in line.
    pub(super) fn take(&self) -> Turn<'_> {
        let waiter = {
            let mut queue = lock(&self.queue);
            if queue.free > 0 && queue.waiting.is_empty() {
                queue.free -= 1;
                return Turn(self);
            }
            let waiter = Arc::new(Waiter {
                thread: std::thread::current(),
                granted: AtomicBool::new(false),
            });
            queue.waiting.push_back(Arc::clone(&waiter));
            waiter
        };
        // park() may return spuriously; the flag is what counts.
        while !waiter.granted.load(Ordering::Acquire) {
            std::thread::park();
        }
        Turn(self)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut queue = lock(&self.0.queue);
        match queue.waiting.pop_front() {
            // Handed over directly, so a reader that comes straight back for
            // another turn queues behind everyone already waiting.
            Some(next) => {
                next.granted.store(true, Ordering::Release);
                next.thread.unpark();
            }
            None => queue.free += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::mpsc;

    #[test]
    fn no_more_than_the_count_hold_a_turn_at_once() {
        let turns = Arc::new(Turns::new(2));
        let holding = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (turns, holding, most) =
                    (Arc::clone(&turns), Arc::clone(&holding), Arc::clone(&most));
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let _turn = turns.take();
                        let now = holding.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        holding.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 2);
        assert_eq!(lock(&turns.queue).free, 2, "every turn came back");
    }

    #[test]
    fn turns_go_in_arrival_order() {
        let turns = Arc::new(Turns::new(1));
        let first = turns.take();
        let (order_tx, order) = mpsc::channel();
        let mut threads = Vec::new();
        for n in 0..4 {
            let (mine, order_tx) = (Arc::clone(&turns), order_tx.clone());
            threads.push(std::thread::spawn(move || {
                let _turn = mine.take();
                order_tx.send(n).unwrap();
            }));
            // The next thread queues only once this one waits.
            while lock(&turns.queue).waiting.len() < n + 1 {
                std::thread::yield_now();
            }
        }
        drop(first);
        for thread in threads {
            thread.join().unwrap();
        }
        let order: Vec<_> = order.try_iter().collect();
        assert_eq!(order, vec![0, 1, 2, 3]);
    }
}
