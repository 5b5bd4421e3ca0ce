//! `basename NAME [SUFFIX]`, `basename -a [-s SUFFIX] NAME...`, and `dirname NAME...`.

use super::Spec;

const SPEC: Spec = Spec {
    short: "as:z",
    long: &[("multiple", 'a', false), ("suffix", 's', true)],
    bad_status: 1,
    numeric: false,
};

/// The last component of `p` as basename(1) prints it.
pub fn base(p: &str) -> String {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() {
            String::new()
        } else {
            "/".into()
        };
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// The directory part of `p` as dirname(1) prints it.
pub fn dir(p: &str) -> String {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.starts_with('/') {
            "/".into()
        } else {
            ".".into()
        };
    }
    match t.rfind('/') {
        None => ".".into(),
        Some(i) => {
            let d = t[..i].trim_end_matches('/');
            if d.is_empty() {
                "/".into()
            } else {
                d.to_string()
            }
        }
    }
}

command!(|c| {
    if c.name() == "dirname" {
        if c.argv.len() < 2 {
            c.err("missing operand").await?;
            return Ok(1);
        }
        let out: String = c.argv[1..]
            .iter()
            .map(|p| format!("{}\n", dir(p)))
            .collect();
        c.print(&out).await?;
        return Ok(0);
    }
    let a = opts!(c, SPEC);
    if a.operands.is_empty() {
        c.err("missing operand").await?;
        return Ok(1);
    }
    let (names, suffix): (Vec<String>, Option<String>) = if a.has('a') || a.has('s') {
        (a.operands.clone(), a.value('s').map(String::from))
    } else {
        (vec![a.operands[0].clone()], a.operands.get(1).cloned())
    };
    let mut out = String::new();
    for n in names {
        let mut b = base(&n);
        if let Some(s) = &suffix
            && b.len() > s.len()
            && b.ends_with(s.as_str())
        {
            b.truncate(b.len() - s.len());
        }
        out.push_str(&b);
        out.push('\n');
    }
    c.print(&out).await?;
    Ok(0)
});
