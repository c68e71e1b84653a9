//! Reading and changing `.grove/tickets.yaml`. Changes are read-modify-write
//! under an exclusive `flock` on a lock file in the repository's git
//! directory (so it is never committed), and the file is replaced
//! atomically: a `grove ticket add` racing a `grove ticket start` loses
//! neither.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use nix::fcntl::{Flock, FlockArg};

use super::Tickets;

/// Where the tickets live, relative to the repository root.
pub const TICKETS_FILE: &str = ".grove/tickets.yaml";

const HEADER: &str = "# grove tickets: the team's queue of work. `grove ticket add | ls | start | import`\n\
                      # change this file; it is plain YAML, so editing it by hand is fine too.\n\
                      # state: open, in_progress (a workspace works on it) or done (merged).\n";

/// The tickets of one repository.
#[derive(Debug, Clone)]
pub struct TicketStore {
    file: PathBuf,
    lock: PathBuf,
}

impl TicketStore {
    /// The store of the repository whose main worktree is `root` and whose
    /// shared git directory is `common_dir`.
    pub fn new(root: &Path, common_dir: &Path) -> TicketStore {
        TicketStore {
            file: root.join(TICKETS_FILE),
            lock: common_dir.join("grove-tickets.lock"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.file
    }

    /// The tickets (none when the file does not exist).
    pub fn load(&self) -> anyhow::Result<Tickets> {
        let _lock = self.lock()?;
        self.read()
    }

    /// Applies `change` under the lock and writes the result; nothing is
    /// written when `change` fails.
    pub fn update<R>(
        &self,
        change: impl FnOnce(&mut Tickets) -> anyhow::Result<R>,
    ) -> anyhow::Result<R> {
        let _lock = self.lock()?;
        let mut tickets = self.read()?;
        let result = change(&mut tickets)?;
        self.write(&tickets)?;
        Ok(result)
    }

    /// `workspace`'s branch was merged: its ticket, if it has one, is done.
    /// Returns the ticket's id. Without a tickets file nothing is written.
    pub fn workspace_merged(&self, workspace: &str) -> anyhow::Result<Option<u32>> {
        if !self.file.exists() {
            return Ok(None);
        }
        self.update(|tickets| {
            let id = tickets.of_workspace(workspace).map(|t| t.id);
            if let Some(ticket) = id.and_then(|id| tickets.get_mut(id)) {
                ticket.state = super::TicketState::Done;
            }
            Ok(id)
        })
    }

    fn lock(&self) -> anyhow::Result<Flock<File>> {
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock)
            .with_context(|| format!("cannot open the lock file {}", self.lock.display()))?;
        Flock::lock(file, FlockArg::LockExclusive)
            .map_err(|(_, errno)| anyhow::anyhow!("cannot lock {}: {errno}", self.lock.display()))
    }

    fn read(&self) -> anyhow::Result<Tickets> {
        match fs::read_to_string(&self.file) {
            Ok(text) if text.trim().is_empty() => Ok(Tickets::default()),
            Ok(text) => crate::config::from_yaml(&text)
                .with_context(|| format!("{} is not a valid tickets file", self.file.display())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Tickets::default()),
            Err(err) => Err(err).with_context(|| format!("cannot read {}", self.file.display())),
        }
    }

    fn write(&self, tickets: &Tickets) -> anyhow::Result<()> {
        let context = || format!("cannot write {}", self.file.display());
        let dir = self.file.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).with_context(context)?;
        let text = format!("{HEADER}{}", crate::config::to_yaml(tickets)?);
        let mut temp = tempfile::NamedTempFile::new_in(dir).with_context(context)?;
        temp.write_all(text.as_bytes()).with_context(context)?;
        temp.as_file().sync_all().with_context(context)?;
        temp.persist(&self.file).with_context(context)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::TicketState;

    #[test]
    fn tickets_round_trip_and_a_bad_file_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join(".git");
        fs::create_dir_all(&git).unwrap();
        let store = TicketStore::new(dir.path(), &git);
        assert_eq!(store.load().unwrap(), Tickets::default());
        let id = store
            .update(|t| Ok(t.add("Fix: it \"now\"".into(), "line\nline 2".into(), vec![])))
            .unwrap();
        store
            .update(|t| {
                let ticket = t.get_mut(id).unwrap();
                ticket.state = TicketState::InProgress;
                ticket.workspace = Some("t1-fix-it-now".into());
                Ok(())
            })
            .unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.tickets[0].title, "Fix: it \"now\"");
        assert_eq!(loaded.tickets[0].body, "line\nline 2");
        assert_eq!(loaded.tickets[0].state, TicketState::InProgress);
        let text = fs::read_to_string(store.path()).unwrap();
        assert!(text.starts_with("# grove tickets"), "{text}");
        assert!(text.contains("state: in_progress"), "{text}");

        fs::write(store.path(), "tickets: [{id: 1}]\n").unwrap();
        let error = format!("{:#}", store.load().unwrap_err());
        assert!(
            error.contains("tickets.yaml is not a valid tickets file"),
            "{error}"
        );
        assert!(error.contains("title"), "{error}");
    }
}
