//! `expand [-i] [-t N] [FILE]...` (tabs to spaces) and `unexpand [-a] [--first-only] [-t N]
//! [FILE]...` (runs of spaces that reach a tab stop to tabs; leading blanks only unless `-a`
//! or `-t`), on tab stops every N columns (8).

use super::Spec;
use super::text::input_all;

const SPEC: Spec = Spec {
    short: "it:a",
    long: &[
        ("initial", 'i', false),
        ("tabs", 't', true),
        ("all", 'a', false),
        ("first-only", 'f', false),
    ],
    bad_status: 1,
    numeric: true,
};

fn expand(text: &str, tab: usize, initial: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut col = 0;
        let mut leading = true;
        for ch in line.chars() {
            match ch {
                '\t' if leading || !initial => {
                    let n = tab - col % tab;
                    out.extend(std::iter::repeat_n(' ', n));
                    col += n;
                }
                _ => {
                    leading &= ch == ' ';
                    out.push(ch);
                    col += 1;
                }
            }
        }
    }
    out
}

fn unexpand(text: &str, tab: usize, all: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut col = 0;
        let mut spaces = 0;
        let mut leading = true;
        for ch in line.chars() {
            let convert = leading || all;
            match ch {
                ' ' if convert => {
                    spaces += 1;
                    col += 1;
                    if col % tab == 0 {
                        // A run reaching a tab stop: one tab (a lone space stays a space).
                        out.push(if spaces > 1 { '\t' } else { ' ' });
                        spaces = 0;
                    }
                }
                '\t' if convert => {
                    out.push('\t');
                    spaces = 0;
                    col += tab - col % tab;
                }
                _ => {
                    out.extend(std::iter::repeat_n(' ', spaces));
                    spaces = 0;
                    leading = false;
                    out.push(ch);
                    col = if ch == '\n' { 0 } else { col + 1 };
                }
            }
        }
        out.extend(std::iter::repeat_n(' ', spaces));
    }
    out
}

command!(|c| {
    let a = opts!(c, SPEC);
    // `-4` is `-t 4`.
    let tab_arg = a.value('t').or(a.value('#'));
    let tab = match tab_arg.map(|t| t.parse::<usize>()) {
        None => 8,
        Some(Ok(n)) if n > 0 => n,
        _ => {
            c.err(&format!(
                "tab size contains invalid character(s): '{}'",
                tab_arg.unwrap_or("")
            ))
            .await?;
            return Ok(1);
        }
    };
    let (data, failed) = input_all(&c, &a.operands).await?;
    let text = crate::shell::raw::decode(&data);
    let out = if c.name() == "unexpand" {
        unexpand(&text, tab, (a.has('a') || tab_arg.is_some()) && !a.has('f'))
    } else {
        expand(&text, tab, a.has('i'))
    };
    c.print(&out).await?;
    Ok(failed as i32)
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_both_ways() {
        assert_eq!(expand("\ta\tb\n", 4, false), "    a   b\n");
        assert_eq!(expand("\ta\tb\n", 4, true), "    a\tb\n");
        assert_eq!(unexpand("        x  y\n", 8, false), "\tx  y\n");
        assert_eq!(unexpand("a       b\n", 8, true), "a\tb\n");
        assert_eq!(unexpand("       a\n", 8, false), "       a\n");
    }
}
