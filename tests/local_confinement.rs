//! `local` never leaves its root: not through `..`, not through a symlink someone else made.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::sync::Arc;
use std::time::Duration;

use mirage::backends::local::LocalBackend;
use mirage::vfs::{FileKind, Mode, MountSpec, VPath, Vfs, VfsError};

fn p(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

struct Fixture {
    _tmp: tempfile::TempDir,
    outside: std::path::PathBuf,
    vfs: Vfs,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let root = tmp.path().join("root");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(root.join("inner")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret"), b"secret").unwrap();
    std::fs::write(root.join("inner/ok"), b"ok").unwrap();
    // Planted by "someone else", directly on the host.
    symlink(&outside, root.join("escape_dir")).unwrap();
    symlink(outside.join("secret"), root.join("escape_file")).unwrap();
    symlink("../outside", root.join("escape_rel")).unwrap();
    symlink("inner", root.join("inside_link")).unwrap();
    let backend = Arc::new(LocalBackend::new(&root).unwrap());
    let vfs = Vfs::new(vec![MountSpec {
        path: p("/m"),
        backend,
        mode: Mode::Write,
        ttl: Duration::ZERO,
    }])
    .unwrap();
    Fixture {
        _tmp: tmp,
        outside,
        vfs,
    }
}

#[tokio::test]
async fn dot_dot_cannot_name_anything_above_the_mount() {
    let f = fixture();
    assert_eq!(p("/m/../../etc/passwd"), p("/etc/passwd"));
    assert_eq!(
        f.vfs.read_all(&p("/m/../../etc/passwd")).await.err(),
        Some(VfsError::NotFound)
    );
}

#[tokio::test]
async fn symlinked_directories_pointing_outside_are_not_walked() {
    let f = fixture();
    for dir in ["/m/escape_dir", "/m/escape_rel"] {
        let secret = format!("{dir}/secret");
        assert_eq!(
            f.vfs.read_all(&p(&secret)).await.err(),
            Some(VfsError::PermissionDenied),
            "{secret}"
        );
        assert!(f.vfs.list(&p(dir)).await.is_err());
        assert!(
            f.vfs
                .write_all(&p(&format!("{dir}/planted")), b"x", false)
                .await
                .is_err()
        );
        assert!(f.vfs.mkdir(&p(&format!("{dir}/d"))).await.is_err());
        assert!(
            f.vfs
                .rename(&p("/m/inner/ok"), &p(&format!("{dir}/moved")))
                .await
                .is_err()
        );
    }
    assert_eq!(
        std::fs::read_dir(&f.outside).unwrap().count(),
        1,
        "nothing was created outside"
    );
    assert_eq!(std::fs::read(f.outside.join("secret")).unwrap(), b"secret");
}

#[tokio::test]
async fn a_final_symlink_is_reported_never_opened() {
    let f = fixture();
    let m = f.vfs.stat(&p("/m/escape_file")).await.unwrap();
    assert_eq!(m.kind, FileKind::Symlink);
    assert_eq!(
        f.vfs.read_all(&p("/m/escape_file")).await.err(),
        Some(VfsError::SymlinkLoop)
    );
    assert!(
        f.vfs
            .write_all(&p("/m/escape_file"), b"pwned", false)
            .await
            .is_err()
    );
    assert!(f.vfs.truncate(&p("/m/escape_file"), 0).await.is_err());
    f.vfs.set_perm(&p("/m/escape_file"), 0o777).await.unwrap();
    let perm = std::fs::metadata(f.outside.join("secret"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_ne!(
        perm, 0o777,
        "chmod through a symlink must not reach the target"
    );
    assert_eq!(std::fs::read(f.outside.join("secret")).unwrap(), b"secret");
}

#[tokio::test]
async fn symlinks_inside_the_root_still_work_for_walks() {
    let f = fixture();
    assert_eq!(
        f.vfs
            .read_all(&p("/m/inside_link/ok"))
            .await
            .unwrap()
            .as_ref(),
        b"ok"
    );
}

#[tokio::test]
async fn a_missing_root_is_an_error_not_a_panic() {
    assert!(LocalBackend::new(std::path::Path::new("/nonexistent/mirage/root")).is_err());
}

#[tokio::test]
async fn names_that_are_not_utf8_are_skipped_in_listings() {
    use std::os::unix::ffi::OsStrExt;
    let f = fixture();
    let root = f.outside.parent().unwrap().join("root");
    std::fs::write(
        root.join(std::ffi::OsStr::from_bytes(b"bad\xff name")),
        b"x",
    )
    .unwrap();
    let names: Vec<String> = f
        .vfs
        .list(&p("/m"))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(
        names,
        vec![
            "escape_dir",
            "escape_file",
            "escape_rel",
            "inner",
            "inside_link"
        ]
    );
}
