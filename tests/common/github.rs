//! A local GitHub API for tests: wiremock serving the REST endpoints the backend uses, with
//! payloads shaped as GitHub documents them (repository, commit, recursive and one-level git
//! trees incl. `truncated`, raw blobs, issues/pulls pages with Link headers, 404s).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const OWNER: &str = "strukto-ai";
pub const REPO: &str = "mirage";
pub const DATE: &str = "2026-04-28T12:34:56Z";

/// What a path of the fake repository holds.
#[derive(Clone)]
pub enum Content {
    File(Vec<u8>),
    Exec(Vec<u8>),
    Symlink(String),
    Submodule,
}

/// A fake sha: 40 hex digits derived from `seed`.
pub fn sha(seed: &[u8]) -> String {
    let mut out = String::new();
    for salt in 0..3u8 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (salt, seed).hash(&mut h);
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out[..40].to_string()
}

/// The standard fixture: text, nested dirs, nasty names, a binary, a >1 MB file, an
/// executable, a symlink and a submodule.
pub fn standard_files() -> Vec<(String, Content)> {
    let mut files = vec![
        (
            "README.md".to_string(),
            Content::File(b"# mirage\nA unified VFS. NEEDLE here.\n".to_vec()),
        ),
        (
            "src/main.ts".to_string(),
            Content::File(b"export const x = 1; // NEEDLE\n".to_vec()),
        ),
        (
            "src/lib/util.rs".to_string(),
            Content::File(b"pub fn util() {}\n".to_vec()),
        ),
        (
            "docs/with space ☃ !@#$%^&()_+-=;',.md".to_string(),
            Content::File(b"nasty name\n".to_vec()),
        ),
        (
            "bin/data.bin".to_string(),
            Content::File((0..=255u8).cycle().take(5000).collect()),
        ),
        (
            "big.txt".to_string(),
            Content::File(
                (0..1_200_000u32)
                    .map(|i| b"abcdefghij\n"[(i % 11) as usize])
                    .collect(),
            ),
        ),
        (
            "scripts/run.sh".to_string(),
            Content::Exec(b"#!/bin/sh\necho run NEEDLE\n".to_vec()),
        ),
        (
            "link-to-readme".to_string(),
            Content::Symlink("README.md".to_string()),
        ),
        ("vendor/sub".to_string(), Content::Submodule),
        ("empty.txt".to_string(), Content::File(Vec::new())),
    ];
    files.push((
        format!("long/{}", "n".repeat(255)),
        Content::File(b"long name\n".to_vec()),
    ));
    files
}

/// Answers `GET …/git/blobs/{sha}` from a map, 404 for unknown shas.
struct BlobResponder(std::collections::HashMap<String, Vec<u8>>);

impl Respond for BlobResponder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let sha = req.url.path().rsplit('/').next().unwrap_or("");
        match self.0.get(sha) {
            Some(b) => ResponseTemplate::new(200)
                .set_body_bytes(b.clone())
                .insert_header("content-type", "application/vnd.github.raw"),
            None => ResponseTemplate::new(404)
                .set_body_json(json!({"message": "Not Found", "status": "404"})),
        }
    }
}

/// A running fake GitHub for one repository.
pub struct FakeGitHub {
    pub server: MockServer,
    pub commit: String,
    pub tree: String,
    pub files: Vec<(String, Content)>,
}

fn item(path: &str, c: &Content, sha: &str) -> Value {
    match c {
        Content::File(b) | Content::Exec(b) => json!({
            "path": path, "mode": if matches!(c, Content::Exec(_)) { "100755" } else { "100644" },
            "type": "blob", "sha": sha, "size": b.len(), "url": format!("https://api.github.com/repos/x/y/git/blobs/{sha}")
        }),
        Content::Symlink(t) => {
            json!({"path": path, "mode": "120000", "type": "blob", "sha": sha, "size": t.len(),
            "url": format!("https://api.github.com/repos/x/y/git/blobs/{sha}")})
        }
        Content::Submodule => json!({"path": path, "mode": "160000", "type": "commit", "sha": sha}),
    }
}

fn bytes_of(c: &Content) -> Vec<u8> {
    match c {
        Content::File(b) | Content::Exec(b) => b.clone(),
        Content::Symlink(t) => t.as_bytes().to_vec(),
        Content::Submodule => Vec::new(),
    }
}

impl FakeGitHub {
    /// Serves `files` as `OWNER/REPO` at branch `main`; `truncated` makes the recursive tree
    /// answer incomplete (as GitHub does for huge trees), so only one-level trees are complete.
    pub async fn start(files: Vec<(String, Content)>, truncated: bool) -> FakeGitHub {
        let server = MockServer::start().await;
        let base = format!("/repos/{OWNER}/{REPO}");
        // Directories and their direct children.
        let mut dirs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        dirs.entry(String::new()).or_default();
        for (p, _) in &files {
            let parts: Vec<&str> = p.split('/').collect();
            for i in 0..parts.len() {
                let parent = parts[..i].join("/");
                let child = parts[..=i].join("/");
                dirs.entry(parent).or_default().insert(child.clone());
                if i + 1 < parts.len() {
                    dirs.entry(child).or_default();
                }
            }
        }
        let tree_sha = |dir: &str| sha(format!("tree:{dir}").as_bytes());
        let blob_sha = |c: &Content| match c {
            Content::Submodule => sha(b"submodule"),
            other => sha(&[b"blob:".as_slice(), &bytes_of(other)].concat()),
        };
        let content: BTreeMap<&str, &Content> =
            files.iter().map(|(p, c)| (p.as_str(), c)).collect();
        let entry = |p: &str, rel: &str| -> Value {
            match content.get(p) {
                Some(c) => item(rel, c, &blob_sha(c)),
                None => json!({"path": rel, "mode": "040000", "type": "tree", "sha": tree_sha(p),
                               "url": format!("https://api.github.com/repos/x/y/git/trees/{}", tree_sha(p))}),
            }
        };
        let root = tree_sha("");
        let commit = sha(b"commit");
        // GET /repos/{o}/{r}
        Mock::given(method("GET"))
            .and(path(base.clone()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "id": 1, "name": REPO, "full_name": format!("{OWNER}/{REPO}"), "private": false,
                "default_branch": "main", "owner": {"login": OWNER, "id": 2}
            })))
            .mount(&server)
            .await;
        // GET /repos/{o}/{r}/commits/{ref} for the branch, a tag and the sha itself
        for r in ["main", "v1.0", commit.as_str()] {
            Mock::given(method("GET"))
                .and(path(format!("{base}/commits/{r}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                    "sha": commit, "node_id": "C_1",
                    "commit": {"message": "initial", "tree": {"sha": root, "url": ""},
                               "author": {"name": "a", "email": "a@b", "date": DATE},
                               "committer": {"name": "a", "email": "a@b", "date": DATE}},
                    "parents": []
                })))
                .mount(&server)
                .await;
        }
        // Recursive root tree: every directory and every path, sorted.
        let mut all: Vec<Value> = dirs
            .keys()
            .filter(|d| !d.is_empty() && !content.contains_key(d.as_str()))
            .map(|d| entry(d, d))
            .chain(files.iter().map(|(p, _)| entry(p, p)))
            .collect();
        all.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
        let recursive = if truncated {
            all[..all.len() / 3].to_vec()
        } else {
            all
        };
        Mock::given(method("GET"))
            .and(path(format!("{base}/git/trees/{root}")))
            .and(query_param("recursive", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "sha": root, "url": "", "tree": recursive, "truncated": truncated
            })))
            .with_priority(1)
            .mount(&server)
            .await;
        // One-level trees.
        for (dir, kids) in &dirs {
            if content.contains_key(dir.as_str()) {
                continue;
            }
            let level: Vec<Value> = kids
                .iter()
                .map(|k| entry(k, k.rsplit('/').next().unwrap_or(k)))
                .collect();
            Mock::given(method("GET"))
                .and(path(format!("{base}/git/trees/{}", tree_sha(dir))))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                    "sha": tree_sha(dir), "url": "", "tree": level, "truncated": false
                })))
                .with_priority(2)
                .mount(&server)
                .await;
        }
        // Raw blobs: one mock answering by sha (a mock per blob would make matching linear).
        let blobs: std::collections::HashMap<String, Vec<u8>> = files
            .iter()
            .filter(|(_, c)| !matches!(c, Content::Submodule))
            .map(|(_, c)| (blob_sha(c), bytes_of(c)))
            .collect();
        Mock::given(method("GET"))
            .and(path_regex(format!("^{base}/git/blobs/[0-9a-f]{{40}}$")))
            .and(header("accept", "application/vnd.github.raw+json"))
            .respond_with(BlobResponder(blobs))
            .mount(&server)
            .await;
        // Anything else under /repos: GitHub's 404.
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                "message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"
            })))
            .with_priority(10)
            .mount(&server).await;
        FakeGitHub {
            server,
            commit,
            tree: root,
            files,
        }
    }

    /// Issues and pulls, paginated with Link headers (page 1 → 2 for issues).
    pub async fn with_issues(&self) {
        let base = format!("/repos/{OWNER}/{REPO}");
        let uri = self.server.uri();
        let issue = |n: u64, title: &str, pr: bool| {
            let mut v = json!({"number": n, "title": title, "state": "open", "body": format!("body of {n}"),
                               "user": {"login": "octocat"}, "updated_at": DATE, "labels": []});
            if pr {
                v["pull_request"] = json!({"url": format!("{uri}{base}/pulls/{n}")});
            }
            v
        };
        Mock::given(method("GET")).and(path(format!("{base}/issues"))).and(query_param("page", "1"))
            .respond_with(ResponseTemplate::new(200)
                .set_body_json(json!([issue(3, "Crash on / paths", false), issue(2, "A pull", true)]))
                .insert_header("link", format!("<{uri}{base}/issues?state=all&per_page=100&page=2>; rel=\"next\", <{uri}{base}/issues?state=all&per_page=100&page=2>; rel=\"last\"").as_str()))
            .with_priority(1).mount(&self.server).await;
        Mock::given(method("GET"))
            .and(path(format!("{base}/issues")))
            .and(query_param("page", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([issue(
                1,
                "First issue",
                false
            )])))
            .with_priority(1)
            .mount(&self.server)
            .await;
        Mock::given(method("GET")).and(path(format!("{base}/pulls"))).and(query_param("page", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                {"number": 2, "title": "A pull", "state": "open", "head": {"ref": "feature"}, "base": {"ref": "main"}, "updated_at": DATE}
            ])))
            .with_priority(1).mount(&self.server).await;
    }

    /// Requests received so far whose path contains `part`.
    pub async fn count(&self, part: &str) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path().contains(part))
            .count()
    }

    /// The repository written to a plain directory, for comparisons.
    pub fn write_to(&self, dir: &std::path::Path) {
        for (p, c) in &self.files {
            let target = dir.join(p);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            match c {
                Content::File(b) => std::fs::write(&target, b).unwrap(),
                Content::Exec(b) => {
                    std::fs::write(&target, b).unwrap();
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755))
                        .unwrap();
                }
                Content::Symlink(t) => std::os::unix::fs::symlink(t, &target).unwrap(),
                Content::Submodule => std::fs::create_dir_all(&target).unwrap(),
            }
        }
    }
}
