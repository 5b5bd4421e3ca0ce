//! A local server shaped like the Slack Web API (wiremock): users.list, conversations.list,
//! conversations.history and conversations.replies with cursor pagination, file downloads on the
//! same server, chat.postMessage (recorded), `ok: false` errors and 429 + Retry-After.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const CHANNEL: &str = "C0B0DB9K11T";
pub const DM: &str = "D0DM00001";
/// 2026-04-27, -28, -29 00:00 UTC.
pub const DAY27: i64 = 1777248000;
pub const DAY28: i64 = 1777334400;
pub const DAY29: i64 = 1777420800;
pub const FILE_BYTES: &[u8] = b"%PDF-1.4 incident report \x00\x01\x02 binary tail";

/// Serves `items` of `field` `per_page` at a time (or the request's `limit`), following `cursor`.
struct Paged {
    field: &'static str,
    items: Vec<Value>,
    per_page: usize,
}

/// Page size used by the small fake (so pagination is exercised); 0: honour `limit`.
const SMALL_PAGES: usize = 2;

impl Respond for Paged {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let start: usize = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "cursor")
            .and_then(|(_, v)| v.strip_prefix("page").and_then(|n| n.parse().ok()))
            .unwrap_or(0);
        let per_page = if self.per_page > 0 {
            self.per_page
        } else {
            req.url
                .query_pairs()
                .find(|(k, _)| k == "limit")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(100)
        };
        let end = (start + per_page).min(self.items.len());
        let next = if end < self.items.len() {
            format!("page{end}")
        } else {
            String::new()
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            self.field: &self.items[start..end],
            "response_metadata": {"next_cursor": next}
        }))
    }
}

/// conversations.history / replies: per channel (or thread), newest first, paginated; the
/// first call for `throttle_channel` answers 429 with Retry-After: 1.
struct History {
    per_page: usize,
    by_channel: HashMap<String, Vec<Value>>,
    replies: HashMap<String, Vec<Value>>,
    throttle_once: Mutex<Option<String>>,
}

impl Respond for History {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let q: HashMap<String, String> = req
            .url
            .query_pairs()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let ch = q.get("channel").cloned().unwrap_or_default();
        {
            let mut t = self.throttle_once.lock().unwrap();
            if t.as_deref() == Some(ch.as_str()) {
                *t = None;
                return ResponseTemplate::new(429)
                    .insert_header("Retry-After", "1")
                    .set_body_json(json!({"ok": false, "error": "ratelimited"}));
            }
        }
        let list = if req.url.path().ends_with("conversations.replies") {
            self.replies
                .get(q.get("ts").map(String::as_str).unwrap_or(""))
                .cloned()
        } else {
            self.by_channel.get(&ch).cloned()
        };
        let Some(items) = list else {
            return ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "channel_not_found"}));
        };
        Paged {
            field: "messages",
            items,
            per_page: self.per_page,
        }
        .respond(req)
    }
}

/// The fake workspace.
pub struct FakeSlack {
    pub server: MockServer,
    pub posted: Arc<Mutex<Vec<Value>>>,
}

struct Post(Arc<Mutex<Vec<Value>>>);

impl Respond for Post {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(json!({}));
        if body["channel"] == json!("C0EMPTY001") {
            return ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "is_archived"}));
        }
        self.0.lock().unwrap().push(body.clone());
        ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "channel": body["channel"], "ts": "1777500000.000100",
            "message": {"type": "message", "user": "UBOT", "text": body["text"], "ts": "1777500000.000100"}
        }))
    }
}

fn msg(ts: String, user: &str, text: &str) -> Value {
    json!({"type": "message", "user": user, "text": text, "ts": ts})
}

/// Expected `chat.jsonl` of #incident on 2026-04-28: (ts, text) oldest first.
pub fn incident_day28() -> Vec<(String, &'static str)> {
    vec![
        (format!("{DAY28}.000100"), "db is down"),
        (format!("{}.000200", DAY28 + 60), "looking"),
        (format!("{}.000300", DAY28 + 120), "thread reply: restarted"),
        (format!("{}.000400", DAY28 + 3600), "fixed NEEDLE"),
    ]
}

impl FakeSlack {
    /// Starts the server. `token` is the only accepted bearer token.
    pub async fn start() -> FakeSlack {
        let server = MockServer::start().await;
        let users = vec![
            json!({"id": "U01ALICE", "name": "alice", "real_name": "Alice A", "profile": {"email": "alice@example.com"}}),
            json!({"id": "U02BOB", "name": "bob", "real_name": "Bob B", "profile": {}}),
            json!({"id": "U03CAROL", "name": "carol", "real_name": "Carol C", "profile": {}}),
        ];
        let convs = vec![
            json!({"id": CHANNEL, "name": "incident", "is_channel": true, "is_im": false, "created": DAY27}),
            json!({"id": "C0GENERAL1", "name": "general", "is_channel": true, "is_im": false, "created": DAY27}),
            json!({"id": "C0EMPTY001", "name": "quiet", "is_channel": true, "is_im": false, "created": DAY27}),
            json!({"id": DM, "is_im": true, "user": "U02BOB", "created": DAY27}),
        ];
        let file = json!({"id": "F0REPORT1", "name": "report.pdf", "title": "report", "filetype": "pdf", "size": FILE_BYTES.len(),
            "url_private": format!("{}/files/F0REPORT1/report.pdf", server.uri()),
            "url_private_download": format!("{}/files/F0REPORT1/download/report.pdf", server.uri()), "created": DAY28 + 60});
        let d = incident_day28();
        let parent = {
            let mut m = msg(d[1].0.clone(), "U02BOB", d[1].1);
            m["thread_ts"] = json!(d[1].0);
            m["reply_count"] = json!(1);
            m["files"] = json!([file]);
            m
        };
        let reply = {
            let mut m = msg(d[2].0.clone(), "U01ALICE", d[2].1);
            m["thread_ts"] = json!(d[1].0);
            m["parent_user_id"] = json!("U02BOB");
            m
        };
        // Newest first, as Slack returns them; the reply lives only in conversations.replies.
        let incident = vec![
            msg(
                format!("{}.000500", DAY29 + 10),
                "U03CAROL",
                "postmortem tomorrow",
            ),
            msg(d[3].0.clone(), "U01ALICE", d[3].1),
            parent.clone(),
            msg(d[0].0.clone(), "U01ALICE", d[0].1),
            msg(format!("{}.000900", DAY27 + 5), "U03CAROL", "all quiet"),
        ];
        let general = vec![msg(format!("{}.000100", DAY28 + 7200), "U02BOB", "lunch?")];
        let dm = vec![msg(
            format!("{}.000100", DAY29 + 100),
            "U02BOB",
            "psst NEEDLE in a dm",
        )];
        let mut by_channel = HashMap::new();
        by_channel.insert(CHANNEL.to_string(), incident);
        by_channel.insert("C0GENERAL1".to_string(), general);
        by_channel.insert("C0EMPTY001".to_string(), vec![]);
        by_channel.insert(DM.to_string(), dm);
        let mut replies = HashMap::new();
        replies.insert(d[1].0.clone(), vec![parent, reply]);
        let history = History {
            per_page: SMALL_PAGES,
            by_channel,
            replies,
            throttle_once: Mutex::new(Some("C0GENERAL1".into())),
        };
        serve(&server, users, convs, history, SMALL_PAGES).await;
        Mock::given(method("GET"))
            .and(path("/files/F0REPORT1/download/report.pdf"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(FILE_BYTES))
            .mount(&server)
            .await;
        let posted = Arc::new(Mutex::new(Vec::new()));
        Mock::given(method("POST"))
            .and(path("/api/chat.postMessage"))
            .respond_with(Post(posted.clone()))
            .mount(&server)
            .await;
        FakeSlack { server, posted }
    }

    /// The API base URL to configure.
    pub fn api_url(&self) -> String {
        format!("{}/api", self.server.uri())
    }

    /// Requests received whose path ends with `part`.
    pub async fn count(&self, part: &str) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path().ends_with(part))
            .count()
    }
}

async fn serve(
    server: &MockServer,
    users: Vec<Value>,
    convs: Vec<Value>,
    history: History,
    per_page: usize,
) {
    let history = Arc::new(history);
    Mock::given(method("GET"))
        .and(path("/api/users.list"))
        .respond_with(Paged {
            field: "members",
            items: users,
            per_page,
        })
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/conversations.list"))
        .respond_with(Paged {
            field: "channels",
            items: convs,
            per_page,
        })
        .mount(server)
        .await;
    for m in ["/api/conversations.history", "/api/conversations.replies"] {
        let h = history.clone();
        Mock::given(method("GET"))
            .and(path(m))
            .respond_with(move |r: &Request| h.respond(r))
            .mount(server)
            .await;
    }
}

impl FakeSlack {
    /// A synthetic workspace: `channels` channels, each with `per_day` messages on each of
    /// `days` days ending 2026-04-29 (every 13th message contains NEEDLE); real page sizes.
    pub async fn synthetic(channels: usize, days: usize, per_day: usize) -> FakeSlack {
        let server = MockServer::start().await;
        let users = vec![json!({"id": "U01ALICE", "name": "alice"})];
        let mut convs = Vec::new();
        let mut by_channel = HashMap::new();
        let mut n = 0usize;
        for c in 0..channels {
            let id = format!("C{c:09}");
            convs.push(json!({"id": id, "name": format!("chan-{c:02}"), "is_channel": true, "is_im": false}));
            let mut msgs = Vec::new();
            for d in 0..days {
                let day = DAY29 - (d as i64) * 86400;
                for k in 0..per_day {
                    n += 1;
                    let text = if n.is_multiple_of(13) {
                        format!("status NEEDLE {n}")
                    } else {
                        format!("message {n} about the deploy pipeline")
                    };
                    msgs.push(msg(
                        format!("{}.{:06}", day + (k as i64) * 60, k),
                        "U01ALICE",
                        &text,
                    ));
                }
            }
            msgs.reverse();
            by_channel.insert(id, msgs);
        }
        let history = History {
            per_page: 0,
            by_channel,
            replies: HashMap::new(),
            throttle_once: Mutex::new(None),
        };
        serve(&server, users, convs, history, 0).await;
        FakeSlack {
            server,
            posted: Arc::new(Mutex::new(Vec::new())),
        }
    }
}

/// A server that refuses every token (revoked).
pub async fn revoked() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "token_revoked"})),
        )
        .mount(&server)
        .await;
    server
}
