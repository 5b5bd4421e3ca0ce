//! `mirage mcp`: a Model Context Protocol server on stdio (rmcp) over one workspace and one
//! shell session. Tools: `bash` (the in-process shell), `read`, `write`, `edit`, `ls`, `grep`,
//! `glob`; the `mirage prompt` text is the server's instructions. Tool failures (missing file,
//! non-unique edit, read-only mount) are tool errors with a clear message, not protocol errors.

use std::sync::Arc;

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, Content, Implementation, InitializeResult, ServerCapabilities, ServerInfo,
};
use rmcp::schemars::{self, JsonSchema};
use rmcp::{ErrorData, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};

use crate::shell::Shell;
use crate::vfs::{FileKind, VPath, Vfs, VfsError};

/// Output of one tool call is cut here (with a note saying so).
pub const OUTPUT_CAP: usize = 30_000;

type ToolResult = Result<CallToolResult, ErrorData>;

struct Job {
    script: String,
    reply: oneshot::Sender<crate::shell::ExecResult>,
}

/// Runs the shell session on its own thread (the interpreter is single-threaded).
fn spawn_shell(vfs: Arc<Vfs>) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(16);
    let spawned = std::thread::Builder::new()
        .name("mirage-shell".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            let mut sh = Shell::new(vfs);
            rt.block_on(async move {
                while let Some(job) = rx.recv().await {
                    let r = sh.execute(&job.script).await;
                    sh.exited = false;
                    let _ = job.reply.send(r);
                }
            });
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the shell thread: {e}");
    }
    tx
}

/// Cuts `s` to [`OUTPUT_CAP`] bytes (on a char boundary) with a note.
pub fn cap(s: &str) -> String {
    if s.len() <= OUTPUT_CAP {
        return s.to_string();
    }
    let mut end = OUTPUT_CAP;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[output truncated: {} of {} bytes shown]",
        &s[..end],
        end,
        s.len()
    )
}

fn ok(text: impl Into<String>) -> ToolResult {
    Ok(CallToolResult::success(vec![Content::text(text.into())]))
}

fn fail(text: impl Into<String>) -> ToolResult {
    Ok(CallToolResult::error(vec![Content::text(text.into())]))
}

fn vfs_fail(path: &str, e: &VfsError) -> ToolResult {
    fail(format!("{path}: {}", e.user_message()))
}

/// `bash` arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct BashArgs {
    /// The script (bash syntax). cwd, variables and functions persist between calls.
    pub command: String,
}

/// `read` arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReadArgs {
    /// Absolute path in the workspace.
    pub path: String,
    /// First line to return (1-based, default 1).
    pub offset: Option<usize>,
    /// Number of lines (default 2000).
    pub limit: Option<usize>,
}

/// `write` arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct WriteArgs {
    /// Absolute path in the workspace.
    pub path: String,
    /// The new content of the whole file.
    pub content: String,
}

/// `edit` arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct EditArgs {
    /// Absolute path in the workspace.
    pub path: String,
    /// Exact text to replace; must occur exactly once unless `replace_all`.
    pub old_string: String,
    /// Replacement text.
    pub new_string: String,
    /// Replace every occurrence.
    pub replace_all: Option<bool>,
}

/// `ls` arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct LsArgs {
    /// Directory (default `/`).
    pub path: Option<String>,
}

/// `grep` arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GrepArgs {
    /// Regular expression (Rust/ripgrep syntax).
    pub pattern: String,
    /// File or directory to search (default `/`).
    pub path: Option<String>,
    /// Only files whose name matches this glob (e.g. `*.rs`).
    pub glob: Option<String>,
    /// Case-insensitive.
    pub ignore_case: Option<bool>,
}

/// `glob` arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GlobArgs {
    /// Pattern relative to `path`: `*`, `?`, `[…]`, and `**` for any depth (e.g. `**/*.md`).
    pub pattern: String,
    /// Directory to search from (default `/`).
    pub path: Option<String>,
}

/// The MCP server.
#[derive(Clone)]
pub struct MirageMcp {
    vfs: Arc<Vfs>,
    shell: mpsc::Sender<Job>,
    instructions: String,
}

fn abs(p: &str) -> Result<VPath, VfsError> {
    VPath::root().resolve(p)
}

/// `**/` → any depth, `*` and `?` within one component.
fn glob_regex(pattern: &str) -> Option<regex::Regex> {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                    re.push_str("(?:.*/)?");
                } else {
                    re.push_str(".*");
                }
                continue;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                let end = chars[i..].iter().position(|c| *c == ']').map(|p| p + i);
                match end {
                    Some(e) => {
                        let body: String = chars[i + 1..e].iter().collect();
                        re.push('[');
                        re.push_str(&body.replacen('!', "^", 1).replace('\\', "\\\\"));
                        re.push(']');
                        i = e + 1;
                        continue;
                    }
                    None => re.push_str("\\["),
                }
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    regex::Regex::new(&re).ok()
}

#[tool_router]
impl MirageMcp {
    /// A server over `vfs`, with `instructions` (the `mirage prompt` text).
    pub fn new(vfs: Arc<Vfs>, instructions: String) -> Self {
        MirageMcp {
            shell: spawn_shell(vfs.clone()),
            vfs,
            instructions,
        }
    }

    /// The workspace path of a tool argument and the file's bytes, or the tool error.
    async fn load(&self, shown: &str) -> Result<(VPath, bytes::Bytes), ToolResult> {
        let path = abs(shown).map_err(|e| vfs_fail(shown, &e))?;
        let data = self
            .vfs
            .read_all(&path)
            .await
            .map_err(|e| vfs_fail(shown, &e))?;
        Ok((path, data))
    }

    async fn run_shell(&self, script: String) -> Result<crate::shell::ExecResult, String> {
        let (tx, rx) = oneshot::channel();
        self.shell
            .send(Job { script, reply: tx })
            .await
            .map_err(|_| "the shell session has stopped".to_string())?;
        rx.await
            .map_err(|_| "the shell session has stopped".to_string())
    }

    #[tool(
        description = "Run a bash script in mirage's in-process shell over the workspace (no host files, no subprocesses). cwd, variables and functions persist between calls. Returns stdout, stderr and the exit code; long output is truncated."
    )]
    async fn bash(&self, Parameters(a): Parameters<BashArgs>) -> ToolResult {
        let r = match self.run_shell(a.command).await {
            Ok(r) => r,
            Err(m) => return fail(m),
        };
        let stdout = String::from_utf8_lossy(&r.stdout);
        let stderr = String::from_utf8_lossy(&r.stderr);
        let mut text = cap(&stdout);
        if !stderr.is_empty() {
            text.push_str(&format!("\n[stderr]\n{}", cap(&stderr)));
        }
        text.push_str(&format!("\n[exit code {}]", r.status));
        if r.status == 0 { ok(text) } else { fail(text) }
    }

    #[tool(
        description = "Read a text file with numbered lines (like cat -n). offset is the first line (1-based), limit the number of lines (default 2000)."
    )]
    async fn read(&self, Parameters(a): Parameters<ReadArgs>) -> ToolResult {
        let (_, data) = match self.load(&a.path).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let text = String::from_utf8_lossy(&data);
        let start = a.offset.unwrap_or(1).max(1);
        let limit = a.limit.unwrap_or(2000);
        let mut out = String::new();
        for (i, line) in text.lines().enumerate().skip(start - 1).take(limit) {
            out.push_str(&format!("{:>6}\t{line}\n", i + 1));
        }
        if out.is_empty() && !text.is_empty() {
            return fail(format!(
                "{}: offset {start} is past the end ({} lines)",
                a.path,
                text.lines().count()
            ));
        }
        ok(cap(&out))
    }

    #[tool(description = "Write a whole file (created or replaced). Fails on read-only mounts.")]
    async fn write(&self, Parameters(a): Parameters<WriteArgs>) -> ToolResult {
        let path = match abs(&a.path) {
            Ok(p) => p,
            Err(e) => return vfs_fail(&a.path, &e),
        };
        match self.vfs.write_all(&path, a.content.as_bytes(), false).await {
            Ok(()) => ok(format!("wrote {} bytes to {}", a.content.len(), a.path)),
            Err(e) => vfs_fail(&a.path, &e),
        }
    }

    #[tool(
        description = "Replace an exact string in a file. old_string must occur exactly once unless replace_all is true."
    )]
    async fn edit(&self, Parameters(a): Parameters<EditArgs>) -> ToolResult {
        let (path, data) = match self.load(&a.path).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let Ok(text) = String::from_utf8(data.to_vec()) else {
            return fail(format!("{}: not a UTF-8 text file", a.path));
        };
        if a.old_string.is_empty() {
            return fail("old_string is empty");
        }
        let n = text.matches(&a.old_string).count();
        if n == 0 {
            return fail(format!("{}: old_string not found", a.path));
        }
        let all = a.replace_all.unwrap_or(false);
        if n > 1 && !all {
            return fail(format!(
                "{}: old_string is not unique ({n} occurrences); add context or set replace_all",
                a.path
            ));
        }
        let new = if all {
            text.replace(&a.old_string, &a.new_string)
        } else {
            text.replacen(&a.old_string, &a.new_string, 1)
        };
        match self.vfs.write_all(&path, new.as_bytes(), false).await {
            Ok(()) => ok(format!(
                "replaced {} occurrence{} in {}",
                if all { n } else { 1 },
                if all && n != 1 { "s" } else { "" },
                a.path
            )),
            Err(e) => vfs_fail(&a.path, &e),
        }
    }

    #[tool(
        description = "List a directory: one entry per line, directories with a trailing /, file sizes in bytes."
    )]
    async fn ls(&self, Parameters(a): Parameters<LsArgs>) -> ToolResult {
        let shown = a.path.unwrap_or_else(|| "/".into());
        let path = match abs(&shown) {
            Ok(p) => p,
            Err(e) => return vfs_fail(&shown, &e),
        };
        let mut entries = match self.vfs.list(&path).await {
            Ok(e) => e,
            Err(e) => return vfs_fail(&shown, &e),
        };
        entries.sort_by(|x, y| x.name.cmp(&y.name));
        let mut out = String::new();
        for e in entries {
            match e.meta.kind {
                FileKind::Dir => out.push_str(&format!("{}/\n", e.name)),
                FileKind::Symlink => out.push_str(&format!("{}@\n", e.name)),
                FileKind::File => out.push_str(&format!("{}\t{}\n", e.name, e.meta.size)),
                FileKind::Special => out.push_str(&format!("{}|\n", e.name)),
            }
        }
        ok(cap(&out))
    }

    #[tool(
        description = "Search file contents with a regular expression (ripgrep semantics, recursive, hidden files skipped). Returns path:line:text lines."
    )]
    async fn grep(&self, Parameters(a): Parameters<GrepArgs>) -> ToolResult {
        let q = crate::shell::commands::quote;
        let mut script = String::from("rg -n --no-heading -H");
        if a.ignore_case.unwrap_or(false) {
            script.push_str(" -i");
        }
        if let Some(g) = &a.glob {
            script.push_str(&format!(" -g {}", q(g)));
        }
        script.push_str(&format!(
            " -e {} -- {}",
            q(&a.pattern),
            q(a.path.as_deref().unwrap_or("/"))
        ));
        let r = match self.run_shell(script).await {
            Ok(r) => r,
            Err(m) => return fail(m),
        };
        match r.status {
            0 => ok(cap(&String::from_utf8_lossy(&r.stdout))),
            1 => ok("no matches"),
            _ => fail(String::from_utf8_lossy(&r.stderr).into_owned()),
        }
    }

    #[tool(
        description = "Find files by name pattern, e.g. **/*.rs or src/*.md, relative to path (default /). Returns matching paths, one per line."
    )]
    async fn glob(&self, Parameters(a): Parameters<GlobArgs>) -> ToolResult {
        let base_s = a.path.unwrap_or_else(|| "/".into());
        let base = match abs(&base_s) {
            Ok(p) => p,
            Err(e) => return vfs_fail(&base_s, &e),
        };
        let Some(re) = glob_regex(a.pattern.trim_start_matches('/')) else {
            return fail(format!("invalid pattern {}", a.pattern));
        };
        let mut out = Vec::new();
        let mut stack = vec![(base.clone(), String::new())];
        let mut visited = 0usize;
        while let Some((dir, rel)) = stack.pop() {
            let entries = match self.vfs.list(&dir).await {
                Ok(e) => e,
                Err(e) if dir == base => return vfs_fail(&base_s, &e),
                Err(_) => continue,
            };
            for e in entries {
                visited += 1;
                let r = if rel.is_empty() {
                    e.name.clone()
                } else {
                    format!("{rel}/{}", e.name)
                };
                let Ok(p) = dir.join(&e.name) else { continue };
                if re.is_match(&r) {
                    out.push(p.as_str().to_string());
                }
                if e.meta.kind == FileKind::Dir && visited < 1_000_000 {
                    stack.push((p, r));
                }
            }
        }
        out.sort();
        if out.is_empty() {
            return ok("no files match");
        }
        ok(cap(&(out.join("\n") + "\n")))
    }
}

#[tool_handler]
impl ServerHandler for MirageMcp {
    fn get_info(&self) -> ServerInfo {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("mirage", env!("CARGO_PKG_VERSION")))
            .with_instructions(self.instructions.clone())
    }
}

/// Serves MCP on stdin/stdout until the client closes stdin.
pub async fn serve(vfs: Arc<Vfs>, instructions: String) -> anyhow::Result<()> {
    let server = MirageMcp::new(vfs, instructions);
    let running = server.serve(rmcp::transport::stdio()).await?;
    running.waiting().await?;
    Ok(())
}
