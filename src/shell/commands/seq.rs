//! `seq [-s SEP] [-w] [-f FMT] [FIRST [INCREMENT]] LAST`

use super::Spec;

const SPEC: Spec = Spec {
    short: "s:wf:",
    long: &[
        ("separator", 's', true),
        ("equal-width", 'w', false),
        ("format", 'f', true),
    ],
    bad_status: 1,
    numeric: false,
};

fn decimals(s: &str) -> usize {
    s.split_once('.').map_or(0, |(_, d)| d.len())
}

command!(|c| {
    // Negative numbers are operands here, not options.
    let argv: Vec<String> = c.argv[1..].to_vec();
    let mut opts_end = 0;
    while opts_end < argv.len()
        && argv[opts_end].starts_with('-')
        && argv[opts_end].parse::<f64>().is_err()
    {
        opts_end += if matches!(argv[opts_end].as_str(), "-s" | "-f") {
            2
        } else {
            1
        };
    }
    let a = match super::Args::parse(&argv[..opts_end.min(argv.len())], &SPEC) {
        Ok(a) => a,
        Err(m) => {
            c.err(&m).await?;
            return Ok(1);
        }
    };
    let nums: Vec<&String> = argv[opts_end.min(argv.len())..].iter().collect();
    let parsed: Result<Vec<f64>, _> = nums.iter().map(|s| s.parse::<f64>()).collect();
    let Ok(v) = parsed else {
        let badn = nums
            .iter()
            .find(|s| s.parse::<f64>().is_err())
            .map_or("", |s| s.as_str());
        c.err(&format!("invalid floating point argument: '{badn}'"))
            .await?;
        return Ok(1);
    };
    let (first, inc, last) = match v.len() {
        1 => (1.0, 1.0, v[0]),
        2 => (v[0], 1.0, v[1]),
        3 => (v[0], v[1], v[2]),
        0 => {
            c.err("missing operand").await?;
            return Ok(1);
        }
        _ => {
            c.err(&format!("extra operand '{}'", nums[3])).await?;
            return Ok(1);
        }
    };
    if inc == 0.0 {
        c.err("invalid Zero increment value: '0'").await?;
        return Ok(1);
    }
    let prec = nums.iter().map(|s| decimals(s)).max().unwrap_or(0);
    let sep = a.value('s').unwrap_or("\n").to_string();
    let fmt_one = |x: f64| -> String {
        if let Some(f) = a.value('f') {
            return super::printf::format(f, &[format!("{x}")]).0;
        }
        format!("{x:.prec$}")
    };
    let at = |i: u64| first + inc * i as f64;
    let past = |x: f64| (inc > 0.0 && x > last + 1e-9) || (inc < 0.0 && x < last - 1e-9);
    // `-w`: the width of the widest of the first and the last number (the ends of the run).
    let width = if a.has('w') && !past(first) {
        let n = ((last - first) / inc + 1e-9).floor().max(0.0) as u64;
        let n = if past(at(n)) { n.saturating_sub(1) } else { n };
        fmt_one(first).len().max(fmt_one(at(n)).len())
    } else {
        0
    };
    let pad = |s: String| -> String {
        if s.len() >= width {
            return s;
        }
        let (neg, digits) = match s.strip_prefix('-') {
            Some(d) => ("-", d),
            None => ("", s.as_str()),
        };
        format!("{neg}{digits:0>w$}", w = width - neg.len())
    };
    // Printed in runs of 100,000; the separator goes between numbers, a newline after the last.
    let mut out = String::new();
    let mut i = 0u64;
    loop {
        let x = at(i);
        if past(x) {
            break;
        }
        if i > 0 {
            out.push_str(&sep);
        }
        out.push_str(&pad(fmt_one(x)));
        i += 1;
        if i.is_multiple_of(100_000) {
            c.print(&out).await?;
            out.clear();
        }
    }
    if i > 0 {
        out.push('\n');
        c.print(&out).await?;
    }
    Ok(0)
});
