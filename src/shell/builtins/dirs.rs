//! `cd` and `pwd`: logical paths by default (`PWD` keeps the symlinks it went through),
//! `-P` for the physical ones, `CDPATH`, `cd -` and `OLDPWD`.

use super::fail;
use crate::shell::Shell;
use crate::shell::links::Missing;
use crate::vfs::VPath;

builtin!(cd, |sh, argv, io| {
    let mut physical = false;
    let mut args = argv[1..].iter().peekable();
    while let Some(a) = args.peek() {
        match a.as_str() {
            "-L" => physical = false,
            "-P" => physical = true,
            "-e" | "-@" => {}
            "--" => {
                args.next();
                break;
            }
            _ => break,
        }
        args.next();
    }
    let rest: Vec<&String> = args.collect();
    if rest.len() > 1 {
        return fail(io, "cd: too many arguments".into(), 1).await;
    }
    let mut print = false;
    let target = match rest.first().map(|s| s.as_str()) {
        None => match sh.st.get_str("HOME") {
            Some(h) => h,
            None => return fail(io, "cd: HOME not set".into(), 1).await,
        },
        Some("-") => match sh.st.get_str("OLDPWD") {
            Some(o) => {
                print = true;
                o
            }
            None => return fail(io, "cd: OLDPWD not set".into(), 1).await,
        },
        Some(t) => t.to_string(),
    };
    let from_cdpath = match cdpath_dir(sh, &target).await {
        Some(p) => {
            print = true;
            Some(p)
        }
        None => None,
    };
    let path = match from_cdpath {
        Some(p) => p,
        None => match logical(sh, &target, physical).await {
            Ok(p) => p,
            Err(msg) => return fail(io, format!("cd: {target}: {msg}"), 1).await,
        },
    };
    let path = if physical {
        match sh.canonical(&path, Missing::None).await {
            Some(p) => p,
            None => return fail(io, format!("cd: {target}: No such file or directory"), 1).await,
        }
    } else {
        path
    };
    match sh.stat_follow(&path).await {
        Some((_, m)) if m.is_dir() => {}
        Some(_) => return fail(io, format!("cd: {target}: Not a directory"), 1).await,
        None => return fail(io, format!("cd: {target}: No such file or directory"), 1).await,
    }
    if print {
        io.stdout.print(&format!("{path}\n")).await?;
    }
    let old = sh.st.cwd.as_str().to_string();
    let _ = sh.st.set_str("OLDPWD", old);
    let _ = sh.st.set_str("PWD", path.as_str());
    sh.st.cwd = path;
    Ok(0)
});

builtin!(pwd, |sh, argv, io| {
    let cwd = if argv[1..].iter().any(|a| a == "-P") {
        sh.canonical(&sh.st.cwd, Missing::None)
            .await
            .unwrap_or_else(|| sh.st.cwd.clone())
    } else {
        sh.st.cwd.clone()
    };
    io.stdout.print(&format!("{cwd}\n")).await?;
    Ok(0)
});

/// `target` relative to the working directory, `..` taken lexically as bash does — after
/// checking that what it leaves is a directory (`cd nosuch/..` fails). With `-P` the walk
/// starts from the physical working directory.
async fn logical(sh: &Shell, target: &str, physical: bool) -> Result<VPath, String> {
    let mut cur = if target.starts_with('/') {
        VPath::root()
    } else if physical {
        sh.canonical(&sh.st.cwd, Missing::None)
            .await
            .unwrap_or_else(|| sh.st.cwd.clone())
    } else {
        sh.st.cwd.clone()
    };
    // Only what the target added is checked: `cd ..` still leaves a removed directory.
    let mut added = false;
    for comp in target.split('/').filter(|c| !c.is_empty() && *c != ".") {
        if comp == ".." {
            if added {
                match sh.stat_follow(&cur).await {
                    Some((_, m)) if m.is_dir() => {}
                    Some(_) => return Err("Not a directory".into()),
                    None => return Err("No such file or directory".into()),
                }
            }
            cur = cur.parent();
        } else {
            cur = cur.join(comp).map_err(|e| e.user_message())?;
            added = true;
        }
    }
    Ok(cur)
}

/// The directory `CDPATH` finds for a relative `target` (not one starting with `.`), if any.
async fn cdpath_dir(sh: &Shell, target: &str) -> Option<VPath> {
    if target.starts_with('/') || target.starts_with('.') {
        return None;
    }
    let cdpath = sh.st.get_str("CDPATH").filter(|c| !c.is_empty())?;
    for dir in cdpath.split(':').filter(|d| !d.is_empty()) {
        let joined = format!("{}/{target}", dir.trim_end_matches('/'));
        if let Ok(p) = sh.resolve(&joined)
            && sh.stat_follow(&p).await.is_some_and(|(_, m)| m.is_dir())
        {
            return Some(p);
        }
    }
    None
}
