//! The pattern `grep` and `rg` search with: the `regex` crate, or for `-P` patterns it cannot
//! take (look-around, back-references) `fancy-regex`, which backtracks like PCRE.

use regex::bytes::Regex;

/// A compiled pattern.
pub enum Matcher {
    /// Linear-time matching on bytes.
    Plain(Regex),
    /// Backtracking matching (`-P` with look-around or back-references) on text.
    Backtracking(fancy_regex::Regex),
}

impl Matcher {
    /// Builds `-P` pattern `re` with `fancy-regex` (case-insensitive with `ci`).
    pub fn backtracking(re: &str, ci: bool) -> Result<Self, String> {
        let re = if ci {
            format!("(?i){re}")
        } else {
            re.to_string()
        };
        fancy_regex::Regex::new(&re)
            .map(Matcher::Backtracking)
            .map_err(|e| e.to_string())
    }

    /// Whether `line` has a match (a line that is not UTF-8 is read with replacements).
    pub fn is_match(&self, line: &[u8]) -> bool {
        match self {
            Matcher::Plain(re) => re.is_match(line),
            Matcher::Backtracking(re) => re
                .is_match(String::from_utf8_lossy(line).as_ref())
                .unwrap_or(false),
        }
    }

    /// The matched parts of `line` with their offsets, in order.
    pub fn find_all<'a>(&self, line: &'a [u8]) -> Vec<(usize, std::borrow::Cow<'a, [u8]>)> {
        match self {
            Matcher::Plain(re) => re
                .find_iter(line)
                .map(|m| (m.start(), std::borrow::Cow::Borrowed(m.as_bytes())))
                .collect(),
            Matcher::Backtracking(re) => {
                let text = String::from_utf8_lossy(line);
                re.find_iter(text.as_ref())
                    .filter_map(Result::ok)
                    .map(|m| {
                        let bytes = m.as_str().as_bytes().to_vec();
                        (m.start(), std::borrow::Cow::Owned(bytes))
                    })
                    .collect()
            }
        }
    }
}
