//! The GitHub backend against a local server shaped like the GitHub REST API; octocrab (the
//! real client) is pointed at it by `api_url`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::conformance::{Expected, read_only_suite};
use common::github::{Content, FakeGitHub, OWNER, REPO, standard_files};
use mirage::backends::github::api::OctocrabApi;
use mirage::backends::github::{GitHubBackend, GitHubOptions};
use mirage::vfs::{Backend, Mode, MountSpec, VPath, Vfs, VfsError};

fn p(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

fn options(reference: Option<&str>, issues: bool) -> GitHubOptions {
    GitHubOptions {
        owner: OWNER.into(),
        repo: REPO.into(),
        reference: reference.map(str::to_string),
        refresh: None,
        issues,
    }
}

async fn connect(gh: &FakeGitHub, opts: GitHubOptions) -> Result<GitHubBackend, VfsError> {
    let api = OctocrabApi::new(
        &gh.server.uri(),
        Some("test-token".into()),
        &opts.owner,
        &opts.repo,
    )?;
    GitHubBackend::connect(Arc::new(api), opts).await
}

fn vfs(b: GitHubBackend) -> Vfs {
    Vfs::new(vec![MountSpec {
        path: p("/github"),
        backend: Arc::new(b),
        mode: Mode::Read,
        ttl: Duration::from_secs(30),
    }])
    .unwrap()
}

fn expected(files: &[(String, Content)]) -> Expected {
    let mut out: Expected = Vec::new();
    for (path, c) in files {
        let parts: Vec<&str> = path.split('/').collect();
        for i in 1..parts.len() {
            let dir = parts[..i].join("/");
            if !out.iter().any(|(p, _)| *p == dir) {
                out.push((dir, None));
            }
        }
        out.push((
            path.clone(),
            match c {
                Content::File(b) | Content::Exec(b) => Some(Ok(b.clone())),
                Content::Symlink(t) => Some(Err(t.clone())),
                Content::Submodule => None,
            },
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_conformance_on_the_default_branch() {
    let gh = FakeGitHub::start(standard_files(), false).await;
    let b = connect(&gh, options(None, false)).await.unwrap();
    assert_eq!(b.commit().await.sha, gh.commit);
    let v = vfs(b);
    read_only_suite(&v, "/github", &expected(&gh.files)).await;
    // Binary content is byte-exact and the executable bit is kept.
    let bin = v.read_all(&p("/github/bin/data.bin")).await.unwrap();
    assert_eq!(
        bin.to_vec(),
        (0..=255u8).cycle().take(5000).collect::<Vec<_>>()
    );
    assert_eq!(
        v.stat(&p("/github/scripts/run.sh")).await.unwrap().perm,
        0o755
    );
    assert!(
        v.list(&p("/github/vendor/sub")).await.unwrap().is_empty(),
        "a submodule is an empty directory"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_and_shas_resolve_too() {
    let gh = FakeGitHub::start(standard_files(), false).await;
    for r in ["v1.0", gh.commit.as_str()] {
        let b = connect(&gh, options(Some(r), false)).await.unwrap();
        assert_eq!(b.commit().await.sha, gh.commit);
        assert!(b.info().description.contains(&gh.commit[..12]));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_tree_is_loaded_one_subtree_at_a_time() {
    let gh = FakeGitHub::start(standard_files(), true).await;
    let v = vfs(connect(&gh, options(None, false)).await.unwrap());
    read_only_suite(&v, "/github", &expected(&gh.files)).await;
    assert!(gh.count("/git/trees/").await > 3, "sub-trees were fetched");
}

#[tokio::test(flavor = "multi_thread")]
async fn walking_the_whole_tree_needs_only_the_tree_request() {
    let gh = FakeGitHub::start(standard_files(), false).await;
    let v = vfs(connect(&gh, options(None, false)).await.unwrap());
    let before = gh.server.received_requests().await.unwrap().len();
    let mut stack = vec![p("/github")];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for e in v.list(&dir).await.unwrap() {
            seen += 1;
            let child = dir.join(&e.name).unwrap();
            v.stat(&child).await.unwrap();
            if e.meta.is_dir() {
                stack.push(child);
            }
        }
    }
    assert!(seen >= 15);
    assert_eq!(
        gh.server.received_requests().await.unwrap().len(),
        before,
        "find needs no request after mount"
    );
    assert_eq!(gh.count("/git/trees/").await, 1);
    assert_eq!(gh.count("/git/blobs/").await, 0);
    // Blobs are fetched once each and cached by sha.
    v.read_all(&p("/github/README.md")).await.unwrap();
    v.read_all(&p("/github/README.md")).await.unwrap();
    assert_eq!(gh.count("/git/blobs/").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_repository_or_ref_fails_at_mount_time_naming_it() {
    let gh = FakeGitHub::start(standard_files(), false).await;
    let mut opts = options(None, false);
    opts.repo = "nope".into();
    let err = connect(&gh, opts).await.err().unwrap();
    assert!(err.to_string().contains(&format!("{OWNER}/nope")), "{err}");
    let err = connect(&gh, options(Some("no-such-branch"), false))
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("no-such-branch"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_wait_briefly_then_fail_with_eio() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    let gh = FakeGitHub::start(standard_files(), false).await;
    let b = connect(&gh, options(None, false)).await.unwrap();
    let readme_sha = b.stat(&p("/README.md")).await.unwrap().version.unwrap();
    let util_sha = b
        .stat(&p("/src/lib/util.rs"))
        .await
        .unwrap()
        .version
        .unwrap();
    let base = format!("/repos/{OWNER}/{REPO}/git/blobs");
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    // README: rate-limited for an hour → EIO saying so, without waiting an hour.
    Mock::given(method("GET"))
        .and(path(format!("{base}/{readme_sha}")))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-limit", "60")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_json(serde_json::json!({"message": "API rate limit exceeded for 127.0.0.1.",
                    "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"})),
        )
        .with_priority(1)
        .mount(&gh.server)
        .await;
    let err = b.read(&p("/README.md"), 0, 100).await.unwrap_err();
    assert_eq!(err.errno(), libc::EIO);
    assert!(err.to_string().contains("rate-limited"), "{err}");
    // util.rs: one 429 with retry-after: 1, then the blob.
    Mock::given(method("GET"))
        .and(path(format!("{base}/{util_sha}")))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&gh.server)
        .await;
    assert_eq!(
        &b.read(&p("/src/lib/util.rs"), 0, 100).await.unwrap()[..],
        b"pub fn util() {}\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn issues_and_pulls_appear_as_json_when_enabled() {
    let gh = FakeGitHub::start(standard_files(), false).await;
    gh.with_issues().await;
    let v = vfs(connect(&gh, options(None, true)).await.unwrap());
    let root: Vec<String> = v
        .list(&p("/github"))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(root.contains(&".github".to_string()));
    let issues: Vec<String> = v
        .list(&p("/github/.github/issues"))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(
        issues,
        vec!["1__First issue.json", "3__Crash on ∕ paths.json"]
    );
    let pulls: Vec<String> = v
        .list(&p("/github/.github/pulls"))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(pulls, vec!["2__A pull.json"]);
    let json: serde_json::Value = serde_json::from_slice(
        &v.read_all(&p("/github/.github/issues/3__Crash on ∕ paths.json"))
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(json["number"], 3);
    let size = v
        .stat(&p("/github/.github/pulls/2__A pull.json"))
        .await
        .unwrap()
        .size;
    assert_eq!(
        size as usize,
        v.read_all(&p("/github/.github/pulls/2__A pull.json"))
            .await
            .unwrap()
            .len()
    );
    // Off by default: the tree is exactly the repository's.
    let plain = vfs(connect(&gh, options(None, false)).await.unwrap());
    assert_eq!(
        plain.stat(&p("/github/.github")).await.err(),
        Some(VfsError::NotFound)
    );
}
