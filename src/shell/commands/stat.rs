//! `stat [-c FORMAT] [-L] FILE...`: GNU's default layout and the common `%` sequences.

use super::Spec;
use super::ls::mode_string;
use crate::vfs::{FileKind, Metadata};

const SPEC: Spec = Spec {
    short: "c:Lt",
    long: &[
        ("format", 'c', true),
        ("printf", 'p', true),
        ("dereference", 'L', false),
        ("terse", 't', false),
    ],
    bad_status: 1,
    numeric: false,
};

fn kind_name(m: &Metadata) -> &'static str {
    match m.kind {
        FileKind::Dir => "directory",
        FileKind::Symlink => "symbolic link",
        FileKind::File if m.size == 0 => "regular empty file",
        FileKind::File => "regular file",
        FileKind::Special => match m.posix.special.map(|s| s.kind) {
            Some(crate::vfs::SpecialKind::Socket) => "socket",
            Some(crate::vfs::SpecialKind::CharDevice) => "character special file",
            Some(crate::vfs::SpecialKind::BlockDevice) => "block special file",
            _ => "fifo",
        },
    }
}

fn time_str(t: std::time::SystemTime) -> String {
    let d = t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let dt =
        chrono::DateTime::from_timestamp(d.as_secs() as i64, d.subsec_nanos()).unwrap_or_default();
    dt.format("%Y-%m-%d %H:%M:%S.%f +0000").to_string()
}

fn epoch(t: std::time::SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn format(fmt: &str, name: &str, m: &Metadata, target: &str, ino: u64) -> String {
    let mut out = String::new();
    let mut it = fmt.chars().peekable();
    let atime = m.posix.atime.unwrap_or(m.mtime);
    let ctime = m.posix.ctime.unwrap_or(m.mtime);
    let (user, group) = super::ls::owner_group(m, false);
    let (uid, gid) = super::ls::owner_group(m, true);
    while let Some(ch) = it.next() {
        if ch == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
            continue;
        }
        if ch != '%' {
            out.push(ch);
            continue;
        }
        // printf-style flags and width (`%-15s`, `%04a`, `%8U`).
        let mut spec = String::new();
        while let Some(c) = it.next_if(|c| "-0+ #.".contains(*c) || c.is_ascii_digit()) {
            spec.push(c);
        }
        let start = out.len();
        match it.next() {
            Some('n') => out.push_str(name),
            Some('N') => {
                if m.kind == FileKind::Symlink {
                    out.push_str(&format!("'{name}' -> '{target}'"));
                } else {
                    out.push_str(&format!("'{name}'"));
                }
            }
            Some('s') => out.push_str(&m.size.to_string()),
            Some('F') => out.push_str(kind_name(m)),
            Some('a') => out.push_str(&format!("{:o}", m.perm)),
            Some('A') => out.push_str(&mode_string(m)),
            Some('f') => out.push_str(&format!(
                "{:x}",
                m.perm as u32
                    | match m.kind {
                        FileKind::Dir => 0o040000,
                        FileKind::Symlink => 0o120000,
                        FileKind::File => 0o100000,
                        FileKind::Special => m.posix.special.map_or(0, |s| s.mode_bits()),
                    }
            )),
            Some('Y') => out.push_str(&epoch(m.mtime).to_string()),
            Some('y') => out.push_str(&time_str(m.mtime)),
            Some('X') => out.push_str(&epoch(atime).to_string()),
            Some('x') => out.push_str(&time_str(atime)),
            Some('Z') => out.push_str(&epoch(ctime).to_string()),
            Some('z') => out.push_str(&time_str(ctime)),
            // Birth time is not kept by any backend.
            Some('W') => out.push('0'),
            Some('w') => out.push('-'),
            Some('U') => out.push_str(&user),
            Some('G') => out.push_str(&group),
            Some('u') => out.push_str(&uid),
            Some('g') => out.push_str(&gid),
            Some('h') => out.push_str(
                &m.posix
                    .nlink
                    .unwrap_or(if m.is_dir() { 2 } else { 1 })
                    .to_string(),
            ),
            Some('i') => out.push_str(&ino.to_string()),
            Some('b') => out.push_str(&(super::ls::allocated(m) / 512).to_string()),
            Some('B') => out.push_str("512"),
            Some('o') => out.push_str("4096"),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('?');
                let _ = o;
            }
            None => out.push('%'),
        }
        if !spec.is_empty() {
            let field = out.split_off(start);
            out.push_str(&pad(&field, &spec));
        }
    }
    out
}

/// `field` padded as a printf width spec asks (`-` left, `0` zeros before a number).
fn pad(field: &str, spec: &str) -> String {
    let width: usize = spec
        .trim_start_matches(['-', '0', '+', ' ', '#'])
        .split('.')
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or(0);
    let n = field.chars().count();
    if n >= width {
        return field.to_string();
    }
    let fill = width - n;
    if spec.starts_with('-') {
        format!("{field}{}", " ".repeat(fill))
    } else if spec.starts_with('0') && field.chars().all(|c| c.is_ascii_digit()) {
        format!("{}{field}", "0".repeat(fill))
    } else {
        format!("{}{field}", " ".repeat(fill))
    }
}

command!(|c| {
    let a = opts!(c, SPEC);
    if a.operands.is_empty() {
        c.err("missing operand").await?;
        return Ok(1);
    }
    let mut st = 0;
    let mut out = String::new();
    for f in &a.operands {
        let path = match c.path(f) {
            Ok(p) => p,
            Err(e) => {
                c.err(&format!("cannot stat '{f}': {}", e.user_message()))
                    .await?;
                st = 1;
                continue;
            }
        };
        let m = if a.has('L') {
            c.stat(&path).await.map(|(_, m)| m)
        } else {
            c.lstat(&path).await
        };
        let m = match m {
            Ok(m) => m,
            Err(e) => {
                c.err(&format!("cannot statx '{f}': {}", e.user_message()))
                    .await?;
                st = 1;
                continue;
            }
        };
        let target = if m.kind == FileKind::Symlink {
            c.vfs().readlink(&path).await.unwrap_or_default()
        } else {
            String::new()
        };
        let ino = super::ls::inode(&m, path.as_str());
        if let Some(fmt) = a.value('c').or(a.value('p')) {
            out.push_str(&format(fmt, f, &m, &target, ino));
            if a.value('c').is_some() {
                out.push('\n');
            }
            continue;
        }
        let layout = "  File: %n\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: 0,0\tInode: %-11i Links: %h\nAccess: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n";
        out.push_str(&format(layout, f, &m, &target, ino));
    }
    c.print(&out).await?;
    Ok(st)
});
