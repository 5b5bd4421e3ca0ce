//! The one validated path type of the workspace.
//!
//! A [`VPath`] is absolute, normalised (no `.`, `..`, empty or repeated separators), free of NUL
//! and made of components of at most [`NAME_MAX`] bytes. Every layer — mount table, backends,
//! inode table, shell — speaks `VPath`, so no code below the frontends ever sees `..` or has to
//! re-validate a name. Backends receive paths relative to their mount root, still as `VPath`
//! (`/` is the mount root itself).

use std::fmt;

use super::error::{VfsError, VfsResult};

/// Longest file-name component in bytes, as on Linux filesystems.
pub const NAME_MAX: usize = 255;

/// Longest whole path in bytes (Linux `PATH_MAX`).
pub const PATH_MAX: usize = 4096;

/// An absolute, normalised, validated path (`/`, `/a`, `/a/b`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VPath(String);

impl VPath {
    /// The root path `/`.
    pub fn root() -> Self {
        VPath("/".to_string())
    }

    /// Parses an absolute path, resolving `.` and `..` lexically (`/..` stays `/`).
    /// Fails with `InvalidPath` for relative paths or NUL bytes and `NameTooLong` for a
    /// component over [`NAME_MAX`] bytes.
    pub fn parse(s: &str) -> VfsResult<Self> {
        if !s.starts_with('/') {
            return Err(VfsError::InvalidPath(format!(
                "not an absolute path: {s:?}"
            )));
        }
        Self::root().resolve(s)
    }

    /// Resolves `rel` against `self` as a directory: an absolute `rel` replaces it, `.` and
    /// `..` are applied lexically. This is how the shell turns `cd ../x` into a path.
    pub fn resolve(&self, rel: &str) -> VfsResult<Self> {
        if rel.contains('\0') {
            return Err(VfsError::InvalidPath("path contains a NUL byte".into()));
        }
        if rel.len() > PATH_MAX {
            return Err(VfsError::NameTooLong);
        }
        let mut parts: Vec<&str> = if rel.starts_with('/') {
            Vec::new()
        } else {
            self.components().collect()
        };
        for part in rel.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                name => {
                    if name.len() > NAME_MAX {
                        return Err(VfsError::NameTooLong);
                    }
                    parts.push(name);
                }
            }
        }
        Ok(Self::from_parts(&parts))
    }

    fn from_parts(parts: &[&str]) -> Self {
        if parts.is_empty() {
            return Self::root();
        }
        let mut s = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
        for p in parts {
            s.push('/');
            s.push_str(p);
        }
        VPath(s)
    }

    /// Appends one file name; fails on `/`, NUL, `.`, `..`, empty or over-long names.
    pub fn join(&self, name: &str) -> VfsResult<Self> {
        validate_name(name)?;
        let mut s = self.0.clone();
        if s != "/" {
            s.push('/');
        }
        s.push_str(name);
        if s.len() > PATH_MAX {
            return Err(VfsError::NameTooLong);
        }
        Ok(VPath(s))
    }

    /// The path as a string, always starting with `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for `/`.
    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }

    /// The components, root first (`/a/b` → `a`, `b`; `/` → nothing).
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|c| !c.is_empty())
    }

    /// The parent directory; `/` is its own parent.
    pub fn parent(&self) -> VPath {
        match self.0.rfind('/') {
            Some(0) | None => Self::root(),
            Some(i) => VPath(self.0[..i].to_string()),
        }
    }

    /// The last component; empty for `/`.
    pub fn name(&self) -> &str {
        match self.0.rfind('/') {
            Some(i) => &self.0[i + 1..],
            None => "",
        }
    }

    /// True when `self` equals `prefix` or lies below it.
    pub fn starts_with(&self, prefix: &VPath) -> bool {
        prefix.is_root()
            || self.0 == prefix.0
            || (self.0.starts_with(&prefix.0)
                && self.0.as_bytes().get(prefix.0.len()) == Some(&b'/'))
    }

    /// `self` with `prefix` removed, as a path below `/`; `None` if `self` is not below it.
    pub fn strip_prefix(&self, prefix: &VPath) -> Option<VPath> {
        if !self.starts_with(prefix) {
            return None;
        }
        if prefix.is_root() {
            return Some(self.clone());
        }
        let rest = &self.0[prefix.0.len()..];
        Some(if rest.is_empty() {
            Self::root()
        } else {
            VPath(rest.to_string())
        })
    }

    /// `self` placed below `base` (`/x` under `/m` is `/m/x`; `/` under `/m` is `/m`).
    pub fn under(&self, base: &VPath) -> VPath {
        if self.is_root() {
            return base.clone();
        }
        if base.is_root() {
            return self.clone();
        }
        VPath(format!("{}{}", base.0, self.0))
    }

    /// Replaces the prefix `from` by `to` (used when a directory is renamed).
    pub fn rebase(&self, from: &VPath, to: &VPath) -> Option<VPath> {
        self.strip_prefix(from).map(|rest| rest.under(to))
    }

    /// A bound for range scans over ordered paths; not a valid path itself.
    pub(crate) fn range_bound(raw: String) -> Self {
        VPath(raw)
    }

    /// The number of components (`/` is 0).
    pub fn depth(&self) -> usize {
        self.components().count()
    }
}

/// Checks one file name: non-empty, not `.`/`..`, no `/` or NUL, at most [`NAME_MAX`] bytes.
pub fn validate_name(name: &str) -> VfsResult<()> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(VfsError::InvalidPath(format!(
            "invalid file name: {name:?}"
        )));
    }
    if name.len() > NAME_MAX {
        return Err(VfsError::NameTooLong);
    }
    Ok(())
}

impl Default for VPath {
    /// The root.
    fn default() -> Self {
        Self::root()
    }
}

impl fmt::Display for VPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for VPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> VPath {
        VPath::parse(s).unwrap()
    }

    #[test]
    fn parse_normalises_dots_and_slashes() {
        assert_eq!(p("/a//b/./c/").as_str(), "/a/b/c");
        assert_eq!(p("/a/../b").as_str(), "/b");
        assert_eq!(p("/../..").as_str(), "/");
    }

    #[test]
    fn parse_rejects_relative_nul_and_long_names() {
        assert!(VPath::parse("a/b").is_err());
        assert!(VPath::parse("/a\0b").is_err());
        let long = format!("/{}", "x".repeat(NAME_MAX + 1));
        assert!(matches!(VPath::parse(&long), Err(VfsError::NameTooLong)));
        assert!(VPath::parse(&format!("/{}", "x".repeat(NAME_MAX))).is_ok());
    }

    #[test]
    fn join_rejects_bad_names() {
        let r = VPath::root();
        for bad in ["", ".", "..", "a/b", "a\0"] {
            assert!(r.join(bad).is_err(), "{bad:?}");
        }
        assert_eq!(r.join("x").unwrap().join("y z").unwrap().as_str(), "/x/y z");
    }

    #[test]
    fn parent_name_and_prefixes() {
        assert_eq!(p("/a/b").parent(), p("/a"));
        assert_eq!(p("/a").parent(), VPath::root());
        assert_eq!(p("/a/b").name(), "b");
        assert!(!p("/ab").starts_with(&p("/a")));
        assert!(p("/a/b").starts_with(&p("/a")));
        assert_eq!(p("/a/b/c").strip_prefix(&p("/a")), Some(p("/b/c")));
        assert_eq!(p("/a").strip_prefix(&p("/a")), Some(VPath::root()));
        assert_eq!(p("/a/x").rebase(&p("/a"), &p("/q/r")), Some(p("/q/r/x")));
        assert_eq!(VPath::root().under(&p("/m")), p("/m"));
    }

    #[test]
    fn resolve_relative_against_cwd() {
        assert_eq!(p("/a/b").resolve("../c").unwrap(), p("/a/c"));
        assert_eq!(p("/a/b").resolve("/x").unwrap(), p("/x"));
    }
}
