//! Extended patterns (`?(a|b)`, `*(…)`, `+(…)`, `@(…)`, `!(…)`), matched by backtracking.
//! As in bash they apply in `[[ == ]]` always and elsewhere after `shopt -s extglob`
//! ([`super::pattern::set_extglob`]).

use super::pattern::class;

/// True when `p` has an unescaped extended-pattern operator: one of `?*+@!` before `(`.
pub fn has_ext(p: &[char]) -> bool {
    let mut esc = false;
    for (i, &c) in p.iter().enumerate() {
        if esc {
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if matches!(c, '?' | '*' | '+' | '@' | '!') && p.get(i + 1) == Some(&'(') {
            return true;
        }
    }
    false
}

/// Matches all of `t` against all of `p`.
pub fn matches(p: &[char], t: &[char], ci: bool) -> bool {
    m(p, t, ci, 0)
}

/// Deepest nesting of operators tried before giving up (bounds pathological patterns).
const MAX_DEPTH: usize = 64;

fn eq(a: char, b: char, ci: bool) -> bool {
    a == b || (ci && a.to_lowercase().eq(b.to_lowercase()))
}

/// The alternatives of the group whose `(` is at `open`, and the index after its `)`.
fn group(p: &[char], open: usize) -> Option<(Vec<&[char]>, usize)> {
    let mut depth = 0;
    let mut start = open + 1;
    let mut alts = Vec::new();
    let mut i = open + 1;
    while i < p.len() {
        match p[i] {
            '\\' => i += 1,
            '(' => depth += 1,
            ')' if depth == 0 => {
                alts.push(&p[start..i]);
                return Some((alts, i + 1));
            }
            ')' => depth -= 1,
            '|' if depth == 0 => {
                alts.push(&p[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn any_alt(alts: &[&[char]], t: &[char], ci: bool, d: usize) -> bool {
    alts.iter().any(|a| m(a, t, ci, d + 1))
}

fn m(p: &[char], t: &[char], ci: bool, d: usize) -> bool {
    if d > MAX_DEPTH {
        return false;
    }
    let Some(&c) = p.first() else {
        return t.is_empty();
    };
    if matches!(c, '?' | '*' | '+' | '@' | '!')
        && p.get(1) == Some(&'(')
        && let Some((alts, end)) = group(p, 1)
    {
        let rest = &p[end..];
        return match c {
            '@' => {
                (0..=t.len()).any(|e| any_alt(&alts, &t[..e], ci, d) && m(rest, &t[e..], ci, d + 1))
            }
            '?' => {
                m(rest, t, ci, d + 1)
                    || (0..=t.len())
                        .any(|e| any_alt(&alts, &t[..e], ci, d) && m(rest, &t[e..], ci, d + 1))
            }
            '*' => star(&alts, rest, t, ci, d),
            '+' => (1..=t.len())
                .any(|e| any_alt(&alts, &t[..e], ci, d) && star(&alts, rest, &t[e..], ci, d)),
            _ => (0..=t.len())
                .any(|e| !any_alt(&alts, &t[..e], ci, d) && m(rest, &t[e..], ci, d + 1)),
        };
    }
    match c {
        '*' => (0..=t.len()).any(|s| m(&p[1..], &t[s..], ci, d + 1)),
        '?' => !t.is_empty() && m(&p[1..], &t[1..], ci, d),
        '[' if !t.is_empty() => match class(p, t[0], ci) {
            Some((true, n)) => m(&p[n..], &t[1..], ci, d),
            Some((false, _)) => false,
            None => eq('[', t[0], ci) && m(&p[1..], &t[1..], ci, d),
        },
        '\\' if p.len() > 1 => !t.is_empty() && eq(p[1], t[0], ci) && m(&p[2..], &t[1..], ci, d),
        c => !t.is_empty() && eq(c, t[0], ci) && m(&p[1..], &t[1..], ci, d),
    }
}

/// Zero or more of `alts` (each non-empty), then `rest`.
fn star(alts: &[&[char]], rest: &[char], t: &[char], ci: bool, d: usize) -> bool {
    m(rest, t, ci, d + 1)
        || (1..=t.len())
            .any(|e| any_alt(alts, &t[..e], ci, d) && star(alts, rest, &t[e..], ci, d + 1))
}

#[cfg(test)]
mod tests {
    fn ok(p: &str, t: &str) -> bool {
        let p: Vec<char> = p.chars().collect();
        let t: Vec<char> = t.chars().collect();
        super::matches(&p, &t, false)
    }

    #[test]
    fn operators() {
        assert!(ok("@(foo|bar).txt", "bar.txt"));
        assert!(!ok("@(foo|bar).txt", "baz.txt"));
        assert!(ok("?(x)y", "y") && ok("?(x)y", "xy") && !ok("?(x)y", "xxy"));
        assert!(ok("*(ab)", "") && ok("*(ab)", "abab") && !ok("*(ab)", "aba"));
        assert!(ok("+(a)b", "aaab") && !ok("+(a)b", "b"));
        assert!(ok("!(*.c)", "x.h") && !ok("!(*.c)", "x.c"));
        assert!(ok("a*(b|c)d", "abcbd") && ok("[0-9]+([0-9])", "123"));
        assert!(ok("@(a|*(b))", "bbb"));
    }
}
