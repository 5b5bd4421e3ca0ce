//! `du [-s] [-h] [-a] [-c] [-b] [-d N] [PATH]...` (apparent sizes in 1K blocks) and
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

fn show(n: u64, h: bool, b: bool) -> String {
    if b {
        n.to_string()
    } else if h {
        if n == 0 { "0".into() } else { human(n) }
    } else {
        n.div_ceil(1024).to_string()
    }
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
    h: bool,
    b: bool,
    out: &mut String,
) -> u64 {
    let Ok(m) = c.lstat(p).await else { return 0 };
    if m.kind != FileKind::Dir {
        if all && depth <= max || depth == 0 {
            out.push_str(&format!("{}\t{shown}\n", show(m.size, h, b)));
        }
        return m.size;
    }
    let mut total = 0;
    if let Ok(mut es) = c.vfs().list(p).await {
        es.sort_by(|x, y| x.name.cmp(&y.name));
        for e in es {
            if let Ok(child) = p.join(&e.name) {
                let s = format!("{}/{}", shown.trim_end_matches('/'), e.name);
                total += Box::pin(walk(c, &child, &s, depth + 1, max, all, h, b, out)).await;
            }
        }
    }
    if depth <= max {
        out.push_str(&format!("{}\t{shown}\n", show(total, h, b)));
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
        grand += walk(
            &c,
            &p,
            o,
            0,
            max,
            a.has('a'),
            a.has('h'),
            a.has('b'),
            &mut out,
        )
        .await;
    }
    if a.has('c') {
        out.push_str(&format!("{}\ttotal\n", show(grand, a.has('h'), a.has('b'))));
    }
    c.print(&out).await?;
    Ok(st)
});
