//! `mktemp [-d] [-p DIR] [--suffix=SUF] [TEMPLATE]`: a new unique file or directory (without
//! a template under /tmp when it exists in the workspace, else the working directory; a
//! template alone is relative to the working directory). The last run of
//! three or more `X`s is replaced; what follows it is kept (`XXXXXX.txt`).

use crate::vfs::VfsError;

command!(|c| {
    let mut dir_mode = false;
    let mut base: Option<String> = None;
    let mut template = "tmp.XXXXXXXXXX".to_string();
    let mut dry = false;
    let mut suffix = String::new();
    // A template given without -p/-t is relative to the working directory, as GNU's.
    let mut explicit = false;
    let args = c.argv[1..].to_vec();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-d" | "--directory" => dir_mode = true,
            "-u" | "--dry-run" => dry = true,
            "-q" => {}
            "-p" | "--tmpdir" => {
                i += 1;
                base = args.get(i).cloned();
            }
            "-t" => base = base.or(Some("/tmp".into())),
            s if s.starts_with("--suffix=") => suffix = s["--suffix=".len()..].to_string(),
            t => {
                template = t.to_string();
                explicit = true;
            }
        }
        i += 1;
    }
    // The last run of X's in the last component, and what follows it.
    let last = template.rfind('/').map_or(0, |i| i + 1);
    let run_end = template[last..].rfind('X').map_or(0, |i| last + i + 1);
    let xs = template[..run_end]
        .chars()
        .rev()
        .take_while(|c| *c == 'X')
        .count();
    suffix.insert_str(0, &template[run_end..]);
    if xs < 3 {
        c.err(&format!("too few X's in template '{template}'"))
            .await?;
        return Ok(1);
    }
    let base = match base {
        Some(b) => b,
        None if explicit || template.contains('/') => String::new(),
        None => {
            let tmp = crate::vfs::VPath::parse("/tmp").ok();
            let has_tmp = match tmp {
                Some(t) => c.stat(&t).await.is_ok(),
                None => false,
            };
            if has_tmp { "/tmp".into() } else { ".".into() }
        }
    };
    let stem = &template[..run_end - xs];
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64);
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for _ in 0..100 {
        let mut name = stem.to_string();
        for _ in 0..xs {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            name.push(CHARS[(seed % CHARS.len() as u64) as usize] as char);
        }
        name.push_str(&suffix);
        let shown = if base.is_empty() {
            name.clone()
        } else {
            format!("{}/{name}", base.trim_end_matches('/'))
        };
        let path = match c.path(&shown) {
            Ok(p) => p,
            Err(e) => {
                c.fail(&shown, &e).await?;
                return Ok(1);
            }
        };
        if c.lstat(&path).await.is_ok() {
            continue;
        }
        if !dry {
            let r = if dir_mode {
                c.vfs().mkdir(&path).await
            } else {
                c.vfs().write_all(&path, &[], false).await
            };
            match r {
                Ok(()) => {}
                Err(VfsError::AlreadyExists) => continue,
                Err(e) => {
                    c.err(&format!(
                        "failed to create {} via template '{shown}': {}",
                        if dir_mode { "directory" } else { "file" },
                        e.user_message()
                    ))
                    .await?;
                    return Ok(1);
                }
            }
        }
        c.print(&format!("{shown}\n")).await?;
        return Ok(0);
    }
    c.err("failed to create a unique name").await?;
    Ok(1)
});
