//! `diff` of directories: entries compared by name in byte order, as GNU diff does (`Only
//! in`, `Common subdirectories`, `File … is a directory while …`, a `diff …` header before
//! each differing pair), into subdirectories with `-r`; and the unified-diff file labels.

use super::{Compare, normal, unified};
use crate::shell::commands::Ctx;
use crate::vfs::FileKind;

/// What a directory comparison needs of the command line.
pub(super) struct Opts {
    pub(super) uni: Option<usize>,
    pub(super) brief: bool,
    pub(super) recursive: bool,
    pub(super) cmp: Compare,
    /// `diff` and the options as given (`diff -ru`), printed before each differing pair.
    pub(super) header: String,
}

/// A file's name in a unified diff's header: the name, a tab and its modification time as
/// GNU diff prints it (`2024-01-31 12:00:00.123456789 +0000`; now for standard input).
pub(super) async fn label(c: &Ctx<'_>, name: &str) -> String {
    let mtime = match c.path(name) {
        Ok(p) if name != "-" => c.stat(&p).await.ok().map(|(_, m)| m.mtime),
        _ => None,
    }
    .unwrap_or_else(std::time::SystemTime::now);
    let t = chrono::DateTime::<chrono::Utc>::from(mtime);
    format!("{name}\t{}", t.format("%Y-%m-%d %H:%M:%S%.9f +0000"))
}

pub(super) async fn kind_of(c: &Ctx<'_>, arg: &str) -> Option<FileKind> {
    let p = c.path(arg).ok()?;
    c.stat(&p).await.ok().map(|(_, m)| m.kind)
}

/// `dir/<last component of file>`.
pub(super) fn in_dir(dir: &str, file: &str) -> String {
    let name = file
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(file);
    format!("{}/{name}", dir.trim_end_matches('/'))
}

/// Compares two files into `out`; `true` when they differ. `in_tree`: part of a directory
/// comparison, so a differing pair gets its `diff …` header line.
pub(super) async fn compare_files(
    c: &Ctx<'_>,
    a: &str,
    b: &str,
    o: &Opts,
    in_tree: bool,
    out: &mut String,
) -> Result<bool, String> {
    let mut texts = Vec::new();
    for f in [a, b] {
        let data = c
            .read_arg(f)
            .await
            .map_err(|e| format!("{f}: {}", e.user_message()))?;
        texts.push(String::from_utf8_lossy(&data).into_owned());
    }
    if texts[0] == texts[1] || o.cmp.key(&texts[0]) == o.cmp.key(&texts[1]) {
        return Ok(false);
    }
    if o.brief {
        out.push_str(&format!("Files {a} and {b} differ\n"));
        return Ok(true);
    }
    if in_tree {
        out.push_str(&format!("{} {a} {b}\n", o.header));
    }
    out.push_str(&match o.uni {
        Some(n) => {
            let (la, lb) = (label(c, a).await, label(c, b).await);
            unified(&texts[0], &texts[1], n, (&la, &lb), o.cmp)
        }
        None => normal(&texts[0], &texts[1], o.cmp),
    });
    Ok(true)
}

/// Compares two directories entry by entry (names in byte order), as GNU diff does.
pub(super) fn compare_dirs<'a>(
    c: &'a Ctx<'_>,
    a: &'a str,
    b: &'a str,
    o: &'a Opts,
    out: &'a mut String,
) -> futures::future::LocalBoxFuture<'a, Result<bool, String>> {
    Box::pin(async move {
        let list = |d: &'a str| async move {
            let p = c
                .path(d)
                .map_err(|e| format!("{d}: {}", e.user_message()))?;
            let entries = c
                .vfs()
                .list(&p)
                .await
                .map_err(|e| format!("{d}: {}", e.user_message()))?;
            Ok::<_, String>(
                entries
                    .into_iter()
                    .map(|e| (e.name, e.meta.kind))
                    .collect::<std::collections::BTreeMap<_, _>>(),
            )
        };
        let (la, lb) = (list(a).await?, list(b).await?);
        let names: std::collections::BTreeSet<&String> = la.keys().chain(lb.keys()).collect();
        let mut differ = false;
        for name in names {
            let (pa, pb) = (format!("{a}/{name}"), format!("{b}/{name}"));
            match (la.get(name), lb.get(name)) {
                (Some(_), None) => {
                    out.push_str(&format!("Only in {a}: {name}\n"));
                    differ = true;
                }
                (None, Some(_)) => {
                    out.push_str(&format!("Only in {b}: {name}\n"));
                    differ = true;
                }
                (Some(FileKind::Dir), Some(FileKind::Dir)) => {
                    if o.recursive {
                        differ |= compare_dirs(c, &pa, &pb, o, out).await?;
                    } else {
                        out.push_str(&format!("Common subdirectories: {pa} and {pb}\n"));
                    }
                }
                (Some(FileKind::Dir), Some(_)) => {
                    out.push_str(&format!(
                        "File {pa} is a directory while file {pb} is a regular file\n"
                    ));
                    differ = true;
                }
                (Some(_), Some(FileKind::Dir)) => {
                    out.push_str(&format!(
                        "File {pa} is a regular file while file {pb} is a directory\n"
                    ));
                    differ = true;
                }
                _ => differ |= compare_files(c, &pa, &pb, o, true, out).await?,
            }
        }
        Ok(differ)
    })
}
