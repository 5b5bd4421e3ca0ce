//! A real S3-compatible server for tests: moto's standalone server on 127.0.0.1.
//!
//! `MIRAGE_TEST_S3_ENDPOINT` points the tests at a running server; otherwise the first test
//! that needs one starts `moto_server` on a free port (it dies with the test process through
//! PR_SET_PDEATHSIG, spawned from a thread that never ends). Every backend gets a fresh key prefix in one bucket, so cases never see
//! each other's objects.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use mirage::backends::s3::options::S3Options;
use mirage::vfs::Backend;

pub const BUCKET: &str = "mirage-test";

/// A moto server process; killed on drop.
pub struct MotoServer {
    pub endpoint: String,
    pub port: u16,
    child: Option<Child>,
}

impl MotoServer {
    /// Starts moto on `port` (0: any free port) and waits until it accepts connections.
    pub fn start(port: u16) -> MotoServer {
        let port = if port == 0 {
            TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        } else {
            port
        };
        // `python3 -m moto.server` rather than the `moto_server` script: no PATH shims needed.
        let mut cmd = Command::new("python3");
        cmd.args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // SAFETY: prctl is async-signal-safe; it only ties the child's life to ours.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .expect("python3 not found (the S3 tests run moto: `pip install 'moto[server]'`, make test does)");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "moto_server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        MotoServer {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            child: Some(child),
        }
    }

    /// Stops the server (to test an endpoint going away).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The endpoint shared by a test binary.
pub fn endpoint() -> String {
    static SERVER: OnceLock<String> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            if let Ok(ep) = std::env::var("MIRAGE_TEST_S3_ENDPOINT") {
                return ep;
            }
            // PR_SET_PDEATHSIG fires when the spawning *thread* ends, so spawn from a thread
            // that lives as long as the test process.
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let server = MotoServer::start(0);
                tx.send(server.endpoint.clone()).unwrap();
                loop {
                    std::thread::park();
                }
            });
            rx.recv().expect("moto_server thread")
        })
        .clone()
}

/// Options for `bucket` at `endpoint` with a key prefix.
pub fn options(endpoint: &str, bucket: &str, prefix: &str) -> S3Options {
    S3Options {
        kind: "s3",
        bucket: bucket.to_string(),
        prefix: prefix.to_string(),
        region: "us-east-1".to_string(),
        endpoint: Some(endpoint.to_string()),
        path_style: true,
        credentials: Some(("test".to_string(), "test".to_string())),
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        max_attempts: 2,
    }
}

/// Creates `bucket` if it does not exist yet.
pub async fn ensure_bucket(endpoint: &str, bucket: &str) {
    let client = options(endpoint, bucket, "").client().await;
    match client.create_bucket().bucket(bucket).send().await {
        Ok(_) => {}
        Err(e) => {
            let text = format!("{e:?}");
            assert!(
                text.contains("BucketAlreadyOwnedByYou") || text.contains("BucketAlreadyExists"),
                "create bucket: {text}"
            );
        }
    }
}

/// A unique prefix per call.
pub fn fresh_prefix() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "t{}-{}-{}/",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh, empty S3 backend (its own prefix of the test bucket).
pub async fn fresh_backend() -> Arc<dyn Backend> {
    let ep = endpoint();
    ensure_bucket(&ep, BUCKET).await;
    Arc::new(
        options(&ep, BUCKET, &fresh_prefix())
            .connect()
            .await
            .expect("connect to the test S3 server"),
    )
}
