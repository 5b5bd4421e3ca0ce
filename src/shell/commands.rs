//! The commands scripts run (`cat`, `grep`, `find`, `sed` …), one module each, all working on
//! the VFS through [`Ctx`]. Output and messages follow GNU coreutils; `CMD --help` prints the
//! usage line from [`TABLE`].

use std::sync::Arc;

use bytes::Bytes;
use futures::future::LocalBoxFuture;

use super::io::Io;
use super::{Shell, ShellError};
use crate::vfs::{FileKind, Metadata, VPath, Vfs, VfsError};

/// Defines `pub fn run(c: Ctx) -> …` from a body that uses `c`.
macro_rules! command {
    (|$c:ident| $body:block) => {
        /// Runs the command.
        pub fn run($c: super::Ctx<'_>) -> futures::future::LocalBoxFuture<'_, super::Res> {
            #[allow(unused_mut)]
            let mut $c = $c;
            Box::pin(async move $body)
        }
    };
}

/// Parses options or returns the bad-option status.
macro_rules! opts {
    ($c:ident, $spec:expr) => {
        match $c.args(&$spec).await {
            Ok(a) => a,
            Err(r) => return r,
        }
    };
}

mod args;
mod awk;
mod base64;
mod basename;
mod bc;
mod cat;
mod chmod;
mod cksum;
mod cmp;
mod column;
mod comm;
mod cp;
mod cut;
mod date;
mod datespec;
mod dd;
mod diff;
mod du;
mod dump;
mod echo;
mod env;
mod expr;
mod file;
mod find;
mod fold;
mod fsops;
mod grep;
mod gzip;
mod head;
mod ident;
mod info;
mod join;
mod jq;
mod ln;
mod ls;
mod mkdir;
mod mkfifo;
mod mktemp;
mod nl;
mod od;
mod paste;
mod printf;
mod readlink;
mod regex_syntax;
mod rev;
mod rm;
mod sed;
mod seq;
mod shuf;
mod sleep;
mod sort;
mod split;
mod stat;
mod sums;
mod tabs;
mod tac;
mod tail;
mod tar;
mod tee;
mod text;
mod timeout;
mod touch;
mod tr;
mod tree;
mod truncate;
mod uniq;
mod wc;
mod xargs;
mod yes;

pub use args::{Args, Spec};

type Res = Result<i32, ShellError>;
/// A command: its context in, its exit status out.
pub type Command = fn(Ctx<'_>) -> LocalBoxFuture<'_, Res>;

/// Every command with its usage line.
pub const TABLE: &[(&str, Command, &str)] = &[
    (
        "awk",
        awk::run,
        "awk [-F FS] [-v VAR=VAL] [-f FILE | 'PROGRAM'] [FILE]... -- pattern scanning and processing",
    ),
    (
        "base64",
        base64::run,
        "base64 [-d] [-w COLS] [FILE] -- base64 encode or decode",
    ),
    (
        "basename",
        basename::run,
        "basename NAME [SUFFIX] | -a [-s SUFFIX] NAME... -- strip directory and suffix",
    ),
    (
        "bc",
        bc::run,
        "bc [-l] -- arbitrary-precision calculator (basic)",
    ),
    (
        "cat",
        cat::run,
        "cat [-nbsAE] [FILE]... -- concatenate files to standard output",
    ),
    (
        "chmod",
        chmod::run,
        "chmod [-Rvcf] MODE[,MODE]... FILE... -- change permission bits (octal or u+x, go-w, a=rX)",
    ),
    (
        "cksum",
        cksum::run,
        "cksum [FILE]... -- POSIX CRC and byte count",
    ),
    (
        "cmp",
        cmp::run,
        "cmp [-s] [-l] FILE1 [FILE2] -- compare two files byte by byte",
    ),
    (
        "column",
        column::run,
        "column -t [-s SEP] [-o SEP] [FILE]... -- align columns",
    ),
    (
        "comm",
        comm::run,
        "comm [-123] FILE1 FILE2 -- compare two sorted files line by line",
    ),
    (
        "cp",
        cp::run,
        "cp [-rRapfnv] SOURCE... DEST -- copy files and directories (also across mounts)",
    ),
    (
        "cut",
        cut::run,
        "cut -f LIST [-d DELIM] [-s] | -c LIST [FILE]... -- select fields or characters",
    ),
    (
        "date",
        date::run,
        "date [-u] [-d DATE] [-r FILE] [+FORMAT] -- print the date (UTC)",
    ),
    ("df", du::run, "df [-h] [PATH]... -- space per mount"),
    (
        "diff",
        diff::run,
        "diff [-u] [-U N] [-q] FILE1 FILE2 -- compare files line by line",
    ),
    (
        "dirname",
        basename::run,
        "dirname NAME... -- strip the last component",
    ),
    (
        "du",
        du::run,
        "du [-shacb] [-d N] [PATH]... -- space used by files",
    ),
    (
        "echo",
        echo::run,
        "echo [-neE] [ARG]... -- write arguments to standard output",
    ),
    (
        "env",
        env::run,
        "env [NAME=VALUE]... [COMMAND [ARG]...] -- print or modify the environment",
    ),
    (
        "expand",
        tabs::run,
        "expand [-i] [-t N] [FILE]... -- tabs to spaces",
    ),
    (
        "expr",
        expr::run,
        "expr EXPRESSION -- evaluate an expression",
    ),
    (
        "file",
        file::run,
        "file [-b] FILE... -- guess a file's type",
    ),
    (
        "find",
        find::run,
        "find [PATH]... [-name P] [-type f|d|l] [-maxdepth N] [-exec CMD {} ;] ... -- search for files",
    ),
    (
        "fold",
        fold::run,
        "fold [-w N] [-s] [FILE]... -- wrap lines",
    ),
    (
        "grep",
        grep::run,
        "grep [-rinlLcvEFowxqhH] [-e PAT] [-A N] [-B N] [-C N] [--include G] PATTERN [FILE]... -- print matching lines",
    ),
    (
        "gunzip",
        gzip::run,
        "gunzip [-ck] FILE... -- decompress .gz files",
    ),
    ("gzip", gzip::run, "gzip [-dck] [FILE]... -- compress files"),
    ("hostname", ident::run, "hostname -- the host's name"),
    (
        "id",
        ident::run,
        "id [-u|-g|-G] [-n] [-r] -- user and group IDs of the shell",
    ),
    (
        "head",
        head::run,
        "head [-n N] [-c N] [FILE]... -- output the first part of files",
    ),
    ("help", info::run, "help -- list the builtins and commands"),
    (
        "history",
        info::run,
        "history -- scripts run in this session",
    ),
    (
        "join",
        join::run,
        "join [-t C] [-1 F] [-2 F] [-a N] FILE1 FILE2 -- join sorted files on a field",
    ),
    (
        "jq",
        jq::run,
        "jq [-rcnsSejR] [--arg N V] [--argjson N J] FILTER [FILE]... -- JSON processor (jaq)",
    ),
    (
        "ln",
        ln::run,
        "ln -s [-f] TARGET LINK -- make symbolic links",
    ),
    (
        "ls",
        ls::run,
        "ls [-laAR1hdtSrF] [FILE]... -- list directory contents",
    ),
    (
        "md5sum",
        sums::run,
        "md5sum [-c] [FILE]... -- MD5 checksums",
    ),
    (
        "mkdir",
        mkdir::run,
        "mkdir [-p] [-v] DIR... -- make directories",
    ),
    (
        "mkfifo",
        mkfifo::run,
        "mkfifo [-m MODE] NAME... -- make named pipes",
    ),
    (
        "mktemp",
        mktemp::run,
        "mktemp [-d] [-p DIR] [TEMPLATE] -- create a unique temporary file or directory",
    ),
    (
        "mv",
        cp::run,
        "mv [-fnv] SOURCE... DEST -- move or rename files (also across mounts)",
    ),
    (
        "nl",
        nl::run,
        "nl [-b a|t|n] [-w N] [-s SEP] [FILE]... -- number lines",
    ),
    (
        "od",
        od::run,
        "od [-A d|o|x|n] [-t TYPE]... [-j SKIP] [-N COUNT] [-w[N]] [-v] [-abcdilosx] [FILE]... -- dump bytes in octal or other formats",
    ),
    (
        "paste",
        paste::run,
        "paste [-s] [-d LIST] [FILE]... -- merge lines of files",
    ),
    (
        "printenv",
        env::run,
        "printenv [NAME]... -- print exported variables",
    ),
    (
        "printf",
        printf::run,
        "printf [-v VAR] FORMAT [ARG]... -- format and print data",
    ),
    (
        "readlink",
        readlink::run,
        "readlink [-f|-e|-m] [-n] FILE... -- print symlink targets or canonical paths",
    ),
    (
        "realpath",
        readlink::run,
        "realpath [-e|-m] [-s] FILE... -- print canonical paths",
    ),
    (
        "egrep",
        grep::run,
        "egrep [OPTION]... PATTERN [FILE]... -- grep -E",
    ),
    (
        "fgrep",
        grep::run,
        "fgrep [OPTION]... PATTERN [FILE]... -- grep -F",
    ),
    (
        "rev",
        rev::run,
        "rev [FILE]... -- reverse characters of each line",
    ),
    (
        "rg",
        grep::run,
        "rg [-inlcvFowSH] [-g GLOB] [-t TYPE] [--hidden] PATTERN [PATH]... -- recursive regex search",
    ),
    (
        "rm",
        rm::run,
        "rm [-rfdv] FILE... -- remove files or directories",
    ),
    (
        "rmdir",
        rm::run,
        "rmdir [-p] DIR... -- remove empty directories",
    ),
    (
        "dd",
        dd::run,
        "dd [if=FILE] [of=FILE] [bs=N] [count=N] [skip=N] [seek=N] [conv=notrunc,sync] [status=none] -- copy blocks at offsets",
    ),
    (
        "sed",
        sed::run,
        "sed [-nEs] [-i[SUF]] [-e SCRIPT]... [-f FILE] [SCRIPT] [FILE]... -- stream editor",
    ),
    (
        "seq",
        seq::run,
        "seq [-s SEP] [-w] [-f FMT] [FIRST [INCREMENT]] LAST -- print a sequence of numbers",
    ),
    (
        "sha1sum",
        sums::run,
        "sha1sum [-c] [FILE]... -- SHA-1 checksums",
    ),
    (
        "sha256sum",
        sums::run,
        "sha256sum [-c] [FILE]... -- SHA-256 checksums",
    ),
    (
        "sha512sum",
        sums::run,
        "sha512sum [-c] [FILE]... -- SHA-512 checksums",
    ),
    (
        "truncate",
        truncate::run,
        "truncate [-c] -s [+-<>/%]SIZE FILE... -- shrink or extend files",
    ),
    (
        "shuf",
        shuf::run,
        "shuf [-n N] [-r] [-z] [-o FILE] [-e ARG...|-i LO-HI|FILE] -- random permutations",
    ),
    ("sleep", sleep::run, "sleep N[smhd]... -- wait"),
    (
        "sort",
        sort::run,
        "sort [-nrufbhVgs] [-k KEY] [-t SEP] [-o FILE] [FILE]... -- sort lines",
    ),
    (
        "split",
        split::run,
        "split [-l N|-b SIZE] [-d] [-a N] [FILE [PREFIX]] -- split a file into pieces",
    ),
    (
        "stat",
        stat::run,
        "stat [-c FORMAT] [-L] FILE... -- file status",
    ),
    ("tac", tac::run, "tac [FILE]... -- lines in reverse order"),
    (
        "tail",
        tail::run,
        "tail [-n N|+N] [-c N] [FILE]... -- output the last part of files",
    ),
    (
        "tar",
        tar::run,
        "tar -c|-x|-t [-z] [-v] -f ARCHIVE [-C DIR] [FILE]... -- tape archives",
    ),
    (
        "tee",
        tee::run,
        "tee [-a] [FILE]... -- copy stdin to stdout and files",
    ),
    (
        "timeout",
        timeout::run,
        "timeout DURATION COMMAND [ARG]... -- run a command with a time limit",
    ),
    (
        "touch",
        touch::run,
        "touch [-c] [-d DATE] [-t STAMP] [-r REF] FILE... -- change times or create files",
    ),
    (
        "tr",
        tr::run,
        "tr [-cds] SET1 [SET2] -- translate or delete characters",
    ),
    (
        "tree",
        tree::run,
        "tree [-a] [-d] [-L N] [DIR]... -- list a directory tree",
    ),
    (
        "uname",
        ident::run,
        "uname [-asnrvmpio] -- system information",
    ),
    (
        "unexpand",
        tabs::run,
        "unexpand [-a] [--first-only] [-t N] [FILE]... -- spaces to tabs",
    ),
    (
        "uniq",
        uniq::run,
        "uniq [-cdui] [-f N] [-s N] [INPUT [OUTPUT]] -- report or omit repeated lines",
    ),
    (
        "wc",
        wc::run,
        "wc [-lwcm] [FILE]... -- count lines, words, bytes",
    ),
    ("which", info::run, "which NAME... -- locate a command"),
    ("whoami", ident::run, "whoami -- the user name of the shell"),
    (
        "xargs",
        xargs::run,
        "xargs [-0] [-n N] [-I STR] [-r] [COMMAND [ARG]...] -- build command lines from stdin",
    ),
    ("xxd", dump::run, "xxd [-p] [-r] [FILE] -- hex dump"),
    ("yes", yes::run, "yes [STRING] -- repeat a line forever"),
    ("zcat", gzip::run, "zcat FILE... -- decompress to stdout"),
];

/// The command called `name`.
pub fn lookup(name: &str) -> Option<Command> {
    let c = TABLE.iter().find(|(n, _, _)| *n == name)?.1;
    Some(c)
}

/// What a command gets: the session, its argv and its streams.
pub struct Ctx<'a> {
    /// The session (cwd, variables, the VFS).
    pub sh: &'a mut Shell,
    /// argv, `argv[0]` being the command name.
    pub argv: Vec<String>,
    /// Standard streams.
    pub io: Io,
}

impl<'a> Ctx<'a> {
    /// Wraps a call.
    pub fn new(sh: &'a mut Shell, argv: Vec<String>, io: Io) -> Self {
        Ctx { sh, argv, io }
    }

    /// The command name.
    pub fn name(&self) -> &str {
        &self.argv[0]
    }

    /// The workspace.
    pub fn vfs(&self) -> &Arc<Vfs> {
        &self.sh.vfs
    }

    /// Writes bytes to stdout.
    pub async fn out(&self, data: &[u8]) -> Result<(), ShellError> {
        self.io.stdout.write(data).await
    }

    /// Writes a string to stdout (raw-byte stand-ins as the bytes, see [`super::raw`]).
    pub async fn print(&self, s: &str) -> Result<(), ShellError> {
        self.io.stdout.print(s).await
    }

    /// Writes `name: msg` to stderr.
    pub async fn err(&self, msg: &str) -> Result<(), ShellError> {
        self.io
            .stderr
            .print(&format!("{}: {msg}\n", self.argv[0]))
            .await
    }

    /// Writes `name: target: <strerror>` to stderr.
    pub async fn fail(&self, target: &str, e: &VfsError) -> Result<(), ShellError> {
        self.err(&format!("{target}: {}", e.user_message())).await
    }

    /// Resolves a path argument against the working directory.
    pub fn path(&self, p: &str) -> Result<VPath, VfsError> {
        self.sh.resolve(p)
    }

    /// `stat` without following a final symlink.
    pub async fn lstat(&self, p: &VPath) -> Result<Metadata, VfsError> {
        self.sh.vfs.stat(p).await
    }

    /// `stat` following symlinks: the real path and its attributes.
    pub async fn stat(&self, p: &VPath) -> Result<(VPath, Metadata), VfsError> {
        match self.sh.vfs.stat(p).await {
            Ok(m) if m.kind != FileKind::Symlink => Ok((p.clone(), m)),
            Ok(_) => self.sh.stat_follow(p).await.ok_or(VfsError::SymlinkLoop),
            Err(e) => self.sh.stat_follow(p).await.ok_or(e),
        }
    }

    /// The stream of an endless device operand (`/dev/zero`, `/dev/urandom`), read a chunk
    /// at a time by the commands that stop early (`cat`, `head`, `od -N`); `read_arg` refuses
    /// one as too large.
    pub fn device(&self, arg: &str) -> Option<super::io::In> {
        super::io::Device::at(arg).map(super::io::In::device)
    }

    /// The bytes of file argument `arg` (`-` is stdin); follows symlinks; a directory is
    /// `IsADirectory`.
    pub async fn read_arg(&self, arg: &str) -> Result<Bytes, VfsError> {
        if super::io::Device::at(arg).is_some() {
            return Err(VfsError::FileTooLarge);
        }
        if arg == "-" || arg == "/dev/stdin" {
            return self
                .io
                .stdin
                .read_all()
                .await
                .map(Bytes::from)
                .ok_or(VfsError::FileTooLarge);
        }
        if arg == "/dev/null" {
            return Ok(Bytes::new());
        }
        if let Some(b) = self.sh.fd_content(arg) {
            return Ok(b);
        }
        // `/dev/fd/N`: an input descriptor of the command (`cat /dev/fd/3 3<f`).
        if let Some(n) = arg
            .strip_prefix("/dev/fd/")
            .and_then(|n| n.parse::<u32>().ok())
        {
            return match self.io.input(n) {
                Ok(i) => i
                    .read_all()
                    .await
                    .map(Bytes::from)
                    .ok_or(VfsError::FileTooLarge),
                Err(_) => Err(VfsError::NotFound),
            };
        }
        let p = self.path(arg)?;
        self.read_path(&p).await
    }

    /// The bytes of a file, following symlinks.
    pub async fn read_path(&self, p: &VPath) -> Result<Bytes, VfsError> {
        match self.sh.vfs.read_all(p).await {
            Ok(b) => Ok(b),
            Err(VfsError::InvalidArgument)
            | Err(VfsError::NotFound)
            | Err(VfsError::IsADirectory)
            | Err(VfsError::SymlinkLoop)
            | Err(VfsError::NotADirectory) => {
                let (real, m) = self.stat(p).await?;
                if m.is_dir() {
                    return Err(VfsError::IsADirectory);
                }
                self.sh.vfs.read_all(&real).await
            }
            Err(e) => Err(e),
        }
    }

    /// Standard input, whole; an error past [`super::io::READ_ALL_MAX`] bytes.
    pub async fn stdin(&self) -> Result<Vec<u8>, ShellError> {
        self.io.stdin.read_all().await.ok_or_else(|| {
            ShellError::Fatal(
                format!(
                    "{}: standard input: more than {} MiB to hold at once",
                    self.name(),
                    super::io::READ_ALL_MAX >> 20
                ),
                1,
            )
        })
    }

    /// Parses options by `spec`; prints the error and returns `Err(status)` on a bad option.
    pub async fn args(&self, spec: &Spec) -> Result<Args, Res> {
        match Args::parse(&self.argv[1..], spec) {
            Ok(a) => Ok(a),
            Err(msg) => Err(async {
                self.err(&msg).await?;
                self.io
                    .stderr
                    .print(&format!(
                        "Try '{} --help' for more information.\n",
                        self.argv[0]
                    ))
                    .await?;
                Ok(spec.bad_status)
            }
            .await),
        }
    }
}

/// Quotes `s` for a shell script (`%q`).
pub fn quote(s: &str) -> String {
    printf::shell_quote(s)
}

/// Quotes `s` for reuse (`${var@Q}`).
pub fn quote_reusable(s: &str) -> String {
    printf::reusable_quote(s)
}

pub use printf::{ansi_c_quote, needs_ansi_c};

/// `s` as bash shows a word in `set -x` traces and `set` listings: as it is when it is safe,
/// else single-quoted (`'a b'`, `''`), or `$'…'` when it holds control characters.
pub fn quote_if_needed(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_ansi_c(s) {
        return ansi_c_quote(s).into();
    }
    if !s.is_empty()
        && !s.starts_with(['~', '#'])
        && !s.chars().any(|c| " \t\n'\"\\|&;()<>$`*?[]{}!^".contains(c))
    {
        return s.into();
    }
    format!("'{}'", s.replace('\'', "'\\''")).into()
}

/// `cmd --help`: the usage line from [`TABLE`].
pub fn usage(name: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, u)| *u)
}
