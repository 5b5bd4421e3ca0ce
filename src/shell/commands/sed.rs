//! `sed [-nEsz] [-i[SUF]] [-e SCRIPT]... [-f FILE] [SCRIPT] [FILE]...`: GNU sed's commands
//! (s y d D p P n N a i c q Q = h H g G x b t T : l z { } !), addresses (N, $, /re/I, \cREc,
//! first~step, addr,+N, 0,/re/) and replacement escapes (& \1…\9 \n \U \L \u \l \E).

use regex::{Regex, RegexBuilder};

use super::regex_syntax::translate;

#[derive(Debug, Clone)]
enum Addr {
    Line(usize),
    Last,
    Re(Option<Regex>),
    Step(usize, usize),
    Zero,
}

#[derive(Debug, Clone)]
enum End {
    None,
    Addr(Addr),
    Plus(usize),
    Tilde(usize),
}

#[derive(Debug, Clone)]
enum Cmd {
    Block(usize),
    EndBlock,
    Subst {
        re: Option<Regex>,
        rep: String,
        global: bool,
        nth: usize,
        print: bool,
        /// `s///w FILE`: the changed pattern space is also written there.
        write: Option<String>,
    },
    /// `r FILE`: the file's text is output at the end of the cycle.
    ReadFile(String),
    /// `w FILE`: the pattern space is written to the file.
    WriteFile(String),
    Trans(Vec<char>, Vec<char>),
    Text(char, String),
    Simple(char),
    Quit(bool, i32),
    Branch(char, String),
    Label,
}

#[derive(Debug, Clone)]
struct Inst {
    a1: Option<Addr>,
    a2: End,
    neg: bool,
    cmd: Cmd,
    active: bool,
    end_line: usize,
}

struct Parser {
    s: Vec<char>,
    i: usize,
    ext: bool,
    labels: Vec<(String, usize)>,
}

fn build_re(pat: &str, ext: bool, ci: bool) -> Result<Option<Regex>, String> {
    if pat.is_empty() {
        return Ok(None);
    }
    RegexBuilder::new(&translate(pat, ext))
        .case_insensitive(ci)
        .build()
        .map(Some)
        .map_err(|e| {
            format!(
                "-e expression #1, char 0: {}",
                e.to_string()
                    .lines()
                    .last()
                    .unwrap_or("invalid regex")
                    .trim()
            )
        })
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c == ' ' || c == '\t') {
            self.i += 1;
        }
    }
    /// Reads up to an unescaped `delim`; `\delim` becomes `delim`, `\n` a newline.
    fn delimited(&mut self, delim: char, keep_escapes: bool) -> Result<String, String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == '\\' {
                let n = self.peek().ok_or("unterminated `s' command")?;
                self.i += 1;
                if n == delim {
                    out.push(n);
                } else if n == 'n' && !keep_escapes {
                    out.push('\n');
                } else if n == 't' && !keep_escapes {
                    out.push('\t');
                } else {
                    out.push('\\');
                    out.push(n);
                }
                continue;
            }
            if c == delim {
                return Ok(out);
            }
            if c == '[' && !keep_escapes {
                // Bracket expressions may contain the delimiter.
                out.push(c);
                let mut j = self.i;
                if self.s.get(j) == Some(&'^') {
                    j += 1;
                }
                if self.s.get(j) == Some(&']') {
                    j += 1;
                }
                while j < self.s.len() && self.s[j] != ']' {
                    j += 1;
                }
                if j < self.s.len() {
                    out.extend(&self.s[self.i..=j]);
                    self.i = j + 1;
                }
                continue;
            }
            out.push(c);
        }
        Err("unterminated address regex".into())
    }
    fn number(&mut self) -> Option<usize> {
        let st = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        (self.i > st).then(|| {
            self.s[st..self.i]
                .iter()
                .collect::<String>()
                .parse()
                .unwrap_or(0)
        })
    }
    fn addr(&mut self) -> Result<Option<Addr>, String> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let n = self.number().unwrap_or(0);
                if self.peek() == Some('~') {
                    self.i += 1;
                    let step = self.number().unwrap_or(0);
                    return Ok(Some(Addr::Step(n, step)));
                }
                Ok(Some(if n == 0 { Addr::Zero } else { Addr::Line(n) }))
            }
            Some('$') => {
                self.i += 1;
                Ok(Some(Addr::Last))
            }
            Some('/') | Some('\\') => {
                let delim = if self.peek() == Some('\\') {
                    self.i += 1;
                    let d = self.peek().ok_or("unexpected end")?;
                    self.i += 1;
                    d
                } else {
                    self.i += 1;
                    '/'
                };
                let pat = self.delimited(delim, true)?;
                let mut ci = false;
                while matches!(self.peek(), Some('I') | Some('M')) {
                    ci |= self.peek() == Some('I');
                    self.i += 1;
                }
                Ok(Some(Addr::Re(build_re(&pat, self.ext, ci)?)))
            }
            _ => Ok(None),
        }
    }
    fn text_arg(&mut self) -> String {
        self.ws();
        if self.peek() == Some('\\') {
            self.i += 1;
            if self.peek() == Some('\n') {
                self.i += 1;
            }
        }
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == '\\' {
                match self.peek() {
                    Some(n) => {
                        self.i += 1;
                        out.push(if n == 't' { '\t' } else { n });
                    }
                    None => break,
                }
                continue;
            }
            if c == '\n' {
                break;
            }
            out.push(c);
        }
        out
    }
    /// A file name: the rest of the line.
    fn filename(&mut self) -> String {
        self.ws();
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' {
                break;
            }
            out.push(c);
            self.i += 1;
        }
        out.trim_end().to_string()
    }
    fn label(&mut self) -> String {
        self.ws();
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' || c == ';' || c == '}' {
                break;
            }
            out.push(c);
            self.i += 1;
        }
        out.trim().to_string()
    }
    fn parse(&mut self) -> Result<Vec<Inst>, String> {
        let mut out = Vec::new();
        let mut open = Vec::new();
        loop {
            while self.peek().is_some_and(|c| c.is_whitespace() || c == ';') {
                self.i += 1;
            }
            let Some(c) = self.peek() else { break };
            if c == '#' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.i += 1;
                }
                continue;
            }
            let a1 = self.addr()?;
            let mut a2 = End::None;
            if a1.is_some() && self.peek() == Some(',') {
                self.i += 1;
                self.ws();
                a2 = match self.peek() {
                    Some('+') => {
                        self.i += 1;
                        End::Plus(self.number().unwrap_or(0))
                    }
                    Some('~') => {
                        self.i += 1;
                        End::Tilde(self.number().unwrap_or(0))
                    }
                    _ => End::Addr(self.addr()?.ok_or("unexpected `,'")?),
                };
            }
            self.ws();
            let mut neg = false;
            while self.peek() == Some('!') {
                neg = true;
                self.i += 1;
                self.ws();
            }
            let Some(ch) = self.peek() else {
                return Err("missing command".into());
            };
            self.i += 1;
            let cmd = match ch {
                '{' => {
                    open.push(out.len());
                    Cmd::Block(0)
                }
                '}' => {
                    let o = open.pop().ok_or("unexpected `}'")?;
                    let here = out.len();
                    if let Cmd::Block(end) = out
                        .get_mut(o)
                        .map(|i: &mut Inst| &mut i.cmd)
                        .ok_or("bad block")?
                    {
                        *end = here;
                    }
                    Cmd::EndBlock
                }
                's' => {
                    let delim = self.peek().ok_or("unterminated `s' command")?;
                    self.i += 1;
                    let pat = self.delimited(delim, true)?;
                    let rep = self.delimited(delim, true)?;
                    let (mut global, mut nth, mut print, mut ci) = (false, 1, false, false);
                    let mut write = None;
                    loop {
                        match self.peek() {
                            Some('g') => global = true,
                            Some('p') => print = true,
                            Some('i') | Some('I') => ci = true,
                            Some('m') | Some('M') | Some('e') => {}
                            Some(d) if d.is_ascii_digit() => {
                                nth = self.number().unwrap_or(1).max(1);
                                continue;
                            }
                            Some('w') => {
                                self.i += 1;
                                write = Some(self.filename());
                                break;
                            }
                            _ => break,
                        }
                        self.i += 1;
                    }
                    Cmd::Subst {
                        re: build_re(&pat, self.ext, ci)?,
                        rep,
                        global,
                        nth,
                        print,
                        write,
                    }
                }
                'r' | 'R' => Cmd::ReadFile(self.filename()),
                'w' | 'W' => Cmd::WriteFile(self.filename()),
                'y' => {
                    let delim = self.peek().ok_or("unterminated `y' command")?;
                    self.i += 1;
                    let a: Vec<char> = self.delimited(delim, false)?.chars().collect();
                    let b: Vec<char> = self.delimited(delim, false)?.chars().collect();
                    if a.len() != b.len() {
                        return Err("strings for `y' command are different lengths".into());
                    }
                    Cmd::Trans(a, b)
                }
                'a' | 'i' | 'c' => Cmd::Text(ch, self.text_arg()),
                'q' | 'Q' => {
                    self.ws();
                    let code = self.number().unwrap_or(0) as i32;
                    Cmd::Quit(ch == 'q', code)
                }
                'b' | 't' | 'T' => Cmd::Branch(ch, self.label()),
                ':' => {
                    let l = self.label();
                    if l.is_empty() {
                        return Err("\":\" lacks a label".into());
                    }
                    out.push(Inst {
                        a1: None,
                        a2: End::None,
                        neg: false,
                        cmd: Cmd::Label,
                        active: false,
                        end_line: 0,
                    });
                    self.labels.push((l, out.len() - 1));
                    continue;
                }
                'd' | 'D' | 'p' | 'P' | 'n' | 'N' | '=' | 'h' | 'H' | 'g' | 'G' | 'x' | 'l'
                | 'z' | 'F' => Cmd::Simple(ch),
                other => return Err(format!("unknown command: `{other}'")),
            };
            out.push(Inst {
                a1,
                a2,
                neg,
                cmd,
                active: false,
                end_line: 0,
            });
        }
        if !open.is_empty() {
            return Err("unmatched `{'".into());
        }
        Ok(out)
    }
}

struct Program {
    insts: Vec<Inst>,
    labels: Vec<(String, usize)>,
    /// Text of the files `r` reads (`None`: missing, read as nothing), loaded before a run.
    reads: Vec<(String, Option<String>)>,
    /// What `w` wrote to each file, written out after a run.
    writes: Vec<(String, String)>,
}

impl Program {
    /// Output for `w FILE` of `text` (plus a newline): `/dev/stdout` goes to `out` now.
    fn write(&mut self, name: &str, text: &str, out: &mut String) {
        if name == "/dev/stdout" {
            out.push_str(text);
            out.push('\n');
            return;
        }
        if let Some((_, buf)) = self.writes.iter_mut().find(|(n, _)| n == name) {
            buf.push_str(text);
            buf.push('\n');
        }
    }
}

fn compile(script: &str, ext: bool) -> Result<Program, String> {
    let mut p = Parser {
        s: script.chars().collect(),
        i: 0,
        ext,
        labels: Vec::new(),
    };
    let insts = p.parse()?;
    let mut reads = Vec::new();
    let mut writes: Vec<(String, String)> = Vec::new();
    for i in &insts {
        match &i.cmd {
            Cmd::ReadFile(f) => reads.push((f.clone(), None)),
            Cmd::WriteFile(f) | Cmd::Subst { write: Some(f), .. }
                if !writes.iter().any(|(n, _)| n == f) && f != "/dev/stdout" =>
            {
                writes.push((f.clone(), String::new()));
            }
            _ => {}
        }
    }
    Ok(Program {
        insts,
        labels: p.labels,
        reads,
        writes,
    })
}

/// Expands a replacement for one match.
fn replacement(rep: &str, caps: &regex::Captures) -> String {
    let mut out = String::new();
    let mut case: Option<char> = None;
    let mut one: Option<char> = None;
    let push = |out: &mut String, s: &str, case: Option<char>, one: &mut Option<char>| {
        for ch in s.chars() {
            let c = match one.take() {
                Some('u') => ch.to_uppercase().collect::<String>(),
                Some('l') => ch.to_lowercase().collect::<String>(),
                _ => match case {
                    Some('U') => ch.to_uppercase().collect(),
                    Some('L') => ch.to_lowercase().collect(),
                    _ => ch.to_string(),
                },
            };
            out.push_str(&c);
        }
    };
    let mut it = rep.chars();
    while let Some(c) = it.next() {
        match c {
            '&' => push(
                &mut out,
                caps.get(0).map_or("", |m| m.as_str()),
                case,
                &mut one,
            ),
            '\\' => match it.next() {
                Some(d @ '0'..='9') => {
                    let i = d.to_digit(10).unwrap_or(0) as usize;
                    push(
                        &mut out,
                        caps.get(i).map_or("", |m| m.as_str()),
                        case,
                        &mut one,
                    );
                }
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(x @ ('U' | 'L')) => case = Some(x),
                Some('E') => case = None,
                Some(x @ ('u' | 'l')) => one = Some(x),
                Some('&') => out.push('&'),
                Some('\n') => out.push('\n'),
                Some(o) => push(&mut out, &o.to_string(), case, &mut one),
                None => out.push('\\'),
            },
            other => push(&mut out, &other.to_string(), case, &mut one),
        }
    }
    out
}

struct Run<'p> {
    prog: &'p mut Program,
    quiet: bool,
    last_re: Option<Regex>,
}

impl Run<'_> {
    fn matches(&mut self, a: &Addr, line_no: usize, last: bool, ps: &str) -> bool {
        match a {
            Addr::Line(n) => line_no == *n,
            Addr::Zero => false,
            Addr::Last => last,
            Addr::Step(f, s) => {
                if *s == 0 {
                    line_no == *f
                } else {
                    line_no >= *f && (line_no - f).is_multiple_of(*s)
                }
            }
            Addr::Re(Some(r)) => {
                self.last_re = Some(r.clone());
                r.is_match(ps)
            }
            Addr::Re(None) => self.last_re.as_ref().is_some_and(|r| r.is_match(ps)),
        }
    }

    fn selected(&mut self, idx: usize, line_no: usize, last: bool, ps: &str) -> bool {
        let inst = self.prog.insts[idx].clone();
        let hit = match (&inst.a1, &inst.a2) {
            (None, _) => true,
            (Some(a), End::None) => self.matches(a, line_no, last, ps),
            (Some(a1), end) => {
                if inst.active {
                    let done = match end {
                        End::Addr(Addr::Line(n)) => line_no >= *n,
                        End::Addr(a2) => self.matches(a2, line_no, last, ps),
                        End::Plus(_) | End::Tilde(_) => line_no >= inst.end_line,
                        End::None => true,
                    };
                    if done {
                        self.prog.insts[idx].active = false;
                    }
                    true
                } else {
                    let start = matches!(a1, Addr::Zero) && line_no == 1
                        || self.matches(a1, line_no, last, ps);
                    if start {
                        let (active, end_line) = match end {
                            End::Addr(Addr::Line(n)) => (*n > line_no, 0),
                            End::Addr(a2) if matches!(a1, Addr::Zero) => {
                                (!self.matches(a2, line_no, last, ps), 0)
                            }
                            End::Addr(_) => (true, 0),
                            End::Plus(n) => (*n > 0, line_no + n),
                            End::Tilde(n) => {
                                let e = if *n == 0 {
                                    line_no
                                } else {
                                    line_no.div_ceil(*n) * n
                                };
                                (e > line_no, e)
                            }
                            End::None => (false, 0),
                        };
                        self.prog.insts[idx].active = active;
                        self.prog.insts[idx].end_line = end_line;
                    }
                    start
                }
            }
        };
        hit != inst.neg
    }
}

/// Runs the program over `lines`; returns output and the exit code of `q`/`Q` if any.
fn execute(
    prog: &mut Program,
    data: &str,
    quiet: bool,
    line_base: &mut usize,
) -> (String, Option<i32>) {
    let lines: Vec<&str> = if data.is_empty() {
        vec![]
    } else {
        data.strip_suffix('\n')
            .unwrap_or(data)
            .split('\n')
            .collect()
    };
    let trailing_nl = data.ends_with('\n');
    let mut run = Run {
        prog,
        quiet,
        last_re: None,
    };
    let mut out = String::new();
    let mut hold = String::new();
    let mut li = 0;
    let n_lines = lines.len();
    let emit_line = |out: &mut String, s: &str, is_last_input: bool| {
        out.push_str(s);
        if !is_last_input || trailing_nl {
            out.push('\n');
        }
    };
    while li < n_lines {
        let mut ps = lines[li].to_string();
        li += 1;
        *line_base += 1;
        let mut append: Vec<String> = Vec::new();
        let mut subst_flag = false;
        let mut pc = 0;
        let mut delete = false;
        let mut quit: Option<(bool, i32)> = None;
        let mut restart = false;
        while pc < run.prog.insts.len() {
            let last = li == n_lines;
            if !run.selected(pc, *line_base, last, &ps) {
                if let Cmd::Block(end) = run.prog.insts[pc].cmd {
                    pc = end + 1;
                    continue;
                }
                pc += 1;
                continue;
            }
            let cmd = run.prog.insts[pc].cmd.clone();
            pc += 1;
            match cmd {
                Cmd::Block(_) | Cmd::EndBlock | Cmd::Label => {}
                Cmd::Subst {
                    re,
                    rep,
                    global,
                    nth,
                    print,
                    write,
                } => {
                    let re = match re {
                        Some(r) => {
                            run.last_re = Some(r.clone());
                            r
                        }
                        None => match &run.last_re {
                            Some(r) => r.clone(),
                            None => continue,
                        },
                    };
                    let mut result = String::new();
                    let mut last_end = 0;
                    let mut count = 0;
                    let mut did = false;
                    for caps in re.captures_iter(&ps) {
                        let m = caps.get(0).map_or(0..0, |m| m.range());
                        count += 1;
                        if count < nth || (did && !global) {
                            continue;
                        }
                        result.push_str(&ps[last_end..m.start]);
                        result.push_str(&replacement(&rep, &caps));
                        last_end = m.end;
                        did = true;
                    }
                    if did {
                        result.push_str(&ps[last_end..]);
                        ps = result;
                        subst_flag = true;
                        if print {
                            out.push_str(&ps);
                            out.push('\n');
                        }
                        if let Some(f) = write {
                            run.prog.write(&f, &ps, &mut out);
                        }
                    }
                }
                Cmd::ReadFile(f) => {
                    let text = run.prog.reads.iter().find(|(n, _)| *n == f);
                    if let Some((_, Some(t))) = text {
                        append.push(t.strip_suffix('\n').unwrap_or(t).to_string());
                    }
                }
                Cmd::WriteFile(f) => run.prog.write(&f, &ps, &mut out),
                Cmd::Trans(a, b) => {
                    ps = ps
                        .chars()
                        .map(|c| a.iter().position(|x| *x == c).map_or(c, |i| b[i]))
                        .collect();
                }
                Cmd::Text('a', t) => append.push(t),
                Cmd::Text('i', t) => {
                    out.push_str(&t);
                    out.push('\n');
                }
                Cmd::Text(_, t) => {
                    let inst = &run.prog.insts[pc - 1];
                    if !matches!(inst.a2, End::None) && inst.active && !inst.neg {
                        delete = true;
                        break;
                    }
                    out.push_str(&t);
                    out.push('\n');
                    delete = true;
                    break;
                }
                Cmd::Quit(print, code) => {
                    quit = Some((print, code));
                    break;
                }
                Cmd::Branch(kind, label) => {
                    let jump = match kind {
                        't' => std::mem::take(&mut subst_flag),
                        'T' => !std::mem::take(&mut subst_flag),
                        _ => true,
                    };
                    if jump {
                        pc = if label.is_empty() {
                            run.prog.insts.len()
                        } else {
                            match run.prog.labels.iter().find(|(l, _)| *l == label) {
                                Some((_, i)) => *i,
                                None => run.prog.insts.len(),
                            }
                        };
                    }
                }
                Cmd::Simple(c) => match c {
                    'd' => {
                        delete = true;
                        break;
                    }
                    'D' => {
                        match ps.find('\n') {
                            Some(p) => {
                                ps = ps[p + 1..].to_string();
                                restart = true;
                            }
                            None => delete = true,
                        }
                        break;
                    }
                    'p' => {
                        out.push_str(&ps);
                        out.push('\n');
                    }
                    'P' => {
                        out.push_str(ps.split('\n').next().unwrap_or(""));
                        out.push('\n');
                    }
                    'n' => {
                        if !run.quiet {
                            emit_line(&mut out, &ps, li == n_lines);
                        }
                        for a in append.drain(..) {
                            out.push_str(&a);
                            out.push('\n');
                        }
                        if li < n_lines {
                            ps = lines[li].to_string();
                            li += 1;
                            *line_base += 1;
                        } else {
                            delete = true;
                            break;
                        }
                    }
                    'N' => {
                        if li < n_lines {
                            ps.push('\n');
                            ps.push_str(lines[li]);
                            li += 1;
                            *line_base += 1;
                        } else {
                            break;
                        }
                    }
                    '=' => {
                        out.push_str(&line_base.to_string());
                        out.push('\n');
                    }
                    'h' => hold = ps.clone(),
                    'H' => {
                        hold.push('\n');
                        hold.push_str(&ps);
                    }
                    'g' => ps = hold.clone(),
                    'G' => {
                        ps.push('\n');
                        ps.push_str(&hold);
                    }
                    'x' => std::mem::swap(&mut ps, &mut hold),
                    'z' => ps.clear(),
                    'l' => {
                        let esc: String = ps
                            .chars()
                            .map(|c| match c {
                                '\t' => "\\t".to_string(),
                                '\\' => "\\\\".to_string(),
                                c if c.is_control() => format!("\\{:03o}", c as u32),
                                c => c.to_string(),
                            })
                            .collect();
                        out.push_str(&esc);
                        out.push_str("$\n");
                    }
                    'F' => out.push_str("-\n"),
                    _ => {}
                },
            }
        }
        let _ = restart;
        if !delete {
            let print_ps = match quit {
                Some((false, _)) => false,
                _ => !run.quiet,
            };
            if print_ps {
                emit_line(&mut out, &ps, li == n_lines);
            }
        }
        for a in append {
            out.push_str(&a);
            out.push('\n');
        }
        if let Some((_, code)) = quit {
            return (out, Some(code));
        }
    }
    (out, None)
}

command!(|c| {
    let args = c.argv[1..].to_vec();
    let (mut quiet, mut ext, mut in_place, mut separate) = (false, false, None::<String>, false);
    let mut scripts: Vec<String> = Vec::new();
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        match a.as_str() {
            "-n" | "--quiet" | "--silent" => quiet = true,
            "-E" | "-r" | "--regexp-extended" => ext = true,
            "-s" | "--separate" => separate = true,
            "-z" | "-u" | "--posix" | "--debug" => {}
            "-e" | "--expression" => {
                scripts.push(args.get(i).cloned().unwrap_or_default());
                i += 1;
            }
            "-f" | "--file" => {
                let f = args.get(i).cloned().unwrap_or_default();
                i += 1;
                match c.read_arg(&f).await {
                    Ok(d) => scripts.push(
                        String::from_utf8_lossy(&d)
                            .trim_end_matches('\n')
                            .to_string(),
                    ),
                    Err(e) => {
                        c.err(&format!("couldn't open file {f}: {}", e.user_message()))
                            .await?;
                        return Ok(1);
                    }
                }
            }
            "--" => {
                files.extend(args[i..].iter().cloned());
                break;
            }
            s if s.starts_with("-i") || s.starts_with("--in-place") => {
                in_place = Some(
                    s.trim_start_matches("--in-place")
                        .trim_start_matches("-i")
                        .trim_start_matches('=')
                        .to_string(),
                );
            }
            s if s.starts_with('-')
                && s.len() > 1
                && s[1..].chars().all(|c| "nEsrz".contains(c)) =>
            {
                quiet |= s.contains('n');
                ext |= s.contains('E') || s.contains('r');
                separate |= s.contains('s');
            }
            s if s.starts_with('-') && s.len() > 1 => {
                c.err(&format!("invalid option -- '{}'", &s[1..2])).await?;
                c.io.stderr
                    .print(
                        "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n",
                    )
                    .await?;
                return Ok(1);
            }
            _ => files.push(a.clone()),
        }
    }
    if scripts.is_empty() {
        if files.is_empty() {
            c.io.stderr
                .print("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n")
                .await?;
            return Ok(1);
        }
        scripts.push(files.remove(0));
    }
    let script = scripts.join("\n");
    let mut prog = match compile(&script, ext) {
        Ok(p) => p,
        Err(m) => {
            c.err(&format!("-e expression #1, char {}: {m}", script.len()))
                .await?;
            return Ok(1);
        }
    };
    for (name, text) in prog.reads.iter_mut() {
        // A file `r` cannot read is read as nothing, as GNU sed does.
        *text = c
            .read_arg(name)
            .await
            .ok()
            .map(|d| String::from_utf8_lossy(&d).into_owned());
    }
    if in_place.is_some() {
        if files.is_empty() {
            c.err("no input files").await?;
            return Ok(1);
        }
        let mut st = 0;
        for f in &files {
            let path = match c.path(f) {
                Ok(p) => p,
                Err(e) => {
                    c.err(&format!("can't read {f}: {}", e.user_message()))
                        .await?;
                    st = 2;
                    continue;
                }
            };
            let data = match c.read_path(&path).await {
                Ok(d) => d,
                Err(e) => {
                    c.err(&format!("can't read {f}: {}", e.user_message()))
                        .await?;
                    st = 2;
                    continue;
                }
            };
            let mut line_no = 0;
            for inst in prog.insts.iter_mut() {
                inst.active = false;
            }
            let (out, _) = execute(
                &mut prog,
                &String::from_utf8_lossy(&data),
                quiet,
                &mut line_no,
            );
            if let Some(suf) = in_place.as_deref().filter(|s| !s.is_empty()) {
                let bak = c.path(&format!("{f}{suf}"));
                if let Ok(b) = bak {
                    let _ = c.vfs().write_all(&b, &data, false).await;
                }
            }
            let (real, _) = c.stat(&path).await.unwrap_or((
                path.clone(),
                crate::vfs::Metadata::file(0, std::time::SystemTime::now()),
            ));
            if let Err(e) = c.vfs().write_all(&real, out.as_bytes(), false).await {
                c.err(&format!("couldn't edit {f}: {}", e.user_message()))
                    .await?;
                st = 4;
            }
        }
        return Ok(store_writes(&c, &prog).await?.max(st));
    }
    let inputs = if files.is_empty() {
        vec!["-".to_string()]
    } else {
        files.clone()
    };
    let mut st = 0;
    let mut all = String::new();
    let mut chunks = Vec::new();
    for f in &inputs {
        match c.read_arg(f).await {
            Ok(d) => {
                let t = String::from_utf8_lossy(&d).into_owned();
                if separate {
                    chunks.push(t);
                } else {
                    if !all.is_empty() && !all.ends_with('\n') {
                        all.push('\n');
                    }
                    all.push_str(&t);
                }
            }
            Err(e) => {
                c.err(&format!("can't read {f}: {}", e.user_message()))
                    .await?;
                st = 2;
            }
        }
    }
    if !separate {
        chunks.push(all);
    }
    let mut line_no = 0;
    for chunk in chunks {
        let (out, q) = execute(&mut prog, &chunk, quiet, &mut line_no);
        c.print(&out).await?;
        if let Some(code) = q {
            store_writes(&c, &prog).await?;
            return Ok(code);
        }
    }
    Ok(store_writes(&c, &prog).await?.max(st))
});

/// Writes the files of `w` commands (each one named is truncated, as GNU sed does at start);
/// 4 when one cannot be written.
async fn store_writes(c: &super::Ctx<'_>, prog: &Program) -> Result<i32, crate::shell::ShellError> {
    let mut st = 0;
    for (name, data) in &prog.writes {
        let r = match c.path(name) {
            Ok(p) => c.vfs().write_all(&p, data.as_bytes(), false).await,
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            c.err(&format!("couldn't open file {name}: {}", e.user_message()))
                .await?;
            st = 4;
        }
    }
    Ok(st)
}
