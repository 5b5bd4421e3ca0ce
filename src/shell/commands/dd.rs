//! `dd [if=FILE] [of=FILE] [bs=N] [ibs=N] [obs=N] [count=N] [skip=N] [seek=N]
//! [conv=notrunc,sync,…] [iflag=…] [oflag=…] [status=none|noxfer]`: copies blocks from an
//! offset to an offset, as GNU dd does. Input is read as a byte stream cut into `ibs`
//! blocks (a short last block counts as a partial record); without `conv=notrunc` the output
//! file is cut at the `seek` offset first. The transfer summary goes to stderr.

use std::time::Instant;

use crate::vfs::{OpenFlags, VPath};

/// Bytes read and written per step.
const STEP: u64 = 1 << 20;

/// A dd number: digits, an optional multiplier suffix, and `x` products (`2x512`).
fn number(s: &str) -> Option<u64> {
    s.split('x').try_fold(1u64, |acc, part| {
        let digits = part
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(part.len());
        let n: u64 = part[..digits].parse().ok()?;
        let mult: u64 = match &part[digits..] {
            "" | "c" => 1,
            "w" => 2,
            "b" => 512,
            "kB" => 1000,
            "K" | "k" | "KiB" => 1 << 10,
            "MB" => 1_000_000,
            "M" | "MiB" => 1 << 20,
            "GB" => 1_000_000_000,
            "G" | "GiB" => 1 << 30,
            "T" | "TiB" => 1 << 40,
            _ => return None,
        };
        acc.checked_mul(n.checked_mul(mult)?)
    })
}

/// `N+M` records for `bytes` in blocks of `block`.
fn records(bytes: u64, block: u64) -> String {
    format!(
        "{}+{}",
        bytes / block,
        u64::from(!bytes.is_multiple_of(block))
    )
}

/// A rate as GNU dd shows it: `851 MB`, `1.2 GB`, `12 B`.
fn si(x: f64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"];
    let (mut x, mut i) = (x, 0);
    while x >= 1000.0 && i < units.len() - 1 {
        x /= 1000.0;
        i += 1;
    }
    if i > 0 && x < 10.0 {
        format!("{x:.1} {}", units[i])
    } else {
        format!("{x:.0} {}", units[i])
    }
}

/// GNU dd's human size: `1.0 kB, 1.0 KiB` style, as in its summary line.
fn human(bytes: u64) -> String {
    if bytes < 1000 {
        return String::new();
    }
    let si = ["kB", "MB", "GB", "TB"];
    let iec = ["KiB", "MiB", "GiB", "TiB"];
    let (mut a, mut b, mut i, mut j) = (bytes as f64 / 1000.0, bytes as f64 / 1024.0, 0, 0);
    while a >= 1000.0 && i < 3 {
        a /= 1000.0;
        i += 1;
    }
    while b >= 1024.0 && j < 3 {
        b /= 1024.0;
        j += 1;
    }
    let fmt = |x: f64| {
        if x < 10.0 {
            format!("{x:.1}")
        } else {
            format!("{x:.0}")
        }
    };
    if bytes < 1024 {
        format!(" ({} {})", fmt(a), si[i])
    } else {
        format!(" ({} {}, {} {})", fmt(a), si[i], fmt(b), iec[j])
    }
}

command!(|c| {
    let mut opts = std::collections::HashMap::new();
    for a in &c.argv[1..] {
        match a.split_once('=') {
            Some((k, v)) => {
                opts.insert(k.to_string(), v.to_string());
            }
            None => {
                c.err(&format!("unrecognized operand '{a}'")).await?;
                c.io.stderr
                    .print("Try 'dd --help' for more information.\n")
                    .await?;
                return Ok(1);
            }
        }
    }
    let known = [
        "if", "of", "bs", "ibs", "obs", "count", "skip", "seek", "conv", "iflag", "oflag", "status",
    ];
    if let Some(k) = opts.keys().find(|k| !known.contains(&k.as_str())) {
        c.err(&format!("unrecognized operand '{k}={}'", opts[k]))
            .await?;
        return Ok(1);
    }
    let num = |k: &str, default: u64| -> Result<u64, String> {
        match opts.get(k) {
            None => Ok(default),
            Some(v) => number(v).ok_or_else(|| format!("invalid number: '{v}'")),
        }
    };
    let parsed = (|| {
        let bs = num("bs", 0)?;
        let ibs = if bs > 0 { bs } else { num("ibs", 512)? };
        let obs = if bs > 0 { bs } else { num("obs", 512)? };
        Ok::<_, String>((
            ibs,
            obs,
            num("count", u64::MAX)?,
            num("skip", 0)?,
            num("seek", 0)?,
        ))
    })();
    let (ibs, obs, count, skip, seek) = match parsed {
        Ok(v) if v.0 > 0 && v.1 > 0 => v,
        Ok(_) => {
            c.err("invalid number: '0'").await?;
            return Ok(1);
        }
        Err(m) => {
            c.err(&m).await?;
            return Ok(1);
        }
    };
    let flags = |k: &str| -> Vec<String> {
        opts.get(k)
            .map(|v| v.split(',').map(str::to_string).collect())
            .unwrap_or_default()
    };
    let (conv, iflag, oflag) = (flags("conv"), flags("iflag"), flags("oflag"));
    let skip = if iflag.iter().any(|f| f == "skip_bytes") {
        skip
    } else {
        skip.saturating_mul(ibs)
    };
    let limit = if count == u64::MAX {
        u64::MAX
    } else if iflag.iter().any(|f| f == "count_bytes") {
        count
    } else {
        count.saturating_mul(ibs)
    };
    let seek = if oflag.iter().any(|f| f == "seek_bytes") {
        seek
    } else {
        seek.saturating_mul(obs)
    };
    let pad = conv.iter().any(|f| f == "sync");
    let started = Instant::now();

    // Input: a file read by range, or a stream (stdin, devices).
    let input = opts.get("if").cloned();
    let stream = match input.as_deref() {
        None | Some("-") | Some("/dev/stdin") => Some(c.io.stdin.clone()),
        Some(f) => c.device(f),
    };
    let in_file = match (&stream, input.as_deref()) {
        (None, Some(f)) => match c.path(f) {
            Ok(p) => match c.stat(&p).await {
                Ok((_, m)) if m.is_dir() => {
                    c.err(&format!("error reading '{f}': Is a directory"))
                        .await?;
                    return Ok(1);
                }
                Ok((real, _)) => Some(real),
                Err(e) => {
                    c.err(&format!("failed to open '{f}': {}", e.user_message()))
                        .await?;
                    return Ok(1);
                }
            },
            Err(e) => {
                c.err(&format!("failed to open '{f}': {}", e.user_message()))
                    .await?;
                return Ok(1);
            }
        },
        _ => None,
    };

    // Output: a file written at offsets, or stdout.
    let out_file = match opts.get("of").map(String::as_str) {
        None | Some("-") | Some("/dev/stdout") => None,
        Some(f) => match open_output(&c, f, seek, !conv.iter().any(|x| x == "notrunc")).await {
            Ok(v) => Some(v),
            Err(m) => {
                c.err(&m).await?;
                return Ok(1);
            }
        },
    };

    let vfs = c.vfs().clone();
    let in_fh = match &in_file {
        Some(p) => match vfs.open(p, OpenFlags::read()).await {
            Ok(fh) => Some(fh),
            Err(e) => {
                c.err(&format!("failed to open: {}", e.user_message()))
                    .await?;
                return Ok(1);
            }
        },
        None => None,
    };
    // Skipping on a stream consumes it.
    if let Some(s) = &stream {
        let mut left = skip;
        while left > 0 {
            let Some(chunk) = s.chunk().await else { break };
            let take = (chunk.len() as u64).min(left);
            if take < chunk.len() as u64 {
                s.unread(chunk.slice(take as usize..)).await;
            }
            left -= take;
        }
    }
    let (mut read, mut written) = (0u64, 0u64);
    let mut failed = None;
    while read < limit {
        let want = STEP.min(limit - read);
        let data = match (&stream, in_fh) {
            (Some(s), _) => match s.chunk().await {
                Some(chunk) => {
                    let take = (chunk.len() as u64).min(want) as usize;
                    if take < chunk.len() {
                        s.unread(chunk.slice(take..)).await;
                    }
                    chunk.slice(..take)
                }
                None => break,
            },
            (None, Some(fh)) => match vfs.read(fh, skip + read, want as u32).await {
                Ok(d) if d.is_empty() => break,
                Ok(d) => d,
                Err(e) => {
                    failed = Some(format!("error reading: {}", e.user_message()));
                    break;
                }
            },
            (None, None) => break,
        };
        read += data.len() as u64;
        let r = match &out_file {
            Some((_, fh)) => vfs.write(*fh, seek + written, &data).await.map(|_| ()),
            None => {
                c.out(&data).await?;
                Ok(())
            }
        };
        if let Err(e) = r {
            failed = Some(format!("error writing: {}", e.user_message()));
            break;
        }
        written += data.len() as u64;
    }
    // `conv=sync`: the last partial block is padded with zeros.
    if pad && !read.is_multiple_of(ibs) && failed.is_none() {
        let zeros = vec![0u8; (ibs - read % ibs) as usize];
        match &out_file {
            Some((_, fh)) => {
                if let Err(e) = vfs.write(*fh, seek + written, &zeros).await {
                    failed = Some(format!("error writing: {}", e.user_message()));
                }
            }
            None => c.out(&zeros).await?,
        }
        if failed.is_none() {
            written += zeros.len() as u64;
        }
    }
    if let Some(fh) = in_fh {
        let _ = vfs.release(fh).await;
    }
    if let Some((path, fh)) = out_file
        && let Err(e) = vfs.release(fh).await
    {
        failed.get_or_insert(format!("error writing '{path}': {}", e.user_message()));
    }
    if let Some(m) = &failed {
        c.err(m).await?;
    }
    let status = opts.get("status").map(String::as_str);
    if status != Some("none") {
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        let mut msg = format!(
            "{} records in\n{} records out\n",
            records(read, ibs),
            records(written, obs)
        );
        if status != Some("noxfer") {
            msg.push_str(&format!(
                "{written} bytes{} copied, {secs:.6} s, {}/s\n",
                human(written),
                si(written as f64 / secs)
            ));
        }
        c.io.stderr.print(&msg).await?;
    }
    Ok(i32::from(failed.is_some()))
});

/// Opens `f` for writing at offset `seek`, created when missing and, when `trunc`, cut at
/// `seek` first.
async fn open_output(
    c: &super::Ctx<'_>,
    f: &str,
    seek: u64,
    trunc: bool,
) -> Result<(VPath, u64), String> {
    let path = c
        .path(f)
        .map_err(|e| format!("failed to open '{f}': {}", e.user_message()))?;
    if let Ok((_, m)) = c.stat(&path).await
        && m.is_dir()
    {
        return Err(format!("failed to open '{f}': Is a directory"));
    }
    let flags = OpenFlags {
        write: true,
        create: true,
        ..OpenFlags::default()
    };
    let vfs = c.vfs();
    let fh = vfs
        .open(&path, flags)
        .await
        .map_err(|e| format!("failed to open '{f}': {}", e.user_message()))?;
    if trunc && let Err(e) = vfs.set_len(fh, seek).await {
        let _ = vfs.release(fh).await;
        return Err(format!(
            "failed to truncate to {seek} bytes in output file '{f}': {}",
            e.user_message()
        ));
    }
    Ok((path, fh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_suffixes_and_products() {
        assert_eq!(number("512"), Some(512));
        assert_eq!(number("1K"), Some(1024));
        assert_eq!(number("1kB"), Some(1000));
        assert_eq!(number("2x512"), Some(1024));
        assert_eq!(number("1M"), Some(1 << 20));
        assert_eq!(number("3b"), Some(1536));
        assert_eq!(number("1Q"), None);
        assert_eq!(records(1025, 512), "2+1");
        assert_eq!(records(1024, 512), "2+0");
    }
}
