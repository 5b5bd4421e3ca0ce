//! `mirage prompt`: Markdown that tells an agent what is mounted where, how each mount is laid
//! out, whether it can write there, and which shell commands exist. Built only from the mount
//! table and the backends' own descriptions, never from config values, so secrets cannot leak.

use crate::workspace::MountRow;

/// How to write to a mount of this backend (when it is writable).
fn how_to_write(backend: &str) -> &'static str {
    match backend {
        "ram" => {
            "Create, edit, rename and delete files and directories as on a local disk; contents vanish when mirage stops."
        }
        "local" => {
            "Create, edit, rename and delete files and directories; changes land on the host directory immediately."
        }
        "s3" | "r2" | "gcs" => {
            "Write files normally: a file is uploaded as a whole object when it is closed (editors and `sed -i` work; very large rewrites are slow). `mkdir` creates a `dir/` marker; renaming a directory copies every object (not atomic)."
        }
        "slack" => {
            "Read channels as files. To post a message, append a line of text to `channels/<name>__<id>/post` (`echo 'text' >> …/post`); a line `{\"text\": \"…\", \"thread_ts\": \"…\"}` replies in a thread. Nothing else can be written."
        }
        _ => "Writable.",
    }
}

/// Renders the prompt for `rows`; `mountpoint` is where the workspace is mounted (or `None`
/// when the agent uses the shell / MCP tools, where paths start at `/`).
pub fn render(rows: &[MountRow], mountpoint: Option<&str>) -> String {
    let root = mountpoint.unwrap_or("");
    let mut out = String::from("# Workspace (mirage)\n\n");
    match mountpoint {
        Some(m) => out.push_str(&format!(
            "This directory (`{m}`) is a mirage workspace: several data sources appear as one file tree. \
             Use ordinary tools (`ls`, `cat`, `rg`, `find`, editors, `git`) on it.\n\n"
        )),
        None => out.push_str(
            "The workspace is one file tree over several data sources, reached through mirage's shell \
             (bash syntax, run in-process; paths start at `/`).\n\n",
        ),
    }
    out.push_str("| path | backend | access | layout |\n|---|---|---|---|\n");
    let mut rows: Vec<&MountRow> = rows.iter().collect();
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    for r in &rows {
        let access = if r.mode == "write" {
            "read-write"
        } else {
            "read-only"
        };
        out.push_str(&format!(
            "| `{root}{}` | {} | {access} | {} |\n",
            r.path,
            r.backend,
            r.description.replace('|', "\\|").replace('\n', " ")
        ));
    }
    out.push_str("\n## Writing\n\n");
    for r in &rows {
        if r.mode == "write" {
            out.push_str(&format!(
                "- `{root}{}`: {}\n",
                r.path,
                how_to_write(&r.backend)
            ));
        } else {
            out.push_str(&format!(
                "- `{root}{}` is read-only: writes fail with \"Read-only file system\" (EROFS); copy files to a writable mount to change them.\n",
                r.path
            ));
        }
    }
    out.push_str(
        "\n## Tips\n\n- Listings and file sizes come from the backend's metadata; the first read of a remote file fetches it, later reads are cached.\n- Prefer `rg`/`grep -r` with a path over searching `/` when several remote mounts are present.\n",
    );
    out.push_str("\n## Shell commands\n\nWhen using mirage's shell (`mirage exec`, the MCP `bash` tool): bash syntax with these commands (`CMD --help` for usage): ");
    let names: Vec<&str> = crate::shell::commands::TABLE
        .iter()
        .map(|(n, _, _)| *n)
        .collect();
    out.push_str(&names.join(", "));
    out.push_str(". Builtins: cd, export, local, read, source, eval, set, test/[ and [[. No other programs can be run.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, backend: &str, mode: &str, desc: &str) -> MountRow {
        MountRow {
            path: path.into(),
            backend: backend.into(),
            mode: mode.into(),
            ttl: "1s".into(),
            description: desc.into(),
        }
    }

    #[test]
    fn lists_mounts_modes_and_commands() {
        let p = render(
            &[
                row("/s3", "s3", "write", "S3 bucket `b`"),
                row("/gh", "github", "read", "GitHub repository `o/r`"),
            ],
            Some("/home/u/ws"),
        );
        assert!(
            p.contains("| `/home/u/ws/gh` | github | read-only | GitHub repository `o/r` |"),
            "{p}"
        );
        assert!(p.contains("| `/home/u/ws/s3` | s3 | read-write |"), "{p}");
        assert!(p.contains("uploaded as a whole object"), "{p}");
        assert!(p.contains("Read-only file system"), "{p}");
        assert!(p.contains("grep, "), "{p}");
    }
}
