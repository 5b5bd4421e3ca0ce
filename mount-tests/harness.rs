//! Mounting for real: spawn the `mirage` binary, wait for the kernel to list the mount, and
//! always unmount (Drop guard + `fusermount3 -u`), even when a test fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A running `mirage mount`; unmounted and reaped on drop.
pub struct MountGuard {
    pub mnt: PathBuf,
    child: Option<Child>,
    log: PathBuf,
}

fn is_mounted(mnt: &Path) -> bool {
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let want = mnt.to_string_lossy().replace(' ', "\\040");
    info.lines()
        .any(|l| l.split(' ').nth(4) == Some(want.as_str()))
}

impl MountGuard {
    /// Mounts `config` at `mnt` and waits until the kernel shows it.
    pub fn mount(mnt: &Path, config: &Path) -> MountGuard {
        Self::mount_with(mnt, config, &[])
    }

    /// Like [`MountGuard::mount`] with extra `mirage mount` flags.
    pub fn mount_with(mnt: &Path, config: &Path, flags: &[&str]) -> MountGuard {
        std::fs::create_dir_all(mnt).unwrap();
        let log = mnt.with_extension("log");
        let child = Command::new(env!("CARGO_BIN_EXE_mirage"))
            .arg("mount")
            .arg(mnt)
            .arg(config)
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("spawn mirage");
        let mut guard = MountGuard {
            mnt: mnt.to_path_buf(),
            child: Some(child),
            log,
        };
        let start = Instant::now();
        while !is_mounted(mnt) {
            if let Some(status) = guard
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "mirage exited with {status} before mounting: {}",
                    guard.log_text()
                );
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "mount did not appear: {}",
                guard.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        guard
    }

    /// The pid of the serving `mirage` process.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, |c| c.id())
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends a signal and waits for a clean exit; returns the exit status.
    pub fn stop_with(&mut self, sig: nix::sys::signal::Signal) -> std::process::ExitStatus {
        let child = self.child.as_mut().expect("running");
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).unwrap();
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "mirage did not exit on {sig}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn is_mounted(&self) -> bool {
        is_mounted(&self.mnt)
    }
}

impl Drop for MountGuard {
    fn drop(&mut self) {
        if is_mounted(&self.mnt) {
            let _ = Command::new("fusermount3")
                .arg("-u")
                .arg(&self.mnt)
                .status();
            if is_mounted(&self.mnt) {
                let _ = Command::new("fusermount3")
                    .arg("-uz")
                    .arg(&self.mnt)
                    .status();
            }
        }
        if let Some(mut c) = self.child.take() {
            let start = Instant::now();
            while c.try_wait().ok().flatten().is_none() && start.elapsed() < Duration::from_secs(10)
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Runs `script` with bash in `dir`, with `$OTHER` set to a second writable directory.
pub fn run_script(dir: &Path, other: &Path, script: &str) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("set -o pipefail\n{script}"))
        .current_dir(dir)
        .env("OTHER", other)
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .env("HOME", dir)
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run bash")
}

/// A workspace on disk: config, backing directories and a mount point.
pub struct Workspace {
    pub tmp: tempfile::TempDir,
    pub config: PathBuf,
    /// The key prefix of `/s3` in the test bucket, when there is one.
    pub s3_prefix: Option<String>,
}

pub const CONFIG: &str = r#"
[workspace]
ttl = "2s"

[[mount]]
path = "/data"
backend = "local"
mode = "write"
root = "./data"

[[mount]]
path = "/scratch"
backend = "ram"
mode = "write"

[[mount]]
path = "/ro"
backend = "local"
root = "./rodata"
"#;

impl Workspace {
    /// A workspace with `/data` (local, write), `/scratch` (ram, write) and `/ro` (local,
    /// read): every writable mount writes through, so the kernel opens files itself.
    pub fn new() -> Workspace {
        Self::build(None)
    }

    /// [`Workspace::new`] plus `/s3` (a fresh prefix of the test bucket on the local S3 server,
    /// write): a mount that commits at close, so every open reaches mirage.
    pub fn with_s3() -> Workspace {
        Self::build(Some(crate::s3::endpoint()))
    }

    /// [`Workspace::with_s3`] reaching the S3 server at `endpoint` (a proxy, say).
    pub fn with_s3_at(endpoint: &str) -> Workspace {
        Self::build(Some(endpoint.to_string()))
    }

    fn build(s3: Option<String>) -> Workspace {
        let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        for d in ["data", "rodata/sub", "plain_a", "plain_b"] {
            std::fs::create_dir_all(tmp.path().join(d)).unwrap();
        }
        std::fs::write(tmp.path().join("rodata/readme.txt"), "read only\n").unwrap();
        std::fs::write(tmp.path().join("rodata/sub/x.txt"), "x\n").unwrap();
        let config = tmp.path().join("config.toml");
        let mut text = CONFIG.to_string();
        let mut s3_prefix = None;
        if let Some(endpoint) = s3 {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(crate::s3::ensure_bucket(
                    &crate::s3::endpoint(),
                    crate::s3::BUCKET,
                ));
            let prefix = crate::s3::fresh_prefix();
            text += &format!(
                "\n[[mount]]\npath = \"/s3\"\nbackend = \"s3\"\nmode = \"write\"\nbucket = \"{}\"\nprefix = \"{}\"\n\
                 endpoint = \"{endpoint}\"\npath_style = true\naccess_key_id = \"test\"\nsecret_access_key = \"test\"\n",
                crate::s3::BUCKET,
                prefix
            );
            s3_prefix = Some(prefix);
        }
        std::fs::write(&config, text).unwrap();
        Workspace {
            tmp,
            config,
            s3_prefix,
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }
}
