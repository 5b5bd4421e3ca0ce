//! `grep` (GNU flags: -r -R -i -n -l -L -c -v -E -F -G -P -o -w -x -e -f -A -B -C -h -H -q -s -m
//! --include --exclude --exclude-dir) and `rg` (recursive by default, hidden files skipped,
//! `-g GLOB`), both on `regex` over bytes.

use regex::bytes::RegexBuilder;

use super::regex_syntax::translate;
use super::{Args, Spec};

mod matcher;

use crate::shell::pattern;
use crate::vfs::{FileKind, VPath};
use matcher::Matcher;

const GREP: Spec = Spec {
    short: "rRinlLcvEFGPowxe:f:A:B:C:hHqsm:zaIUZb",
    long: &[
        ("byte-offset", 'b', false),
        ("recursive", 'r', false),
        ("dereference-recursive", 'R', false),
        ("ignore-case", 'i', false),
        ("line-number", 'n', false),
        ("files-with-matches", 'l', false),
        ("files-without-match", 'L', false),
        ("count", 'c', false),
        ("invert-match", 'v', false),
        ("extended-regexp", 'E', false),
        ("fixed-strings", 'F', false),
        ("basic-regexp", 'G', false),
        ("perl-regexp", 'P', false),
        ("only-matching", 'o', false),
        ("word-regexp", 'w', false),
        ("line-regexp", 'x', false),
        ("regexp", 'e', true),
        ("file", 'f', true),
        ("after-context", 'A', true),
        ("before-context", 'B', true),
        ("context", 'C', true),
        ("no-filename", 'h', false),
        ("with-filename", 'H', false),
        ("quiet", 'q', false),
        ("silent", 'q', false),
        ("no-messages", 's', false),
        ("max-count", 'm', true),
        ("include", '1', true),
        ("exclude", '2', true),
        ("exclude-dir", '3', true),
        ("color", '4', false),
        ("colour", '4', false),
        ("null", 'Z', false),
        ("text", 'a', false),
        ("binary-files", '5', true),
    ],
    bad_status: 2,
    numeric: true,
};

const RG: Spec = Spec {
    short: "inlcvFPowxe:f:A:B:C:hHqsm:g:t:SuUIN.L",
    long: &[
        ("ignore-case", 'i', false),
        ("line-number", 'n', false),
        ("files-with-matches", 'l', false),
        ("files-without-match", '6', false),
        ("count", 'c', false),
        ("invert-match", 'v', false),
        ("fixed-strings", 'F', false),
        ("only-matching", 'o', false),
        ("word-regexp", 'w', false),
        ("line-regexp", 'x', false),
        ("regexp", 'e', true),
        ("file", 'f', true),
        ("after-context", 'A', true),
        ("before-context", 'B', true),
        ("context", 'C', true),
        ("no-filename", 'I', false),
        ("with-filename", 'H', false),
        ("quiet", 'q', false),
        ("max-count", 'm', true),
        ("glob", 'g', true),
        ("type", 't', true),
        ("smart-case", 'S', false),
        ("hidden", '.', false),
        ("no-line-number", 'N', false),
        ("no-ignore", '7', false),
        ("color", '4', true),
        ("heading", '8', false),
        ("no-heading", '9', false),
        ("files", '0', false),
        ("case-sensitive", 's', false),
        ("follow", 'L', false),
    ],
    bad_status: 2,
    numeric: false,
};

struct Search {
    re: Matcher,
    /// `-b`: each output line starts with its byte offset in the input.
    byte_offset: bool,
    invert: bool,
    only: bool,
    count: bool,
    list: Option<bool>,
    number: bool,
    quiet: bool,
    max: Option<u64>,
    before: usize,
    after: usize,
    text: bool,
}

#[derive(Default)]
struct Outcome {
    matched: bool,
    /// Matching lines counted (those of earlier blocks included, see [`Block`]).
    count: u64,
    out: Vec<u8>,
    /// A binary input matched: GNU grep (3.5 on) says so on stderr, not stdout.
    binary_match: bool,
}

/// Where a block of lines sits in its input: the number of lines and of matches before it
/// (stdin is searched block by block as it comes).
#[derive(Clone, Copy, Default)]
struct Block {
    first_line: usize,
    first_byte: usize,
    matches_before: u64,
}

/// Searches `data`; `name` prefixes output lines when several files are searched, `label`
/// is the input's own name (`(standard input)` for stdin) for `-l` and `-L`.
fn search(s: &Search, name: Option<&str>, label: &str, data: &[u8], at: Block) -> Outcome {
    let mut o = Outcome::default();
    if !s.text && s.list.is_none() && !s.count && !s.quiet && memchr::memchr(0, data).is_some() {
        let any = data
            .split(|&b| b == b'\n')
            .any(|l| s.re.is_match(l) != s.invert);
        // GNU grep (3.5 on) says "binary file matches" on stderr; the caller prints it.
        o.matched = any;
        o.binary_match = any;
        return o;
    }
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    let lines: Vec<&[u8]> = if data.is_empty() {
        vec![]
    } else {
        body.split(|&b| b == b'\n').collect()
    };
    let mut count = at.matches_before;
    let mut last_printed: Option<usize> = None;
    let mut after_left = 0usize;
    // Byte offset of line `i` (plus `within` it) in the whole input.
    let offset = |i: usize, within: usize| {
        at.first_byte + (lines[i].as_ptr() as usize - data.as_ptr() as usize) + within
    };
    let prefix_at = |o: &mut Vec<u8>, i: usize, sep: u8, within: usize| {
        if let Some(n) = name {
            o.extend_from_slice(n.as_bytes());
            o.push(sep);
        }
        if s.number {
            o.extend_from_slice((at.first_line + i + 1).to_string().as_bytes());
            o.push(sep);
        }
        if s.byte_offset {
            o.extend_from_slice(offset(i, within).to_string().as_bytes());
            o.push(sep);
        }
    };
    let prefix = |o: &mut Vec<u8>, i: usize, sep: u8| prefix_at(o, i, sep, 0);
    let context = s.before > 0 || s.after > 0;
    for (i, line) in lines.iter().enumerate() {
        if s.max.is_some_and(|m| count >= m) {
            if after_left > 0 && s.re.is_match(line) == s.invert {
                prefix(&mut o.out, i, b'-');
                o.out.extend_from_slice(line);
                o.out.push(b'\n');
                last_printed = Some(i);
                after_left -= 1;
                continue;
            }
            break;
        }
        let hit = s.re.is_match(line) != s.invert;
        if !hit {
            if after_left > 0 {
                prefix(&mut o.out, i, b'-');
                o.out.extend_from_slice(line);
                o.out.push(b'\n');
                last_printed = Some(i);
                after_left -= 1;
            }
            continue;
        }
        count += 1;
        o.matched = true;
        if s.quiet || s.list.is_some() {
            if s.quiet || s.list == Some(true) {
                break;
            }
            continue;
        }
        if s.count {
            continue;
        }
        if context {
            let start = i.saturating_sub(s.before);
            let from = match last_printed {
                Some(lp) if lp + 1 >= start => lp + 1,
                Some(_) => {
                    o.out.extend_from_slice(b"--\n");
                    start
                }
                None => start,
            };
            for (j, l) in lines.iter().enumerate().take(i).skip(from) {
                prefix(&mut o.out, j, b'-');
                o.out.extend_from_slice(l);
                o.out.push(b'\n');
            }
        }
        if s.only && !s.invert {
            for (start, m) in s.re.find_all(line) {
                if m.is_empty() {
                    continue;
                }
                prefix_at(&mut o.out, i, b':', start);
                o.out.extend_from_slice(&m);
                o.out.push(b'\n');
            }
        } else if !s.only {
            prefix(&mut o.out, i, b':');
            o.out.extend_from_slice(line);
            o.out.push(b'\n');
        }
        last_printed = Some(i);
        after_left = s.after;
    }
    o.count = count;
    if s.count {
        if let Some(n) = name {
            o.out.extend_from_slice(n.as_bytes());
            o.out.push(b':');
        }
        o.out.extend_from_slice(format!("{count}\n").as_bytes());
    }
    if let Some(with) = s.list
        && o.matched == with
    {
        o.out.extend_from_slice(label.as_bytes());
        o.out.push(b'\n');
    }
    o
}

/// Searches stdin block by block (complete lines), writing matches as they are found;
/// stops reading at the first match with `-q` and after `-m N` matches. True if any matched.
async fn search_stream(
    c: &super::Ctx<'_>,
    s: &Search,
    name: Option<&str>,
    label: &str,
    buf: &mut Vec<u8>,
) -> Result<bool, crate::shell::ShellError> {
    let mut at = Block::default();
    let mut matched = false;
    loop {
        let Some(block) = c.io.stdin.read_lines_block().await else {
            return Ok(matched);
        };
        let o = search(s, name, label, &block, at);
        matched |= o.matched;
        buf.extend_from_slice(&o.out);
        if o.binary_match {
            c.out(&std::mem::take(buf)).await?;
            c.err(&format!("{label}: binary file matches")).await?;
            return Ok(true);
        }
        c.out(&std::mem::take(buf)).await?;
        at.first_line += memchr::memchr_iter(b'\n', &block).count();
        at.first_byte += block.len();
        at.matches_before = o.count;
        if (s.quiet && matched) || s.max.is_some_and(|m| o.count >= m) {
            return Ok(matched);
        }
    }
}

fn build(a: &Args, patterns: &[String], rg: bool) -> Result<Matcher, String> {
    let fixed = a.has('F');
    let extended = rg || a.has('E') || a.has('P');
    let parts: Vec<String> = patterns
        .iter()
        .map(|p| {
            if fixed {
                regex::escape(p)
            } else if rg || a.has('P') {
                p.clone()
            } else {
                translate(p, extended)
            }
        })
        .map(|p| {
            if a.has('w') {
                format!(r"(?:^|\b)(?:{p})(?:\b|$)")
            } else {
                p
            }
        })
        .map(|p| if a.has('x') { format!("^(?:{p})$") } else { p })
        .collect();
    let mut case_insensitive = a.has('i');
    if rg && a.has('S') && !a.has('s') {
        case_insensitive = !patterns.iter().any(|p| p.chars().any(|c| c.is_uppercase()));
    }
    let joined = if parts.is_empty() {
        "(?:)".to_string()
    } else {
        parts
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|")
    };
    match RegexBuilder::new(&joined)
        .case_insensitive(case_insensitive)
        .multi_line(false)
        .unicode(false)
        .build()
    {
        Ok(re) => Ok(Matcher::Plain(re)),
        // Look-around and back-references: PCRE's backtracking, as `grep -P` has it.
        Err(_) if a.has('P') => Matcher::backtracking(&joined, case_insensitive),
        Err(regex::Error::Syntax(m)) => Err(m.lines().last().unwrap_or("").trim().to_string()),
        Err(other) => Err(other.to_string()),
    }
}

fn rg_type_globs(t: &str) -> Vec<String> {
    let exts: &[&str] = match t {
        "rust" => &["rs"],
        "py" | "python" => &["py", "pyi"],
        "js" => &["js", "mjs", "cjs", "jsx"],
        "ts" | "typescript" => &["ts", "tsx", "mts", "cts"],
        "go" => &["go"],
        "md" | "markdown" => &["md", "markdown"],
        "json" => &["json"],
        "yaml" => &["yaml", "yml"],
        "toml" => &["toml"],
        "c" => &["c", "h"],
        "cpp" => &["cpp", "cc", "hpp", "h", "cxx"],
        "java" => &["java"],
        "sh" => &["sh", "bash"],
        "txt" => &["txt"],
        "html" => &["html", "htm"],
        "css" => &["css"],
        _ => &[],
    };
    exts.iter().map(|e| format!("*.{e}")).collect()
}

command!(|c| {
    // `egrep`/`fgrep`: `grep -E`/`grep -F`, as the Debian wrappers are.
    if let Some(flag) = match c.name() {
        "egrep" => Some("-E"),
        "fgrep" => Some("-F"),
        _ => None,
    } {
        c.argv.insert(1, flag.to_string());
    }
    let rg = c.name() == "rg";
    let a = if rg { opts!(c, RG) } else { opts!(c, GREP) };
    let mut patterns: Vec<String> = a.values('e').iter().map(|s| s.to_string()).collect();
    for f in a.values('f') {
        match c.read_arg(f).await {
            Ok(d) => patterns.extend(String::from_utf8_lossy(&d).lines().map(String::from)),
            Err(e) => {
                c.fail(f, &e).await?;
                return Ok(2);
            }
        }
    }
    let mut operands = a.operands.clone();
    if patterns.is_empty() && a.values('f').is_empty() {
        if operands.is_empty() {
            c.io.stderr.print(&format!("Usage: {} [OPTION]... PATTERNS [FILE]...\nTry '{} --help' for more information.\n", c.name(), c.name())).await?;
            return Ok(2);
        }
        patterns.push(operands.remove(0));
    }
    let patterns: Vec<String> = patterns
        .iter()
        .flat_map(|p| p.split('\n').map(String::from).collect::<Vec<_>>())
        .collect();
    let re = match build(&a, &patterns, rg) {
        Ok(r) => r,
        Err(m) => {
            c.err(&m).await?;
            return Ok(2);
        }
    };
    let ctx_n = |f: char| {
        a.value(f)
            .or(a.value('C'))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0)
    };
    let num_ctx = a.value('#').and_then(|v| v.parse::<usize>().ok());
    let recursive = rg || a.has('r') || a.has('R');
    if operands.is_empty() {
        operands.push(if recursive { ".".into() } else { "-".into() });
    }
    let s = Search {
        re,
        invert: a.has('v'),
        only: a.has('o'),
        count: a.has('c'),
        list: if a.has('l') || (rg && a.has('0')) {
            Some(true)
        } else if a.has('L') || a.has('6') {
            Some(false)
        } else {
            None
        },
        number: a.has('n'),
        byte_offset: a.has('b'),
        quiet: a.has('q'),
        max: a.value('m').and_then(|v| v.parse().ok()),
        before: num_ctx.unwrap_or_else(|| ctx_n('B')),
        after: num_ctx.unwrap_or_else(|| ctx_n('A')),
        text: a.has('a'),
    };
    let include: Vec<String> = a.values('1').iter().map(|s| s.to_string()).collect();
    let exclude: Vec<String> = a.values('2').iter().map(|s| s.to_string()).collect();
    let exclude_dir: Vec<String> = a.values('3').iter().map(|s| s.to_string()).collect();
    let mut globs: Vec<String> = a.values('g').iter().map(|s| s.to_string()).collect();
    for t in a.values('t') {
        globs.extend(rg_type_globs(t));
    }
    let hidden = !rg || a.has('.') || a.has('u');
    // Collect (shown name, path) of files to search.
    let mut files: Vec<(String, Option<VPath>)> = Vec::new();
    let mut st_err = false;
    let many = operands.len() > 1;
    let mut any_dir = false;
    for op in &operands {
        if op == "-" {
            files.push(("(standard input)".into(), None));
            continue;
        }
        let path = match c.path(op) {
            Ok(p) => p,
            Err(e) => {
                if !a.has('s') {
                    c.fail(op, &e).await?;
                }
                st_err = true;
                continue;
            }
        };
        let meta = match c.stat(&path).await {
            Ok((_, m)) => m,
            Err(e) => {
                if !a.has('s') {
                    c.fail(op, &e).await?;
                }
                st_err = true;
                continue;
            }
        };
        if meta.is_dir() {
            if !recursive {
                if !a.has('s') {
                    c.err(&format!("{op}: Is a directory")).await?;
                }
                st_err = true;
                continue;
            }
            any_dir = true;
            let mut stack = vec![(op.trim_end_matches('/').to_string(), path)];
            if op == "/" {
                stack[0].0 = String::new();
            }
            while let Some((shown, dir)) = stack.pop() {
                let entries = match c.vfs().list(&dir).await {
                    Ok(e) => e,
                    Err(e) => {
                        if !a.has('s') {
                            c.fail(&shown, &e).await?;
                        }
                        st_err = true;
                        continue;
                    }
                };
                let mut subdirs = Vec::new();
                let mut names: Vec<_> = entries.into_iter().collect();
                names.sort_by(|x, y| x.name.cmp(&y.name));
                for e in names {
                    if !hidden && e.name.starts_with('.') {
                        continue;
                    }
                    let child_shown = if rg && shown == "." {
                        e.name.clone()
                    } else {
                        format!("{shown}/{}", e.name)
                    };
                    let Ok(child) = dir.join(&e.name) else {
                        continue;
                    };
                    let kind =
                        if e.meta.kind == FileKind::Symlink && (a.has('R') || (rg && a.has('L'))) {
                            c.stat(&child)
                                .await
                                .map(|(_, m)| m.kind)
                                .unwrap_or(FileKind::Symlink)
                        } else {
                            e.meta.kind
                        };
                    match kind {
                        FileKind::Dir => {
                            if exclude_dir.iter().any(|g| pattern::matches(g, &e.name)) {
                                continue;
                            }
                            subdirs.push((child_shown, child));
                        }
                        FileKind::File => {
                            if !include.is_empty()
                                && !include.iter().any(|g| pattern::matches(g, &e.name))
                            {
                                continue;
                            }
                            if exclude.iter().any(|g| pattern::matches(g, &e.name)) {
                                continue;
                            }
                            if !globs.is_empty() {
                                let pos: Vec<&String> =
                                    globs.iter().filter(|g| !g.starts_with('!')).collect();
                                let neg: Vec<&str> =
                                    globs.iter().filter_map(|g| g.strip_prefix('!')).collect();
                                if !pos.is_empty()
                                    && !pos.iter().any(|g| {
                                        pattern::matches(g, &e.name)
                                            || pattern::matches(g, &child_shown)
                                    })
                                {
                                    continue;
                                }
                                if neg.iter().any(|g| pattern::matches(g, &e.name)) {
                                    continue;
                                }
                            }
                            files.push((child_shown, Some(child)));
                        }
                        FileKind::Symlink | FileKind::Special => {}
                    }
                }
                for d in subdirs.into_iter().rev() {
                    stack.push(d);
                }
            }
        } else {
            files.push((op.clone(), Some(path)));
        }
    }
    let with_name = if a.has('h') || a.has('I') {
        false
    } else {
        a.has('H') || many || any_dir
    };
    let mut matched = false;
    let mut buf = Vec::new();
    for (shown, path) in files {
        // Stdin is searched as it comes when no output needs all of it (`yes | grep -m1 y`
        // and `grep -q` end early).
        if path.is_none() && !s.count && s.list.is_none() && s.before == 0 && s.after == 0 {
            let name = with_name.then_some(shown.as_str());
            let o = search_stream(&c, &s, name, &shown, &mut buf).await?;
            matched |= o;
            if s.quiet && matched {
                return Ok(0);
            }
            continue;
        }
        let data = match &path {
            None => bytes::Bytes::from(c.stdin().await?),
            Some(p) => match c.read_path(p).await {
                Ok(d) => d,
                Err(e) => {
                    if !a.has('s') {
                        c.fail(&shown, &e).await?;
                    }
                    st_err = true;
                    continue;
                }
            },
        };
        if rg && !a.has('a') && memchr::memchr(0, &data[..data.len().min(8192)]).is_some() {
            continue;
        }
        let o = search(
            &s,
            with_name.then_some(shown.as_str()),
            &shown,
            &data,
            Block::default(),
        );
        matched |= o.matched;
        if s.quiet && matched {
            return Ok(0);
        }
        buf.extend_from_slice(&o.out);
        if o.binary_match {
            c.out(&std::mem::take(&mut buf)).await?;
            c.err(&format!("{shown}: binary file matches")).await?;
        }
        if buf.len() > 1 << 16 {
            c.out(&std::mem::take(&mut buf)).await?;
        }
    }
    c.out(&buf).await?;
    Ok(if st_err && !(s.quiet && matched) {
        2
    } else if matched {
        0
    } else {
        1
    })
});
