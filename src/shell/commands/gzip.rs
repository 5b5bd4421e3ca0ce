//! `gzip [-dckf] [FILE]...`, `gunzip`, `zcat`: FILE ↔ FILE.gz in the VFS, or stdin → stdout.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

/// Compresses bytes.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Decompresses bytes.
pub fn decompress(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    MultiGzDecoder::new(data)
        .read_to_end(&mut out)
        .map_err(|_| "not in gzip format".to_string())?;
    Ok(out)
}

command!(|c| {
    let name = c.name().to_string();
    let flags: String = c.argv[1..]
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .map(|a| a[1..].to_string())
        .collect();
    let files: Vec<String> = c.argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-') || *a == "-")
        .cloned()
        .collect();
    let decomp = name != "gzip" || flags.contains('d');
    let to_stdout = name == "zcat" || flags.contains('c') || files.is_empty();
    let keep = flags.contains('k');
    let ops = if files.is_empty() {
        vec!["-".to_string()]
    } else {
        files
    };
    let mut st = 0;
    for f in &ops {
        let data = match c.read_arg(f).await {
            Ok(d) => d,
            Err(e) => {
                c.fail(f, &e).await?;
                st = 1;
                continue;
            }
        };
        let result = if decomp {
            decompress(&data)
        } else {
            Ok(compress(&data))
        };
        let out = match result {
            Ok(o) => o,
            Err(m) => {
                c.err(&format!("{f}: {m}")).await?;
                st = 1;
                continue;
            }
        };
        if to_stdout || f == "-" {
            c.out(&out).await?;
            continue;
        }
        let target = if decomp {
            match f.strip_suffix(".gz").or_else(|| f.strip_suffix(".tgz")) {
                Some(t) => t.to_string(),
                None => {
                    c.err(&format!("{f}: unknown suffix -- ignored")).await?;
                    st = 1;
                    continue;
                }
            }
        } else {
            format!("{f}.gz")
        };
        let r = match (c.path(&target), c.path(f)) {
            (Ok(t), Ok(src)) => match c.vfs().write_all(&t, &out, false).await {
                Ok(()) if !keep => c.vfs().remove_file(&src).await,
                other => other,
            },
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        if let Err(e) = r {
            c.fail(&target, &e).await?;
            st = 1;
        }
    }
    Ok(st)
});
