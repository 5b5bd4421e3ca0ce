//! `mirage prompt` over a workspace with every backend type (ram, local, s3 on moto, github on
//! the fake API server): each mount, its mode and layout appear, and secrets given through the
//! environment never do.

mod common;

use common::github::{FakeGitHub, standard_files};
use common::slack::FakeSlack;

const SECRET_GH: &str = "ghp_sekrit_TOKEN_0123456789";
const SECRET_KEY: &str = "s3-secret-KEY-abcdef";
const SECRET_SLACK: &str = "xoxb-sekrit-slack-999";

#[tokio::test(flavor = "multi_thread")]
async fn prompt_describes_every_backend_and_hides_secrets() {
    mirage::init_tls();
    let gh = FakeGitHub::start(standard_files(), false).await;
    let slack = FakeSlack::start().await;
    let endpoint = common::s3::endpoint();
    common::s3::ensure_bucket(&endpoint, common::s3::BUCKET).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            r#"[[mount]]
path = "/scratch"
backend = "ram"
mode = "write"

[[mount]]
path = "/data"
backend = "local"
root = "."

[[mount]]
path = "/s3"
backend = "s3"
mode = "write"
bucket = "{bucket}"
endpoint = "{endpoint}"
path_style = true
region = "us-east-1"
access_key_id = "${{PROMPT_TEST_KEY_ID}}"
secret_access_key = "${{PROMPT_TEST_SECRET}}"

[[mount]]
path = "/github"
backend = "github"
owner = "{owner}"
repo = "{repo}"
token = "${{PROMPT_TEST_GH_TOKEN}}"
api_url = "{api}"

[[mount]]
path = "/slack"
backend = "slack"
mode = "write"
token = "${{PROMPT_TEST_SLACK}}"
api_url = "{slack_api}"
"#,
            bucket = common::s3::BUCKET,
            owner = common::github::OWNER,
            repo = common::github::REPO,
            api = gh.server.uri(),
            slack_api = slack.api_url(),
        ),
    )
    .unwrap();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_mirage"))
            .args([
                "prompt",
                config.to_str().unwrap(),
                "--mountpoint",
                "/home/agent/ws",
            ])
            .env("PROMPT_TEST_KEY_ID", "testing")
            .env("PROMPT_TEST_SECRET", SECRET_KEY)
            .env("PROMPT_TEST_GH_TOKEN", SECRET_GH)
            .env("PROMPT_TEST_SLACK", SECRET_SLACK)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    for want in [
        "| `/home/agent/ws/scratch` | ram | read-write |",
        "| `/home/agent/ws/data` | local | read-only |",
        "| `/home/agent/ws/s3` | s3 | read-write | S3 bucket",
        "| `/home/agent/ws/github` | github | read-only | GitHub repository",
        "| `/home/agent/ws/slack` | slack | read-write | Slack workspace: `channels/<name>__<id>/<yyyy-mm-dd>/chat.jsonl`",
        "append a line of text to `channels/<name>__<id>/post`",
        "Read-only file system",
        "uploaded as a whole object",
        "jq",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    for secret in [SECRET_GH, SECRET_KEY, SECRET_SLACK] {
        assert!(
            !text.contains(secret) && !err.contains(secret),
            "secret leaked:\n{text}\n{err}"
        );
    }
}
