//! Word expansion in bash's order: braces, tilde, parameters, command substitution,
//! arithmetic, word splitting on `IFS`, pathname expansion through the VFS, quote removal.

use super::io::{Io, Out};
use super::lex::{Part, lex_heredoc, lex_quoted_word, lex_word};
use super::pattern::{escape, has_magic};
use super::{Shell, ShellError, brace};

type R<T> = Result<T, ShellError>;

/// A field being built: its text, the same text as a pattern (quoted parts escaped), whether
/// it has active pattern characters, and whether any part was quoted (so `""` stays a field).
#[derive(Default)]
struct Field {
    text: String,
    pat: String,
    glob: bool,
    quoted: bool,
}

#[derive(Default)]
struct Fields {
    done: Vec<Field>,
    cur: Field,
}

impl Fields {
    fn lit(&mut self, s: &str) {
        self.cur.text.push_str(s);
        self.cur.pat.push_str(s);
        self.cur.glob |= has_magic(s);
    }
    fn quoted(&mut self, s: &str) {
        self.cur.text.push_str(s);
        self.cur.pat.push_str(&escape(s));
        self.cur.quoted = true;
    }
    fn finish(&mut self) {
        let f = std::mem::take(&mut self.cur);
        if !f.text.is_empty() || f.quoted {
            self.done.push(f);
        }
    }
    /// Appends an unquoted expansion result, split on `ifs`.
    fn split(&mut self, v: &str, ifs: &str) {
        if ifs.is_empty() {
            self.lit(v);
            return;
        }
        let is_ws = |c: char| ifs.contains(c) && c.is_whitespace();
        let is_sep = |c: char| ifs.contains(c);
        let mut piece = String::new();
        let mut chars = v.chars().peekable();
        let mut pending_ws = false;
        while let Some(c) = chars.next() {
            if is_ws(c) {
                if !piece.is_empty() {
                    self.lit(&piece);
                    piece.clear();
                }
                pending_ws = true;
                continue;
            }
            if is_sep(c) {
                self.lit(&piece);
                piece.clear();
                let f = std::mem::take(&mut self.cur);
                self.done.push(f);
                pending_ws = false;
                while chars.peek().is_some_and(|&c| is_ws(c)) {
                    chars.next();
                }
                continue;
            }
            if pending_ws {
                self.finish();
                pending_ws = false;
            }
            piece.push(c);
        }
        if !piece.is_empty() {
            self.lit(&piece);
        }
        if pending_ws {
            self.finish();
        }
    }
}

/// What a parameter expands to.
pub(crate) enum PVal {
    /// A single string (or unset).
    One(Option<String>),
    /// `$@`, `${a[@]}`: separate words even when quoted.
    Many(Vec<String>),
    /// `$*`, `${a[*]}`: joined with the first `IFS` character when quoted.
    Star(Vec<String>),
    /// The unexpanded word of `${v:-word}`/`${v:+word}` that applies, left to the caller
    /// so an unquoted expansion splits only its unquoted parts (`param_deferred` only).
    Word(String),
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Split and glob.
    Words,
    /// One string, quotes removed.
    String,
    /// One string as a pattern: quoted characters escaped.
    Pattern,
}

impl Shell {
    fn ifs(&self) -> String {
        self.st.get_str("IFS").unwrap_or_else(|| " \t\n".into())
    }

    /// The parts of a raw word, lexed once per distinct text (loop bodies repeat words).
    fn lexed(&self, word: &str) -> std::rc::Rc<Vec<Part>> {
        if let Some(p) = self.caches.words.borrow().get(word) {
            return p.clone();
        }
        let parts = std::rc::Rc::new(lex_word(word));
        let mut cache = self.caches.words.borrow_mut();
        if cache.len() > 16384 {
            cache.clear();
        }
        cache.insert(word.to_string(), parts.clone());
        parts
    }

    /// Expands command words into fields.
    pub(crate) async fn expand_words(&mut self, words: &[String], io: &Io) -> R<Vec<String>> {
        let mut out = Vec::new();
        for w in words {
            for b in brace::expand(w) {
                // An argument shaped like an assignment (`PREFIX=~/x`) gets tildes after its
                // `=` and colons expanded, as bash does outside POSIX mode.
                let parts = match super::lex::assignment_word_tildes(&b) {
                    Some(p) => std::rc::Rc::new(p),
                    None => self.lexed(&b),
                };
                let fields = self.fields(&parts, Mode::Words, io).await?;
                for f in fields {
                    if f.glob && !self.st.opts.noglob {
                        let matches = self.glob(&f.pat).await;
                        if !matches.is_empty() {
                            out.extend(matches);
                            continue;
                        }
                        if self.st.opts.failglob {
                            return Err(ShellError::Abort(
                                format!("no match: {}", f.text),
                                1,
                                true,
                            ));
                        }
                        if self.st.opts.nullglob {
                            continue;
                        }
                    }
                    out.push(f.text);
                }
            }
        }
        Ok(out)
    }

    /// Expands one word to one string (assignments, redirection targets, `case` words).
    pub(crate) async fn expand_one(&mut self, word: &str, io: &Io) -> R<String> {
        let f = self.fields(&self.lexed(word), Mode::String, io).await?;
        Ok(f.into_iter().next().map(|f| f.text).unwrap_or_default())
    }

    /// Expands the value of an assignment: one string, with a tilde after each unquoted `:`
    /// expanded too (`PATH=~/bin:~/.local/bin`).
    pub(crate) async fn expand_assigned(&mut self, word: &str, io: &Io) -> R<String> {
        if !word.contains(":~") {
            return self.expand_one(word, io).await;
        }
        let parts = super::lex::tilde_after_colons(lex_word(word));
        let f = self.fields(&parts, Mode::String, io).await?;
        Ok(f.into_iter().next().map(|f| f.text).unwrap_or_default())
    }

    /// Expands one word to a pattern (quoted characters escaped).
    pub(crate) async fn expand_pattern(&mut self, word: &str, io: &Io) -> R<String> {
        let f = self.fields(&self.lexed(word), Mode::Pattern, io).await?;
        Ok(f.into_iter().next().map(|f| f.pat).unwrap_or_default())
    }

    /// Expands the right side of `[[ s =~ re ]]`: quoted parts match themselves (escaped),
    /// the rest is regular-expression syntax, as in bash.
    pub(crate) async fn expand_regex(&mut self, word: &str, io: &Io) -> R<String> {
        let parts = self.lexed(word);
        let mut out = String::new();
        for p in parts.iter() {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Quoted(_) | Part::Double(_) => {
                    let f = self
                        .fields(std::slice::from_ref(p), Mode::String, io)
                        .await?;
                    let text = f.into_iter().next().map(|f| f.text).unwrap_or_default();
                    out.push_str(&regex::escape(&text));
                }
                other => {
                    let f = self
                        .fields(std::slice::from_ref(other), Mode::String, io)
                        .await?;
                    out.push_str(&f.into_iter().next().map(|f| f.text).unwrap_or_default());
                }
            }
        }
        Ok(out)
    }

    /// Expands a here-document body (quotes are literal there).
    pub(crate) async fn expand_heredoc(&mut self, body: &str, io: &Io) -> R<String> {
        let f = self.fields(&lex_heredoc(body), Mode::String, io).await?;
        Ok(f.into_iter().next().map(|f| f.text).unwrap_or_default())
    }

    /// Expands `$…` inside arithmetic text.
    pub(crate) async fn expand_arith_text(&mut self, src: &str, io: &Io) -> R<String> {
        self.expand_heredoc(src, io).await
    }

    fn fields<'a>(
        &'a mut self,
        parts: &'a [Part],
        mode: Mode,
        io: &'a Io,
    ) -> futures::future::LocalBoxFuture<'a, R<Vec<Field>>> {
        Box::pin(async move {
            let mut fs = Fields::default();
            let ifs = self.ifs();
            self.push_parts(&mut fs, parts, (mode, false), &ifs, io)
                .await?;
            if mode != Mode::Words {
                let f = std::mem::take(&mut fs.cur);
                let mut all: Vec<Field> = fs.done;
                all.push(f);
                // Several fields (from "$@") join with spaces in a string context.
                let mut it = all.into_iter();
                let mut first = it.next().unwrap_or_default();
                for f in it {
                    first.text.push(' ');
                    first.text.push_str(&f.text);
                    first.pat.push(' ');
                    first.pat.push_str(&f.pat);
                }
                return Ok(vec![first]);
            }
            fs.finish();
            Ok(fs.done)
        })
    }

    /// Adds the expansion of `parts` to the fields being built. The word of an unquoted
    /// `${v:-word}` / `${v:+word}` is pushed here too (`inner_word`), so its quoted parts
    /// stay unsplit while its literal text splits.
    fn push_parts<'a>(
        &'a mut self,
        fs: &'a mut Fields,
        parts: &'a [Part],
        (mode, inner_word): (Mode, bool),
        ifs: &'a str,
        io: &'a Io,
    ) -> futures::future::LocalBoxFuture<'a, R<()>> {
        Box::pin(async move {
            let split = mode == Mode::Words;
            for p in parts {
                match p {
                    // Literal text of a `${v:-a b}` word is split like an expansion.
                    Part::Lit(s) if inner_word && split => fs.split(s, ifs),
                    Part::Lit(s) => fs.lit(s),
                    Part::Quoted(s) => fs.quoted(s),
                    Part::Tilde(user) => {
                        // `~` is $HOME, `~+` $PWD and `~-` $OLDPWD; other users stay as written.
                        let dir = match user.as_str() {
                            "" => Some(self.st.get_str("HOME").unwrap_or_else(|| "/".into())),
                            "+" => self.st.get_str("PWD"),
                            "-" => self.st.get_str("OLDPWD"),
                            _ => None,
                        };
                        match dir {
                            Some(d) => fs.quoted(&d),
                            None => fs.lit(&format!("~{user}")),
                        }
                    }
                    Part::Double(inner) => self.push_double(fs, inner, ifs, io).await?,
                    Part::Param(name) => {
                        let items = match self.param_deferred(name, io).await? {
                            PVal::Word(word) => {
                                let parts = self.lexed(&word);
                                self.push_parts(fs, &parts, (mode, true), ifs, io).await?;
                                continue;
                            }
                            PVal::One(s) => vec![s.unwrap_or_default()],
                            PVal::Star(items) if !split => {
                                // `s=$*`: joined with the first IFS character, as quoted.
                                let sep: String = ifs.chars().take(1).collect();
                                vec![items.join(&sep)]
                            }
                            PVal::Many(items) | PVal::Star(items) => items,
                        };
                        let n = items.len();
                        for (i, it) in items.iter().enumerate() {
                            if split {
                                fs.split(it, ifs);
                            } else {
                                fs.lit(it);
                            }
                            if split && i + 1 < n {
                                fs.finish();
                            } else if !split && i + 1 < n {
                                fs.lit(" ");
                            }
                        }
                    }
                    other => {
                        let v = self.simple_part(other, io).await?;
                        if split {
                            fs.split(&v, ifs);
                        } else {
                            fs.lit(&v);
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// A double-quoted part: no splitting or globbing; `"$@"` still makes one field per item.
    async fn push_double(&mut self, fs: &mut Fields, inner: &[Part], ifs: &str, io: &Io) -> R<()> {
        let was_quoted = fs.cur.quoted;
        fs.cur.quoted = true;
        let mut only_at = true;
        for ip in inner {
            match ip {
                Part::Quoted(s) | Part::Lit(s) => {
                    only_at = false;
                    fs.quoted(s);
                }
                Part::Param(name) => {
                    let v = self.param_deferred(name, io).await?;
                    match v {
                        PVal::Many(items) => {
                            if items.is_empty() && only_at && inner.len() == 1 {
                                // "$@" with no parameters: no field at all.
                                fs.cur.quoted = was_quoted;
                                continue;
                            }
                            only_at = false;
                            let n = items.len();
                            for (i, it) in items.iter().enumerate() {
                                fs.quoted(it);
                                if i + 1 < n {
                                    let f = std::mem::take(&mut fs.cur);
                                    fs.done.push(f);
                                    fs.cur.quoted = true;
                                }
                            }
                        }
                        PVal::Star(items) => {
                            only_at = false;
                            let sep: String = ifs.chars().take(1).collect();
                            fs.quoted(&items.join(&sep));
                        }
                        PVal::One(s) => {
                            only_at = false;
                            fs.quoted(&s.unwrap_or_default());
                        }
                        // The word of `"${v:-word}"`, as if written inside the quotes
                        // (`"${u[@]:-${d[@]}}"` still gives one field per element).
                        PVal::Word(w) => {
                            only_at = false;
                            let parts = lex_quoted_word(&w);
                            Box::pin(self.push_double(fs, &parts, ifs, io)).await?;
                        }
                    }
                }
                other => {
                    only_at = false;
                    let v = self.simple_part(other, io).await?;
                    fs.quoted(&v);
                }
            }
        }
        Ok(())
    }

    /// `$(…)` and `$((…))` as one string.
    async fn simple_part(&mut self, p: &Part, io: &Io) -> R<String> {
        match p {
            Part::Command(script) => self.command_subst(script, io).await,
            Part::Arith(expr) => match self.arith(expr, io).await {
                Ok(v) => Ok(v.to_string()),
                Err(msg) => Err(super::arith::expansion_error(msg)),
            },
            Part::Lit(s) | Part::Quoted(s) => Ok(s.clone()),
            Part::Tilde(u) => Ok(format!("~{u}")),
            Part::Param(name) => Ok(match self.param(name, io).await? {
                PVal::One(s) => s.unwrap_or_default(),
                PVal::Word(w) => self.expand_one(&w, io).await?,
                PVal::Many(v) | PVal::Star(v) => v.join(" "),
            }),
            Part::Double(_) => Ok(String::new()),
            Part::ProcSub(script) => self.process_subst(script, io).await,
            Part::ProcSubOut(script) => Ok(self.out_subst(script, io)),
        }
    }

    /// `<(script)`: runs it now and returns a `/dev/fd/N` path whose content is its output
    /// (readable by commands and `<` redirections for the rest of this `execute`).
    pub(crate) async fn process_subst(&mut self, script: &str, io: &Io) -> R<String> {
        let (data, _) = self.capture(script, io).await?;
        let path = format!("/dev/fd/{}", self.free_fd_path());
        self.fds
            .borrow_mut()
            .insert(path.clone(), bytes::Bytes::from(data));
        Ok(path)
    }

    /// A `/dev/fd/N` number no process substitution holds: as bash numbers them, 63, 62, …
    /// downwards (then upwards past 63, never reusing one).
    pub(crate) fn free_fd_path(&self) -> usize {
        let fds = self.fds.borrow();
        let held = fds.len() + self.out_substs.borrow().len();
        let taken = |n: usize| {
            let p = format!("/dev/fd/{n}");
            fds.contains_key(&p) || self.out_subst_sink(&p).is_some()
        };
        let mut n = 63usize.checked_sub(held).filter(|n| *n >= 10).unwrap_or(64);
        while taken(n) {
            n += 1;
        }
        n
    }

    /// Runs `script` in a subshell with stdout captured (counted against the output budget):
    /// the output and the status (2 and a message on stderr for a syntax error).
    async fn capture(&mut self, script: &str, io: &Io) -> R<(Vec<u8>, i32)> {
        let buf = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let mut sub_io = io.derived();
        sub_io.stdout = Out::Buffer(buf.clone(), Some(self.budget.clone()));
        let mut sub = self.subshell_copy();
        // Its first line is the line it stands on (`$LINENO` inside it).
        sub.st.line_offset = self.st.lineno.saturating_sub(1);
        let st = match super::parse::parse(script) {
            Ok(node) => sub.subshell(&node, &sub_io).await?,
            Err(e) => {
                io.stderr.print(&format!("mirage: {}\n", e.0)).await?;
                2
            }
        };
        drop(sub_io);
        let data = std::mem::take(&mut *buf.borrow_mut());
        Ok((data, st))
    }

    /// The content of a `/dev/fd/N` made by a process substitution.
    pub(crate) fn fd_content(&self, path: &str) -> Option<bytes::Bytes> {
        self.fds.borrow().get(path).cloned()
    }

    /// Runs `script` in a subshell and returns its output without trailing newlines.
    pub(crate) async fn command_subst(&mut self, script: &str, io: &Io) -> R<String> {
        // `$(< file)`: the file's contents, without running anything.
        let t = script.trim();
        if let Some(rest) = t.strip_prefix('<')
            && !rest.starts_with('<')
            && !rest.trim().is_empty()
            && super::lex::split_words(rest).len() == 1
        {
            let name = self.expand_one(rest.trim(), io).await?;
            let data = match self.resolve(&name) {
                Ok(p) => match self.stat_follow(&p).await {
                    Some((real, _)) => self.vfs.read_all(&real).await.map_err(|e| e.user_message()),
                    None => Err("No such file or directory".to_string()),
                },
                Err(e) => Err(e.user_message()),
            };
            return match data {
                Ok(d) => {
                    self.st.status_from_subst = Some(0);
                    let mut s = super::raw::decode(&d);
                    while s.ends_with('\n') {
                        s.pop();
                    }
                    Ok(s)
                }
                Err(m) => {
                    io.stderr.print(&format!("mirage: {name}: {m}\n")).await?;
                    self.st.status_from_subst = Some(1);
                    Ok(String::new())
                }
            };
        }
        let (bytes, st) = self.capture(script, io).await?;
        self.st.status_from_subst = Some(st);
        self.st.status = st;
        let mut s = super::raw::decode(&bytes);
        while s.ends_with('\n') {
            s.pop();
        }
        Ok(s)
    }

    /// Pathname expansion of `pat` (escaped pattern) through the VFS; sorted, empty when
    /// nothing matches.
    pub(crate) async fn glob(&self, pat: &str) -> Vec<String> {
        let absolute = pat.starts_with('/');
        let comps: Vec<&str> = pat.split('/').filter(|c| !c.is_empty()).collect();
        // (display prefix, directory path)
        let mut cur: Vec<(String, crate::vfs::VPath)> = vec![(
            if absolute { "/".into() } else { String::new() },
            if absolute {
                crate::vfs::VPath::root()
            } else {
                self.st.cwd.clone()
            },
        )];
        for (i, comp) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            let mut next = Vec::new();
            for (shown, dir) in &cur {
                if *comp == "**" && self.st.opts.globstar {
                    // Zero or more directories (every file too when it is the last component).
                    let mut stack = vec![(shown.clone(), dir.clone())];
                    // `**/` at the end matches directories only.
                    let files_too = last && !pat.ends_with('/');
                    if !files_too {
                        if !shown.is_empty() || !last {
                            next.push((shown.clone(), dir.clone()));
                        }
                    } else if !shown.is_empty() {
                        // `dir/**` matches `dir/` itself too.
                        let own = format!("{}/", shown.trim_end_matches('/'));
                        next.push((own, dir.clone()));
                    }
                    while let Some((s, d)) = stack.pop() {
                        let Ok(mut entries) = self.vfs.list(&d).await else {
                            continue;
                        };
                        entries.sort_by(|a, b| a.name.cmp(&b.name));
                        for e in entries.into_iter().rev() {
                            if e.name.starts_with('.') && !self.st.opts.dotglob {
                                continue;
                            }
                            let Ok(p) = d.join(&e.name) else { continue };
                            let s2 = join_shown(&s, &e.name);
                            if e.meta.is_dir() {
                                stack.push((s2.clone(), p.clone()));
                                next.push((s2, p));
                            } else if files_too {
                                next.push((s2, p));
                            }
                        }
                    }
                    next.sort_by(|a, b| a.0.cmp(&b.0));
                    continue;
                }
                if has_magic(comp) {
                    let Ok(entries) = self.vfs.list(dir).await else {
                        continue;
                    };
                    let mut names: Vec<(String, bool)> = entries
                        .into_iter()
                        .filter(|e| {
                            !e.name.starts_with('.')
                                || self.st.opts.dotglob
                                || comp.starts_with('.')
                                || comp.starts_with("\\.")
                        })
                        .filter(|e| {
                            if self.st.opts.nocaseglob {
                                super::pattern::matches_ci(comp, &e.name)
                            } else {
                                super::pattern::matches(comp, &e.name)
                            }
                        })
                        .map(|e| {
                            let is_dir =
                                e.meta.is_dir() || e.meta.kind == crate::vfs::FileKind::Symlink;
                            (e.name, is_dir)
                        })
                        .collect();
                    names.sort();
                    for (n, is_dir) in names {
                        // Only directories lead on, and `*/` matches only directories.
                        if (!last || pat.ends_with('/')) && !is_dir {
                            continue;
                        }
                        if let Ok(p) = dir.join(&n) {
                            next.push((join_shown(shown, &n), p));
                        }
                    }
                } else {
                    let name = super::pattern::unescape(comp);
                    let Ok(p) = dir.resolve(&name) else { continue };
                    if last && self.vfs.stat(&p).await.is_err() {
                        continue;
                    }
                    next.push((join_shown(shown, &name), p));
                }
            }
            cur = next;
            if cur.is_empty() {
                break;
            }
        }
        let trailing_slash = pat.ends_with('/');
        let mut out: Vec<String> = cur
            .into_iter()
            .map(|(s, _)| if trailing_slash { format!("{s}/") } else { s })
            .collect();
        if pat.contains("**") {
            // bash sorts the whole expansion; `**` gathers it directory by directory.
            out.sort();
        }
        out
    }
}

fn join_shown(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else if prefix.ends_with('/') {
        format!("{prefix}{name}")
    } else {
        format!("{prefix}/{name}")
    }
}
