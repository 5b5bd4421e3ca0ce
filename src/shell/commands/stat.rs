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

fn format(fmt: &str, name: &str, m: &Metadata, target: &str) -> String {
    let mut out = String::new();
    let mut it = fmt.chars();
    let secs = m
        .mtime
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
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
            Some('Y') => out.push_str(&secs.to_string()),
            Some('y') => out.push_str(&time_str(m.mtime)),
            Some('X') | Some('Z') | Some('W') => out.push_str(&secs.to_string()),
            Some('x') | Some('z') | Some('w') => out.push_str(&time_str(m.mtime)),
            Some('U') | Some('G') => out.push_str("agent"),
            Some('u') | Some('g') => out.push('0'),
            Some('h') => out.push('1'),
            Some('i') => out.push('0'),
            Some('b') => out.push_str(&m.size.div_ceil(512).to_string()),
            Some('B') => out.push_str("512"),
            Some('o') => out.push_str("4096"),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('?');
                let _ = o;
            }
            None => out.push('%'),
        }
    }
    out
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
        if let Some(fmt) = a.value('c').or(a.value('p')) {
            out.push_str(&format(fmt, f, &m, &target));
            if a.value('c').is_some() {
                out.push('\n');
            }
            continue;
        }
        let t = time_str(m.mtime);
        out.push_str(&format(&format!("  File: %N\n  Size: %-15s Blocks: %-10b IO Block: 4096   %F\nDevice: 0,0\tInode: 0           Links: 1\nAccess: (0%a/%A)  Uid: (    0/   agent)   Gid: (    0/   agent)\nAccess: {t}\nModify: {t}\nChange: {t}\n Birth: -\n"), f, &m, &target));
    }
    c.print(&out).await?;
    Ok(st)
});
