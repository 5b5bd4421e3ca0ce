//! `diff [-u] [-U N] [-q] [-i] [-w] [-b] [-r] FILE1 FILE2`: normal and unified output (the
//! `similar` crate's Myers diff), exit 0 same / 1 different / 2 trouble. With `-i`, `-w`, `-b`
//! lines are compared case-folded / without whitespace / with runs of blanks as one, and
//! shown as they are. Directories are compared entry by entry as GNU diff does (`Only in`,
//! `Common subdirectories`, a `diff …` header before each differing pair), into
//! subdirectories with `-r`.

use similar::{ChangeTag, DiffOp, TextDiff};

use crate::vfs::FileKind;

mod tree;
use tree::{Opts, compare_dirs, compare_files, in_dir, kind_of, label};

fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start}"),
        1 => format!("{}", start + 1),
        _ => format!("{},{}", start + 1, start + len),
    }
}

/// How lines are compared.
#[derive(Clone, Copy, Default)]
struct Compare {
    case: bool,
    all_space: bool,
    space_change: bool,
}

impl Compare {
    /// `text` as compared, line for line (the line count is kept).
    fn key(&self, text: &str) -> String {
        if !(self.case || self.all_space || self.space_change) {
            return text.to_string();
        }
        text.split_inclusive('\n')
            .map(|l| {
                let (body, nl) = l.strip_suffix('\n').map_or((l, ""), |b| (b, "\n"));
                let mut k = if self.case {
                    body.to_lowercase()
                } else {
                    body.to_string()
                };
                if self.all_space {
                    k.retain(|c| c != ' ' && c != '\t');
                } else if self.space_change {
                    let words: Vec<&str> = k.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
                    let lead = k.starts_with([' ', '\t']);
                    k = format!("{}{}", if lead { " " } else { "" }, words.join(" "));
                }
                k + nl
            })
            .collect()
    }
}

fn normal(a: &str, b: &str, cmp: Compare) -> String {
    let (ka, kb) = (cmp.key(a), cmp.key(b));
    let d = TextDiff::from_lines(&ka, &kb);
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

fn unified(a: &str, b: &str, ctx: usize, names: (&str, &str), cmp: Compare) -> String {
    let (na, nb) = names;
    let (ka, kb) = (cmp.key(a), cmp.key(b));
    let d = TextDiff::from_lines(&ka, &kb);
    let al: Vec<&str> = a.split_inclusive('\n').collect();
    let bl: Vec<&str> = b.split_inclusive('\n').collect();
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
                // The line as written (the diff ran on the compared form).
                let v = match (ch.old_index(), ch.new_index()) {
                    (Some(i), _) => al.get(i).copied().unwrap_or_default(),
                    (None, Some(j)) => bl.get(j).copied().unwrap_or_default(),
                    (None, None) => ch.value(),
                };
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
    let mut recursive = false;
    let mut cmp = Compare::default();
    let mut files = Vec::new();
    // The options as given, for the `diff …` header of each pair in a directory.
    let given: Vec<String> = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .cloned()
        .collect();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-U" => {
                uni = args.get(i + 1).and_then(|v| v.parse().ok());
                i += 1;
            }
            "--brief" => brief = true,
            "--recursive" => recursive = true,
            "--text" | "--new-file" => {}
            "--ignore-case" => cmp.case = true,
            "--ignore-all-space" => cmp.all_space = true,
            "--ignore-space-change" => cmp.space_change = true,
            "--unified" => uni = Some(3),
            s if s.starts_with("-U") => uni = s[2..].parse().ok(),
            s if s.starts_with('-') && !s.starts_with("--") && s.len() > 1 => {
                for f in s[1..].chars() {
                    match f {
                        'u' => uni = Some(3),
                        'q' => brief = true,
                        'i' => cmp.case = true,
                        'w' => cmp.all_space = true,
                        'b' => cmp.space_change = true,
                        'r' => recursive = true,
                        'N' | 'a' => {}
                        other => {
                            c.err(&format!("invalid option -- '{other}'")).await?;
                            return Ok(2);
                        }
                    }
                }
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
    let opts = Opts {
        uni,
        brief,
        recursive,
        cmp,
        header: std::iter::once("diff".to_string())
            .chain(given)
            .collect::<Vec<_>>()
            .join(" "),
    };
    let kinds = [kind_of(&c, &files[0]).await, kind_of(&c, &files[1]).await];
    if kinds.contains(&Some(FileKind::Dir)) {
        let (a, b) = match kinds {
            [Some(FileKind::Dir), Some(FileKind::Dir)] => (files[0].clone(), files[1].clone()),
            // `diff file dir`: the file against the one of the same name in the directory.
            [Some(FileKind::Dir), _] => (in_dir(&files[0], &files[1]), files[1].clone()),
            _ => (files[0].clone(), in_dir(&files[1], &files[0])),
        };
        let both_dirs = kinds == [Some(FileKind::Dir), Some(FileKind::Dir)];
        let mut out = String::new();
        let r = if both_dirs {
            compare_dirs(&c, &a, &b, &opts, &mut out).await
        } else {
            compare_files(&c, &a, &b, &opts, false, &mut out).await
        };
        c.print(&out).await?;
        return Ok(match r {
            Ok(differ) => differ as i32,
            Err(msg) => {
                c.err(&msg).await?;
                2
            }
        });
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
    if texts[0] == texts[1] || cmp.key(&texts[0]) == cmp.key(&texts[1]) {
        return Ok(0);
    }
    if brief {
        c.print(&format!("Files {} and {} differ\n", files[0], files[1]))
            .await?;
        return Ok(1);
    }
    let out = match uni {
        Some(n) => {
            let (la, lb) = (label(&c, &files[0]).await, label(&c, &files[1]).await);
            unified(&texts[0], &texts[1], n, (&la, &lb), cmp)
        }
        None => normal(&texts[0], &texts[1], cmp),
    };
    c.print(&out).await?;
    Ok(1)
});
