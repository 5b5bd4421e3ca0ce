//! `ls [-laAR1hdtSrFpi] [FILE]...`: one name per line (stdout is never a terminal), GNU `-l`
//! columns, operands listed files first, then each directory under a `name:` header.

use std::time::SystemTime;

use super::Spec;
use crate::vfs::{DirEntry, FileKind, Metadata, VPath};

const SPEC: Spec = Spec {
    short: "laAR1hdtSrFpiCgonUxsmw:",
    long: &[
        ("all", 'a', false),
        ("almost-all", 'A', false),
        ("recursive", 'R', false),
        ("human-readable", 'h', false),
        ("directory", 'd', false),
        ("reverse", 'r', false),
        ("classify", 'F', false),
        ("size", 's', false),
        ("width", 'w', true),
        ("time-style", '\u{1}', true),
        ("full-time", '\u{2}', false),
        ("numeric-uid-gid", 'n', false),
    ],
    bad_status: 2,
    numeric: false,
};

/// `-rw-r--r--` for a file's kind and permission bits.
pub fn mode_string(m: &Metadata) -> String {
    let t = match m.kind {
        FileKind::Dir => 'd',
        FileKind::Symlink => 'l',
        FileKind::File => '-',
        FileKind::Special => match m.posix.special.map(|s| s.kind) {
            Some(crate::vfs::SpecialKind::Socket) => 's',
            Some(crate::vfs::SpecialKind::CharDevice) => 'c',
            Some(crate::vfs::SpecialKind::BlockDevice) => 'b',
            _ => 'p',
        },
    };
    format!("{t}{}", super::chmod::rwx(m.perm))
}

/// Bytes of storage `m` takes, as `du`, `ls -s` and `stat %b` count it: a host file's own
/// blocks, else whole 4 KiB blocks for a file and one block for a directory.
/// The inode number `ls -i` and `stat %i` show: the backend's file identity (one number for
/// the names of one file), else a number derived from the path.
pub fn inode(m: &Metadata, path: &str) -> u64 {
    m.posix.file_id.unwrap_or_else(|| {
        // FNV-1a of the path, kept to the range real inode numbers use.
        let h = path.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        h % 1_000_000_000 + 1
    })
}

pub fn allocated(m: &Metadata) -> u64 {
    match (m.posix.blocks, m.kind) {
        (Some(b), _) => b * 512,
        (None, FileKind::File) => m.size.div_ceil(4096) * 4096,
        (None, FileKind::Dir) => 4096,
        (None, _) => 0,
    }
}

/// `1.5K`, `23M` as `ls -h` and `du -h` print sizes.
pub fn human(n: u64) -> String {
    if n < 1024 {
        return n.to_string();
    }
    let units = ['K', 'M', 'G', 'T', 'P'];
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if v < 10.0 {
        let r = (v * 10.0).ceil() / 10.0;
        if r < 10.0 {
            return format!("{r:.1}{}", units[u]);
        }
    }
    format!("{}{}", v.ceil() as u64, units[u])
}

/// A modification time in a `--time-style`: `full-iso`, `long-iso`, `iso`, `locale` (the
/// default: `Nov 25 06:32` within six months, else `Nov 25  2025`) or `+FORMAT` (strftime; `+OLD\nRECENT` gives two formats).
fn styled_time(t: SystemTime, style: &str) -> String {
    let (secs, nanos) = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or((0, 0), |d| (d.as_secs() as i64, d.subsec_nanos()));
    let dt = chrono::DateTime::from_timestamp(secs, nanos).unwrap_or_default();
    let recent = (chrono::Utc::now().timestamp() - secs).abs() < 180 * 86400;
    let fmt = match style.strip_prefix("posix-").unwrap_or(style) {
        "full-iso" => "%Y-%m-%d %H:%M:%S.%f %z".to_string(),
        "long-iso" => "%Y-%m-%d %H:%M".to_string(),
        "iso" if recent => "%m-%d %H:%M".to_string(),
        "iso" => "%Y-%m-%d ".to_string(),
        f if f.starts_with('+') => match f[1..].split_once('\n') {
            Some((old, new)) => if recent { new } else { old }.to_string(),
            None => f[1..].to_string(),
        },
        _ if recent => "%b %e %H:%M".to_string(),
        _ => "%b %e  %Y".to_string(),
    };
    // chrono's `%f` is nanoseconds, as GNU's `%N`; GNU's `%N` is accepted too.
    dt.format(&fmt.replace("%N", "%f")).to_string()
}

/// The owner and group columns: names of the file's owner (the shell's user when the backend
/// keeps none), numbers with `-n`.
pub fn owner_group(m: &Metadata, numeric: bool) -> (String, String) {
    let uid = m
        .posix
        .uid
        .unwrap_or_else(|| nix::unistd::geteuid().as_raw());
    let gid = m
        .posix
        .gid
        .unwrap_or_else(|| nix::unistd::getegid().as_raw());
    if numeric {
        return (uid.to_string(), gid.to_string());
    }
    let user = super::ident::user_name(uid.into()).unwrap_or_else(|| uid.to_string());
    let group = super::ident::group_name(gid.into()).unwrap_or_else(|| gid.to_string());
    (user, group)
}

fn suffix(m: &Metadata, f: bool, p: bool) -> &'static str {
    match m.kind {
        FileKind::Dir if f || p => "/",
        FileKind::Symlink if f => "@",
        FileKind::File if f && m.perm & 0o111 != 0 => "*",
        _ => "",
    }
}

struct Opts {
    long: bool,
    human: bool,
    sort_t: bool,
    sort_s: bool,
    reverse: bool,
    unsorted: bool,
    classify: bool,
    slash: bool,
    inode: bool,
    no_group: bool,
    no_owner: bool,
    numeric: bool,
    time_style: String,
    size_blocks: bool,
    commas: bool,
    columns: bool,
    across: bool,
    width: usize,
}

/// `-C` (down, then across) or `-x` (across): as many columns as fit in `width`, each as
/// wide as its longest name plus two, padded with tabs where GNU ls uses them (tab stops of 8).
fn columns(names: &[String], width: usize, across: bool) -> String {
    let n = names.len();
    if n == 0 {
        return String::new();
    }
    let lens: Vec<usize> = names.iter().map(|s| s.chars().count()).collect();
    let layout = |cols: usize| -> (usize, Vec<usize>) {
        let rows = n.div_ceil(cols);
        let mut w = vec![0usize; cols];
        for (i, len) in lens.iter().enumerate() {
            let col = if across { i % cols } else { i / rows };
            let extra = if col + 1 == cols { 0 } else { 2 };
            w[col] = w[col].max(len + extra);
        }
        (rows, w)
    };
    let max_cols = (width / 3).clamp(1, n);
    let mut best = (n, vec![lens.iter().copied().max().unwrap_or(0)]);
    for cols in 1..=max_cols {
        let (rows, w) = layout(cols);
        // Every column must hold a name (no empty trailing column).
        if !across && (cols - 1) * rows >= n {
            continue;
        }
        if w.iter().sum::<usize>() < width {
            best = (rows, w);
        }
    }
    let (rows, w) = best;
    let cols = w.len();
    let pad = |out: &mut String, mut from: usize, to: usize| {
        while from < to {
            if to / 8 > (from + 1) / 8 {
                out.push('\t');
                from += 8 - from % 8;
            } else {
                out.push(' ');
                from += 1;
            }
        }
    };
    let mut out = String::new();
    for row in 0..rows {
        let mut pos = 0;
        for (col, cw) in w.iter().enumerate() {
            let i = if across {
                row * cols + col
            } else {
                col * rows + row
            };
            let Some(name) = names.get(i) else { break };
            out.push_str(name);
            let next = if across { i + 1 } else { i + rows };
            if next >= n || (across && col + 1 == cols) {
                break;
            }
            pad(&mut out, pos + lens[i], pos + cw);
            pos += cw;
        }
        out.push('\n');
    }
    out
}

/// `total N`: the storage of `entries` in 1 KiB blocks (`-h`: human units).
fn total_line(entries: &[DirEntry], o: &Opts) -> String {
    let bytes: u64 = entries.iter().map(|e| allocated(&e.meta)).sum();
    format!("total {}\n", blocks_shown(bytes, o.human))
}

/// Width of the `-s` column.
fn block_width(entries: &[DirEntry], o: &Opts) -> usize {
    entries
        .iter()
        .map(|e| blocks_shown(allocated(&e.meta), o.human).len())
        .max()
        .unwrap_or(0)
}

/// `bytes` as `ls -s` shows them: 1 KiB blocks, or human units with `-h`.
fn blocks_shown(bytes: u64, human_units: bool) -> String {
    if human_units && bytes > 0 {
        human(bytes)
    } else {
        bytes.div_ceil(1024).to_string()
    }
}

fn sort(entries: &mut [DirEntry], o: &Opts) {
    if o.unsorted {
        return;
    }
    entries.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    if o.sort_t {
        entries.sort_by_key(|e| std::cmp::Reverse(e.meta.mtime));
    } else if o.sort_s {
        entries.sort_by_key(|e| std::cmp::Reverse(e.meta.size));
    }
    if o.reverse {
        entries.reverse();
    }
}

/// The inode numbers of `entries` (in `dir`, or operands resolved from the working
/// directory) for `-i`; none without it.
fn inodes(c: &super::Ctx<'_>, entries: &[DirEntry], dir: Option<&VPath>, o: &Opts) -> Vec<String> {
    if !o.inode {
        return Vec::new();
    }
    entries
        .iter()
        .map(|e| {
            let path = match dir {
                Some(d) => d.join(&e.name).ok(),
                None => c.path(&e.name).ok(),
            };
            let path = path.as_ref().map_or(e.name.as_str(), |p| p.as_str());
            inode(&e.meta, path).to_string()
        })
        .collect()
}

async fn format_entries(
    c: &super::Ctx<'_>,
    dir: Option<&VPath>,
    entries: &[DirEntry],
    o: &Opts,
    total: bool,
) -> String {
    let mut out = String::new();
    let inos = inodes(c, entries, dir, o);
    let iw = inos.iter().map(|i| i.len()).max().unwrap_or(0);
    let ino = |i: usize| match inos.get(i) {
        Some(n) if o.inode => format!("{n:>iw$} "),
        _ => String::new(),
    };
    if !o.long && (o.columns || o.across) && !o.size_blocks {
        let names: Vec<String> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                format!(
                    "{}{}{}",
                    ino(i),
                    e.name,
                    suffix(&e.meta, o.classify, o.slash)
                )
            })
            .collect();
        return columns(&names, o.width, o.across);
    }
    if !o.long && o.commas {
        // `-m`: names separated by ", ", wrapped before 80 columns.
        let mut pos = 0;
        for (i, e) in entries.iter().enumerate() {
            let name = format!(
                "{}{}{}",
                ino(i),
                e.name,
                suffix(&e.meta, o.classify, o.slash)
            );
            let len = name.chars().count();
            if i > 0 {
                if pos + 2 + len >= 80 {
                    out.push_str(",\n");
                    pos = 0;
                } else {
                    out.push_str(", ");
                    pos += 2;
                }
            }
            out.push_str(&name);
            pos += len;
        }
        if !entries.is_empty() {
            out.push('\n');
        }
        return out;
    }
    if !o.long {
        if o.size_blocks && total {
            out.push_str(&total_line(entries, o));
        }
        let bw = block_width(entries, o);
        for (i, e) in entries.iter().enumerate() {
            out.push_str(&ino(i));
            if o.size_blocks {
                out.push_str(&format!(
                    "{:>bw$} ",
                    blocks_shown(allocated(&e.meta), o.human)
                ));
            }
            out.push_str(&e.name);
            out.push_str(suffix(&e.meta, o.classify, o.slash));
            out.push('\n');
        }
        return out;
    }
    if total {
        out.push_str(&total_line(entries, o));
    }
    let sizes: Vec<String> = entries
        .iter()
        .map(|e| {
            if o.human {
                human(e.meta.size)
            } else {
                e.meta.size.to_string()
            }
        })
        .collect();
    let w = sizes.iter().map(|s| s.len()).max().unwrap_or(1);
    let links = |m: &Metadata| m.posix.nlink.unwrap_or(if m.is_dir() { 2 } else { 1 });
    let lw = entries
        .iter()
        .map(|e| links(&e.meta).to_string().len())
        .max()
        .unwrap_or(1);
    let ids: Vec<(String, String)> = entries
        .iter()
        .map(|e| owner_group(&e.meta, o.numeric))
        .collect();
    let uw = ids.iter().map(|(u, _)| u.len()).max().unwrap_or(0);
    let gw = ids.iter().map(|(_, g)| g.len()).max().unwrap_or(0);
    for (i, ((e, size), (user, group))) in entries.iter().zip(sizes).zip(&ids).enumerate() {
        let mut name = e.name.clone();
        if e.meta.kind == FileKind::Symlink {
            let target = match dir
                .and_then(|d| d.join(&e.name).ok())
                .or_else(|| c.path(&e.name).ok())
            {
                Some(p) => c.vfs().readlink(&p).await.unwrap_or_default(),
                None => String::new(),
            };
            name = format!("{name} -> {target}");
        } else {
            name.push_str(suffix(&e.meta, o.classify, o.slash));
        }
        let mut ids = String::new();
        if !o.no_owner {
            ids.push_str(&format!(" {user:<uw$}"));
        }
        if !o.no_group {
            ids.push_str(&format!(" {group:<gw$}"));
        }
        if o.size_blocks {
            let bw = block_width(entries, o);
            out.push_str(&format!(
                "{:>bw$} ",
                blocks_shown(allocated(&e.meta), o.human)
            ));
        }
        out.push_str(&format!(
            "{}{} {:>lw$}{ids} {size:>w$} {} {name}\n",
            match inos.get(i) {
                Some(ino) => format!("{ino:>iw$} "),
                None => String::new(),
            },
            mode_string(&e.meta),
            links(&e.meta),
            styled_time(e.meta.mtime, &o.time_style)
        ));
    }
    out
}

command!(|c| {
    let a = opts!(c, SPEC);
    let o = Opts {
        long: a.has('l') || a.has('g') || a.has('o') || a.has('n') || a.has('\u{2}'),
        human: a.has('h'),
        sort_t: a.has('t'),
        sort_s: a.has('S'),
        reverse: a.has('r'),
        unsorted: a.has('U'),
        classify: a.has('F'),
        slash: a.has('p'),
        inode: a.has('i'),
        no_group: a.has('o'),
        no_owner: a.has('g'),
        numeric: a.has('n'),
        size_blocks: a.has('s'),
        commas: a.has('m'),
        columns: a.has('C'),
        across: a.has('x'),
        width: a
            .value('w')
            .and_then(|w| w.parse().ok())
            .filter(|w| *w > 0)
            .unwrap_or(80),
        time_style: match (a.value('\u{1}'), a.has('\u{2}')) {
            (Some(s), _) => s.to_string(),
            (None, true) => "full-iso".into(),
            (None, false) => "locale".into(),
        },
    };
    let all = a.has('a');
    let almost = a.has('A') || all;
    let ops = if a.operands.is_empty() {
        vec![".".to_string()]
    } else {
        a.operands.clone()
    };
    let mut st = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for op in &ops {
        let path = match c.path(op) {
            Ok(p) => p,
            Err(e) => {
                c.err(&format!("cannot access '{op}': {}", e.user_message()))
                    .await?;
                st = 2;
                continue;
            }
        };
        let meta = match c.lstat(&path).await {
            Ok(m) => m,
            Err(e) => {
                c.err(&format!("cannot access '{op}': {}", e.user_message()))
                    .await?;
                st = 2;
                continue;
            }
        };
        let is_dir = meta.is_dir()
            || (meta.kind == FileKind::Symlink
                && !o.long
                && c.stat(&path).await.is_ok_and(|(_, m)| m.is_dir()));
        if is_dir && !a.has('d') {
            dirs.push((op.clone(), path));
        } else {
            files.push(DirEntry {
                name: op.clone(),
                meta,
            });
        }
    }
    sort(&mut files, &o);
    let mut out = format_entries(&c, None, &files, &o, false).await;
    let show_headers = ops.len() > 1 || a.has('R');
    let mut queue: std::collections::VecDeque<(String, VPath)> = dirs.into_iter().collect();
    if !o.unsorted {
        let mut v: Vec<_> = queue.drain(..).collect();
        v.sort_by(|x, y| x.0.cmp(&y.0));
        if o.reverse {
            v.reverse();
        }
        queue = v.into();
    }
    let mut first = files.is_empty();
    while let Some((shown, path)) = queue.pop_front() {
        let (_, real) = match c.stat(&path).await {
            Ok(x) => x,
            Err(e) => {
                c.err(&format!("cannot access '{shown}': {}", e.user_message()))
                    .await?;
                st = 2;
                continue;
            }
        };
        let _ = real;
        let real_path = c.stat(&path).await.map(|(p, _)| p).unwrap_or(path.clone());
        let mut entries = match c.vfs().list(&real_path).await {
            Ok(e) => e,
            Err(e) => {
                c.err(&format!(
                    "cannot open directory '{shown}': {}",
                    e.user_message()
                ))
                .await?;
                st = 2;
                continue;
            }
        };
        entries.retain(|e| almost || !e.name.starts_with('.'));
        if all {
            let dmeta = c
                .lstat(&real_path)
                .await
                .unwrap_or_else(|_| Metadata::dir(SystemTime::UNIX_EPOCH));
            let pmeta = c
                .lstat(&real_path.parent())
                .await
                .unwrap_or_else(|_| dmeta.clone());
            entries.push(DirEntry {
                name: ".".into(),
                meta: dmeta,
            });
            entries.push(DirEntry {
                name: "..".into(),
                meta: pmeta,
            });
        }
        sort(&mut entries, &o);
        if show_headers {
            if !first {
                out.push('\n');
            }
            out.push_str(&format!("{shown}:\n"));
        }
        first = false;
        out.push_str(&format_entries(&c, Some(&real_path), &entries, &o, true).await);
        if a.has('R') {
            let mut subs = Vec::new();
            for e in &entries {
                if e.meta.is_dir() && e.name != "." && e.name != ".." {
                    let shown_sub = if shown.ends_with('/') {
                        format!("{shown}{}", e.name)
                    } else {
                        format!("{shown}/{}", e.name)
                    };
                    if let Ok(p) = real_path.join(&e.name) {
                        subs.push((shown_sub, p));
                    }
                }
            }
            for s in subs.into_iter().rev() {
                queue.push_front(s);
            }
        }
        if out.len() > 1 << 16 {
            c.print(&std::mem::take(&mut out)).await?;
        }
    }
    c.print(&out).await?;
    Ok(st)
});
