//! `diff [-u] [-U N] [-q] [-r] FILE1 FILE2`: normal and unified output (the `similar` crate's
//! Myers diff), exit 0 same / 1 different / 2 trouble.

use similar::{ChangeTag, DiffOp, TextDiff};

fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start}"),
        1 => format!("{}", start + 1),
        _ => format!("{},{}", start + 1, start + len),
    }
}

fn normal(a: &str, b: &str) -> String {
    let d = TextDiff::from_lines(a, b);
    let al: Vec<&str> = a.split_inclusive('\n').collect();
    let bl: Vec<&str> = b.split_inclusive('\n').collect();
    let mut out = String::new();
    let line = |out: &mut String, pre: &str, l: &str| {
        out.push_str(pre);
        out.push_str(l);
        if !l.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    };
    for op in d.ops() {
        match *op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => {
                out.push_str(&format!("{}d{}\n", range(old_index, old_len), new_index));
                for l in &al[old_index..old_index + old_len] {
                    line(&mut out, "< ", l);
                }
            }
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => {
                out.push_str(&format!("{}a{}\n", old_index, range(new_index, new_len)));
                for l in &bl[new_index..new_index + new_len] {
                    line(&mut out, "> ", l);
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                out.push_str(&format!(
                    "{}c{}\n",
                    range(old_index, old_len),
                    range(new_index, new_len)
                ));
                for l in &al[old_index..old_index + old_len] {
                    line(&mut out, "< ", l);
                }
                out.push_str("---\n");
                for l in &bl[new_index..new_index + new_len] {
                    line(&mut out, "> ", l);
                }
            }
        }
    }
    out
}

fn unified(a: &str, b: &str, ctx: usize, na: &str, nb: &str) -> String {
    let d = TextDiff::from_lines(a, b);
    let mut out = format!("--- {na}\n+++ {nb}\n");
    for group in d.grouped_ops(ctx) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let os = first.old_range().start;
        let oe = last.old_range().end;
        let ns = first.new_range().start;
        let ne = last.new_range().end;
        let r = |s: usize, e: usize| {
            if e - s == 1 {
                format!("{}", s + 1)
            } else if e == s {
                format!("{s},0")
            } else {
                format!("{},{}", s + 1, e - s)
            }
        };
        out.push_str(&format!("@@ -{} +{} @@\n", r(os, oe), r(ns, ne)));
        for op in &group {
            for ch in d.iter_changes(op) {
                let sign = match ch.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                out.push(sign);
                let v = ch.value();
                out.push_str(v);
                if !v.ends_with('\n') {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

command!(|c| {
    let args = c.argv[1..].to_vec();
    let mut uni: Option<usize> = None;
    let mut brief = false;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-u" => uni = Some(3),
            "-U" => {
                uni = args.get(i + 1).and_then(|v| v.parse().ok());
                i += 1;
            }
            "-q" | "--brief" => brief = true,
            "-r" | "-N" | "-a" | "--text" => {}
            s if s.starts_with("-U") => uni = s[2..].parse().ok(),
            s if s.starts_with('-') && s.len() > 1 => {
                c.err(&format!("invalid option -- '{}'", &s[1..])).await?;
                return Ok(2);
            }
            s => files.push(s.to_string()),
        }
        i += 1;
    }
    if files.len() != 2 {
        c.err(&format!(
            "missing operand after '{}'",
            files.first().map_or("diff", |s| s.as_str())
        ))
        .await?;
        return Ok(2);
    }
    let mut texts = Vec::new();
    for f in &files {
        match c.read_arg(f).await {
            Ok(d) => texts.push(String::from_utf8_lossy(&d).into_owned()),
            Err(e) => {
                c.fail(f, &e).await?;
                return Ok(2);
            }
        }
    }
    if texts[0] == texts[1] {
        return Ok(0);
    }
    if brief {
        c.print(&format!("Files {} and {} differ\n", files[0], files[1]))
            .await?;
        return Ok(1);
    }
    let out = match uni {
        Some(n) => unified(&texts[0], &texts[1], n, &files[0], &files[1]),
        None => normal(&texts[0], &texts[1]),
    };
    c.print(&out).await?;
    Ok(1)
});
