//! The records of the workspaces grove owns.
