//! Model test: random operation sequences on `local` must behave exactly like on `ram`
//! (same results, same errors, same tree after every step).

use std::sync::Arc;
use std::time::Duration;

use mirage::backends::local::LocalBackend;
use mirage::backends::ram::RamBackend;
use mirage::vfs::{Backend, FileKind, Mode, MountSpec, OpenFlags, VPath, Vfs, VfsResult};
use proptest::prelude::*;

const PATHS: &[&str] = &[
    "/m/a", "/m/b", "/m/d", "/m/d/x", "/m/d/e", "/m/d/e/y", "/m/a/z",
];

#[derive(Debug, Clone)]
enum Op {
    Write(usize, Vec<u8>),
    Append(usize, Vec<u8>),
    WriteAt(usize, u16, Vec<u8>),
    Truncate(usize, u16),
    Mkdir(usize),
    RemoveFile(usize),
    RemoveDir(usize),
    Rename(usize, usize),
    Read(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let idx = 0..PATHS.len();
    let data = proptest::collection::vec(any::<u8>(), 0..64);
    prop_oneof![
        (idx.clone(), data.clone()).prop_map(|(i, d)| Op::Write(i, d)),
        (idx.clone(), data.clone()).prop_map(|(i, d)| Op::Append(i, d)),
        (idx.clone(), 0u16..200, data).prop_map(|(i, o, d)| Op::WriteAt(i, o, d)),
        (idx.clone(), 0u16..200).prop_map(|(i, s)| Op::Truncate(i, s)),
        idx.clone().prop_map(Op::Mkdir),
        idx.clone().prop_map(Op::RemoveFile),
        idx.clone().prop_map(Op::RemoveDir),
        (idx.clone(), idx.clone()).prop_map(|(a, b)| Op::Rename(a, b)),
        idx.prop_map(Op::Read),
    ]
}

fn p(i: usize) -> VPath {
    VPath::parse(PATHS[i]).unwrap()
}

async fn apply(v: &Vfs, op: &Op) -> VfsResult<Vec<u8>> {
    match op {
        Op::Write(i, d) => v.write_all(&p(*i), d, false).await.map(|_| vec![]),
        Op::Append(i, d) => v.write_all(&p(*i), d, true).await.map(|_| vec![]),
        Op::WriteAt(i, off, d) => {
            let fh = v
                .open(
                    &p(*i),
                    OpenFlags {
                        write: true,
                        ..OpenFlags::default()
                    },
                )
                .await?;
            let r = v.write(fh, *off as u64, d).await;
            v.release(fh).await?;
            r.map(|_| vec![])
        }
        Op::Truncate(i, s) => v.truncate(&p(*i), *s as u64).await.map(|_| vec![]),
        Op::Mkdir(i) => v.mkdir(&p(*i)).await.map(|_| vec![]),
        Op::RemoveFile(i) => v.remove_file(&p(*i)).await.map(|_| vec![]),
        Op::RemoveDir(i) => v.remove_dir(&p(*i)).await.map(|_| vec![]),
        Op::Rename(a, b) => v.rename(&p(*a), &p(*b)).await.map(|_| vec![]),
        Op::Read(i) => v.read_all(&p(*i)).await.map(|b| b.to_vec()),
    }
}

/// The whole tree: (path, kind, size, content) for every entry, depth first.
async fn snapshot(v: &Vfs) -> Vec<(String, FileKind, u64, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![VPath::parse("/m").unwrap()];
    while let Some(dir) = stack.pop() {
        for e in v.list(&dir).await.unwrap() {
            let path = dir.join(&e.name).unwrap();
            let (size, content) = match e.meta.kind {
                FileKind::File => (e.meta.size, v.read_all(&path).await.unwrap().to_vec()),
                _ => (0, vec![]),
            };
            if e.meta.kind == FileKind::Dir {
                stack.push(path.clone());
            }
            out.push((path.to_string(), e.meta.kind, size, content));
        }
    }
    out
}

fn vfs(b: Arc<dyn Backend>) -> Vfs {
    let m = MountSpec {
        path: VPath::parse("/m").unwrap(),
        backend: b,
        mode: Mode::Write,
        ttl: Duration::from_secs(5),
    };
    Vfs::new(vec![m]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn local_behaves_like_ram(ops in proptest::collection::vec(op(), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let local = vfs(Arc::new(LocalBackend::new(dir.path()).unwrap()));
        let ram = vfs(Arc::new(RamBackend::new()));
        rt.block_on(async {
            for (step, op) in ops.iter().enumerate() {
                let a = apply(&ram, op).await;
                let b = apply(&local, op).await;
                prop_assert_eq!(&a, &b, "step {} {:?}", step, op);
                prop_assert_eq!(snapshot(&ram).await, snapshot(&local).await, "tree after step {} {:?}", step, op);
            }
            Ok(())
        })?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    /// The core's staged handles (object-store path) against random-access handles.
    #[test]
    fn staged_handles_behave_like_random_io(ops in proptest::collection::vec(op(), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let staged = vfs(Arc::new(RamBackend::without_random_io()));
        let ram = vfs(Arc::new(RamBackend::new()));
        rt.block_on(async {
            for (step, op) in ops.iter().enumerate() {
                let a = apply(&ram, op).await;
                let b = apply(&staged, op).await;
                prop_assert_eq!(&a, &b, "step {} {:?}", step, op);
                prop_assert_eq!(snapshot(&ram).await, snapshot(&staged).await, "tree after step {} {:?}", step, op);
            }
            Ok(())
        })?;
    }
}
