//! Helpers shared by the text tools: reading every input operand (or stdin) with coreutils
//! error reporting, and splitting into lines.

use bytes::Bytes;

use super::Ctx;
use crate::shell::ShellError;

/// The contents of each operand (`-` or none: stdin), in order; failures are reported as
/// `cmd: name: message` (`sort: cannot read: name: message`, as GNU sort words it) and make
/// `failed` true.
pub async fn inputs(
    c: &Ctx<'_>,
    operands: &[String],
) -> Result<(Vec<(String, Bytes)>, bool), ShellError> {
    let mut out = Vec::new();
    let mut failed = false;
    if operands.is_empty() {
        out.push(("-".to_string(), Bytes::from(c.stdin().await?)));
        return Ok((out, failed));
    }
    for f in operands {
        match c.read_arg(f).await {
            Ok(d) => out.push((f.clone(), d)),
            Err(e) if c.name() == "sort" => {
                c.err(&format!("cannot read: {f}: {}", e.user_message()))
                    .await?;
                failed = true;
            }
            Err(e) => {
                c.fail(f, &e).await?;
                failed = true;
            }
        }
    }
    Ok((out, failed))
}

/// All inputs concatenated.
pub async fn input_all(c: &Ctx<'_>, operands: &[String]) -> Result<(Vec<u8>, bool), ShellError> {
    let (ins, failed) = inputs(c, operands).await?;
    let mut all = Vec::new();
    for (_, d) in ins {
        all.extend_from_slice(&d);
    }
    Ok((all, failed))
}

/// Lines without their `\n` (a final unterminated line included).
pub fn lines(data: &[u8]) -> Vec<&[u8]> {
    if data.is_empty() {
        return Vec::new();
    }
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    body.split(|&b| b == b'\n').collect()
}

/// Parses a count like `10`, `1K`, `2M` (for head/tail/split -c).
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => {
            let m = match &s[i..] {
                "b" => 512,
                "K" | "KiB" | "k" => 1024,
                "KB" | "kB" => 1000,
                "M" | "MiB" => 1 << 20,
                "MB" => 1_000_000,
                "G" | "GiB" => 1 << 30,
                "GB" => 1_000_000_000,
                _ => return None,
            };
            (&s[..i], m)
        }
        None => (s, 1),
    };
    num.parse::<u64>().ok().map(|n| n * mult)
}
