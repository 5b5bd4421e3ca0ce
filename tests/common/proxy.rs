//! A TCP forwarder the tests can cut: the S3 server "going away" mid-operation.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A TCP forwarder to the S3 server that can refuse, cut and freeze connections.
pub struct Proxy {
    /// `http://127.0.0.1:PORT` of the proxy.
    pub endpoint: String,
    up: Arc<AtomicBool>,
    frozen: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    /// Listens on a free port and forwards to `target` (needs a multi-thread runtime).
    pub async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let up = Arc::new(AtomicBool::new(true));
        let frozen = Arc::new(AtomicBool::new(false));
        let conns: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up2, conns2, frozen2) = (up.clone(), conns.clone(), frozen.clone());
        let target = target.trim_start_matches("http://").to_string();
        tokio::spawn(async move {
            loop {
                let Ok((inbound, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound); // "connection reset": the server is down
                    continue;
                }
                let (target, frozen) = (target.clone(), frozen2.clone());
                let task = tokio::spawn(async move {
                    if let Ok(outbound) = TcpStream::connect(&target).await {
                        let (ir, iw) = inbound.into_split();
                        let (or, ow) = outbound.into_split();
                        tokio::join!(pump(ir, ow, &frozen), pump(or, iw, &frozen));
                    }
                });
                conns2.lock().unwrap().push(task);
            }
        });
        Proxy {
            endpoint,
            up,
            frozen,
            conns,
        }
    }

    /// The server hangs: connections stay open, nothing more passes either way.
    pub fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    /// A frozen server goes on.
    pub fn thaw(&self) {
        self.frozen.store(false, Ordering::SeqCst);
    }

    /// The server "stops": open connections are cut, new ones refused.
    pub fn stop(&self) {
        self.up.store(false, Ordering::SeqCst);
        for c in self.conns.lock().unwrap().drain(..) {
            c.abort();
        }
    }

    /// The server is back.
    pub fn restart(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// Forwards one direction, holding what it read while the proxy is frozen.
async fn pump(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    frozen: &AtomicBool,
) {
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        while frozen.load(Ordering::SeqCst) {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
