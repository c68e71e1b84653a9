//! Workspaces: a git worktree on its own branch, made, snapshotted, removed and
//! restored so that no step leaves half a workspace behind.
