//! Shell patterns (`*`, `?`, `[…]`, `\x`), used by globbing, `case`, `[[ == ]]`, `${v#p}` and
//! `find -name`. A backslash makes the next character literal; the expander escapes quoted text.

thread_local! {
    static EXTGLOB: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Turns extended patterns (`@(a|b)` …) on or off for this thread's matching (the shell
/// sets it from `shopt extglob`, and on inside `[[ ]]`); returns the previous setting.
pub fn set_extglob(on: bool) -> bool {
    EXTGLOB.with(|e| e.replace(on))
}

fn extglob() -> bool {
    EXTGLOB.with(|e| e.get())
}

/// True when `pat` contains an unescaped `*`, `?` or `[`, or an extended pattern (`@(…)`)
/// while those are on.
pub fn has_magic(pat: &str) -> bool {
    let mut esc = false;
    let mut prev = ' ';
    for c in pat.chars() {
        if esc {
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if matches!(c, '*' | '?' | '[')
            || (c == '(' && matches!(prev, '+' | '@' | '!') && extglob())
        {
            return true;
        }
        prev = c;
    }
    false
}

/// Escapes every pattern character of `s` so it matches only itself (the characters of
/// extended patterns too: a quoted `'()'` after `*` is not `*(…)`; and `-`/`^`, which a
/// quoted part inside a bracket expression keeps literal: `[C\-D]`).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '*' | '?' | '[' | ']' | '\\' | '(' | ')' | '|' | '+' | '@' | '!' | '-' | '^'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Removes pattern escapes (for a pattern used literally).
pub fn unescape(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len());
    let mut esc = false;
    for c in pat.chars() {
        if !esc && c == '\\' {
            esc = true;
            continue;
        }
        esc = false;
        out.push(c);
    }
    out
}

/// Matches `text` against the whole `pat`.
pub fn matches(pat: &str, text: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = text.chars().collect();
    if extglob() && super::extglob::has_ext(&p) {
        return super::extglob::matches(&p, &t, false);
    }
    match_at(&p, &t, false)
}

/// Case-insensitive [`matches`].
pub fn matches_ci(pat: &str, text: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = text.chars().collect();
    if extglob() && super::extglob::has_ext(&p) {
        return super::extglob::matches(&p, &t, true);
    }
    match_at(&p, &t, true)
}

fn eq(a: char, b: char, ci: bool) -> bool {
    a == b || (ci && a.to_lowercase().eq(b.to_lowercase()))
}

fn match_at(p: &[char], t: &[char], ci: bool) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let step = if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => Some(1),
                '[' => match class(&p[pi..], t[ti], ci) {
                    Some((true, n)) => Some(n),
                    Some((false, _)) => None,
                    None => eq('[', t[ti], ci).then_some(1),
                },
                '\\' if pi + 1 < p.len() => eq(p[pi + 1], t[ti], ci).then_some(2),
                c => eq(c, t[ti], ci).then_some(1),
            }
        } else {
            None
        };
        match step {
            Some(n) => {
                pi += n;
                ti += 1;
            }
            None => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Matches `c` against the bracket expression at the start of `p`: `(matched, length)`, or
/// `None` when `p` has no closing `]` (then `[` is literal).
pub(super) fn class(p: &[char], c: char, ci: bool) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    while i < p.len() {
        let ch = p[i];
        if ch == ']' && !first {
            return Some((hit != negate, i + 1));
        }
        first = false;
        if ch == '[' && p.get(i + 1) == Some(&':') {
            let rest: String = p[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                hit |= match name {
                    "alpha" => c.is_alphabetic(),
                    "digit" => c.is_ascii_digit(),
                    "alnum" => c.is_alphanumeric(),
                    "upper" => c.is_uppercase(),
                    "lower" => c.is_lowercase(),
                    "space" => c.is_whitespace(),
                    "blank" => c == ' ' || c == '\t',
                    "punct" => c.is_ascii_punctuation(),
                    "xdigit" => c.is_ascii_hexdigit(),
                    "cntrl" => c.is_control(),
                    "print" => !c.is_control(),
                    "graph" => !c.is_control() && c != ' ',
                    _ => false,
                };
                i += 2 + rest[..end].chars().count() + 2;
                continue;
            }
        }
        let lo = if ch == '\\' && i + 1 < p.len() {
            i += 1;
            p[i]
        } else {
            ch
        };
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&h| h != ']') {
            let hi = p[i + 2];
            hit |= (lo..=hi).contains(&c)
                || (ci && (lo..=hi).contains(&c.to_ascii_lowercase()))
                || (ci && (lo..=hi).contains(&c.to_ascii_uppercase()));
            i += 3;
        } else {
            hit |= eq(lo, c, ci);
            i += 1;
        }
    }
    None
}

/// The shortest (`longest = false`) or longest prefix of `text` matching `pat`, as a byte length.
pub fn match_prefix(pat: &str, text: &str, longest: bool) -> Option<usize> {
    let ends: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut it: Box<dyn Iterator<Item = &usize>> = if longest {
        Box::new(ends.iter().rev())
    } else {
        Box::new(ends.iter())
    };
    it.find(|&&e| matches(pat, &text[..e])).copied()
}

/// The shortest or longest suffix of `text` matching `pat`, as its starting byte index.
pub fn match_suffix(pat: &str, text: &str, longest: bool) -> Option<usize> {
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut it: Box<dyn Iterator<Item = &usize>> = if longest {
        Box::new(starts.iter())
    } else {
        Box::new(starts.iter().rev())
    };
    it.find(|&&s| matches(pat, &text[s..])).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert!(matches("*.txt", "a.txt"));
        assert!(!matches("*.txt", "a.txt.bak"));
        assert!(matches("a?c", "abc"));
        assert!(matches("[a-c]x", "bx"));
        assert!(matches("[!a-c]x", "dx"));
        assert!(matches("[[:digit:]]*", "9lives"));
        assert!(matches("\\*", "*"));
        assert!(!matches("\\*", "a"));
        assert!(matches("*", ""));
        assert!(matches("[]]", "]"));
        assert!(matches_ci("*.TXT", "a.txt"));
    }

    #[test]
    fn prefixes_and_suffixes() {
        assert_eq!(match_prefix("*/", "a/b/c", false), Some(2));
        assert_eq!(match_prefix("*/", "a/b/c", true), Some(4));
        assert_eq!(match_suffix(".*", "f.tar.gz", false), Some(5));
        assert_eq!(match_suffix(".*", "f.tar.gz", true), Some(1));
    }
}
