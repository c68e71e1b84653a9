//! Replacing a small file so that a crash, a `kill -9` or a full disk leaves
//! either the old version or the new one, never a mix, and the new one
//! survives a power cut once the call returns: a private temporary file in
//! the same directory, fsync, rename over the old file, fsync of the
//! directory. Job ledgers and the trust record use it; the workspace
//! records (`state.rs`) do the same with their own temporary names.

use std::fs::File;
use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

/// How long a replaced file is sure to last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync of the file and its directory: it survives a power cut once
    /// the call returns. Each fsync can take milliseconds.
    Synced,
    /// Only the rename: a crash or `kill -9` still leaves the old version
    /// or the new one, but a power cut may bring back the old one. For a
    /// change whose loss a reader treats the same as the old version.
    Atomic,
}

/// Writes `bytes` to `path` as described above; the directory is created
/// private (0700) if missing, the file is 0600 (`tempfile`'s mode).
pub fn replace(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    replace_with(path, bytes, Durability::Synced)
}

/// [`replace`], as durable as `durability` says.
pub fn replace_with(path: &Path, bytes: &[u8], durability: Durability) -> anyhow::Result<()> {
    let context = || format!("cannot write {}", path.display());
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        Some(_) | None => Path::new("."),
    };
    crate::paths::create_private_dir(dir).with_context(context)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).with_context(context)?;
    temp.write_all(bytes).with_context(context)?;
    match durability {
        Durability::Synced => temp.as_file().sync_all().with_context(context)?,
        Durability::Atomic => {}
    }
    temp.persist(path).with_context(context)?;
    match durability {
        Durability::Synced => File::open(dir)
            .and_then(|dir| dir.sync_all())
            .with_context(context)?,
        Durability::Atomic => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn replaces_the_file_privately_and_leaves_no_temporary_file() {
        for durability in [super::Durability::Synced, super::Durability::Atomic] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("sub/record.yaml");
            super::replace_with(&path, b"one\n", durability).unwrap();
            super::replace_with(&path, b"two\n", durability).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), b"two\n");
            let mode =
                |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
            assert_eq!(
                std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
                1,
                "{durability:?}"
            );
        }
    }
}
