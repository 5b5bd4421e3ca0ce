//! `tree [-a] [-d] [-L N] [DIR]...`: the `tree` drawing and its summary line.

use super::Spec;
use crate::vfs::{FileKind, VPath};

const SPEC: Spec = Spec {
    short: "adL:fFI:",
    long: &[],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let max: usize = a
        .value('L')
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let ignore = a.value('I').map(String::from);
    let roots = if a.operands.is_empty() {
        vec![".".to_string()]
    } else {
        a.operands.clone()
    };
    let (mut dirs, mut files) = (0, 0);
    let mut out = String::new();
    for r in &roots {
        let path = match c.path(r) {
            Ok(p) => p,
            Err(e) => {
                out.push_str(&format!("{r}  [error opening dir: {}]\n", e.user_message()));
                continue;
            }
        };
        out.push_str(&format!("{r}\n"));
        let mut lines = Vec::new();
        collect(
            &c,
            path,
            String::new(),
            1,
            max,
            a.has('a'),
            a.has('d'),
            ignore.as_deref(),
            &mut lines,
            &mut dirs,
            &mut files,
        )
        .await;
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "\n{dirs} director{}{}\n",
        if dirs == 1 { "y" } else { "ies" },
        if a.has('d') {
            String::new()
        } else {
            format!(", {files} file{}", if files == 1 { "" } else { "s" })
        }
    ));
    c.print(&out).await?;
    Ok(0)
});

/// Lines of the subtree under `dir`, depth first.
#[allow(clippy::too_many_arguments)]
async fn collect(
    c: &super::Ctx<'_>,
    dir: VPath,
    prefix: String,
    depth: usize,
    max: usize,
    all: bool,
    dirs_only: bool,
    ignore: Option<&str>,
    out: &mut Vec<String>,
    dirs: &mut usize,
    files: &mut usize,
) {
    let Ok(mut es) = c.vfs().list(&dir).await else {
        return;
    };
    es.retain(|e| all || !e.name.starts_with('.'));
    es.retain(|e| !dirs_only || e.meta.kind == FileKind::Dir);
    if let Some(pat) = ignore {
        es.retain(|e| {
            !pat.split('|')
                .any(|p| crate::shell::pattern::matches(p, &e.name))
        });
    }
    es.sort_by(|x, y| x.name.cmp(&y.name));
    let n = es.len();
    for (i, e) in es.into_iter().enumerate() {
        let last = i + 1 == n;
        let mut name = e.name.clone();
        if e.meta.kind == FileKind::Symlink
            && let Ok(p) = dir.join(&e.name)
        {
            name = format!(
                "{name} -> {}",
                c.vfs().readlink(&p).await.unwrap_or_default()
            );
        }
        out.push(format!(
            "{prefix}{}{name}",
            if last { "└── " } else { "├── " }
        ));
        if e.meta.kind == FileKind::Dir {
            *dirs += 1;
            if depth < max
                && let Ok(q) = dir.join(&e.name)
            {
                Box::pin(collect(
                    c,
                    q,
                    format!("{prefix}{}", if last { "    " } else { "│   " }),
                    depth + 1,
                    max,
                    all,
                    dirs_only,
                    ignore,
                    out,
                    dirs,
                    files,
                ))
                .await;
            }
        } else {
            *files += 1;
        }
    }
}
