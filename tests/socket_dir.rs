//! The runtime directory and the socket file: created private, refused when
//! anyone else could reach them, and a path the kernel can actually bind.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _, PermissionsExt as _};
use std::path::Path;

use grove::client::connect::{ConnectError, connect};
use grove::paths::{DirPresence, MAX_SOCKET_PATH, Paths, RuntimeDirError};
use grove::server::listener::{ListenError, Listener};
use grove::sys::current_uid;

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

/// A runtime directory that exists with `mode`, as if left by someone else.
fn existing_dir(paths: &Paths, mode: u32) {
    fs::create_dir_all(&paths.runtime_dir).unwrap();
    fs::set_permissions(&paths.runtime_dir, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn the_directory_is_created_0700() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    assert_eq!(paths.check_runtime_dir().unwrap(), DirPresence::Absent);
    paths.ensure_runtime_dir().unwrap();
    assert_eq!(mode(&paths.runtime_dir), 0o700);
    assert_eq!(paths.check_runtime_dir().unwrap(), DirPresence::Present);
}

#[tokio::test]
async fn a_directory_others_can_enter_is_refused_by_server_and_client() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    existing_dir(&paths, 0o755);

    let err = paths.ensure_runtime_dir().unwrap_err();
    assert!(
        matches!(err, RuntimeDirError::TooOpen { mode: 0o755, .. }),
        "{err:?}"
    );
    let dir = paths.runtime_dir.display().to_string();
    assert_eq!(
        err.to_string(),
        format!(
            "{dir} has mode 0755, so other users could reach the grove socket; run `chmod 700 {dir}`"
        )
    );

    let err = Listener::bind(&paths, current_uid()).await.err().unwrap();
    assert!(matches!(
        err,
        ListenError::RuntimeDir(RuntimeDirError::TooOpen { .. })
    ));
    assert!(!paths.socket_path().exists());

    let err = connect(&paths).await.err().unwrap();
    assert!(matches!(
        err,
        ConnectError::RuntimeDir(RuntimeDirError::TooOpen { .. })
    ));
}

#[test]
fn group_access_alone_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    existing_dir(&paths, 0o710);
    let err = paths.ensure_runtime_dir().unwrap_err();
    assert!(
        matches!(err, RuntimeDirError::TooOpen { mode: 0o710, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_symlinked_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    let real = tmp.path().join("elsewhere");
    fs::create_dir(&real).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o700)).unwrap();
    fs::create_dir_all(paths.runtime_dir.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&real, &paths.runtime_dir).unwrap();

    let err = paths.ensure_runtime_dir().unwrap_err();
    assert!(matches!(err, RuntimeDirError::Symlink { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains(&paths.runtime_dir.display().to_string())
    );
    assert!(err.to_string().contains("remove the link"));

    let err = connect(&paths).await.err().unwrap();
    assert!(matches!(
        err,
        ConnectError::RuntimeDir(RuntimeDirError::Symlink { .. })
    ));
}

#[test]
fn a_dangling_symlink_is_named_as_a_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    fs::create_dir_all(paths.runtime_dir.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), &paths.runtime_dir).unwrap();
    let err = paths.ensure_runtime_dir().unwrap_err();
    assert!(matches!(err, RuntimeDirError::Symlink { .. }), "{err:?}");
}

#[test]
fn a_file_in_place_of_the_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    fs::create_dir_all(paths.runtime_dir.parent().unwrap()).unwrap();
    fs::write(&paths.runtime_dir, "").unwrap();
    let err = paths.ensure_runtime_dir().unwrap_err();
    assert!(
        matches!(err, RuntimeDirError::NotADirectory { .. }),
        "{err:?}"
    );
}

#[test]
fn a_directory_owned_by_another_user_is_refused() {
    if current_uid() != 0 {
        eprintln!("skipped: only root can give a directory to another uid");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    existing_dir(&paths, 0o700);
    std::os::unix::fs::chown(&paths.runtime_dir, Some(65534), None).unwrap();

    let err = paths.ensure_runtime_dir().unwrap_err();
    assert!(
        matches!(
            err,
            RuntimeDirError::WrongOwner {
                owner: 65534,
                uid: 0,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{} is owned by uid 65534, not by you (uid 0); remove it so grove can create its own",
            paths.runtime_dir.display()
        )
    );
}

#[tokio::test]
async fn the_socket_is_0600() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    let listener = Listener::bind(&paths, current_uid()).await.unwrap();
    let socket = listener.socket_path();
    assert_eq!(socket, paths.socket_path());
    assert!(
        fs::symlink_metadata(socket)
            .unwrap()
            .file_type()
            .is_socket()
    );
    assert_eq!(mode(socket) & 0o777, 0o600);
    // The sticky bit keeps XDG_RUNTIME_DIR clean-up away from it.
    #[cfg(target_os = "linux")]
    assert_eq!(mode(socket), 0o1600);
    assert_eq!(mode(&paths.runtime_dir), 0o700);
    assert_eq!(mode(&paths.server_lock_path()), 0o600);
}

#[tokio::test]
async fn a_socket_path_too_long_for_the_kernel_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut paths = Paths::under(tmp.path());
    // `join` adds a separator and the name: one byte over the limit.
    let room = MAX_SOCKET_PATH - paths.socket_path().as_os_str().len();
    paths.runtime_dir = paths.runtime_dir.join("d".repeat(room));
    assert_eq!(paths.socket_path().as_os_str().len(), MAX_SOCKET_PATH + 1);

    let err = paths.ensure_runtime_dir().unwrap_err();
    assert!(
        matches!(err, RuntimeDirError::SocketPathTooLong { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains(&paths.socket_path().display().to_string())
    );
    assert!(
        !paths.runtime_dir.exists(),
        "nothing is created for an unusable path"
    );

    let err = Listener::bind(&paths, current_uid()).await.err().unwrap();
    assert!(matches!(
        err,
        ListenError::RuntimeDir(RuntimeDirError::SocketPathTooLong { .. })
    ));
    let err = connect(&paths).await.err().unwrap();
    assert!(matches!(
        err,
        ConnectError::RuntimeDir(RuntimeDirError::SocketPathTooLong { .. })
    ));

    // One byte shorter binds.
    paths.runtime_dir.set_file_name("d".repeat(room - 1));
    assert_eq!(paths.socket_path().as_os_str().len(), MAX_SOCKET_PATH);
    Listener::bind(&paths, current_uid()).await.unwrap();
}
