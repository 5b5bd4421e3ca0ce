//! The Slack backend against a local server shaped like the Slack Web API; slack-morphism (the
//! real client) is pointed at it by `api_url`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::conformance::{Expected, read_only_suite};
use common::slack::{CHANNEL, DM, FILE_BYTES, FakeSlack, incident_day28, revoked};
use mirage::backends::slack::api::MorphismApi;
use mirage::backends::slack::{SlackBackend, SlackOptions, parse_day};
use mirage::vfs::{Mode, MountSpec, VPath, Vfs, VfsError};

fn p(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

fn opts(writable: bool) -> SlackOptions {
    SlackOptions {
        oldest: parse_day("2026-04-01").unwrap(),
        latest: parse_day("2026-05-31").unwrap(),
        types: "public_channel,private_channel,im".into(),
        writable,
        ttl: Duration::from_secs(60),
    }
}

async fn vfs(s: &FakeSlack, writable: bool) -> Vfs {
    mirage::init_tls();
    let api = MorphismApi::new(&s.api_url(), "xoxb-test").unwrap();
    let b = SlackBackend::connect(Arc::new(api), opts(writable))
        .await
        .unwrap();
    Vfs::new(vec![MountSpec {
        path: p("/slack"),
        backend: Arc::new(b),
        mode: if writable { Mode::Write } else { Mode::Read },
        ttl: Duration::from_secs(30),
    }])
    .unwrap()
}

fn day28_jsonl() -> Vec<String> {
    incident_day28()
        .into_iter()
        .map(|(ts, text)| format!("{ts}|{text}"))
        .collect()
}

#[tokio::test]
async fn layout_matches_the_seed_paths() {
    let s = FakeSlack::start().await;
    let v = vfs(&s, false).await;
    let names = |e: Vec<mirage::vfs::DirEntry>| e.into_iter().map(|e| e.name).collect::<Vec<_>>();
    assert_eq!(
        names(v.list(&p("/slack")).await.unwrap()),
        ["channels", "dms", "users"]
    );
    let mut chans = names(v.list(&p("/slack/channels")).await.unwrap());
    chans.sort();
    assert_eq!(
        chans,
        [
            "general__C0GENERAL1",
            "incident__C0B0DB9K11T",
            "quiet__C0EMPTY001"
        ]
    );
    assert_eq!(
        names(v.list(&p("/slack/dms")).await.unwrap()),
        [format!("bob__{DM}")]
    );
    let mut users = names(v.list(&p("/slack/users")).await.unwrap());
    users.sort();
    assert_eq!(
        users,
        [
            "alice__U01ALICE.json",
            "bob__U02BOB.json",
            "carol__U03CAROL.json"
        ]
    );
    let days = names(
        v.list(&p(&format!("/slack/channels/incident__{CHANNEL}")))
            .await
            .unwrap(),
    );
    assert_eq!(days, ["2026-04-27", "2026-04-28", "2026-04-29"]);
    assert!(
        v.list(&p("/slack/channels/quiet__C0EMPTY001"))
            .await
            .unwrap()
            .is_empty()
    );

    // The day file: oldest first, thread reply included with its thread_ts, true size in stat.
    let chat = p(&format!(
        "/slack/channels/incident__{CHANNEL}/2026-04-28/chat.jsonl"
    ));
    let bytes = v.read_all(&chat).await.unwrap();
    assert_eq!(v.stat(&chat).await.unwrap().size, bytes.len() as u64);
    let got: Vec<String> = String::from_utf8_lossy(&bytes)
        .lines()
        .map(|l| {
            let m: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{}|{}",
                m["ts"].as_str().unwrap(),
                m["text"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(got, day28_jsonl());
    assert!(String::from_utf8_lossy(&bytes).contains("\"thread_ts\""));

    // Files: byte-exact, downloaded on read.
    let f = p(&format!(
        "/slack/channels/incident__{CHANNEL}/2026-04-28/files/report__F0REPORT1.pdf"
    ));
    assert_eq!(s.count("/download/report.pdf").await, 0);
    assert_eq!(v.stat(&f).await.unwrap().size, FILE_BYTES.len() as u64);
    assert_eq!(&v.read_all(&f).await.unwrap()[..], FILE_BYTES);
    assert_eq!(s.count("/download/report.pdf").await, 1);
    // A user file is the user's JSON.
    let u: serde_json::Value = serde_json::from_slice(
        &v.read_all(&p("/slack/users/alice__U01ALICE.json"))
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(u["real_name"], "Alice A");
    // Missing things and writes.
    assert_eq!(
        v.stat(&p("/slack/channels/nope__C1")).await.err(),
        Some(VfsError::NotFound)
    );
    assert_eq!(
        v.stat(&p(&format!(
            "/slack/channels/incident__{CHANNEL}/2026-01-01"
        )))
        .await
        .err(),
        Some(VfsError::NotFound)
    );
    assert_eq!(
        v.write_all(
            &p(&format!("/slack/channels/incident__{CHANNEL}/post")),
            b"hi\n",
            true
        )
        .await
        .err(),
        Some(VfsError::ReadOnly)
    );
}

#[tokio::test]
async fn read_only_suite_passes() {
    let s = FakeSlack::start().await;
    let v = vfs(&s, false).await;
    // The whole tree. Day-file contents are checked independently in `layout_matches_the_seed_paths`;
    // here the suite checks listings, stat/read agreement and that every write is refused.
    let inc = format!("channels/incident__{CHANNEL}");
    let dm = format!("dms/bob__{DM}");
    let mut expected: Expected = vec![
        ("channels".into(), None),
        ("dms".into(), None),
        ("users".into(), None),
        ("channels/general__C0GENERAL1".into(), None),
        ("channels/general__C0GENERAL1/2026-04-28".into(), None),
        ("channels/quiet__C0EMPTY001".into(), None),
        (inc.clone(), None),
        (format!("{inc}/2026-04-27"), None),
        (format!("{inc}/2026-04-28"), None),
        (format!("{inc}/2026-04-28/files"), None),
        (
            format!("{inc}/2026-04-28/files/report__F0REPORT1.pdf"),
            Some(Ok(FILE_BYTES.to_vec())),
        ),
        (format!("{inc}/2026-04-29"), None),
        (dm.clone(), None),
        (format!("{dm}/2026-04-29"), None),
    ];
    for f in [
        "channels/general__C0GENERAL1/2026-04-28/chat.jsonl".to_string(),
        format!("{inc}/2026-04-27/chat.jsonl"),
        format!("{inc}/2026-04-28/chat.jsonl"),
        format!("{inc}/2026-04-29/chat.jsonl"),
        format!("{dm}/2026-04-29/chat.jsonl"),
        "users/alice__U01ALICE.json".into(),
        "users/bob__U02BOB.json".into(),
        "users/carol__U03CAROL.json".into(),
    ] {
        let bytes = v
            .read_all(&p(&format!("/slack/{f}")))
            .await
            .unwrap()
            .to_vec();
        assert!(!bytes.is_empty(), "{f}");
        expected.push((f, Some(Ok(bytes))));
    }
    read_only_suite(&v, "/slack", &expected).await;
}

#[tokio::test]
async fn listings_make_only_the_requests_they_need() {
    let s = FakeSlack::start().await;
    let v = vfs(&s, false).await;
    // Mount: users (2 pages) + conversations (2 pages); listing channels costs nothing more.
    v.list(&p("/slack/channels")).await.unwrap();
    assert_eq!(s.count("users.list").await, 2);
    assert_eq!(s.count("conversations.list").await, 2);
    assert_eq!(s.count("conversations.history").await, 0);
    // One conversation: its history pages (5 messages, 2 per page = 3) and one thread.
    v.list(&p(&format!("/slack/channels/incident__{CHANNEL}")))
        .await
        .unwrap();
    assert_eq!(s.count("conversations.history").await, 3);
    assert_eq!(s.count("conversations.replies").await, 1);
    // Cached for the TTL.
    v.read_all(&p(&format!(
        "/slack/channels/incident__{CHANNEL}/2026-04-29/chat.jsonl"
    )))
    .await
    .unwrap();
    assert_eq!(s.count("conversations.history").await, 3);
}

#[tokio::test]
async fn rate_limits_are_waited_out() {
    let s = FakeSlack::start().await;
    let v = vfs(&s, false).await;
    // The first history call for #general answers 429 Retry-After: 1.
    let t = std::time::Instant::now();
    let days = v
        .list(&p("/slack/channels/general__C0GENERAL1"))
        .await
        .unwrap();
    assert_eq!(days.len(), 1);
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "Retry-After was not honoured"
    );
}

#[tokio::test]
async fn posting_in_write_mode() {
    let s = FakeSlack::start().await;
    let v = vfs(&s, true).await;
    let post = p(&format!("/slack/channels/incident__{CHANNEL}/post"));
    assert!(
        v.list(&p(&format!("/slack/channels/incident__{CHANNEL}")))
            .await
            .unwrap()
            .iter()
            .any(|e| e.name == "post")
    );
    v.write_all(&post, b"deploy is done\n", true).await.unwrap();
    let thread = format!(
        "{{\"text\": \"ack\", \"thread_ts\": \"{}\"}}\n",
        incident_day28()[1].0
    );
    v.write_all(&post, thread.as_bytes(), true).await.unwrap();
    let posted = s.posted.lock().unwrap().clone();
    assert_eq!(posted.len(), 2);
    assert_eq!(posted[0]["channel"], CHANNEL);
    assert_eq!(posted[0]["text"], "deploy is done");
    assert_eq!(posted[1]["thread_ts"], incident_day28()[1].0.as_str());
    // A post Slack refuses (archived channel) fails the write, and nothing is recorded.
    let refused = v
        .write_all(
            &p("/slack/channels/quiet__C0EMPTY001/post"),
            b"anyone?\n",
            true,
        )
        .await;
    assert_eq!(refused.err(), Some(VfsError::PermissionDenied));
    assert_eq!(s.posted.lock().unwrap().len(), 2);
    // Other files cannot be created.
    assert_eq!(
        v.write_all(
            &p(&format!("/slack/channels/incident__{CHANNEL}/x.txt")),
            b"x",
            false
        )
        .await
        .err(),
        Some(VfsError::NotPermitted)
    );
}

#[tokio::test]
async fn revoked_token_fails_at_mount_with_eacces() {
    mirage::init_tls();
    let server = revoked().await;
    let api = MorphismApi::new(&format!("{}/api", server.uri()), "xoxb-revoked").unwrap();
    let r = SlackBackend::connect(Arc::new(api), opts(false)).await;
    assert_eq!(r.err(), Some(VfsError::PermissionDenied));
}
