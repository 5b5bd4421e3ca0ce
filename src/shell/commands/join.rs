//! `join [-t C] [-1 F] [-2 F] [-j F] [-a 1|2] [-v 1|2] [-o LIST] [-e EMPTY] [-i] FILE1 FILE2`:
//! joins lines of two sorted files on a field, as GNU join does.

use super::Spec;

const SPEC: Spec = Spec {
    short: "t:1:2:j:a:v:o:e:i",
    long: &[("ignore-case", 'i', false)],
    bad_status: 1,
    numeric: false,
};

/// One output field of `-o`: the join field, or field `n` (1-based) of file 1 or 2.
#[derive(Clone, Copy)]
enum Out {
    Key,
    Field(usize, usize),
}

fn parse_format(s: &str) -> Option<Vec<Out>> {
    s.split([',', ' '])
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p == "0" {
                return Some(Out::Key);
            }
            let (f, n) = p.split_once('.')?;
            let file = f.parse::<usize>().ok().filter(|f| matches!(f, 1 | 2))?;
            Some(Out::Field(
                file,
                n.parse::<usize>().ok().filter(|n| *n > 0)?,
            ))
        })
        .collect()
}

command!(|c| {
    let a = opts!(c, SPEC);
    let num = |f: char, default: usize| {
        a.value(f)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    let f1 = num('1', num('j', 1));
    let f2 = num('2', num('j', 1));
    let sep = a.value('t').and_then(|s| s.chars().next());
    let only: Vec<&str> = a.values('v');
    let unpaired: Vec<&str> = a
        .values('a')
        .into_iter()
        .chain(only.iter().copied())
        .collect();
    let empty = a.value('e').map(String::from);
    let format = match a.value('o') {
        None | Some("auto") => None,
        Some(o) => match parse_format(o) {
            Some(f) => Some(f),
            None => {
                c.err(&format!("invalid field specifier: '{o}'")).await?;
                return Ok(1);
            }
        },
    };
    if a.operands.len() != 2 {
        c.err(if a.operands.len() < 2 {
            "missing operand"
        } else {
            "extra operand"
        })
        .await?;
        return Ok(1);
    }
    let mut texts = Vec::new();
    for f in &a.operands {
        match c.read_arg(f).await {
            Ok(d) => texts.push(String::from_utf8_lossy(&d).into_owned()),
            Err(e) => {
                c.fail(f, &e).await?;
                return Ok(1);
            }
        }
    }
    let split = |l: &str| -> Vec<String> {
        match sep {
            Some(s) => l.split(s).map(String::from).collect(),
            None => l.split_whitespace().map(String::from).collect(),
        }
    };
    let rows_a: Vec<Vec<String>> = texts[0].lines().map(split).collect();
    let rows_b: Vec<Vec<String>> = texts[1].lines().map(split).collect();
    let osep = sep.map_or(" ".to_string(), |s| s.to_string());
    let ci = a.has('i');
    let key = |r: &Vec<String>, f: usize| {
        let k = r.get(f - 1).cloned().unwrap_or_default();
        if ci { k.to_lowercase() } else { k }
    };
    // A joined (or unpaired) line: `x` from file `fx`, `y` from the other.
    let line = |x: &Vec<String>, fx: usize, xfile: usize, y: Option<&Vec<String>>| {
        let (r1, r2) = if xfile == 1 {
            (Some(x), y)
        } else {
            (y, Some(x))
        };
        let k = x.get(fx - 1).cloned().unwrap_or_default();
        let parts: Vec<String> = match &format {
            Some(fmt) => fmt
                .iter()
                .map(|o| match o {
                    Out::Key => k.clone(),
                    Out::Field(file, n) => {
                        let r = if *file == 1 { r1 } else { r2 };
                        r.and_then(|r| r.get(n - 1).cloned())
                            .or_else(|| empty.clone())
                            .unwrap_or_default()
                    }
                })
                .collect(),
            None => {
                let mut parts = vec![k.clone()];
                for (r, f) in [(r1, f1), (r2, f2)] {
                    if let Some(r) = r {
                        parts.extend(
                            r.iter()
                                .enumerate()
                                .filter(|(i, _)| *i != f - 1)
                                .map(|(_, s)| s.clone()),
                        );
                    }
                }
                parts
            }
        };
        parts.join(&osep) + "\n"
    };
    let show = |n: &str| unpaired.contains(&n);
    let joined = only.is_empty();
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < rows_a.len() || j < rows_b.len() {
        let ka = rows_a.get(i).map(|r| key(r, f1));
        let kb = rows_b.get(j).map(|r| key(r, f2));
        match (ka, kb) {
            (Some(x), Some(y)) if x == y => {
                let mut jj = j;
                while jj < rows_b.len() && key(&rows_b[jj], f2) == x {
                    if joined {
                        out.push_str(&line(&rows_a[i], f1, 1, Some(&rows_b[jj])));
                    }
                    jj += 1;
                }
                i += 1;
                if rows_a.get(i).map(|r| key(r, f1)) != Some(x) {
                    j = jj;
                }
            }
            (Some(x), Some(y)) if x < y => {
                if show("1") {
                    out.push_str(&line(&rows_a[i], f1, 1, None));
                }
                i += 1;
            }
            (Some(_), None) => {
                if show("1") {
                    out.push_str(&line(&rows_a[i], f1, 1, None));
                }
                i += 1;
            }
            (_, Some(_)) => {
                if show("2") {
                    out.push_str(&line(&rows_b[j], f2, 2, None));
                }
                j += 1;
            }
            (None, None) => break,
        }
    }
    c.print(&out).await?;
    Ok(0)
});
