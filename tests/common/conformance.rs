//! The backend conformance suite: written once against `Vfs`, gated on `Capability`, and
//! instantiated for every backend with `conformance_suite!(async_factory)`, where the factory
//! returns a fresh, empty, writable backend.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mirage::vfs::{
    Backend, FileKind, MetaChange, Mode, MountSpec, OpenFlags, Special, SpecialKind, VPath, Vfs,
    VfsError,
};

pub fn p(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

/// A workspace with `backend` at `/m` in `mode`.
pub fn vfs_with(backend: Arc<dyn Backend>, mode: Mode) -> Vfs {
    Vfs::new(vec![MountSpec {
        path: p("/m"),
        backend,
        mode,
        ttl: Duration::from_secs(30),
    }])
    .unwrap()
}

/// A workspace with `backend` writable at `path` and no metadata caching.
pub fn uncached_at(path: &str, backend: Arc<dyn Backend>) -> Vfs {
    Vfs::new(vec![MountSpec {
        path: p(path),
        backend,
        mode: Mode::Write,
        ttl: Duration::ZERO,
    }])
    .unwrap()
}

pub async fn write(v: &Vfs, path: &str, data: &[u8]) {
    v.write_all(&p(path), data, false)
        .await
        .unwrap_or_else(|e| panic!("write {path}: {e}"));
}

pub async fn read(v: &Vfs, path: &str) -> Vec<u8> {
    v.read_all(&p(path))
        .await
        .unwrap_or_else(|e| panic!("read {path}: {e}"))
        .to_vec()
}

pub async fn names(v: &Vfs, path: &str) -> Vec<String> {
    v.list(&p(path))
        .await
        .unwrap_or_else(|e| panic!("list {path}: {e}"))
        .into_iter()
        .map(|e| e.name)
        .collect()
}

fn caps(b: &Arc<dyn Backend>) -> mirage::vfs::Capability {
    b.info().capability
}

pub async fn round_trip(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/a.txt", b"hello world").await;
    assert_eq!(read(&v, "/m/a.txt").await, b"hello world");
    let m = v.stat(&p("/m/a.txt")).await.unwrap();
    assert_eq!((m.kind, m.size), (FileKind::File, 11));
    assert_eq!(names(&v, "/m").await, vec!["a.txt"]);
}

pub async fn empty_file(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/empty", b"").await;
    assert_eq!(read(&v, "/m/empty").await, b"");
    assert_eq!(v.stat(&p("/m/empty")).await.unwrap().size, 0);
    assert_eq!(names(&v, "/m").await, vec!["empty"]);
}

pub async fn offsets_past_a_block(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    write(&v, "/m/big", &data).await;
    let fh = v.open(&p("/m/big"), OpenFlags::read()).await.unwrap();
    assert_eq!(
        v.read(fh, 131_071, 10).await.unwrap().to_vec(),
        data[131_071..131_081]
    );
    assert_eq!(
        v.read(fh, 299_995, 100).await.unwrap().to_vec(),
        data[299_995..]
    );
    assert!(v.read(fh, 400_000, 10).await.unwrap().is_empty());
    v.release(fh).await.unwrap();
    assert_eq!(read(&v, "/m/big").await, data);
}

pub async fn overwrite_replaces_content(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/f", b"a long first version").await;
    write(&v, "/m/f", b"short").await;
    assert_eq!(read(&v, "/m/f").await, b"short");
    assert_eq!(v.stat(&p("/m/f")).await.unwrap().size, 5);
}

pub async fn append_adds_at_the_end(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/log", b"one\n").await;
    v.write_all(&p("/m/log"), b"two\n", true).await.unwrap();
    assert_eq!(read(&v, "/m/log").await, b"one\ntwo\n");
}

pub async fn random_writes_at_offsets(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/f", b"0123456789abcdef").await;
    let fh = v
        .open(
            &p("/m/f"),
            OpenFlags {
                write: true,
                ..OpenFlags::default()
            },
        )
        .await
        .unwrap();
    v.write(fh, 10, b"AB").await.unwrap();
    v.write(fh, 20, b"Z").await.unwrap();
    v.release(fh).await.unwrap();
    assert_eq!(read(&v, "/m/f").await, b"0123456789ABcdef\0\0\0\0Z");
}

pub async fn truncate_shrinks_and_extends(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/f", b"0123456789").await;
    v.truncate(&p("/m/f"), 4).await.unwrap();
    assert_eq!(read(&v, "/m/f").await, b"0123");
    v.truncate(&p("/m/f"), 6).await.unwrap();
    assert_eq!(read(&v, "/m/f").await, b"0123\0\0");
    v.truncate(&p("/m/f"), 0).await.unwrap();
    assert_eq!(v.stat(&p("/m/f")).await.unwrap().size, 0);
}

pub async fn exclusive_create_fails_on_existing(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    let excl = OpenFlags {
        write: true,
        create: true,
        exclusive: true,
        ..OpenFlags::default()
    };
    let fh = v.open(&p("/m/x"), excl).await.unwrap();
    v.release(fh).await.unwrap();
    assert_eq!(
        v.open(&p("/m/x"), excl).await.err(),
        Some(VfsError::AlreadyExists)
    );
}

pub async fn unlink_removes_file(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/f", b"x").await;
    write(&v, "/m/g", b"y").await;
    v.remove_file(&p("/m/f")).await.unwrap();
    assert_eq!(v.stat(&p("/m/f")).await.err(), Some(VfsError::NotFound));
    assert_eq!(names(&v, "/m").await, vec!["g"]);
    assert_eq!(
        v.remove_file(&p("/m/f")).await.err(),
        Some(VfsError::NotFound)
    );
    assert_eq!(v.read_all(&p("/m/f")).await.err(), Some(VfsError::NotFound));
}

pub async fn directories_mkdir_rmdir(b: Arc<dyn Backend>) {
    if !caps(&b).create_dir {
        return;
    }
    let v = vfs_with(b, Mode::Write);
    v.mkdir(&p("/m/d")).await.unwrap();
    assert_eq!(
        v.mkdir(&p("/m/d")).await.err(),
        Some(VfsError::AlreadyExists)
    );
    assert_eq!(
        v.mkdir(&p("/m/missing/d")).await.err(),
        Some(VfsError::NotFound)
    );
    assert!(v.stat(&p("/m/d")).await.unwrap().is_dir());
    write(&v, "/m/d/f", b"x").await;
    assert_eq!(
        v.remove_dir(&p("/m/d")).await.err(),
        Some(VfsError::DirectoryNotEmpty)
    );
    assert_eq!(
        v.remove_file(&p("/m/d")).await.err(),
        Some(VfsError::IsADirectory)
    );
    assert_eq!(
        v.remove_dir(&p("/m/d/f")).await.err(),
        Some(VfsError::NotADirectory)
    );
    assert_eq!(
        v.list(&p("/m/d/f")).await.err(),
        Some(VfsError::NotADirectory)
    );
    assert_eq!(
        v.read_all(&p("/m/d")).await.err(),
        Some(VfsError::IsADirectory)
    );
    v.remove_file(&p("/m/d/f")).await.unwrap();
    assert!(names(&v, "/m/d").await.is_empty());
    v.remove_dir(&p("/m/d")).await.unwrap();
    assert!(names(&v, "/m").await.is_empty());
}

pub async fn rename_file_and_over_existing_target(b: Arc<dyn Backend>) {
    if !caps(&b).rename {
        return;
    }
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/a", b"A").await;
    write(&v, "/m/b", b"B").await;
    v.rename(&p("/m/a"), &p("/m/c")).await.unwrap();
    assert_eq!(names(&v, "/m").await, vec!["b", "c"]);
    v.rename(&p("/m/c"), &p("/m/b")).await.unwrap();
    assert_eq!(names(&v, "/m").await, vec!["b"]);
    assert_eq!(read(&v, "/m/b").await, b"A");
    assert_eq!(
        v.rename(&p("/m/nope"), &p("/m/x")).await.err(),
        Some(VfsError::NotFound)
    );
    v.rename(&p("/m/b"), &p("/m/b")).await.unwrap();
    assert_eq!(read(&v, "/m/b").await, b"A");
}

pub async fn rename_directory_moves_subtree(b: Arc<dyn Backend>) {
    let c = caps(&b);
    if !c.rename || !c.create_dir {
        return;
    }
    let v = vfs_with(b, Mode::Write);
    v.mkdir(&p("/m/d")).await.unwrap();
    v.mkdir(&p("/m/d/sub")).await.unwrap();
    write(&v, "/m/d/sub/f", b"deep").await;
    write(&v, "/m/d/g", b"g").await;
    v.rename(&p("/m/d"), &p("/m/e")).await.unwrap();
    assert_eq!(names(&v, "/m").await, vec!["e"]);
    assert_eq!(names(&v, "/m/e").await, vec!["g", "sub"]);
    assert_eq!(read(&v, "/m/e/sub/f").await, b"deep");
    assert_eq!(v.stat(&p("/m/d")).await.err(), Some(VfsError::NotFound));
    assert_eq!(
        v.rename(&p("/m/e"), &p("/m/e/sub/x")).await.err(),
        Some(VfsError::InvalidArgument)
    );
    v.mkdir(&p("/m/full")).await.unwrap();
    write(&v, "/m/full/x", b"x").await;
    assert_eq!(
        v.rename(&p("/m/e"), &p("/m/full")).await.err(),
        Some(VfsError::DirectoryNotEmpty)
    );
    v.mkdir(&p("/m/empty")).await.unwrap();
    v.rename(&p("/m/e"), &p("/m/empty")).await.unwrap();
    assert_eq!(read(&v, "/m/empty/g").await, b"g");
    // An empty directory over an empty one (object stores: marker over marker).
    v.mkdir(&p("/m/e1")).await.unwrap();
    v.mkdir(&p("/m/e2")).await.unwrap();
    v.rename(&p("/m/e1"), &p("/m/e2")).await.unwrap();
    assert_eq!(v.stat(&p("/m/e1")).await.err(), Some(VfsError::NotFound));
    assert!(v.stat(&p("/m/e2")).await.unwrap().is_dir());
    assert!(names(&v, "/m/e2").await.is_empty());
    v.remove_dir(&p("/m/e2")).await.unwrap();
    assert_eq!(
        v.rename(&p("/m/empty"), &p("/m/full/x")).await.err(),
        Some(VfsError::NotADirectory)
    );
    assert_eq!(
        v.rename(&p("/m/full/x"), &p("/m/empty")).await.err(),
        Some(VfsError::IsADirectory)
    );
}

pub async fn listings_follow_every_mutation(b: Arc<dyn Backend>) {
    let c = caps(&b);
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/1", b"1").await;
    assert_eq!(names(&v, "/m").await, vec!["1"]);
    write(&v, "/m/2", b"22").await;
    assert_eq!(names(&v, "/m").await, vec!["1", "2"]);
    let sizes: Vec<u64> = v
        .list(&p("/m"))
        .await
        .unwrap()
        .iter()
        .map(|e| e.meta.size)
        .collect();
    assert_eq!(sizes, vec![1, 2]);
    write(&v, "/m/2", b"2222").await;
    assert_eq!(v.list(&p("/m")).await.unwrap()[1].meta.size, 4);
    if c.create_dir {
        v.mkdir(&p("/m/d")).await.unwrap();
        assert_eq!(names(&v, "/m").await, vec!["1", "2", "d"]);
    }
    if c.rename {
        v.rename(&p("/m/1"), &p("/m/3")).await.unwrap();
        assert_eq!(
            names(&v, "/m")
                .await
                .iter()
                .filter(|n| *n != "d")
                .collect::<Vec<_>>(),
            vec!["2", "3"]
        );
    }
    v.remove_file(&p("/m/2")).await.unwrap();
    assert!(!names(&v, "/m").await.contains(&"2".to_string()));
}

pub async fn nasty_names_round_trip(b: Arc<dyn Backend>) {
    let c = caps(&b);
    let v = vfs_with(b, Mode::Write);
    let nasty = [
        "with space",
        "ünïcødé ☃ 日本",
        "!@#$%^&()_+-=;',",
        "a+b%20c=d",
        ".hidden",
        "-dash",
    ];
    for n in nasty {
        write(&v, &format!("/m/{n}"), n.as_bytes()).await;
    }
    let mut expect: Vec<String> = nasty.iter().map(|s| s.to_string()).collect();
    expect.sort();
    assert_eq!(names(&v, "/m").await, expect);
    for n in nasty {
        assert_eq!(read(&v, &format!("/m/{n}")).await, n.as_bytes());
    }
    if c.rename {
        v.rename(&p("/m/with space"), &p("/m/ünïcødé 2"))
            .await
            .unwrap();
        assert_eq!(read(&v, "/m/ünïcødé 2").await, b"with space");
    }
    if c.create_dir {
        v.mkdir(&p("/m/dir !@#")).await.unwrap();
        write(&v, "/m/dir !@#/f ☃", b"x").await;
        assert_eq!(names(&v, "/m/dir !@#").await, vec!["f ☃"]);
    }
}

pub async fn name_max_is_enforced(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    let ok = "n".repeat(255);
    write(&v, &format!("/m/{ok}"), b"x").await;
    assert_eq!(names(&v, "/m").await, vec![ok]);
    let long = format!("/m/{}", "n".repeat(256));
    assert_eq!(VPath::parse(&long).err(), Some(VfsError::NameTooLong));
}

pub async fn read_mode_refuses_every_write(b: Arc<dyn Backend>) {
    let c = caps(&b);
    let w = vfs_with(b.clone(), Mode::Write);
    write(&w, "/m/keep", b"original").await;
    if c.create_dir {
        w.mkdir(&p("/m/dir")).await.unwrap();
    }
    let r = vfs_with(b, Mode::Read);
    let ro = Some(VfsError::ReadOnly);
    assert_eq!(r.write_all(&p("/m/keep"), b"x", false).await.err(), ro);
    assert_eq!(r.write_all(&p("/m/new"), b"x", false).await.err(), ro);
    assert_eq!(r.write_all(&p("/m/keep"), b"x", true).await.err(), ro);
    assert_eq!(
        r.open(
            &p("/m/keep"),
            OpenFlags {
                write: true,
                ..OpenFlags::default()
            }
        )
        .await
        .err(),
        ro
    );
    assert_eq!(r.truncate(&p("/m/keep"), 0).await.err(), ro);
    assert_eq!(r.mkdir(&p("/m/d2")).await.err(), ro);
    assert_eq!(r.remove_file(&p("/m/keep")).await.err(), ro);
    assert_eq!(r.rename(&p("/m/keep"), &p("/m/k2")).await.err(), ro);
    assert_eq!(r.symlink(&p("/m/l"), "keep").await.err(), ro);
    assert_eq!(
        r.set_times(&p("/m/keep"), SystemTime::now()).await.err(),
        ro
    );
    assert_eq!(r.set_perm(&p("/m/keep"), 0o600).await.err(), ro);
    let fifo = Special {
        kind: SpecialKind::Fifo,
        rdev: 0,
    };
    assert_eq!(r.mknod(&p("/m/fifo"), fifo, 0o644).await.err(), ro);
    let chown = MetaChange {
        uid: Some(1),
        ..MetaChange::default()
    };
    assert_eq!(r.set_attrs(&p("/m/keep"), chown).await.err(), ro);
    assert_eq!(r.link(&p("/m/keep"), &p("/m/k3")).await.err(), ro);
    if c.create_dir {
        assert_eq!(r.remove_dir(&p("/m/dir")).await.err(), ro);
    }
    assert_eq!(read(&r, "/m/keep").await, b"original");
    let mut expect = vec!["keep".to_string()];
    if c.create_dir {
        expect.insert(0, "dir".to_string());
    }
    assert_eq!(names(&r, "/m").await, expect);
}

pub async fn symlinks_are_stored_not_followed(b: Arc<dyn Backend>) {
    if !caps(&b).symlink {
        return;
    }
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/target", b"t").await;
    v.symlink(&p("/m/link"), "target").await.unwrap();
    v.symlink(&p("/m/outside"), "/etc/passwd").await.unwrap();
    let m = v.stat(&p("/m/link")).await.unwrap();
    assert_eq!((m.kind, m.size), (FileKind::Symlink, 6));
    assert_eq!(v.readlink(&p("/m/link")).await.unwrap(), "target");
    assert_eq!(v.readlink(&p("/m/outside")).await.unwrap(), "/etc/passwd");
    assert_eq!(
        v.readlink(&p("/m/target")).await.err(),
        Some(VfsError::InvalidArgument)
    );
    let kinds: Vec<FileKind> = v
        .list(&p("/m"))
        .await
        .unwrap()
        .iter()
        .map(|e| e.meta.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![FileKind::Symlink, FileKind::Symlink, FileKind::File]
    );
    v.remove_file(&p("/m/link")).await.unwrap();
    assert_eq!(read(&v, "/m/target").await, b"t");
}

/// Hard links: two names of one file (content, link count, file id shared), the file lives
/// on while a name is left; directories cannot be linked — or `Unsupported` everywhere.
pub async fn hard_links_share_one_file(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/a", b"one").await;
    match v.link(&p("/m/a"), &p("/m/b")).await {
        Err(VfsError::Unsupported) => return,
        other => other.unwrap(),
    }
    let (a, b) = (
        v.stat(&p("/m/a")).await.unwrap(),
        v.stat(&p("/m/b")).await.unwrap(),
    );
    assert_eq!((a.posix.nlink, b.posix.nlink), (Some(2), Some(2)));
    assert!(a.posix.file_id.is_some());
    assert_eq!(a.posix.file_id, b.posix.file_id);
    v.write_all(&p("/m/b"), b"+two", true).await.unwrap();
    assert_eq!(read(&v, "/m/a").await, b"one+two");
    assert_eq!(
        v.link(&p("/m/a"), &p("/m/b")).await.err(),
        Some(VfsError::AlreadyExists)
    );
    v.mkdir(&p("/m/d")).await.unwrap();
    assert_eq!(
        v.link(&p("/m/d"), &p("/m/d2")).await.err(),
        Some(VfsError::NotPermitted)
    );
    assert_eq!(
        v.link(&p("/m/nope"), &p("/m/x")).await.err(),
        Some(VfsError::NotFound)
    );
    v.remove_file(&p("/m/a")).await.unwrap();
    assert_eq!(v.stat(&p("/m/b")).await.unwrap().posix.nlink, Some(1));
    assert_eq!(read(&v, "/m/b").await, b"one+two");
}

/// FIFOs, sockets and device nodes: kept with their kind, device number and permissions,
/// listed, renamed and removed like files — or refused as `Unsupported` everywhere.
pub async fn special_nodes_are_kept_or_refused(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    let fifo = Special {
        kind: SpecialKind::Fifo,
        rdev: 0,
    };
    match v.mknod(&p("/m/fifo"), fifo, 0o640).await {
        Err(VfsError::Unsupported) => return,
        other => other.unwrap(),
    }
    let m = v.stat(&p("/m/fifo")).await.unwrap();
    assert_eq!(m.kind, FileKind::Special);
    assert_eq!(m.posix.special, Some(fifo));
    assert_eq!(m.perm, 0o640);
    assert_eq!(
        v.mknod(&p("/m/fifo"), fifo, 0o640).await.err(),
        Some(VfsError::AlreadyExists)
    );
    let sock = Special {
        kind: SpecialKind::Socket,
        rdev: 0,
    };
    v.mknod(&p("/m/sock"), sock, 0o600).await.unwrap();
    assert_eq!(names(&v, "/m").await, vec!["fifo", "sock"]);
    v.rename(&p("/m/fifo"), &p("/m/fifo2")).await.unwrap();
    let m = v.stat(&p("/m/fifo2")).await.unwrap();
    assert_eq!(m.posix.special, Some(fifo));
    v.remove_file(&p("/m/fifo2")).await.unwrap();
    v.remove_file(&p("/m/sock")).await.unwrap();
    assert!(names(&v, "/m").await.is_empty());
}

pub async fn mtime_can_be_set(b: Arc<dyn Backend>) {
    if !caps(&b).set_times {
        return;
    }
    let v = vfs_with(b, Mode::Write);
    write(&v, "/m/f", b"x").await;
    let t = UNIX_EPOCH + Duration::from_secs(1_500_000_000);
    v.set_times(&p("/m/f"), t).await.unwrap();
    assert_eq!(v.stat(&p("/m/f")).await.unwrap().mtime, t);
}

pub async fn open_handle_follows_rename(b: Arc<dyn Backend>) {
    if !caps(&b).rename {
        return;
    }
    let v = vfs_with(b, Mode::Write);
    let fh = v
        .open(&p("/m/tmp"), OpenFlags::create_truncate())
        .await
        .unwrap();
    v.write(fh, 0, b"saved").await.unwrap();
    v.flush(fh).await.unwrap();
    v.rename(&p("/m/tmp"), &p("/m/final")).await.unwrap();
    v.write(fh, 5, b"!").await.unwrap();
    v.release(fh).await.unwrap();
    assert_eq!(read(&v, "/m/final").await, b"saved!");
    assert_eq!(names(&v, "/m").await, vec!["final"]);
}

pub async fn unlinked_open_file_is_not_resurrected(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    let fh = v
        .open(&p("/m/f"), OpenFlags::create_truncate())
        .await
        .unwrap();
    v.write(fh, 0, b"data").await.unwrap();
    v.remove_file(&p("/m/f")).await.unwrap();
    let _ = v.read(fh, 0, 4).await;
    v.release(fh).await.unwrap();
    assert_eq!(v.stat(&p("/m/f")).await.err(), Some(VfsError::NotFound));
}

pub async fn cross_mount_rename_is_exdev(b: Arc<dyn Backend>, b2: Arc<dyn Backend>) {
    let v = Vfs::new(vec![
        MountSpec {
            path: p("/m"),
            backend: b,
            mode: Mode::Write,
            ttl: Duration::from_secs(1),
        },
        MountSpec {
            path: p("/n"),
            backend: b2,
            mode: Mode::Write,
            ttl: Duration::from_secs(1),
        },
    ])
    .unwrap();
    write(&v, "/m/f", b"x").await;
    assert_eq!(
        v.rename(&p("/m/f"), &p("/n/f")).await.err(),
        Some(VfsError::CrossDevice)
    );
    assert_eq!(names(&v, "/").await, vec!["m", "n"]);
    assert_eq!(v.mkdir(&p("/top")).await.err(), Some(VfsError::ReadOnly));
    assert_eq!(
        v.write_all(&p("/top.txt"), b"x", false).await.err(),
        Some(VfsError::ReadOnly)
    );
}

pub async fn large_write_spills_and_round_trips(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write).with_spill_threshold(64 << 10);
    let data: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let fh = v
        .open(&p("/m/big"), OpenFlags::create_truncate())
        .await
        .unwrap();
    for (i, chunk) in data.chunks(128 << 10).enumerate() {
        v.write(fh, (i * (128 << 10)) as u64, chunk).await.unwrap();
    }
    v.release(fh).await.unwrap();
    assert_eq!(read(&v, "/m/big").await, data);
    // An in-place edit of a large file reads, modifies and writes it whole.
    let fh = v
        .open(
            &p("/m/big"),
            OpenFlags {
                write: true,
                ..OpenFlags::default()
            },
        )
        .await
        .unwrap();
    v.write(fh, 500_000, b"EDIT").await.unwrap();
    v.release(fh).await.unwrap();
    let mut expect = data.clone();
    expect[500_000..500_004].copy_from_slice(b"EDIT");
    assert_eq!(read(&v, "/m/big").await, expect);
}

pub async fn stat_while_open_sees_written_size(b: Arc<dyn Backend>) {
    let v = vfs_with(b, Mode::Write);
    let fh = v
        .open(&p("/m/f"), OpenFlags::create_truncate())
        .await
        .unwrap();
    v.write(fh, 0, b"12345").await.unwrap();
    assert_eq!(v.fstat(fh).await.unwrap().size, 5);
    assert_eq!(v.stat(&p("/m/f")).await.unwrap().size, 5);
    v.release(fh).await.unwrap();
}

pub async fn new_file_is_visible_and_usable_before_close(b: Arc<dyn Backend>) {
    let c = caps(&b);
    let v = vfs_with(b, Mode::Write);
    let fh = v
        .open(&p("/m/new"), OpenFlags::create_truncate())
        .await
        .unwrap();
    v.write(fh, 0, b"abc").await.unwrap();
    assert_eq!(names(&v, "/m").await, vec!["new"]);
    assert_eq!(v.stat(&p("/m/new")).await.unwrap().size, 3);
    let excl = OpenFlags {
        write: true,
        create: true,
        exclusive: true,
        ..OpenFlags::default()
    };
    assert_eq!(
        v.open(&p("/m/new"), excl).await.err(),
        Some(VfsError::AlreadyExists)
    );
    assert_eq!(read(&v, "/m/new").await, b"abc");
    if c.rename {
        v.rename(&p("/m/new"), &p("/m/renamed")).await.unwrap();
        v.write(fh, 3, b"def").await.unwrap();
        v.release(fh).await.unwrap();
        assert_eq!(read(&v, "/m/renamed").await, b"abcdef");
        assert_eq!(names(&v, "/m").await, vec!["renamed"]);
    } else {
        v.release(fh).await.unwrap();
    }
}

/// Instantiates every case as a `#[tokio::test]` for the backend `$make` builds.
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@cases $make;
            round_trip, empty_file, offsets_past_a_block, overwrite_replaces_content,
            append_adds_at_the_end, random_writes_at_offsets, truncate_shrinks_and_extends,
            exclusive_create_fails_on_existing, unlink_removes_file, directories_mkdir_rmdir,
            rename_file_and_over_existing_target, rename_directory_moves_subtree,
            listings_follow_every_mutation, nasty_names_round_trip, name_max_is_enforced,
            read_mode_refuses_every_write, symlinks_are_stored_not_followed, mtime_can_be_set,
            special_nodes_are_kept_or_refused, hard_links_share_one_file,
            open_handle_follows_rename, unlinked_open_file_is_not_resurrected,
            large_write_spills_and_round_trips, stat_while_open_sees_written_size,
            new_file_is_visible_and_usable_before_close);
        #[tokio::test]
        async fn cross_mount_rename_is_exdev() {
            common::conformance::cross_mount_rename_is_exdev($make().await, $make().await).await;
        }
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                common::conformance::$case($make().await).await;
            }
        )*
    };
}

/// The read-only suite: a mounted tree must equal `expected` (path → content, `None` for a
/// directory, `Some(Err(target))` for a symlink), and every write must be refused.
pub type Expected = Vec<(String, Option<Result<Vec<u8>, String>>)>;

pub async fn read_only_suite(v: &Vfs, root: &str, expected: &Expected) {
    for (rel, want) in expected {
        let path = p(&format!("{root}/{rel}"));
        let meta = v
            .stat(&path)
            .await
            .unwrap_or_else(|e| panic!("stat {path}: {e}"));
        match want {
            None => {
                assert!(meta.is_dir(), "{path} is a directory");
                assert_eq!(v.read_all(&path).await.err(), Some(VfsError::IsADirectory));
            }
            Some(Ok(bytes)) => {
                assert_eq!(
                    (meta.kind, meta.size),
                    (FileKind::File, bytes.len() as u64),
                    "{path}"
                );
                assert_eq!(
                    &v.read_all(&path).await.unwrap()[..],
                    &bytes[..],
                    "{path} content"
                );
                assert_eq!(
                    v.list(&path).await.err(),
                    Some(VfsError::NotADirectory),
                    "{path}"
                );
                if bytes.len() > 200_000 {
                    let fh = v.open(&path, OpenFlags::read()).await.unwrap();
                    assert_eq!(
                        v.read(fh, 131_071, 10).await.unwrap().to_vec(),
                        bytes[131_071..131_081]
                    );
                    assert!(
                        v.read(fh, bytes.len() as u64 + 10, 10)
                            .await
                            .unwrap()
                            .is_empty()
                    );
                    v.release(fh).await.unwrap();
                }
            }
            Some(Err(target)) => {
                assert_eq!(meta.kind, FileKind::Symlink, "{path}");
                assert_eq!(&v.readlink(&path).await.unwrap(), target);
            }
        }
    }
    // Listings: every directory lists exactly its expected children.
    let mut dirs: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    dirs.entry(String::new()).or_default();
    for (rel, want) in expected {
        let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        dirs.entry(parent.to_string())
            .or_default()
            .push(name.to_string());
        if want.is_none() {
            dirs.entry(rel.clone()).or_default();
        }
    }
    for (dir, mut kids) in dirs {
        kids.sort();
        kids.dedup();
        let path = if dir.is_empty() {
            root.to_string()
        } else {
            format!("{root}/{dir}")
        };
        assert_eq!(names(v, &path).await, kids, "listing of {path}");
    }
    assert_eq!(
        v.stat(&p(&format!("{root}/no-such-file"))).await.err(),
        Some(VfsError::NotFound)
    );
    let ro = Some(VfsError::ReadOnly);
    let any_file = expected
        .iter()
        .find(|(_, w)| matches!(w, Some(Ok(_))))
        .map(|(r, _)| format!("{root}/{r}"));
    if let Some(f) = any_file {
        assert_eq!(v.write_all(&p(&f), b"x", false).await.err(), ro);
        assert_eq!(v.remove_file(&p(&f)).await.err(), ro);
        assert_eq!(v.rename(&p(&f), &p(&format!("{f}.moved"))).await.err(), ro);
        assert_eq!(v.truncate(&p(&f), 0).await.err(), ro);
    }
    assert_eq!(
        v.write_all(&p(&format!("{root}/new-file")), b"x", false)
            .await
            .err(),
        ro
    );
    assert_eq!(v.mkdir(&p(&format!("{root}/new-dir"))).await.err(), ro);
    assert_eq!(
        v.symlink(&p(&format!("{root}/new-link")), "x").await.err(),
        ro
    );
}
