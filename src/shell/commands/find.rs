//! `find [PATH...] [EXPR]`: -name -iname -path -ipath -regex -type -maxdepth -mindepth -size
//! -mtime -mmin -newer -empty -prune -print -print0 -printf -delete -exec … {} ; and +,
//! `!`/-not, -a/-and, -o/-or, parentheses. Entries are visited in name order.

use std::time::SystemTime;

use super::basename::base;
use crate::shell::pattern;
use crate::vfs::{FileKind, Metadata, SpecialKind};

mod walk;

#[derive(Debug, Clone)]
enum Expr {
    True,
    Name(String, bool),
    Path(String, bool),
    Regex(regex::Regex),
    Type(Vec<char>),
    Size(char, u64, u64),
    Time(char, i64, f64),
    Newer(SystemTime),
    Empty,
    Prune,
    Print(bool),
    Printf(String),
    Delete,
    Exec(Vec<String>, bool),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

struct P<'a> {
    t: &'a [String],
    i: usize,
    has_action: bool,
    maxdepth: Option<usize>,
    mindepth: usize,
    depth_first: bool,
    newer: Vec<(usize, String)>,
}

fn num_cmp(s: &str) -> (char, &str) {
    match s.as_bytes().first() {
        Some(b'+') => ('+', &s[1..]),
        Some(b'-') => ('-', &s[1..]),
        _ => ('=', s),
    }
}

impl P<'_> {
    fn next(&mut self) -> Option<String> {
        let v = self.t.get(self.i).cloned();
        self.i += 1;
        v
    }
    fn arg(&mut self, what: &str) -> Result<String, String> {
        self.next()
            .ok_or_else(|| format!("missing argument to `{what}'"))
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut l = self.and()?;
        while matches!(
            self.t.get(self.i).map(String::as_str),
            Some("-o") | Some("-or")
        ) {
            self.i += 1;
            l = Expr::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut l = self.not()?;
        loop {
            match self.t.get(self.i).map(String::as_str) {
                Some("-a") | Some("-and") => {
                    self.i += 1;
                }
                Some("-o") | Some("-or") | Some(")") | None => break,
                _ => {}
            }
            l = Expr::And(Box::new(l), Box::new(self.not()?));
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Expr, String> {
        if matches!(
            self.t.get(self.i).map(String::as_str),
            Some("!") | Some("-not")
        ) {
            self.i += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Expr, String> {
        let tok = self.next().ok_or("expected an expression")?;
        Ok(match tok.as_str() {
            "(" => {
                let e = self.or()?;
                if self.next().as_deref() != Some(")") {
                    return Err("invalid expression; I was expecting to find a ')' somewhere but did not see one.".into());
                }
                e
            }
            "-name" => Expr::Name(self.arg("-name")?, false),
            "-iname" => Expr::Name(self.arg("-iname")?, true),
            "-path" | "-wholename" => Expr::Path(self.arg("-path")?, false),
            "-ipath" | "-iwholename" => Expr::Path(self.arg("-ipath")?, true),
            "-regex" | "-iregex" => {
                let r = self.arg("-regex")?;
                let re = regex::RegexBuilder::new(&format!(
                    "^(?:{})$",
                    super::regex_syntax::translate(&r, false)
                ))
                .case_insensitive(tok == "-iregex")
                .build()
                .map_err(|e| e.to_string())?;
                Expr::Regex(re)
            }
            "-type" => {
                let t = self.arg("-type")?;
                let kinds: Vec<char> = t.split(',').filter_map(|s| s.chars().next()).collect();
                if let Some(bad) = kinds.iter().find(|k| !"fdlbcps".contains(**k)) {
                    return Err(format!("Unknown argument to -type: {bad}"));
                }
                Expr::Type(kinds)
            }
            "-size" => {
                let s = self.arg("-size")?;
                let (cmp, rest) = num_cmp(&s);
                let (num, unit) = match rest.chars().last() {
                    Some(u) if u.is_ascii_alphabetic() => (&rest[..rest.len() - 1], u),
                    _ => (rest, 'b'),
                };
                let unit_bytes = match unit {
                    'c' => 1,
                    'w' => 2,
                    'k' => 1024,
                    'M' => 1 << 20,
                    'G' => 1 << 30,
                    'b' => 512,
                    _ => return Err(format!("invalid -size unit {unit}")),
                };
                Expr::Size(
                    cmp,
                    num.parse()
                        .map_err(|_| format!("invalid argument `{s}' to `-size'"))?,
                    unit_bytes,
                )
            }
            "-mtime" | "-mmin" | "-atime" | "-amin" | "-ctime" | "-cmin" => {
                let s = self.arg(&tok)?;
                let (cmp, rest) = num_cmp(&s);
                let unit = if tok.ends_with("min") { 60.0 } else { 86400.0 };
                Expr::Time(
                    cmp,
                    rest.parse()
                        .map_err(|_| format!("invalid argument `{s}' to `{tok}'"))?,
                    unit,
                )
            }
            "-newer" => {
                let f = self.arg("-newer")?;
                self.newer.push((self.i, f));
                Expr::Newer(SystemTime::UNIX_EPOCH)
            }
            // `-newermt DATE` (and `-newerat`/`-newerct`, compared with the mtime too).
            "-newermt" | "-newerat" | "-newerct" => {
                let d = self.arg(&tok)?;
                let t = super::datespec::parse(&d, chrono::Utc::now()).ok_or_else(|| {
                    format!("I cannot figure out how to interpret `{d}' as a date or time")
                })?;
                Expr::Newer(t.into())
            }
            "-empty" => Expr::Empty,
            "-prune" => Expr::Prune,
            "-true" => Expr::True,
            "-false" => Expr::Not(Box::new(Expr::True)),
            "-print" => {
                self.has_action = true;
                Expr::Print(false)
            }
            "-print0" => {
                self.has_action = true;
                Expr::Print(true)
            }
            "-printf" => {
                self.has_action = true;
                Expr::Printf(self.arg("-printf")?)
            }
            "-delete" => {
                self.has_action = true;
                self.depth_first = true;
                Expr::Delete
            }
            "-exec" | "-execdir" | "-ok" => {
                self.has_action = true;
                let mut cmd = Vec::new();
                loop {
                    let t = self.next().ok_or("missing argument to `-exec'")?;
                    if t == ";" {
                        break Expr::Exec(cmd, false);
                    }
                    if t == "+" && cmd.last().is_some_and(|l| l == "{}") {
                        cmd.pop();
                        break Expr::Exec(cmd, true);
                    }
                    cmd.push(t);
                }
            }
            "-maxdepth" => {
                let v = self.arg("-maxdepth")?;
                self.maxdepth = Some(v.parse().map_err(|_| {
                    format!(
                        "Expected a positive decimal integer argument to -maxdepth, but got `{v}'"
                    )
                })?);
                Expr::True
            }
            "-mindepth" => {
                let v = self.arg("-mindepth")?;
                self.mindepth = v.parse().map_err(|_| {
                    format!(
                        "Expected a positive decimal integer argument to -mindepth, but got `{v}'"
                    )
                })?;
                Expr::True
            }
            "-depth" | "-d" => {
                self.depth_first = true;
                Expr::True
            }
            "-xdev" | "-mount" | "-noleaf" | "-follow" | "-nowarn" | "-ignore_readdir_race" => {
                Expr::True
            }
            "-quit" => Expr::True,
            other => return Err(format!("unknown predicate `{other}'")),
        })
    }
}

fn kind_char(m: &Metadata) -> char {
    match m.kind {
        FileKind::Dir => 'd',
        FileKind::Symlink => 'l',
        FileKind::File => 'f',
        FileKind::Special => match m.posix.special.map(|s| s.kind) {
            Some(SpecialKind::Socket) => 's',
            Some(SpecialKind::CharDevice) => 'c',
            Some(SpecialKind::BlockDevice) => 'b',
            _ => 'p',
        },
    }
}

struct Hit<'a> {
    shown: &'a str,
    /// The entry's own name (the start's is taken from `shown`).
    name: &'a str,
    meta: &'a Metadata,
    depth: usize,
    empty_dir: bool,
    start: &'a str,
}

/// What evaluation asks the walker to do.
#[derive(Default)]
struct Effects {
    out: Vec<u8>,
    delete: bool,
    exec: Vec<Vec<String>>,
    batch: Vec<(usize, String)>,
    prune: bool,
}

/// `%Tk` of `-printf`: `@` seconds since the epoch (with fraction), `+` date+time, `c` as
/// ctime(3), else the strftime conversion `k` (`Y`, `m`, `d`, `H`, `M`, `S`, `F`, `T` …).
fn time_field(t: SystemTime, k: char) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let dt =
        chrono::DateTime::from_timestamp(d.as_secs() as i64, d.subsec_nanos()).unwrap_or_default();
    match k {
        '@' => format!("{}.{:010}", d.as_secs(), u64::from(d.subsec_nanos()) * 10),
        '+' => dt.format("%Y-%m-%d+%H:%M:%S%.9f0").to_string(),
        'c' => dt.format("%a %b %e %H:%M:%S%.9f0 %Y").to_string(),
        'T' => dt.format("%H:%M:%S%.9f0").to_string(),
        other => dt.format(&format!("%{other}")).to_string(),
    }
}

fn printf(fmt: &str, h: &Hit) -> String {
    let mut out = String::new();
    let mut it = fmt.chars();
    while let Some(ch) = it.next() {
        if ch == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('0') => out.push('\0'),
                Some(o) => out.push(o),
                None => {}
            }
            continue;
        }
        if ch != '%' {
            out.push(ch);
            continue;
        }
        match it.next() {
            Some('p') => out.push_str(h.shown),
            Some('f') => out.push_str(&base(h.shown)),
            Some('h') => out.push_str(&super::basename::dir(h.shown)),
            Some('P') => out.push_str(
                h.shown
                    .strip_prefix(h.start)
                    .map(|s| s.trim_start_matches('/'))
                    .unwrap_or(h.shown),
            ),
            Some('s') => out.push_str(&h.meta.size.to_string()),
            Some('k') => out.push_str(&super::ls::allocated(h.meta).div_ceil(1024).to_string()),
            Some('b') => out.push_str(&(super::ls::allocated(h.meta) / 512).to_string()),
            Some(c @ ('u' | 'g' | 'U' | 'G')) => {
                let (user, group) = super::ls::owner_group(h.meta, c.is_ascii_uppercase());
                out.push_str(if c.eq_ignore_ascii_case(&'u') {
                    &user
                } else {
                    &group
                });
            }
            Some('n') => out.push_str(&h.meta.posix.nlink.unwrap_or(1).to_string()),
            Some(c @ ('A' | 'C')) => {
                let t = if c == 'A' {
                    h.meta.posix.atime.unwrap_or(h.meta.mtime)
                } else {
                    h.meta.posix.ctime.unwrap_or(h.meta.mtime)
                };
                out.push_str(&time_field(t, it.next().unwrap_or('@')));
            }
            Some('d') => out.push_str(&h.depth.to_string()),
            Some('y') => out.push(kind_char(h.meta)),
            Some('m') => out.push_str(&format!("{:o}", h.meta.perm)),
            Some('T') => out.push_str(&time_field(h.meta.mtime, it.next().unwrap_or('@'))),
            Some('t') => out.push_str(&time_field(h.meta.mtime, 'c')),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => {}
        }
    }
    out
}

fn eval(e: &Expr, h: &Hit, fx: &mut Effects, now: SystemTime) -> bool {
    match e {
        Expr::True => true,
        Expr::Name(p, ci) => {
            let start_name;
            let name = if h.depth == 0 {
                start_name = base(h.shown);
                start_name.as_str()
            } else {
                h.name
            };
            if *ci {
                pattern::matches_ci(p, name)
            } else {
                pattern::matches(p, name)
            }
        }
        Expr::Path(p, ci) => {
            if *ci {
                pattern::matches_ci(p, h.shown)
            } else {
                pattern::matches(p, h.shown)
            }
        }
        Expr::Regex(re) => re.is_match(h.shown),
        Expr::Type(k) => k.contains(&kind_char(h.meta)),
        Expr::Size(cmp, n, unit) => {
            let units = h.meta.size.div_ceil(*unit);
            match cmp {
                '+' => units > *n,
                '-' => units < *n,
                _ => units == *n,
            }
        }
        Expr::Time(cmp, n, unit) => {
            let age = now
                .duration_since(h.meta.mtime)
                .map_or(0.0, |d| d.as_secs_f64());
            let units = (age / unit).floor() as i64;
            match cmp {
                '+' => units > *n,
                '-' => units < *n,
                _ => units == *n,
            }
        }
        Expr::Newer(t) => h.meta.mtime > *t,
        Expr::Empty => match h.meta.kind {
            FileKind::File => h.meta.size == 0,
            FileKind::Dir => h.empty_dir,
            FileKind::Symlink | FileKind::Special => false,
        },
        Expr::Prune => {
            fx.prune = true;
            true
        }
        Expr::Print(zero) => {
            fx.out.extend_from_slice(h.shown.as_bytes());
            fx.out.push(if *zero { 0 } else { b'\n' });
            true
        }
        Expr::Printf(f) => {
            fx.out.extend_from_slice(printf(f, h).as_bytes());
            true
        }
        Expr::Delete => {
            fx.delete = true;
            true
        }
        Expr::Exec(cmd, batch) => {
            if *batch {
                fx.batch
                    .push((e as *const Expr as usize, h.shown.to_string()));
                return true;
            }
            fx.exec
                .push(cmd.iter().map(|a| a.replace("{}", h.shown)).collect());
            true
        }
        Expr::Not(x) => !eval(x, h, fx, now),
        Expr::And(a, b) => eval(a, h, fx, now) && eval(b, h, fx, now),
        Expr::Or(a, b) => eval(a, h, fx, now) || eval(b, h, fx, now),
    }
}

fn find_batches<'e>(e: &'e Expr, out: &mut Vec<(usize, &'e Vec<String>)>) {
    match e {
        Expr::Exec(cmd, true) => out.push((e as *const Expr as usize, cmd)),
        Expr::Not(x) => find_batches(x, out),
        Expr::And(a, b) | Expr::Or(a, b) => {
            find_batches(a, out);
            find_batches(b, out);
        }
        _ => {}
    }
}

fn set_newer(e: &mut Expr, times: &mut std::collections::VecDeque<SystemTime>) {
    match e {
        Expr::Newer(t) => {
            if let Some(v) = times.pop_front() {
                *t = v;
            }
        }
        Expr::Not(x) => set_newer(x, times),
        Expr::And(a, b) | Expr::Or(a, b) => {
            set_newer(a, times);
            set_newer(b, times);
        }
        _ => {}
    }
}

command!(|c| {
    let args = c.argv[1..].to_vec();
    let first_expr = args
        .iter()
        .position(|a| a.starts_with('-') && a.len() > 1 || a == "!" || a == "(")
        .unwrap_or(args.len());
    let mut starts: Vec<String> = args[..first_expr].to_vec();
    if starts.is_empty() {
        starts.push(".".into());
    }
    let mut p = P {
        t: &args[first_expr..],
        i: 0,
        has_action: false,
        maxdepth: None,
        mindepth: 0,
        depth_first: false,
        newer: Vec::new(),
    };
    let expr = if p.t.is_empty() {
        Ok(Expr::True)
    } else {
        p.or()
    };
    let mut expr = match expr {
        Ok(e) if p.i >= p.t.len() => e,
        Ok(_) => {
            c.err(&format!("paths must precede expression: `{}'", p.t[p.i]))
                .await?;
            return Ok(1);
        }
        Err(m) => {
            c.err(&m).await?;
            return Ok(1);
        }
    };
    let mut times = std::collections::VecDeque::new();
    for (_, f) in &p.newer {
        match c.path(f) {
            Ok(path) => match c.stat(&path).await {
                Ok((_, m)) => times.push_back(m.mtime),
                Err(e) => {
                    c.fail(f, &e).await?;
                    return Ok(1);
                }
            },
            Err(e) => {
                c.fail(f, &e).await?;
                return Ok(1);
            }
        }
    }
    set_newer(&mut expr, &mut times);
    if !p.has_action {
        expr = Expr::And(Box::new(expr), Box::new(Expr::Print(false)));
    }
    let (maxdepth, mindepth, depth_first) = (p.maxdepth, p.mindepth, p.depth_first);
    let now = SystemTime::now();
    let mut st = 0;
    let mut batches: Vec<(usize, Vec<String>)> = Vec::new();
    for start in &starts {
        let path = match c.path(start) {
            Ok(p) => p,
            Err(e) => {
                c.err(&format!("'{start}': {}", e.user_message())).await?;
                st = 1;
                continue;
            }
        };
        let meta = match c.lstat(&path).await {
            Ok(m) => m,
            Err(e) => {
                c.err(&format!("'{start}': {}", e.user_message())).await?;
                st = 1;
                continue;
            }
        };
        let meta = if meta.kind == FileKind::Symlink && start.ends_with('/') {
            c.stat(&path).await.map(|(_, m)| m).unwrap_or(meta)
        } else {
            meta
        };
        let w = walk::Walk {
            expr: &expr,
            maxdepth,
            mindepth,
            depth_first,
            now,
            start,
        };
        if !walk::walk(&mut c, &w, path, meta, &mut batches).await? {
            st = 1;
        }
    }
    let mut defs = Vec::new();
    find_batches(&expr, &mut defs);
    for (id, cmd) in defs {
        let files: Vec<String> = batches
            .iter()
            .filter(|(i, _)| *i == id)
            .flat_map(|(_, f)| f.clone())
            .collect();
        if files.is_empty() {
            continue;
        }
        for chunk in files.chunks(5000) {
            let mut argv = cmd.clone();
            argv.extend(chunk.iter().cloned());
            if c.sh.dispatch(argv, &c.io).await? != 0 {
                st = 1;
            }
        }
    }
    Ok(st)
});
