//! Mount tests: mount for real, run real host tools, diff against a plain directory.
//!
//! Each script runs twice — inside a write mount of the workspace (ram and local) and in a
//! plain temp directory — and stdout plus exit status must match. `$OTHER` names a second
//! writable directory (another mount, or another plain dir) for cross-mount moves.

#[path = "../tests/common/github.rs"]
mod github;
mod harness;
#[path = "../tests/common/proxy.rs"]
mod proxy;
#[path = "../tests/common/s3.rs"]
mod s3;
#[path = "../tests/common/slack.rs"]
mod slack;

use std::path::Path;

use harness::{MountGuard, Workspace, run_script};

/// Runs `script` in the mount below `sub` and in a plain directory; asserts equal results.
fn same_as_plain(sub: &str, other_sub: &str, case: &str, script: &str) {
    same_as_plain_with(sub, other_sub, case, script, &[])
}

fn same_as_plain_with(sub: &str, other_sub: &str, case: &str, script: &str, flags: &[&str]) {
    let ws = if sub == "s3" || other_sub == "s3" {
        Workspace::with_s3()
    } else {
        Workspace::new()
    };
    let mnt = ws.path("mnt");
    let guard = MountGuard::mount_with(&mnt, &ws.config, flags);
    let dir = mnt.join(sub).join(case);
    let other = mnt.join(other_sub).join(format!("{case}-other"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    let plain = ws.path("plain_a").join(case);
    let plain_other = ws.path("plain_b").join(format!("{case}-other"));
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::create_dir_all(&plain_other).unwrap();

    let expected = run_script(&plain, &plain_other, script);
    let got = run_script(&dir, &other, script);
    let show = |o: &std::process::Output| {
        format!(
            "status {:?}\n--- stdout\n{}--- stderr\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    assert!(
        got.stdout == expected.stdout && got.status.code() == expected.status.code(),
        "mount /{sub} differs from a plain dir for {case}\n=== plain\n{}\n=== mount\n{}\n=== mirage log\n{}",
        show(&expected),
        show(&got),
        guard.log_text()
    );
    assert!(
        !expected.stdout.is_empty(),
        "the script printed nothing: {}",
        show(&expected)
    );
}

const BASIC_IO: &str = r#"
echo hello > a.txt; echo world >> a.txt; cat a.txt; wc -c a.txt
printf 'x%.0s' $(seq 1 5000) > big.txt; wc -c < big.txt
touch empty; stat -c '%n %s %F %a' a.txt empty big.txt
truncate -s 3 a.txt; cat a.txt; echo; truncate -s 10 a.txt; od -c a.txt | head -3
mkdir -p d/e/f; rmdir d/e/f; ls -1 d d/e; rmdir d 2>/dev/null || echo "rmdir non-empty failed"
ls -la | awk '$1 ~ /^-/ {print $1, $2, $5, $NF}'
echo "name with spaces & ünïcødé" > 'n a m e ☃ !@#$%^&()_+-=;,'; ls; cat 'n a m e ☃ !@#$%^&()_+-=;,'
cat missing 2>&1 | sed 's/^.*: //'; echo "exit $?"
"#;

const COPY_MOVE_REMOVE: &str = r#"
mkdir -p src/sub; echo 1 > src/one; echo 2 > src/sub/two
cp -r src dst; find dst | sort; cat dst/sub/two
mv dst/one dst/uno; mv dst moved; find . | sort
mv moved "$OTHER/moved"; (cd "$OTHER" && find moved -type f | sort); cat "$OTHER/moved/uno"
mv "$OTHER/moved" back; ls back; ls -A "$OTHER"
echo over > x; echo under > y; mv x y; cat y; ls
rm -r back src; ls -A; rm y; ls -A | wc -l
"#;

const SEARCH: &str = r#"
mkdir -p t/a t/b
for i in $(seq 1 50); do echo "line $i needle$((i % 7))" > t/a/f$i.txt; done
echo needle3 > "t/b/with space.md"
grep -r needle3 t | sort; rg -c needle3 t | sort; rg --files t | sort | wc -l
find t -name '*.md'; find t -type f | wc -l; find t -type d | sort; touch -d 2000-01-01 old; find t -type f -size +0 -newer old | wc -l; touch -d 2001-02-03 t/a/f2.txt; ls -l --time-style=+%F t/a/f2.txt | awk '{print $6}'
grep -rl needle6 t | sort | head -3; grep -c line t/a/f9.txt
"#;

const EDIT_IN_PLACE: &str = r#"
printf 'alpha\nbeta\ngamma\n' > f.txt; sed -i 's/beta/BETA/' f.txt; cat f.txt
printf '2d\nw\nq\n' | ed -s f.txt; cat f.txt
vim -u NONE -N -es -c '%s/alpha/ALPHA/' -c 'wq' f.txt; echo "vim $?"; cat f.txt; ls -A
printf 'a\nb\n' > g.txt; perl -pi -e 's/b/B/' g.txt; cat g.txt
"#;

const TAR_CHECKSUM_DD: &str = r#"
mkdir -p arc/x; seq 1 1000 > arc/nums; echo hi > arc/x/h
tar cf - arc | (mkdir out && tar xf - -C out); diff -r arc out/arc && echo same
sha256sum arc/nums out/arc/nums | awk '{print $1}'
dd if=/dev/zero of=d.bin bs=4096 count=4 seek=2 2>/dev/null; stat -c %s d.bin
printf 'ABCD' | dd of=d.bin bs=1 seek=100 conv=notrunc 2>/dev/null; stat -c %s d.bin
od -A d -c d.bin | grep -m2 A; sha256sum d.bin
head -c 300000 /dev/urandom > rnd; cp rnd rnd2; cmp rnd rnd2 && echo identical
dd if=rnd bs=1000 skip=100 count=5 2>/dev/null | sha256sum | cut -c1-16 > s1; dd if=rnd2 bs=1000 skip=100 count=5 2>/dev/null | sha256sum | cut -c1-16 > s2; cmp s1 s2 && echo ranges-equal
"#;

const GIT: &str = r#"
git init -q -b main repo && cd repo && git config user.email a@b && git config user.name mirage
echo one > f && git add f && git commit -qm first && echo two >> f && git commit -qam second
mkdir d && echo x > d/x && git add d && git commit -qm third && git mv d/x d/y && git commit -qm moved
git log --format='%H %s'; git status --short; git fsck --no-progress 2>&1 | head -3; git show HEAD:d/y
git gc -q 2>/dev/null; git log --oneline | wc -l
"#;

const SYMLINKS: &str = r#"
echo target > t; ln -s t link; cat link; readlink link; ls -l link | awk '{print $1, $NF}'
mkdir d; ln -s d dl; echo in > dl/f; cat d/f; rm link; ls; ln -s missing dangling; cat dangling 2>/dev/null || echo dangling-fails
"#;

const SHARED_OPENS: &str = r#"
echo start > f; exec 3>>f; cat f; echo more >&3; cat f; exec 4<f; echo third >&3; cat <&4
exec 5<>f; echo -n XY >&5; exec 3>&- 4<&- 5<&-; cat f; wc -c < f
python3 -c "
import mmap, os
fd = os.open('f', os.O_RDWR); m = mmap.mmap(fd, 0); m[0:2] = b'mm'; m.flush(); m.close(); os.close(fd)
print(open('f').read().split()[0])"
"#;

macro_rules! script_tests {
    ($($name:ident: $script:ident),* $(,)?) => {
        /// The kernel opens files itself (no mount commits at close).
        mod on_ram { $( #[test] fn $name() { super::same_as_plain("scratch", "data", stringify!($name), super::$script); } )* }
        mod on_local { $( #[test] fn $name() { super::same_as_plain("data", "scratch", stringify!($name), super::$script); } )* }
        /// Every open reaches mirage (as with a writable S3 mount in the workspace).
        mod on_ram_with_open_requests { $( #[test] fn $name() {
            super::same_as_plain_with("scratch", "data", stringify!($name), super::$script, &["--open-requests"]);
        } )* }
        /// local with open requests and kernel passthrough for reads.
        mod on_local_with_passthrough { $( #[test] fn $name() {
            super::same_as_plain_with("data", "scratch", stringify!($name), super::$script, &["--open-requests"]);
        } )* }
        /// Requests by `read`/`writev` on /dev/fuse (the default takes them over io_uring where
        /// the kernel offers it).
        mod on_ram_over_dev_fuse { $( #[test] fn $name() {
            super::same_as_plain_with("scratch", "data", stringify!($name), super::$script, &["--no-io-uring"]);
        } )* }
        mod on_local_over_dev_fuse { $( #[test] fn $name() {
            super::same_as_plain_with("data", "scratch", stringify!($name), super::$script, &["--no-io-uring"]);
        } )* }
        /// local with every read and write going through mirage.
        mod on_local_without_passthrough { $( #[test] fn $name() {
            super::same_as_plain_with("data", "scratch", stringify!($name), super::$script, &["--open-requests", "--no-passthrough"]);
        } )* }
    };
}

script_tests! {
    basic_io: BASIC_IO,
    copy_move_remove: COPY_MOVE_REMOVE,
    search: SEARCH,
    edit_in_place: EDIT_IN_PLACE,
    tar_checksum_dd: TAR_CHECKSUM_DD,
    git: GIT,
    symlinks: SYMLINKS,
    shared_opens: SHARED_OPENS,
}

/// The scripts whose POSIX needs S3 meets (no symlinks, times or shared-open visibility there).
/// (The kernel opens files, FLUSH commits; `with_open_requests`: every open reaches mirage.)
mod on_s3 {
    macro_rules! s3_tests {
        ($($name:ident: $script:ident),* $(,)?) => {
            $( #[test] fn $name() { super::same_as_plain("s3", "scratch", stringify!($name), super::$script); } )*
            mod with_open_requests {
                $( #[test] fn $name() {
                    super::super::same_as_plain_with("s3", "scratch", stringify!($name), super::super::$script, &["--open-requests"]);
                } )*
            }
            mod over_dev_fuse {
                $( #[test] fn $name() {
                    super::super::same_as_plain_with("s3", "scratch", stringify!($name), super::super::$script, &["--no-io-uring"]);
                } )*
            }
        };
    }
    s3_tests! {
        basic_io: BASIC_IO,
        copy_move_remove: COPY_MOVE_REMOVE,
        edit_in_place: EDIT_IN_PLACE,
        tar_checksum_dd: TAR_CHECKSUM_DD,
        git: GIT,
    }
}

#[test]
fn read_mount_refuses_every_write_and_changes_nothing() {
    let ws = Workspace::new();
    let mnt = ws.path("mnt");
    let _guard = MountGuard::mount(&mnt, &ws.config);
    let ro = mnt.join("ro");
    let snapshot = |p: &Path| {
        run_script(
            p,
            p,
            "find . -printf '%p %s %y\\n' | sort; sha256sum readme.txt sub/x.txt",
        )
        .stdout
    };
    let before = snapshot(&ro);
    let before_host = snapshot(&ws.path("rodata"));
    for cmd in [
        "echo x > new",
        "echo x >> readme.txt",
        "echo x > readme.txt",
        "rm readme.txt",
        "mkdir d",
        "touch readme.txt",
        "touch fresh",
        "mv readme.txt r2",
        "rmdir sub",
        "rm -r sub",
        "ln -s readme.txt l",
        "truncate -s 0 readme.txt",
        "cp readme.txt copy",
        "chmod 600 readme.txt",
        "sed -i s/read/write/ readme.txt",
        "dd if=/dev/zero of=readme.txt bs=1 count=1 conv=notrunc",
    ] {
        let out = run_script(&ro, &ro, cmd);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{cmd} succeeded on a read mount");
        assert!(err.contains("Read-only file system"), "{cmd}: {err}");
    }
    assert_eq!(snapshot(&ro), before);
    assert_eq!(snapshot(&ws.path("rodata")), before_host);
    assert_eq!(before, before_host);
}

#[test]
fn synthetic_root_lists_mounts_and_refuses_writes() {
    let ws = Workspace::new();
    let mnt = ws.path("mnt");
    let _guard = MountGuard::mount(&mnt, &ws.config);
    let out = run_script(
        &mnt,
        &mnt,
        "ls; mkdir x 2>&1 | sed 's/.*: //'; stat -c %F data",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "data\nro\nscratch\nRead-only file system\ndirectory\n"
    );
}

#[test]
fn sigterm_unmounts_cleanly_and_keeps_written_data() {
    let ws = Workspace::new();
    let mnt = ws.path("mnt");
    let mut guard = MountGuard::mount(&mnt, &ws.config);
    let out = run_script(
        &mnt.join("data"),
        &mnt,
        "for i in $(seq 1 200); do echo $i > f$i; done; ls | wc -l",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "200");
    let status = guard.stop_with(nix::sys::signal::Signal::SIGTERM);
    assert!(status.success(), "exit {status}: {}", guard.log_text());
    assert!(!guard.is_mounted());
    assert_eq!(std::fs::read_dir(ws.path("data")).unwrap().count(), 200);
    assert_eq!(
        std::fs::read_to_string(ws.path("data/f137")).unwrap(),
        "137\n"
    );
}

/// SIGTERM while a process keeps writing through an open file: the mount cannot be unmounted
/// (busy), so it is detached, and mirage still exits at once and cleanly — no serving thread
/// panics under a runtime shut down beneath it.
#[test]
fn sigterm_while_a_file_is_busy_detaches_and_exits_cleanly() {
    use std::io::BufRead;
    let ws = Workspace::new();
    let mnt = ws.path("mnt");
    let mut guard = MountGuard::mount(&mnt, &ws.config);
    let mut writer = std::process::Command::new("python3")
        .args([
            "-c",
            "import os, sys\nfd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\nprint('open', flush=True)\n\
             while True:\n    try: os.pwrite(fd, b'x', 0)\n    except OSError: pass\n",
        ])
        .arg(mnt.join("scratch/busy"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(writer.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "open\n");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let status = guard.stop_with(nix::sys::signal::Signal::SIGTERM);
    let _ = writer.kill();
    let _ = writer.wait();
    let log = guard.log_text();
    assert!(status.success(), "exit {status}: {log}");
    assert!(!log.contains("panicked"), "{log}");
    assert!(log.contains("detaching lazily"), "{log}");
    assert!(!guard.is_mounted());
}

#[test]
fn mirage_umount_ends_the_serving_process() {
    let ws = Workspace::new();
    let mnt = ws.path("mnt");
    let guard = MountGuard::mount(&mnt, &ws.config);
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_mirage"))
        .arg("umount")
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(!guard.is_mounted());
}

/// A `ram` mount with `size`: past it writes fail with ENOSPC (as on a full tmpfs), `df`
/// shows the size, and deleting files makes room again.
#[test]
fn ram_size_is_a_limit_like_tmpfs() {
    let ws = Workspace::new();
    let cfg = ws.path("small.toml");
    std::fs::write(
        &cfg,
        "[[mount]]\npath = \"/small\"\nbackend = \"ram\"\nmode = \"write\"\nsize = \"8MiB\"\n",
    )
    .unwrap();
    let mnt = ws.path("mnt");
    let _guard = MountGuard::mount(&mnt, &cfg);
    let out = run_script(
        &mnt.join("small"),
        &mnt,
        "dd if=/dev/zero of=big bs=1M count=16 2>&1 | grep -o 'No space left on device' | head -1; \
         echo \"size=$(stat -c %s big) df=$(df -B1 --output=size . | tail -1 | tr -d ' ')\"; \
         truncate -s 1G sparse && echo sparse-ok; rm big; \
         dd if=/dev/zero of=again bs=1M count=4 status=none && stat -c %s again",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "No space left on device\nsize=8388608 df=8388608\nsparse-ok\n4194304\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_config_fails_before_mounting_with_one_line() {
    let ws = Workspace::new();
    let cfg = ws.path("bad.toml");
    std::fs::write(&cfg, "[[mount]]\npath = \"/x\"\nbackend = \"nope\"\n").unwrap();
    std::fs::create_dir_all(ws.path("mnt")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mirage"))
        .arg("mount")
        .arg(ws.path("mnt"))
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("unknown backend"), "{err}");
}

/// What the mount refuses or does differently from a local disk, pinned for README § Semantics.
/// (Python names EOPNOTSUPP by its Linux alias ENOTSUP: both are 95.)
const POSIX_EDGES: &str = r#"
import errno, os, stat
def err(f):
    try:
        f(); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
open("a", "w").write("hello")
print("getxattr", err(lambda: os.getxattr("a", "user.x")))
print("setxattr", err(lambda: os.setxattr("a", "user.x", b"1")))
print("listxattr", err(lambda: os.listxattr("a")))
print("chown-other", err(lambda: os.chown("a", 12345, -1)), os.stat("a").st_uid)
print("chgrp", err(lambda: os.chown("a", -1, 54321)), os.stat("a").st_uid, os.stat("a").st_gid)
print("chown-self", err(lambda: os.chown("a", os.geteuid(), os.getegid())))
os.utime("a", ns=(1_000_000_000, 2_000_000_000)); st = os.stat("a")
print("times", st.st_atime_ns, st.st_mtime_ns, st.st_ctime_ns > st.st_mtime_ns)
os.makedirs("nd/s1"); os.mkdir("nd/s2"); open("nd/f", "w").close(); print("dir-nlink", os.stat("nd").st_nlink)
print("mkfifo", err(lambda: os.mkfifo("fifo")), stat.S_ISFIFO(os.lstat("fifo").st_mode))
print("mknod-chr", err(lambda: os.mknod("chr", 0o600 | stat.S_IFCHR, os.makedev(1, 3))),
      oct(stat.S_IMODE(os.lstat("chr").st_mode)), os.major(os.lstat("chr").st_rdev), os.minor(os.lstat("chr").st_rdev))
pid = os.fork()
if pid == 0:
    with open("fifo", "w") as w: w.write("through the fifo")
    os._exit(0)
with open("fifo") as r: print("fifo-read", r.read())
os.waitpid(pid, 0)
os.chmod("a", 0o600); print("chmod", oct(stat.S_IMODE(os.stat("a").st_mode)))
fd = os.open("a", os.O_RDWR); os.posix_fallocate(fd, 0, 100); print("fallocate", os.fstat(fd).st_size)
print("seek_hole", os.lseek(fd, 0, os.SEEK_HOLE), "seek_data", os.lseek(fd, 5, os.SEEK_DATA))
os.close(fd)
fd = os.open("a", os.O_RDONLY); os.unlink("a")
print("read-after-unlink", os.read(fd, 5)); os.close(fd)
print("exists-after-unlink", os.path.exists("a"))
open("u", "w").write("hello"); fd = os.open("u", os.O_RDWR); os.unlink("u")
os.ftruncate(fd, 3); os.pwrite(fd, b"J", 0)
print("unlinked-rw", os.fstat(fd).st_size, os.pread(fd, 10, 0)); os.close(fd)
fd = os.open("x", os.O_WRONLY | os.O_CREAT | os.O_EXCL); os.close(fd)
print("excl-again", err(lambda: os.open("x", os.O_WRONLY | os.O_CREAT | os.O_EXCL)))
print("rename-noreplace", err(lambda: os.rename("x", "x")))
print("rmdir-file", err(lambda: os.rmdir("x")), "unlink-dir", err(lambda: (os.mkdir("d"), os.unlink("d"))))
print("long-name", err(lambda: open("n" * 256, "w")))
open("h1", "w").write("one")
print("link", err(lambda: os.link("h1", "h2")), os.stat("h1").st_nlink, os.stat("h1").st_ino == os.stat("h2").st_ino)
with open("h2", "a") as f: f.write("+two")
print("link-read", open("h1").read(), err(lambda: os.link("d", "d2")), err(lambda: os.link("h1", "h2")))
os.mkdir("hd"); os.link("h1", "hd/h3"); os.unlink("h1")
print("link-unlink", os.stat("h2").st_nlink, open("hd/h3").read())
fd = os.open("hd/h3", os.O_RDWR); os.link("hd/h3", "h4"); os.unlink("hd/h3"); os.unlink("h2")
os.pwrite(fd, b"ONE", 0); os.close(fd); print("link-fd", open("h4").read(), os.stat("h4").st_nlink)
open("b1", "w").write("x" * 100); open("b2", "w").write("y" * 5000)
print("blocks", os.stat("b1").st_blocks, os.stat("b2").st_blocks)
fd = os.open("sp", os.O_RDWR | os.O_CREAT); os.ftruncate(fd, 1 << 33); os.pwrite(fd, b"end", (1 << 33) - 3)
print("sparse", os.fstat(fd).st_size, os.fstat(fd).st_blocks, os.pread(fd, 4, (1 << 32)), os.pread(fd, 9, (1 << 33) - 6))
os.ftruncate(fd, 0); os.close(fd)
"#;

const POSIX_EDGES_EXPECTED: &str = "getxattr ENOTSUP\nsetxattr ENOTSUP\nlistxattr ENOTSUP\n\
chown-other ok 12345\nchgrp ok 12345 54321\nchown-self ok\n\
times 1000000000 2000000000 True\ndir-nlink 4\nmkfifo ok True\nmknod-chr ok 0o600 1 3\nfifo-read through the fifo\nchmod 0o600\nfallocate 100\nseek_hole 100 seek_data 5\n\
read-after-unlink b'hello'\nexists-after-unlink False\nunlinked-rw 3 b'Jel'\nexcl-again EEXIST\nrename-noreplace ok\n\
rmdir-file ENOTDIR unlink-dir EISDIR\nlong-name ENAMETOOLONG\nlink ok 2 True\n\
link-read one+two EPERM EEXIST\nlink-unlink 2 one+two\nlink-fd ONE+two 1\nblocks 8 16\n\
sparse 8589934592 8 b'\\x00\\x00\\x00\\x00' b'\\x00\\x00\\x00end'\n";

fn posix_edges_on(sub: &str, flags: &[&str]) {
    let ws = Workspace::new();
    let mnt = ws.path("mnt");
    let _guard = MountGuard::mount_with(&mnt, &ws.config, flags);
    let dir = mnt.join(sub);
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(POSIX_EDGES)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        POSIX_EDGES_EXPECTED,
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Owners and permissions as the kernel checks them (`default_permissions`) for another user
/// through an `--allow-other` mount: pinned against what tmpfs answers.
const PERMISSIONS: &str = r#"
import os, errno
def err(f):
    try:
        r = f(); return "ok" if r is None else r
    except OSError as e:
        return errno.errorcode[e.errno]
os.mkdir("pd"); os.chmod("pd", 0o777)
open("pd/secret", "w").write("s"); os.chmod("pd/secret", 0o600)
open("pd/pub", "w").write("p"); os.chmod("pd/pub", 0o644)
os.mkdir("sticky"); os.chmod("sticky", 0o1777); open("sticky/rootfile", "w").close()
os.chmod("sticky/rootfile", 0o666)
os.mkdir("sg"); os.chown("sg", 0, 1234); os.chmod("sg", 0o2775)
pid = os.fork()
if pid == 0:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
    print("read-secret", err(lambda: open("pd/secret").read()))
    print("read-pub", err(lambda: open("pd/pub").read()))
    print("write-pub", err(lambda: open("pd/pub", "a").write("x")))
    print("chmod-other", err(lambda: os.chmod("pd/pub", 0o777)))
    print("create-own", err(lambda: open("pd/mine", "w").close()), os.stat("pd/mine").st_uid)
    print("chown-own-to-root", err(lambda: os.chown("pd/mine", 0, -1)))
    print("sticky-unlink-other", err(lambda: os.unlink("sticky/rootfile")))
    print("utime-now-other", err(lambda: os.utime("pd/pub")))
    os._exit(0)
os.waitpid(pid, 0)
open("sg/f", "w").close(); os.mkdir("sg/d")
print("setgid-inherit", os.stat("sg/f").st_gid, os.stat("sg/d").st_gid, oct(os.stat("sg/d").st_mode & 0o7777))
os.chmod("pd/pub", 0o4755); os.chown("pd/pub", 65534, -1)
print("chown-clears-suid", oct(os.stat("pd/pub").st_mode & 0o7777))
"#;

fn permissions_on(sub: &str) {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    // Another user must be able to reach the mount point.
    std::fs::set_permissions(ws.tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let mnt = ws.path("mnt");
    let _guard = MountGuard::mount_with(&mnt, &ws.config, &["--allow-other"]);
    let run = |dir: &Path| {
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg(PERMISSIONS)
            .current_dir(dir)
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let native = tempfile::tempdir().unwrap();
    std::fs::set_permissions(native.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let native = run(native.path());
    assert!(
        native.contains("read-secret EACCES\nread-pub p\n")
            && native.contains("setgid-inherit 1234 1234"),
        "{native}"
    );
    assert_eq!(run(&mnt.join(sub)), native);
}

#[test]
fn permissions_for_other_users_on_ram() {
    permissions_on("scratch");
}

#[test]
fn permissions_for_other_users_on_local() {
    permissions_on("data");
}

#[test]
fn posix_edges_on_ram() {
    posix_edges_on("scratch", &[]);
}

#[test]
fn posix_edges_on_ram_with_open_requests() {
    posix_edges_on("scratch", &["--open-requests"]);
}

#[test]
fn posix_edges_on_ram_over_dev_fuse() {
    posix_edges_on("scratch", &["--no-io-uring"]);
}

/// Threads serving io_uring entries in the mount's process.
fn ring_threads(guard: &MountGuard) -> usize {
    std::fs::read_dir(format!("/proc/{}/task", guard.pid()))
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|comm| comm.starts_with("fuser-uring"))
        .count()
}

/// Where the kernel offers FUSE over io_uring, a mount serves requests over rings by default
/// (the serving threads stay registered: a refused registration ends its thread and is
/// logged); `--io-uring` says why not elsewhere; `--no-io-uring` takes them over /dev/fuse.
#[test]
fn io_uring_serves_requests_where_the_kernel_offers_it() {
    let offered = std::path::Path::new("/sys/module/fuse/parameters/enable_uring").exists();
    for (flags, rings) in [
        (&[][..], offered),
        (&["--io-uring"][..], offered),
        (&["--no-io-uring"][..], false),
    ] {
        let ws = Workspace::new();
        let mnt = ws.path("mnt");
        let guard = MountGuard::mount_with(&mnt, &ws.config, flags);
        std::fs::write(mnt.join("scratch/f"), "over the ring").unwrap();
        assert_eq!(
            std::fs::read_to_string(mnt.join("scratch/f")).unwrap(),
            "over the ring"
        );
        let (threads, log) = (ring_threads(&guard), guard.log_text());
        assert_eq!(
            threads > 0,
            rings,
            "{flags:?}: {threads} ring threads\n{log}"
        );
        assert!(
            !log.contains("cannot") && !log.contains("panicked"),
            "{flags:?}\n{log}"
        );
        if !offered && flags == ["--io-uring"] {
            assert!(log.contains("no enable_uring parameter"), "{log}");
        }
    }
}

#[test]
fn posix_edges_on_local() {
    posix_edges_on("data", &[]);
}

#[test]
fn posix_edges_on_local_with_passthrough() {
    posix_edges_on("data", &["--open-requests"]);
}

/// Polls `done` every 100 ms; fails with `what` after 15 s.
fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn local_shows_changes_made_on_the_host_within_the_ttl() {
    let ws = Workspace::new();
    let mnt = ws.path("mnt");
    let _guard = MountGuard::mount(&mnt, &ws.config);
    assert_eq!(std::fs::read_dir(mnt.join("data")).unwrap().count(), 0);
    std::fs::write(ws.path("data/from-host.txt"), "v1").unwrap();
    // The config's TTL is 2 s: poll (bounded) until the kernel asks again.
    until("host change never became visible", || {
        std::fs::read_to_string(mnt.join("data/from-host.txt"))
            .ok()
            .as_deref()
            == Some("v1")
    });
    std::fs::write(ws.path("data/from-host.txt"), "version two").unwrap();
    until("host rewrite never became visible", || {
        std::fs::read_to_string(mnt.join("data/from-host.txt"))
            .ok()
            .as_deref()
            == Some("version two")
    });
    // Same size, new mtime: the kernel's cached pages must go too (kernel-side opens keep
    // them across opens until the attributes change).
    std::fs::write(ws.path("data/from-host.txt"), "version 333").unwrap();
    let f = std::fs::File::options()
        .write(true)
        .open(ws.path("data/from-host.txt"))
        .unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(f);
    until("same-size host rewrite never became visible", || {
        std::fs::read_to_string(mnt.join("data/from-host.txt"))
            .ok()
            .as_deref()
            == Some("version 333")
    });
    // Listings: the kernel opens directories itself and keeps its copy of a listing while
    // the directory's mtime is unchanged; a name added or removed on the host shows after
    // the TTL, one added or removed through the mount at once.
    let names = |dir: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(mnt.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    std::fs::create_dir(ws.path("data/many")).unwrap();
    for i in 0..3000 {
        std::fs::write(mnt.join(format!("data/many/f{i:04}")), "").unwrap();
    }
    assert_eq!(
        names("data/many").len(),
        3000,
        "a listing of many READDIR pages"
    );
    std::fs::remove_file(mnt.join("data/many/f0000")).unwrap();
    assert_eq!(names("data/many").len(), 2999);
    std::fs::write(ws.path("data/many/from-host"), "").unwrap();
    std::fs::remove_file(ws.path("data/many/f0001")).unwrap();
    until("host changes to a listing never became visible", || {
        let n = names("data/many");
        n.len() == 2999 && n.contains(&"from-host".to_string()) && !n.contains(&"f0001".to_string())
    });
}

/// fsx-style: random pwrite/pread/truncate/mmap on one file through the mount, checked against
/// a shadow copy in memory after every step (and across close/reopen).
const RANDOM_IO: &str = r#"
import mmap, os, random, sys
rng = random.Random(int(sys.argv[1])); ops = int(sys.argv[2])
shadow = bytearray(); path = "fsx.bin"
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
for step in range(ops):
    op = rng.choice(["write", "write", "read", "truncate", "mapread", "reopen"])
    if op == "write":
        off = rng.randrange(0, 300_000); data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9000)))
        os.pwrite(fd, data, off)
        if len(shadow) < off: shadow.extend(b"\0" * (off - len(shadow)))
        shadow[off:off + len(data)] = data
    elif op == "read":
        off = rng.randrange(0, 320_000); n = rng.randrange(1, 20000)
        got = os.pread(fd, n, off)
        assert got == bytes(shadow[off:off + n]), f"step {step}: read {n}@{off}"
    elif op == "truncate":
        size = rng.randrange(0, 300_000); os.ftruncate(fd, size)
        shadow = shadow[:size] + bytearray(max(0, size - len(shadow)))
    elif op == "mapread" and len(shadow) > 0:
        with mmap.mmap(fd, len(shadow), prot=mmap.PROT_READ) as m:
            off = rng.randrange(0, len(shadow)); assert m[off:off + 4096] == shadow[off:off + 4096], f"step {step}: mmap"
    elif op == "reopen":
        os.close(fd); fd = os.open(path, os.O_RDWR)
    assert os.fstat(fd).st_size == len(shadow), f"step {step} {op}: size {os.fstat(fd).st_size} != {len(shadow)}"
os.close(fd)
assert open(path, "rb").read() == bytes(shadow), "final content"
print("ok", len(shadow))
"#;

fn random_io_on(sub: &str, seed: u32, ops: u32, flags: &[&str]) {
    let ws = if sub == "s3" {
        Workspace::with_s3()
    } else {
        Workspace::new()
    };
    let mnt = ws.path("mnt");
    let guard = MountGuard::mount_with(&mnt, &ws.config, flags);
    let out = std::process::Command::new("python3")
        .args(["-c", RANDOM_IO, &seed.to_string(), &ops.to_string()])
        .current_dir(mnt.join(sub))
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stdout.starts_with(b"ok"),
        "{}\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        guard.log_text()
    );
}

#[test]
fn random_io_matches_a_shadow_copy_on_ram() {
    random_io_on("scratch", 1, 3000, &[]);
}

#[test]
fn random_io_matches_a_shadow_copy_on_ram_with_open_requests() {
    random_io_on("scratch", 4, 3000, &["--open-requests"]);
}

#[test]
fn random_io_matches_a_shadow_copy_on_ram_over_dev_fuse() {
    random_io_on("scratch", 6, 3000, &["--no-io-uring"]);
}

#[test]
fn random_io_matches_a_shadow_copy_on_local_with_passthrough_over_dev_fuse() {
    random_io_on("data", 7, 3000, &["--open-requests", "--no-io-uring"]);
}

#[test]
fn random_io_matches_a_shadow_copy_on_local() {
    random_io_on("data", 2, 3000, &[]);
}

#[test]
fn random_io_matches_a_shadow_copy_on_local_with_passthrough() {
    random_io_on("data", 5, 3000, &["--open-requests"]);
}

/// Once the kernel opens files itself it sends no RELEASE for created files: they must not
/// hold a core handle (a host descriptor on `local`) that nothing would ever close.
#[test]
fn created_files_hold_no_descriptors_once_the_kernel_opens_files() {
    let ws = Workspace::new();
    let mnt = ws.path("mnt");
    let guard = MountGuard::mount(&mnt, &ws.config);
    std::fs::write(mnt.join("data/seed.txt"), "seed").unwrap();
    // A kernel open: from here on the kernel opens files itself.
    assert_eq!(
        std::fs::read_to_string(mnt.join("data/seed.txt")).unwrap(),
        "seed"
    );
    let fds = || {
        std::fs::read_dir(format!("/proc/{}/fd", guard.pid()))
            .unwrap()
            .count()
    };
    let before = fds();
    for i in 0..100 {
        std::fs::write(mnt.join(format!("data/f{i}")), format!("file {i}")).unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        fds() <= before + 2,
        "{before} descriptors before, {} after",
        fds()
    );
    assert_eq!(
        std::fs::read_to_string(mnt.join("data/f42")).unwrap(),
        "file 42"
    );
    assert_eq!(
        std::fs::read_to_string(ws.path("data/f99")).unwrap(),
        "file 99"
    );
}

/// `truncate(2)` by path sends what `open(O_TRUNC)` sends, which is staged until close; with
/// no close coming, the truncation still reaches the bucket on its own.
#[test]
fn lone_truncate_by_path_reaches_the_bucket() {
    let ws = Workspace::with_s3();
    let mnt = ws.path("mnt");
    let _guard = MountGuard::mount(&mnt, &ws.config);
    let file = mnt.join("s3/t.txt");
    std::fs::write(&file, "some content").unwrap();
    nix::unistd::truncate(&file, 0).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().len(), 0);
    let key = format!("{}t.txt", ws.s3_prefix.as_deref().unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = rt.block_on(s3::options(&s3::endpoint(), s3::BUCKET, "").client());
    let size = || {
        rt.block_on(client.head_object().bucket(s3::BUCKET).key(&key).send())
            .unwrap()
            .content_length()
    };
    assert_eq!(size(), Some(12), "staged, not uploaded yet");
    until("the truncation never reached the bucket", || {
        size() == Some(0)
    });
}

/// The server goes away before an in-place rewrite is closed: `close(2)` fails with EIO, the
/// object and what the mount shows keep the previous content, and the mount serves again once
/// the server is back — in both open modes.
fn failed_upload_at_close(flags: &[&str]) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let proxy = rt.block_on(proxy::Proxy::start(s3::endpoint()));
    let ws = Workspace::with_s3_at(&proxy.endpoint);
    let mnt = ws.path("mnt");
    let guard = MountGuard::mount_with(&mnt, &ws.config, flags);
    let file = mnt.join("s3/doc.txt");
    std::fs::write(&file, "version 1").unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "version 1");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&file)
        .unwrap();
    std::io::Write::write_all(&mut f, b"version 2").unwrap();
    proxy.stop();
    let fd = std::os::fd::IntoRawFd::into_raw_fd(f);
    let closed = nix::unistd::close(fd);
    assert!(
        matches!(
            closed,
            Err(nix::errno::Errno::EIO | nix::errno::Errno::ETIMEDOUT)
        ),
        "close: {closed:?}\n{}",
        guard.log_text()
    );
    proxy.restart();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "version 1");
    std::fs::write(mnt.join("s3/after.txt"), "serving again").unwrap();
    assert_eq!(
        std::fs::read_to_string(mnt.join("s3/after.txt")).unwrap(),
        "serving again"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "version 1");
}

#[test]
fn failed_upload_fails_close_and_keeps_the_previous_object() {
    failed_upload_at_close(&[]);
}

#[test]
fn failed_upload_fails_close_and_keeps_the_previous_object_over_dev_fuse() {
    failed_upload_at_close(&["--no-io-uring"]);
}

#[test]
fn failed_upload_fails_close_and_keeps_the_previous_object_with_open_requests() {
    failed_upload_at_close(&["--open-requests"]);
}

#[test]
fn random_io_matches_a_shadow_copy_on_s3_with_open_requests() {
    random_io_on("s3", 6, 300, &["--open-requests"]);
}

#[test]
fn random_io_matches_a_shadow_copy_on_s3_over_dev_fuse() {
    random_io_on("s3", 8, 1500, &["--no-io-uring"]);
}

#[test]
fn random_io_matches_a_shadow_copy_on_s3() {
    random_io_on("s3", 3, 300, &[]);
}

/// A GitHub repository (served by a local API server) read with host tools, compared with the
/// same tree written to a plain directory; every write is refused.
#[test]
fn github_repo_reads_like_a_checkout() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let gh = rt.block_on(github::FakeGitHub::start(github::standard_files(), false));
    let ws = Workspace::new();
    let config = ws.path("github.toml");
    std::fs::write(
        &config,
        format!(
            "[[mount]]\npath = \"/github\"\nbackend = \"github\"\nowner = \"{}\"\nrepo = \"{}\"\napi_url = \"{}\"\n",
            github::OWNER,
            github::REPO,
            gh.server.uri()
        ),
    )
    .unwrap();
    let plain = ws.path("plain_a/repo");
    std::fs::create_dir_all(&plain).unwrap();
    gh.write_to(&plain);
    let mnt = ws.path("mnt");
    let guard = MountGuard::mount(&mnt, &config);
    let script = "rg -n NEEDLE | sort; find . | sort; cat README.md src/main.ts; \
                  sha256sum bin/data.bin big.txt empty.txt; readlink link-to-readme; cat link-to-readme; \
                  stat -c '%n %s %a %F' scripts/run.sh bin/data.bin; ls vendor/sub | wc -l; \
                  grep -rc abc big.txt; head -c 20 big.txt | od -c | head -2";
    let expected = run_script(&plain, &plain, script);
    let got = run_script(&mnt.join("github"), &plain, script);
    assert_eq!(
        String::from_utf8_lossy(&got.stdout),
        String::from_utf8_lossy(&expected.stdout),
        "stderr: {}\nlog: {}",
        String::from_utf8_lossy(&got.stderr),
        guard.log_text()
    );
    assert!(expected.stdout.len() > 500);
    for cmd in [
        "echo x > new.txt",
        "echo x >> README.md",
        "rm README.md",
        "mkdir d",
        "mv README.md R",
        "touch README.md",
    ] {
        let out = run_script(&mnt.join("github"), &plain, cmd);
        assert!(!out.status.success(), "{cmd}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("Read-only file system"),
            "{cmd}"
        );
    }
    drop(guard);
    drop(gh);
}

#[test]
fn github_write_mode_is_a_config_error() {
    let ws = Workspace::new();
    let config = ws.path("gh-write.toml");
    std::fs::write(&config, "[[mount]]\npath = \"/g\"\nbackend = \"github\"\nmode = \"write\"\nowner = \"o\"\nrepo = \"r\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mirage"))
        .arg("check")
        .arg(&config)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("gh-write.toml:4:") && err.contains("read-only"),
        "{err}"
    );
}

/// A Slack workspace (served by a local Slack-shaped API) read with host tools — cat, grep -r,
/// jq, find — and a message posted by appending to a channel's `post` file.
#[test]
fn slack_workspace_with_host_tools() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(slack::FakeSlack::start());
    let ws = Workspace::new();
    let config = ws.path("slack.toml");
    std::fs::write(
        &config,
        format!(
            "[[mount]]\npath = \"/slack\"\nbackend = \"slack\"\nmode = \"write\"\ntoken = \"${{SLACK_TEST_TOKEN}}\"\napi_url = \"{}\"\nstart = \"2026-04-01\"\nend = \"2026-05-31\"\n",
            fake.api_url()
        ),
    )
    .unwrap();
    // SAFETY: set before the mount process is spawned; no other thread reads it concurrently.
    unsafe { std::env::set_var("SLACK_TEST_TOKEN", "xoxb-mount-test") };
    let mnt = ws.path("mnt");
    let guard = MountGuard::mount(&mnt, &config);
    let root = mnt.join("slack");
    let chan = format!("channels/incident__{}", slack::CHANNEL);
    let script = format!(
        "ls channels | sort; ls {chan}; cat {chan}/2026-04-28/chat.jsonl | jq -r '.text'; \
         grep -rl NEEDLE . | sort; find . -name '*.pdf'; cmp {chan}/2026-04-28/files/report__F0REPORT1.pdf $OTHER/report.pdf && echo same-bytes; \
         jq -r .real_name users/alice__U01ALICE.json; echo 'hello from the mount' >> {chan}/post && echo posted"
    );
    let other = ws.path("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("report.pdf"), slack::FILE_BYTES).unwrap();
    let out = run_script(&root, &other, &script);
    let text = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "general__C0GENERAL1\nincident__{ch}\nquiet__C0EMPTY001\n2026-04-27\n2026-04-28\n2026-04-29\npost\n\
         db is down\nlooking\nthread reply: restarted\nfixed NEEDLE\n\
         ./{chan}/2026-04-28/chat.jsonl\n./dms/bob__{dm}/2026-04-29/chat.jsonl\n\
         ./{chan}/2026-04-28/files/report__F0REPORT1.pdf\nsame-bytes\nAlice A\nposted\n",
        ch = slack::CHANNEL,
        dm = slack::DM,
    );
    assert_eq!(
        text,
        expected,
        "stderr: {}\nlog: {}",
        String::from_utf8_lossy(&out.stderr),
        guard.log_text()
    );
    let posted = fake.posted.lock().unwrap().clone();
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0]["text"], "hello from the mount");
    drop(guard);
    drop(fake);
}

/// A big file copied onto S3 (past `parts::STREAM_AFTER`: uploaded in parts while `cp`
/// writes it) holds exactly what was copied, seen through a second mount of the bucket; an
/// in-place edit of it afterwards (read-modify-write, not streamed) too.
#[test]
fn a_big_file_copied_onto_s3_is_stored_exactly() {
    let ws = Workspace::with_s3();
    let plain = ws.path("plain.bin");
    let data: Vec<u8> = (0..48u32 << 20)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&plain, &data).unwrap();
    let mnt = ws.path("mnt");
    {
        let guard = MountGuard::mount(&mnt, &ws.config);
        let out = run_script(
            &mnt,
            &plain,
            "cp \"$OTHER\" s3/big.bin && printf EDITED | dd of=s3/big.bin bs=1 seek=5000000 conv=notrunc status=none",
        );
        assert!(out.status.success(), "{out:?}\n{}", guard.log_text());
    }
    let mut want = data;
    want[5_000_000..5_000_006].copy_from_slice(b"EDITED");
    let other = ws.path("mnt2");
    let _guard = MountGuard::mount(&other, &ws.config);
    assert!(std::fs::read(other.join("s3/big.bin")).unwrap() == want);
}
