//! `touch [-acm] [-d DATE] [-t STAMP] [-r REF] FILE...`

use std::time::SystemTime;

use super::Spec;

const SPEC: Spec = Spec {
    short: "cd:t:r:am",
    long: &[
        ("no-create", 'c', false),
        ("date", 'd', true),
        ("reference", 'r', true),
    ],
    bad_status: 1,
    numeric: false,
};

/// Parses a date as `date -d` does (see [`super::datespec`]), or `[[CC]YY]MMDDhhmm[.ss]`
/// (for `-t`).
pub fn parse_date(s: &str, stamp: bool) -> Option<SystemTime> {
    use chrono::NaiveDateTime;
    let secs = if let Some(e) = s.strip_prefix('@') {
        e.parse::<i64>().ok()?
    } else if stamp {
        let (main, sec) = s.split_once('.').unwrap_or((s, "0"));
        let fmt = match main.len() {
            12 => "%Y%m%d%H%M",
            8 => "%m%d%H%M",
            _ => return None,
        };
        let full = if main.len() == 8 {
            format!("{}{main}", chrono::Utc::now().format("%Y"))
        } else {
            main.to_string()
        };
        let fmt = if main.len() == 8 { "%Y%m%d%H%M" } else { fmt };
        NaiveDateTime::parse_from_str(&full, fmt)
            .ok()?
            .and_utc()
            .timestamp()
            + sec.parse::<i64>().ok()?
    } else {
        let t = super::datespec::parse(s, chrono::Utc::now())?;
        return Some(t.into());
    };
    Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64))
}

command!(|c| {
    let a = opts!(c, SPEC);
    if a.operands.is_empty() {
        c.err("missing file operand").await?;
        return Ok(1);
    }
    let when = if let Some(d) = a.value('d') {
        match parse_date(d, false) {
            Some(t) => t,
            None => {
                c.err(&format!("invalid date format '{d}'")).await?;
                return Ok(1);
            }
        }
    } else if let Some(t) = a.value('t') {
        match parse_date(t, true) {
            Some(t) => t,
            None => {
                c.err(&format!("invalid date format '{t}'")).await?;
                return Ok(1);
            }
        }
    } else if let Some(r) = a.value('r') {
        match c.path(r) {
            Ok(p) => match c.stat(&p).await {
                Ok((_, m)) => m.mtime,
                Err(e) => {
                    c.err(&format!(
                        "failed to get attributes of '{r}': {}",
                        e.user_message()
                    ))
                    .await?;
                    return Ok(1);
                }
            },
            Err(e) => {
                c.fail(r, &e).await?;
                return Ok(1);
            }
        }
    } else {
        crate::vfs::now()
    };
    let mut st = 0;
    for f in &a.operands {
        let path = match c.path(f) {
            Ok(p) => p,
            Err(e) => {
                c.err(&format!("cannot touch '{f}': {}", e.user_message()))
                    .await?;
                st = 1;
                continue;
            }
        };
        let target = match c.stat(&path).await {
            Ok((real, _)) => real,
            Err(_) => {
                if a.has('c') {
                    continue;
                }
                if let Err(e) = c.vfs().write_all(&path, &[], true).await {
                    c.err(&format!("cannot touch '{f}': {}", e.user_message()))
                        .await?;
                    st = 1;
                    continue;
                }
                path
            }
        };
        // `-a` changes only the access time, `-m` only the modification time.
        let (atime, mtime) = match (a.has('a'), a.has('m')) {
            (true, false) => (true, false),
            (false, true) => (false, true),
            _ => (true, true),
        };
        let mut r = Ok(());
        if mtime {
            r = c.vfs().set_times(&target, when).await;
        }
        if atime && r.is_ok() {
            let change = crate::vfs::MetaChange {
                atime: Some(when),
                ..Default::default()
            };
            r = c.vfs().set_attrs(&target, change).await;
        }
        if let Err(e) = r
            && e != crate::vfs::VfsError::Unsupported
        {
            c.err(&format!("setting times of '{f}': {}", e.user_message()))
                .await?;
            st = 1;
        }
    }
    Ok(st)
});
