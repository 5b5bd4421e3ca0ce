//! Option parsing for commands, getopt-style: clustered short flags (`-rn`), values attached
//! or separate (`-n5`, `-n 5`), long options (`--lines=5`, `--lines 5`), `--` and a lone `-`.

/// Which options a command accepts.
pub struct Spec {
    /// Short flags; a `:` after a letter means it takes a value (`"n:c:qv"`).
    pub short: &'static str,
    /// Long options: (name, short equivalent or a unique char, takes a value).
    pub long: &'static [(&'static str, char, bool)],
    /// Exit status for a bad option (1 for coreutils, 2 for grep/diff).
    pub bad_status: i32,
    /// Numbers as options (`head -5`) are kept as operands when false, else given as `#`.
    pub numeric: bool,
}

impl Spec {
    /// A spec with only short flags.
    pub const fn short(short: &'static str) -> Self {
        Spec {
            short,
            long: &[],
            bad_status: 1,
            numeric: false,
        }
    }
}

/// Parsed options, in order, and the operands.
#[derive(Debug, Default)]
pub struct Args {
    /// (flag, value) in command-line order.
    pub opts: Vec<(char, Option<String>)>,
    /// Non-option arguments.
    pub operands: Vec<String>,
}

impl Args {
    /// Parses `argv` (without the command name).
    pub fn parse(argv: &[String], spec: &Spec) -> Result<Args, String> {
        let mut a = Args::default();
        let mut i = 0;
        let takes = |c: char| {
            spec.short
                .find(c)
                .is_some_and(|p| spec.short[p + c.len_utf8()..].starts_with(':'))
        };
        while i < argv.len() {
            let arg = &argv[i];
            i += 1;
            if arg == "--" {
                a.operands.extend(argv[i..].iter().cloned());
                break;
            }
            if let Some(long) = arg.strip_prefix("--") {
                let (name, val) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                let cands: Vec<_> = spec
                    .long
                    .iter()
                    .filter(|(n, _, _)| n.starts_with(name))
                    .collect();
                let found = cands
                    .iter()
                    .find(|(n, _, _)| *n == name)
                    .or(if cands.len() == 1 {
                        cands.first()
                    } else {
                        None
                    });
                let Some((_, c, has_val)) = found else {
                    return Err(format!("unrecognized option '--{name}'"));
                };
                let val = if *has_val {
                    match val {
                        Some(v) => Some(v),
                        None if i < argv.len() => {
                            i += 1;
                            Some(argv[i - 1].clone())
                        }
                        None => return Err(format!("option '--{name}' requires an argument")),
                    }
                } else {
                    val
                };
                a.opts.push((*c, val));
                continue;
            }
            if arg.len() < 2 || !arg.starts_with('-') {
                a.operands.push(arg.clone());
                continue;
            }
            let body = &arg[1..];
            if spec.numeric && body.bytes().all(|b| b.is_ascii_digit()) {
                a.opts.push(('#', Some(body.to_string())));
                continue;
            }
            let chars = body.char_indices();
            for (pos, c) in chars {
                if !spec.short.contains(c) || c == ':' {
                    return Err(format!("invalid option -- '{c}'"));
                }
                if takes(c) {
                    let rest = &body[pos + c.len_utf8()..];
                    let val = if !rest.is_empty() {
                        rest.to_string()
                    } else if i < argv.len() {
                        i += 1;
                        argv[i - 1].clone()
                    } else {
                        return Err(format!("option requires an argument -- '{c}'"));
                    };
                    a.opts.push((c, Some(val)));
                    break;
                }
                a.opts.push((c, None));
            }
        }
        Ok(a)
    }

    /// True when flag `c` was given.
    pub fn has(&self, c: char) -> bool {
        self.opts.iter().any(|(o, _)| *o == c)
    }

    /// The last value of flag `c`.
    pub fn value(&self, c: char) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|(o, _)| *o == c)
            .and_then(|(_, v)| v.as_deref())
    }

    /// All values of flag `c`, in order.
    pub fn values(&self, c: char) -> Vec<&str> {
        self.opts
            .iter()
            .filter(|(o, _)| *o == c)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses() {
        const S: Spec = Spec {
            short: "n:rv",
            long: &[("lines", 'n', true), ("reverse", 'r', false)],
            bad_status: 1,
            numeric: true,
        };
        let a = Args::parse(
            &v(&["-rn5", "x", "--lines=3", "-", "--rev", "-7", "--", "-v"]),
            &S,
        )
        .unwrap();
        assert!(a.has('r'));
        assert_eq!(a.value('n'), Some("3"));
        assert_eq!(a.value('#'), Some("7"));
        assert_eq!(a.operands, v(&["x", "-", "-v"]));
        assert!(Args::parse(&v(&["-z"]), &S).is_err());
    }
}
