//! `shuf [-n N] [-r] [-z] [-e ARG...|-i LO-HI|FILE]`: a random permutation of the input lines
//! (or of the arguments, or of a range), `-n` lines at most, `-r` drawing with repetition.

use super::Spec;

const SPEC: Spec = Spec {
    short: "n:rei:zo:",
    long: &[
        ("head-count", 'n', true),
        ("repeat", 'r', false),
        ("echo", 'e', false),
        ("input-range", 'i', true),
        ("zero-terminated", 'z', false),
        ("output", 'o', true),
        ("random-source", 'R', true),
    ],
    bad_status: 1,
    numeric: false,
};

/// xorshift64*: enough for shuffling, seeded from the clock and the process.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        Rng((t ^ (u64::from(std::process::id()) << 32)) | 1)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
    }
}

command!(|c| {
    let a = opts!(c, SPEC);
    let sep = if a.has('z') { '\0' } else { '\n' };
    let items: Vec<String> = if a.has('e') {
        a.operands.clone()
    } else if let Some(r) = a.value('i') {
        let range = r
            .split_once('-')
            .and_then(|(lo, hi)| Some((lo.parse::<u64>().ok()?, hi.parse::<u64>().ok()?)))
            .filter(|(lo, hi)| lo <= hi || *lo == hi + 1);
        let Some((lo, hi)) = range else {
            c.err(&format!("invalid input range: '{r}'")).await?;
            return Ok(1);
        };
        if hi - lo >= 10_000_000 {
            c.err(&format!("input range too large: '{r}'")).await?;
            return Ok(1);
        }
        (lo..=hi).map(|n| n.to_string()).collect()
    } else {
        if a.operands.len() > 1 {
            c.err(&format!("extra operand '{}'", a.operands[1])).await?;
            return Ok(1);
        }
        let data = match a.operands.first().map(String::as_str) {
            None | Some("-") => c.stdin().await?,
            Some(f) => match c.read_arg(f).await {
                Ok(d) => d.to_vec(),
                Err(e) => {
                    c.fail(f, &e).await?;
                    return Ok(1);
                }
            },
        };
        let text = String::from_utf8_lossy(&data);
        let mut v: Vec<String> = text.split(sep).map(str::to_string).collect();
        if v.last().is_some_and(String::is_empty) {
            v.pop();
        }
        v
    };
    let count = match a.value('n').map(str::parse::<usize>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            c.err(&format!(
                "invalid line count: '{}'",
                a.value('n').unwrap_or("")
            ))
            .await?;
            return Ok(1);
        }
    };
    let mut rng = Rng::new();
    let mut out = String::new();
    if a.has('r') {
        if items.is_empty() {
            if count.unwrap_or(1) > 0 {
                c.err("no lines to repeat").await?;
                return Ok(1);
            }
            return Ok(0);
        }
        let Some(n) = count else {
            // Endless, like `yes`: the reader (or the output limit) ends it.
            loop {
                for _ in 0..1024 {
                    out.push_str(&items[rng.below(items.len())]);
                    out.push(sep);
                }
                c.print(&std::mem::take(&mut out)).await?;
            }
        };
        for _ in 0..n {
            out.push_str(&items[rng.below(items.len())]);
            out.push(sep);
        }
    } else {
        let mut items = items;
        let n = count.unwrap_or(items.len()).min(items.len());
        // Fisher–Yates, stopped after the `n` places that are printed.
        for i in 0..n {
            let j = i + rng.below(items.len() - i);
            items.swap(i, j);
            out.push_str(&items[i]);
            out.push(sep);
        }
    }
    match a.value('o') {
        Some(f) => {
            let path = match c.path(f) {
                Ok(p) => p,
                Err(e) => {
                    c.fail(f, &e).await?;
                    return Ok(1);
                }
            };
            if let Err(e) = c.vfs().write_all(&path, out.as_bytes(), false).await {
                c.fail(f, &e).await?;
                return Ok(1);
            }
        }
        None => c.print(&out).await?,
    }
    Ok(0)
});
