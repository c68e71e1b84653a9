//! The read scheduler on its own: debounce, single flight, the limit on
//! reads at once, backing off a held lock, and what a summary says.

use tokio::sync::mpsc;

use super::*;

fn key(name: &str) -> WorkspaceKey {
    WorkspaceKey {
        repo: "/r".into(),
        name: name.into(),
    }
}

fn work() -> GitWork {
    let (events, _queue) = mpsc::channel(8);
    GitWork::new(GitWatcher::new(events))
}

#[tokio::test]
async fn reads_are_debounced_single_flight_and_limited() {
    let mut w = work();
    let now = Instant::now();
    let keys: Vec<_> = ["a", "b", "c"].map(key).to_vec();
    assert_eq!(w.sync(&keys, now).len(), 3);
    // Everything new is due at once, but only two reads run.
    assert_eq!(w.start_due(now).len(), MAX_READS);
    assert_eq!(w.next_due(), None);
    // A change during a read runs it again afterwards, debounced.
    w.touch(&key("a"), now);
    assert_eq!(w.start_due(now), Vec::<WorkspaceKey>::new());
    w.finished(&key("a"), ReadResult::Failed("x".into()), now);
    assert_eq!(w.next_due(), Some(now));
    assert_eq!(w.start_due(now), [key("c")]);
    assert_eq!(w.next_due(), None);
    w.finished(&key("b"), ReadResult::Busy, now);
    w.finished(&key("c"), ReadResult::Busy, now);
    assert_eq!(w.next_due(), Some(now + DEBOUNCE));
    // Nothing due, nothing scheduled: no timer at all.
    let later = now + Duration::from_secs(1);
    let started = w.start_due(later);
    assert_eq!(started.len(), 2);
    for k in &started {
        w.finished(k, ReadResult::Failed("x".into()), later);
    }
    let rest = w.start_due(later);
    for k in &rest {
        w.finished(k, ReadResult::Failed("x".into()), later);
    }
    assert_eq!(w.next_due(), None);
}

#[tokio::test]
async fn touches_collapse_into_one_read() {
    let mut w = work();
    let now = Instant::now();
    w.sync(&[key("a")], now);
    let started = w.start_due(now);
    w.finished(&started[0], ReadResult::Failed("x".into()), now);
    for ms in 0..10 {
        w.touch(&key("a"), now + Duration::from_millis(ms));
    }
    assert_eq!(w.next_due(), Some(now + DEBOUNCE));
    assert_eq!(w.start_due(now + DEBOUNCE).len(), 1);
}

#[tokio::test]
async fn a_held_index_lock_is_retried_less_and_less_often() {
    let mut w = work();
    let mut now = Instant::now();
    w.sync(&[key("a")], now);
    let mut waits = Vec::new();
    for _ in 0..8 {
        assert_eq!(w.start_due(now), [key("a")]);
        w.finished(&key("a"), ReadResult::Busy, now);
        let due = w.next_due().unwrap();
        waits.push((due - now).as_millis());
        now = due;
    }
    assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    // A read that gets through starts the count again.
    assert_eq!(w.start_due(now), [key("a")]);
    w.finished(&key("a"), ReadResult::Failed("x".into()), now);
    w.touch(&key("a"), now);
    now += DEBOUNCE;
    assert_eq!(w.start_due(now), [key("a")]);
    w.finished(&key("a"), ReadResult::Busy, now);
    assert_eq!(w.next_due(), Some(now + BUSY_RETRY));
}

#[tokio::test]
async fn a_missing_worktree_is_shown_until_a_read_finds_it_again() {
    let mut w = work();
    let now = Instant::now();
    w.sync(&[key("a")], now);
    let clean = GitState {
        branch: Some("grove/a".into()),
        head: "abc".into(),
        ahead: 0,
        behind: 0,
        committed: DiffStat::default(),
        uncommitted: DiffStat::default(),
        untracked: 0,
        conflicts: Vec::new(),
        changed_paths: Vec::new(),
        merge: crate::git::state::MergeSummary::Unmerged,
        index_lock: None,
        last_commit: None,
    };
    let read = || ReadResult::Read(Box::new(clean.clone()));
    assert!(matches!(
        w.finished(&key("a"), read(), now),
        Some(Update::State(_))
    ));
    assert!(w.finished(&key("a"), read(), now).is_none());
    assert!(matches!(
        w.finished(&key("a"), ReadResult::Missing, now),
        Some(Update::Missing)
    ));
    assert!(w.finished(&key("a"), ReadResult::Missing, now).is_none());
    let summary = w.summary(&key("a")).unwrap();
    assert_eq!(summary.readiness, Readiness::WorktreeMissing);
    // Back (a restore, say): the same state as before is news again.
    assert!(matches!(
        w.finished(&key("a"), read(), now),
        Some(Update::State(_))
    ));
    assert_ne!(
        w.summary(&key("a")).unwrap().readiness,
        Readiness::WorktreeMissing
    );
}
