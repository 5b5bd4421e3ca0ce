//! `tar -c|-x|-t [-z] [-v] -f ARCHIVE [-C DIR] [FILE]...` on the `tar` crate, over the VFS.

use std::io::Read;

use super::gzip::{compress, decompress};
use crate::vfs::{FileKind, VPath};

/// Adds `p` (shown as `name`) and everything under it.
async fn add(
    c: &super::Ctx<'_>,
    b: &mut tar::Builder<Vec<u8>>,
    p: &VPath,
    name: &str,
    verbose: &mut String,
) -> Result<(), String> {
    let m = c
        .lstat(p)
        .await
        .map_err(|e| format!("{name}: Cannot stat: {}", e.user_message()))?;
    verbose.push_str(&format!("{name}{}\n", if m.is_dir() { "/" } else { "" }));
    let mtime = m
        .mtime
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut h = tar::Header::new_gnu();
    h.set_mode(m.perm as u32);
    h.set_mtime(mtime);
    // Owner as ids and names, as GNU tar records them.
    let (user, group) = super::ls::owner_group(&m, false);
    let (uid, gid) = super::ls::owner_group(&m, true);
    h.set_uid(uid.parse().unwrap_or(0));
    h.set_gid(gid.parse().unwrap_or(0));
    let _ = h.set_username(&user);
    let _ = h.set_groupname(&group);
    match m.kind {
        FileKind::Dir => {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_size(0);
            b.append_data(&mut h, format!("{name}/"), std::io::empty())
                .map_err(|e| e.to_string())?;
            let mut es = c.vfs().list(p).await.map_err(|e| e.user_message())?;
            es.sort_by(|x, y| x.name.cmp(&y.name));
            for e in es {
                let child = p.join(&e.name).map_err(|e| e.user_message())?;
                Box::pin(add(c, b, &child, &format!("{name}/{}", e.name), verbose)).await?;
            }
        }
        FileKind::Symlink => {
            let t = c.vfs().readlink(p).await.map_err(|e| e.user_message())?;
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, name, t).map_err(|e| e.to_string())?;
        }
        FileKind::Special => {
            let (kind, rdev) = match m.posix.special {
                Some(s) => (s.kind, s.rdev),
                None => return Err(format!("{name}: unknown special file")),
            };
            h.set_entry_type(match kind {
                crate::vfs::SpecialKind::Fifo => tar::EntryType::Fifo,
                crate::vfs::SpecialKind::CharDevice => tar::EntryType::Char,
                crate::vfs::SpecialKind::BlockDevice => tar::EntryType::Block,
                crate::vfs::SpecialKind::Socket => {
                    return Err(format!("{name}: socket ignored"));
                }
            });
            h.set_size(0);
            let (major, minor) = (
                libc::major(rdev as libc::dev_t),
                libc::minor(rdev as libc::dev_t),
            );
            let _ = h.set_device_major(major);
            let _ = h.set_device_minor(minor);
            b.append_data(&mut h, name, std::io::empty())
                .map_err(|e| e.to_string())?;
        }
        FileKind::File => {
            let data = c
                .vfs()
                .read_all(p)
                .await
                .map_err(|e| format!("{name}: {}", e.user_message()))?;
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(data.len() as u64);
            b.append_data(&mut h, name, &data[..])
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

command!(|c| {
    let mut args = c.argv[1..].to_vec();
    // `tar czf x.tgz dir`: a first word without a dash is a flag cluster.
    if args.first().is_some_and(|a| !a.starts_with('-')) {
        args[0] = format!("-{}", args[0]);
    }
    let (mut mode, mut gz, mut verbose, mut file, mut dir) =
        (' ', false, false, None::<String>, None::<String>);
    let mut members = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].clone();
        if a.starts_with("--") {
            match a.as_str() {
                "--create" => mode = 'c',
                "--extract" | "--get" => mode = 'x',
                "--list" => mode = 't',
                "--gzip" => gz = true,
                "--verbose" => verbose = true,
                _ if a.starts_with("--file=") => file = Some(a[7..].to_string()),
                _ if a.starts_with("--directory=") => dir = Some(a[12..].to_string()),
                _ => {
                    c.err(&format!("unrecognized option '{a}'")).await?;
                    return Ok(2);
                }
            }
        } else if a.starts_with('-') && a.len() > 1 {
            let mut chars = a[1..].chars();
            while let Some(ch) = chars.next() {
                match ch {
                    'c' | 'x' | 't' => mode = ch,
                    'z' => gz = true,
                    'v' => verbose = true,
                    'f' | 'C' => {
                        let rest: String = chars.by_ref().collect();
                        let v = if rest.is_empty() {
                            i += 1;
                            args.get(i).cloned().unwrap_or_default()
                        } else {
                            rest
                        };
                        if ch == 'f' {
                            file = Some(v)
                        } else {
                            dir = Some(v)
                        }
                        break;
                    }
                    'p' | 'o' => {}
                    other => {
                        c.err(&format!("invalid option -- '{other}'")).await?;
                        return Ok(2);
                    }
                }
            }
        } else {
            members.push(a);
        }
        i += 1;
    }
    let base = dir.clone().unwrap_or_else(|| ".".into());
    let base_path = match c.path(&base) {
        Ok(p) => p,
        Err(e) => {
            c.fail(&base, &e).await?;
            return Ok(2);
        }
    };
    match mode {
        'c' => {
            if members.is_empty() {
                c.err("Cowardly refusing to create an empty archive")
                    .await?;
                return Ok(2);
            }
            let mut b = tar::Builder::new(Vec::new());
            let mut listing = String::new();
            for m in &members {
                let p = match base_path.resolve(m) {
                    Ok(p) => p,
                    Err(e) => {
                        c.fail(m, &e).await?;
                        return Ok(2);
                    }
                };
                if let Err(e) = add(&c, &mut b, &p, m.trim_end_matches('/'), &mut listing).await {
                    c.err(&e).await?;
                    return Ok(2);
                }
            }
            let mut data = b.into_inner().unwrap_or_default();
            if gz {
                data = compress(&data);
            }
            if verbose {
                c.io.stderr.print(&listing).await?;
            }
            match file.as_deref() {
                None | Some("-") => c.out(&data).await?,
                Some(f) => {
                    let r = match c.path(f) {
                        Ok(p) => c.vfs().write_all(&p, &data, false).await,
                        Err(e) => Err(e),
                    };
                    if let Err(e) = r {
                        c.err(&format!("{f}: Cannot open: {}", e.user_message()))
                            .await?;
                        return Ok(2);
                    }
                }
            }
            Ok(0)
        }
        'x' | 't' => {
            let raw = match file.as_deref() {
                None | Some("-") => c.stdin().await?,
                Some(f) => match c.read_arg(f).await {
                    Ok(d) => d.to_vec(),
                    Err(e) => {
                        c.err(&format!("{f}: Cannot open: {}", e.user_message()))
                            .await?;
                        return Ok(2);
                    }
                },
            };
            let data = if gz || raw.starts_with(b"\x1f\x8b") {
                match decompress(&raw) {
                    Ok(d) => d,
                    Err(m) => {
                        c.err(&m).await?;
                        return Ok(2);
                    }
                }
            } else {
                raw
            };
            let mut ar = tar::Archive::new(&data[..]);
            let entries = match ar.entries() {
                Ok(e) => e,
                Err(e) => {
                    c.err(&format!("This does not look like a tar archive ({e})"))
                        .await?;
                    return Ok(2);
                }
            };
            let mut out = String::new();
            let mut items = Vec::new();
            for e in entries {
                let mut e = match e {
                    Ok(e) => e,
                    Err(err) => {
                        c.err(&format!("Damaged archive: {err}")).await?;
                        return Ok(2);
                    }
                };
                let name = e
                    .path()
                    .map(|p| p.to_string_lossy().to_string())
                    .unwrap_or_default();
                let kind = e.header().entry_type();
                let link = e
                    .link_name()
                    .ok()
                    .flatten()
                    .map(|l| l.to_string_lossy().to_string());
                let mtime = e.header().mtime().unwrap_or(0);
                let long = long_line(e.header(), &name, link.as_deref(), mtime);
                let mut body = Vec::new();
                let _ = e.read_to_end(&mut body);
                items.push((name, kind, link, body, mtime, long));
            }
            for (name, kind, link, body, mtime, long) in items {
                if !members.is_empty()
                    && !members.iter().any(|m| {
                        name.trim_end_matches('/') == m.trim_end_matches('/')
                            || name.starts_with(&format!("{}/", m.trim_end_matches('/')))
                    })
                {
                    continue;
                }
                if mode == 't' && verbose {
                    out.push_str(&long);
                } else if mode == 't' || verbose {
                    out.push_str(&name);
                    out.push('\n');
                }
                if mode == 't' {
                    continue;
                }
                let rel = name.trim_end_matches('/');
                if rel.split('/').any(|c| c == "..") || rel.starts_with('/') {
                    c.err(&format!(
                        "{name}: Member name contains '..' or is absolute; skipped"
                    ))
                    .await?;
                    continue;
                }
                let Ok(target) = base_path.resolve(rel) else {
                    continue;
                };
                // Parents first.
                let mut cur = base_path.clone();
                for comp in rel
                    .split('/')
                    .take(rel.split('/').count().saturating_sub(1))
                {
                    if let Ok(n) = cur.join(comp) {
                        cur = n;
                        let _ = c.vfs().mkdir(&cur).await;
                    }
                }
                let r = if kind.is_dir() {
                    match c.vfs().mkdir(&target).await {
                        Err(crate::vfs::VfsError::AlreadyExists) => Ok(()),
                        o => o,
                    }
                } else if kind.is_symlink() {
                    let _ = c.vfs().remove_file(&target).await;
                    c.vfs().symlink(&target, &link.unwrap_or_default()).await
                } else {
                    c.vfs().write_all(&target, &body, false).await
                };
                if let Err(e) = r {
                    c.err(&format!("{name}: Cannot open: {}", e.user_message()))
                        .await?;
                    return Ok(2);
                }
                let _ = c
                    .vfs()
                    .set_times(
                        &target,
                        std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime),
                    )
                    .await;
            }
            c.print(&out).await?;
            Ok(0)
        }
        _ => {
            c.err("You must specify one of the '-Acdtrux', '--delete' or '--test-label' options")
                .await?;
            Ok(2)
        }
    }
});

/// A member as `tar tv` lists it: `-rw-r--r-- user/group   SIZE YYYY-MM-DD HH:MM name`.
fn long_line(h: &tar::Header, name: &str, link: Option<&str>, mtime: u64) -> String {
    let t = h.entry_type();
    let kind = if t.is_dir() {
        'd'
    } else if t.is_symlink() {
        'l'
    } else if t.is_hard_link() {
        'h'
    } else {
        '-'
    };
    let perm = h.mode().unwrap_or(0o644) as u16;
    let mode = format!("{kind}{}", super::chmod::rwx(perm));
    let user = h
        .username()
        .ok()
        .flatten()
        .map(String::from)
        .unwrap_or_else(|| h.uid().unwrap_or(0).to_string());
    let group = h
        .groupname()
        .ok()
        .flatten()
        .map(String::from)
        .unwrap_or_else(|| h.gid().unwrap_or(0).to_string());
    let owner = format!("{user}/{group}");
    let size = h.size().unwrap_or(0).to_string();
    // GNU tar pads owner and size together to 19 columns.
    let width = 19usize.saturating_sub(owner.len() + 1).max(size.len());
    let when = chrono::DateTime::from_timestamp(mtime as i64, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M");
    let target = match (kind, link) {
        ('l', Some(l)) => format!(" -> {l}"),
        ('h', Some(l)) => format!(" link to {l}"),
        _ => String::new(),
    };
    format!("{mode} {owner} {size:>width$} {when} {name}{target}\n")
}
