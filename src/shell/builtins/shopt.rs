//! `shopt`: the bash options mirage has (`-s`, `-u`, `-q`, `-p`), and the `set -o` ones
//! through `-o`, printed in bash's formats.

use super::fail;
use crate::shell::Shell;

/// The `shopt` options mirage knows, in bash's (sorted) order.
const SHOPTS: &[&str] = &[
    "checkwinsize",
    "dotglob",
    "expand_aliases",
    "extglob",
    "failglob",
    "globstar",
    "histappend",
    "inherit_errexit",
    "lastpipe",
    "nocaseglob",
    "nocasematch",
    "nullglob",
    "patsub_replacement",
];

/// Options bash 5.2 has on in a script that mirage has no switch for: it behaves so, or they
/// concern interactive shells only. `$BASHOPTS` lists them as bash does.
const ALWAYS_ON: &[&str] = &[
    "checkwinsize",
    "cmdhist",
    "complete_fullquote",
    "extquote",
    "force_fignore",
    "globasciiranges",
    "globskipdots",
    "hostcomplete",
    "interactive_comments",
    "progcomp",
    "promptvars",
    "sourcepath",
];

/// `$BASHOPTS`: the `shopt` options that are on, sorted, `:`-separated.
pub(crate) fn bashopts(sh: &Shell) -> String {
    let mut on: Vec<&str> = SHOPTS
        .iter()
        .copied()
        .filter(|n| shopt_get(sh, n) == Some(true))
        .chain(ALWAYS_ON.iter().copied())
        .collect();
    on.sort_unstable();
    on.dedup();
    on.join(":")
}

/// Whether shopt option `name` is on (`None`: not an option mirage knows).
fn shopt_get(sh: &Shell, name: &str) -> Option<bool> {
    let o = &sh.st.opts;
    Some(match name {
        "nullglob" => o.nullglob,
        "failglob" => o.failglob,
        "globstar" => o.globstar,
        "extglob" => o.extglob,
        "dotglob" => o.dotglob,
        "nocaseglob" => o.nocaseglob,
        "nocasematch" => o.nocasematch,
        "lastpipe" => o.lastpipe,
        "patsub_replacement" => !o.no_patsub,
        "expand_aliases" | "inherit_errexit" | "checkwinsize" | "histappend" => false,
        _ => return None,
    })
}

/// Sets shopt option `name`; `false` when it is not one mirage knows.
fn shopt_set(sh: &mut Shell, name: &str, on: bool) -> bool {
    let o = &mut sh.st.opts;
    match name {
        "nullglob" => o.nullglob = on,
        "failglob" => o.failglob = on,
        "globstar" => o.globstar = on,
        "extglob" => {
            o.extglob = on;
            crate::shell::pattern::set_extglob(on);
        }
        "dotglob" => o.dotglob = on,
        "nocaseglob" => o.nocaseglob = on,
        "nocasematch" => o.nocasematch = on,
        "lastpipe" => o.lastpipe = on,
        "patsub_replacement" => o.no_patsub = !on,
        // Accepted and without effect in a script.
        "expand_aliases" | "inherit_errexit" | "checkwinsize" | "histappend" => {}
        _ => return false,
    }
    true
}

builtin!(shopt, |sh, argv, io| {
    let (mut set, mut quiet, mut print, mut set_o) = (None, false, false, false);
    let mut names = Vec::new();
    for a in &argv[1..] {
        match a
            .strip_prefix('-')
            .filter(|f| !f.is_empty() && names.is_empty())
        {
            Some(flags) => {
                for f in flags.chars() {
                    match f {
                        's' => set = Some(true),
                        'u' => set = Some(false),
                        'q' => quiet = true,
                        'p' => print = true,
                        'o' => set_o = true,
                        other => {
                            return fail(io, format!("shopt: -{other}: invalid option"), 2).await;
                        }
                    }
                }
            }
            None => names.push(a.clone()),
        }
    }
    // The options this command is about, with their state (`None`: not an option).
    let known: Vec<(String, Option<bool>)> = if set_o {
        let all = super::vars::set_options(sh);
        let pick = |n: &str| all.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
        if names.is_empty() {
            all.iter().map(|(k, v)| (k.to_string(), Some(*v))).collect()
        } else {
            names.iter().map(|n| (n.clone(), pick(n))).collect()
        }
    } else if names.is_empty() {
        SHOPTS
            .iter()
            .map(|n| (n.to_string(), shopt_get(sh, n)))
            .collect()
    } else {
        names
            .iter()
            .map(|n| (n.clone(), shopt_get(sh, n)))
            .collect()
    };
    let mut st = 0;
    let mut out = String::new();
    for (n, state) in known {
        let Some(on) = state else {
            let what = if set_o {
                "option name"
            } else {
                "shell option name"
            };
            io.stderr
                .print(&format!("mirage: shopt: {n}: invalid {what}\n"))
                .await?;
            st = 1;
            continue;
        };
        match set {
            Some(v) if !names.is_empty() => {
                if set_o {
                    let flag = if v { "-o" } else { "+o" };
                    let args = vec!["set".to_string(), flag.to_string(), n.clone()];
                    st = st.max(Box::pin(super::vars::set(sh, args, io)).await?);
                } else {
                    shopt_set(sh, &n, v);
                }
            }
            // `shopt -s` alone lists the options that are on (`-u`: off).
            Some(v) if on != v => {}
            _ => {
                if names.is_empty() || !on {
                    st = st.max(i32::from(!on && !names.is_empty()));
                }
                if !quiet {
                    out.push_str(&match (print, set_o) {
                        (true, true) => format!("set {}o {n}\n", if on { '-' } else { '+' }),
                        (true, false) => format!("shopt {} {n}\n", if on { "-s" } else { "-u" }),
                        _ => format!("{n:<15}\t{}\n", if on { "on" } else { "off" }),
                    });
                }
            }
        }
    }
    io.stdout.print(&out).await?;
    Ok(st)
});
