//! `du [-s] [-h] [-a] [-c] [-b] [-d N] [--apparent-size] [PATH]...` (space used in 1K blocks:
//! a host file's own blocks, else whole 4 KiB blocks per file and one per directory; `-b` and
//! `--apparent-size` count sizes) and
//! `df [-h] [PATH]...` (per mount, from the backend's statfs).

use super::Spec;
use super::ls::human;
use crate::vfs::{FileKind, VPath};

const DU: Spec = Spec {
    short: "shacbd:kmx",
    long: &[
        ("summarize", 's', false),
        ("human-readable", 'h', false),
        ("all", 'a', false),
        ("total", 'c', false),
        ("bytes", 'b', false),
        ("max-depth", 'd', true),
        ("apparent-size", 'A', false),
    ],
    bad_status: 1,
    numeric: false,
};

/// How sizes are counted and shown.
#[derive(Clone, Copy)]
struct Show {
    human: bool,
    bytes: bool,
    apparent: bool,
}

fn show(n: u64, s: Show) -> String {
    if s.bytes {
        n.to_string()
    } else if s.human {
        if n == 0 { "0".into() } else { human(n) }
    } else {
        n.div_ceil(1024).to_string()
    }
}

/// Bytes `m` counts for: its size, or the space it takes.
fn usage(m: &crate::vfs::Metadata, s: Show) -> u64 {
    if s.apparent {
        // A directory's own size where the backend has none: one block, as on disk.
        return if m.kind == FileKind::Dir && m.size == 0 {
            4096
        } else {
            m.size
        };
    }
    super::ls::allocated(m)
}

/// Sizes under `p`, printing directories (and files with `all`) up to `max` depth.
#[allow(clippy::too_many_arguments)]
async fn walk(
    c: &super::Ctx<'_>,
    p: &VPath,
    shown: &str,
    depth: usize,
    max: usize,
    all: bool,
    sh: Show,
    out: &mut String,
) -> u64 {
    let Ok(m) = c.lstat(p).await else { return 0 };
    if m.kind != FileKind::Dir {
        let n = usage(&m, sh);
        if all && depth <= max || depth == 0 {
            out.push_str(&format!("{}\t{shown}\n", show(n, sh)));
        }
        return n;
    }
    let mut total = usage(&m, sh);
    if let Ok(mut es) = c.vfs().list(p).await {
        es.sort_by(|x, y| x.name.cmp(&y.name));
        for e in es {
            if let Ok(child) = p.join(&e.name) {
                let s = format!("{}/{}", shown.trim_end_matches('/'), e.name);
                total += Box::pin(walk(c, &child, &s, depth + 1, max, all, sh, out)).await;
            }
        }
    }
    if depth <= max {
        out.push_str(&format!("{}\t{shown}\n", show(total, sh)));
    }
    total
}

command!(|c| {
    if c.name() == "df" {
        let human_sizes = c.argv.iter().any(|a| a == "-h");
        let mut out = format!(
            "{:<20} {:>10} {:>10} {:>10} {:>5} Mounted on\n",
            "Filesystem",
            if human_sizes { "Size" } else { "1K-blocks" },
            "Used",
            "Available",
            "Use%"
        );
        let ops: Vec<String> = c.argv[1..]
            .iter()
            .filter(|a| !a.starts_with('-'))
            .cloned()
            .collect();
        let mounts: Vec<VPath> = if ops.is_empty() {
            let mut v: Vec<VPath> = c
                .vfs()
                .table()
                .mounts()
                .iter()
                .map(|m| m.path.clone())
                .filter(|p| !p.is_root() || c.vfs().table().mounts().len() == 1)
                .collect();
            v.sort();
            v
        } else {
            let mut v = Vec::new();
            for o in &ops {
                match c.path(o) {
                    Ok(p) => v.push(c.vfs().table().route(&p).0.path.clone()),
                    Err(e) => {
                        c.fail(o, &e).await?;
                        return Ok(1);
                    }
                }
            }
            v
        };
        for m in mounts {
            let (total, free) = match c.vfs().statfs(&m).await {
                Ok(st) => (
                    st.blocks * st.block_size as u64,
                    st.blocks_free * st.block_size as u64,
                ),
                Err(_) => (0, 0),
            };
            let used = total.saturating_sub(free);
            let pct = if total == 0 {
                "-".to_string()
            } else {
                format!("{}%", (used * 100).div_ceil(total.max(1)))
            };
            let f = |n: u64| {
                if human_sizes {
                    human(n)
                } else {
                    (n / 1024).to_string()
                }
            };
            out.push_str(&format!(
                "{:<20} {:>10} {:>10} {:>10} {:>5} {m}\n",
                "mirage",
                f(total),
                f(used),
                f(free),
                pct
            ));
        }
        c.print(&out).await?;
        return Ok(0);
    }
    let a = opts!(c, DU);
    let max = if a.has('s') {
        0
    } else {
        a.value('d')
            .and_then(|v| v.parse().ok())
            .unwrap_or(usize::MAX)
    };
    let ops = if a.operands.is_empty() {
        vec![".".to_string()]
    } else {
        a.operands.clone()
    };
    let sh = Show {
        human: a.has('h'),
        bytes: a.has('b'),
        apparent: a.has('b') || a.has('A'),
    };
    let mut out = String::new();
    let mut grand = 0;
    let mut st = 0;
    for o in &ops {
        let p = match c.path(o) {
            Ok(p) => p,
            Err(e) => {
                c.err(&format!("cannot access '{o}': {}", e.user_message()))
                    .await?;
                st = 1;
                continue;
            }
        };
        if c.lstat(&p).await.is_err() {
            c.err(&format!("cannot access '{o}': No such file or directory"))
                .await?;
            st = 1;
            continue;
        }
        grand += walk(&c, &p, o, 0, max, a.has('a'), sh, &mut out).await;
    }
    if a.has('c') {
        out.push_str(&format!("{}\ttotal\n", show(grand, sh)));
    }
    c.print(&out).await?;
    Ok(st)
});
