//! `slack`: channels, DMs and users of a workspace as files by date (see LAYOUTS.md):
//!
//! ```text
//! channels/<name>__<id>/<yyyy-mm-dd>/chat.jsonl        that day's messages, oldest first
//! channels/<name>__<id>/<yyyy-mm-dd>/files/<name>__<file-id>.<ext>
//! dms/<user>__<id>/…                                   the same for direct messages
//! users/<name>__<id>.json
//! channels/<name>__<id>/post                           write mode: each line written is posted
//! ```
//!
//! Listing `channels/` costs one paginated `conversations.list`; a conversation's days come
//! from one paginated `conversations.history` over the time window plus `conversations.replies`
//! for threads, fetched when the conversation is first listed or opened and kept for the TTL, so
//! every day file reports its true size. Files are downloaded when read.

pub mod api;
pub mod tree;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use lru::LruCache;
use serde_json::Value;

use crate::vfs::{
    Backend, BackendInfo, Capability, DirEntry, Metadata, PutData, VPath, VfsError, VfsResult, lock,
};
use api::SlackApi;
use tree::{Conv, Day, User};

/// What to mount.
#[derive(Clone, Debug)]
pub struct SlackOptions {
    /// Oldest day shown (Unix seconds).
    pub oldest: f64,
    /// Newest moment shown (Unix seconds).
    pub latest: f64,
    /// `conversations.list` types.
    pub types: String,
    /// Write mode: `post` files exist.
    pub writable: bool,
    /// How long fetched listings and histories are reused.
    pub ttl: Duration,
}

struct Cached<T> {
    at: Instant,
    value: Arc<T>,
}

struct Dir {
    users: Vec<User>,
    convs: Vec<Conv>,
}

/// A Slack workspace.
pub struct SlackBackend {
    api: Arc<dyn SlackApi>,
    opts: SlackOptions,
    dir: tokio::sync::Mutex<Option<Cached<Dir>>>,
    history: tokio::sync::Mutex<std::collections::HashMap<String, Cached<BTreeMap<String, Day>>>>,
    files: std::sync::Mutex<LruCache<String, Bytes>>,
    info: BackendInfo,
}

fn dir_meta(mtime: SystemTime) -> Metadata {
    Metadata::dir(mtime)
}

fn file_meta(size: u64, mtime: SystemTime, version: String) -> Metadata {
    let mut m = Metadata::file(size, mtime);
    m.version = Some(version);
    m.perm = 0o444;
    m
}

/// Where a path points.
enum Node<'a> {
    Root,
    Group(bool),
    Users,
    User(&'a str),
    Conv(bool, &'a str),
    Post(bool, &'a str),
    Day(bool, &'a str, &'a str),
    Chat(bool, &'a str, &'a str),
    Files(bool, &'a str, &'a str),
    File(bool, &'a str, &'a str, &'a str),
}

fn parse(p: &VPath) -> VfsResult<Node<'_>> {
    let c: Vec<&str> = p.components().collect();
    let group = |s: &str| match s {
        "channels" => Some(false),
        "dms" => Some(true),
        _ => None,
    };
    Ok(match c.as_slice() {
        [] => Node::Root,
        ["users"] => Node::Users,
        ["users", u] => Node::User(u),
        [g] => Node::Group(group(g).ok_or(VfsError::NotFound)?),
        [g, conv] => Node::Conv(group(g).ok_or(VfsError::NotFound)?, conv),
        [g, conv, "post"] => Node::Post(group(g).ok_or(VfsError::NotFound)?, conv),
        [g, conv, day] => Node::Day(group(g).ok_or(VfsError::NotFound)?, conv, day),
        [g, conv, day, "chat.jsonl"] => Node::Chat(group(g).ok_or(VfsError::NotFound)?, conv, day),
        [g, conv, day, "files"] => Node::Files(group(g).ok_or(VfsError::NotFound)?, conv, day),
        [g, conv, day, "files", f] => Node::File(group(g).ok_or(VfsError::NotFound)?, conv, day, f),
        _ => return Err(VfsError::NotFound),
    })
}

impl SlackBackend {
    /// Connects: lists users and conversations once, so a bad token or URL fails at mount.
    pub async fn connect(api: Arc<dyn SlackApi>, opts: SlackOptions) -> VfsResult<Self> {
        let b = SlackBackend {
            api,
            info: BackendInfo {
                kind: "slack",
                capability: Capability {
                    read: true,
                    list: true,
                    write: opts.writable,
                    cacheable: true,
                    ..Capability::default()
                },
                description: format!(
                    "Slack workspace: `channels/<name>__<id>/<yyyy-mm-dd>/chat.jsonl` (that day's messages, oldest first, one JSON object per line, thread replies included with their `thread_ts`), `…/<yyyy-mm-dd>/files/<name>__<file-id>.<ext>` (shared files), `dms/<user>__<id>/…` the same for direct messages, `users/<name>__<id>.json`. Days from {} to {}.{}",
                    tree::day_of(opts.oldest),
                    tree::day_of(opts.latest),
                    if opts.writable {
                        " To post: append a line of text to `channels/<name>__<id>/post` (e.g. `echo 'hello' >> …/post`); a line `{\"text\": \"…\", \"thread_ts\": \"…\"}` replies in a thread. A failed post fails the write."
                    } else {
                        ""
                    }
                ),
            },
            opts,
            dir: tokio::sync::Mutex::new(None),
            history: tokio::sync::Mutex::new(Default::default()),
            files: std::sync::Mutex::new(LruCache::new(
                std::num::NonZeroUsize::new(256).unwrap_or(std::num::NonZeroUsize::MIN),
            )),
        };
        b.directory().await?;
        Ok(b)
    }

    async fn directory(&self) -> VfsResult<Arc<Dir>> {
        let mut g = self.dir.lock().await;
        if let Some(c) = g.as_ref()
            && c.at.elapsed() < self.opts.ttl
        {
            return Ok(c.value.clone());
        }
        let raw_users = self.api.users().await?;
        let raw_convs = self.api.conversations(&self.opts.types).await?;
        let d = Arc::new(Dir {
            users: tree::users(&raw_users),
            convs: tree::conversations(&raw_convs, &raw_users),
        });
        *g = Some(Cached {
            at: Instant::now(),
            value: d.clone(),
        });
        Ok(d)
    }

    async fn conv(&self, dm: bool, dir: &str) -> VfsResult<Conv> {
        self.directory()
            .await?
            .convs
            .iter()
            .find(|c| c.dm == dm && c.dir == dir)
            .cloned()
            .ok_or(VfsError::NotFound)
    }

    async fn days(&self, conv: &Conv) -> VfsResult<Arc<BTreeMap<String, Day>>> {
        let mut g = self.history.lock().await;
        if let Some(c) = g.get(&conv.id)
            && c.at.elapsed() < self.opts.ttl
        {
            return Ok(c.value.clone());
        }
        let mut msgs = self
            .api
            .history(&conv.id, self.opts.oldest, self.opts.latest)
            .await?;
        let threads: Vec<String> = msgs
            .iter()
            .filter(|m| m.get("reply_count").and_then(|r| r.as_u64()).unwrap_or(0) > 0)
            .filter_map(|m| m.get("ts").and_then(|t| t.as_str()).map(String::from))
            .collect();
        for ts in threads {
            let replies = self.api.replies(&conv.id, &ts).await?;
            msgs.extend(replies.into_iter().filter(|r| {
                let t = r
                    .get("ts")
                    .and_then(|t| t.as_str())
                    .map_or(0.0, tree::ts_secs);
                t >= self.opts.oldest && t <= self.opts.latest
            }));
        }
        let days = Arc::new(tree::days(msgs));
        g.insert(
            conv.id.clone(),
            Cached {
                at: Instant::now(),
                value: days.clone(),
            },
        );
        Ok(days)
    }

    async fn day(&self, dm: bool, conv: &str, day: &str) -> VfsResult<(Conv, Day)> {
        let c = self.conv(dm, conv).await?;
        let d = self
            .days(&c)
            .await?
            .get(day)
            .cloned()
            .ok_or(VfsError::NotFound)?;
        Ok((c, d))
    }

    fn version(day: &Day) -> String {
        format!(
            "{}-{}",
            day.jsonl.len(),
            day.mtime.map_or(0, |t| t
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_micros()))
        )
    }

    async fn post_lines(&self, conv: &Conv, data: &[u8]) -> VfsResult<()> {
        let text = String::from_utf8_lossy(data);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (msg, thread) = match serde_json::from_str::<Value>(line) {
                Ok(v) if v.get("text").is_some_and(|t| t.is_string()) => (
                    v["text"].as_str().unwrap_or_default().to_string(),
                    v.get("thread_ts")
                        .and_then(|t| t.as_str())
                        .map(String::from),
                ),
                _ => (line.to_string(), None),
            };
            self.api.post(&conv.id, &msg, thread.as_deref()).await?;
        }
        self.history.lock().await.remove(&conv.id);
        Ok(())
    }
}

#[async_trait]
impl Backend for SlackBackend {
    fn info(&self) -> &BackendInfo {
        &self.info
    }

    async fn stat(&self, path: &VPath) -> VfsResult<Metadata> {
        let epoch = SystemTime::UNIX_EPOCH;
        Ok(match parse(path)? {
            Node::Root | Node::Group(_) | Node::Users => dir_meta(epoch),
            Node::User(u) => {
                let d = self.directory().await?;
                let user = d
                    .users
                    .iter()
                    .find(|x| x.file == u)
                    .ok_or(VfsError::NotFound)?;
                file_meta(
                    user.json.len() as u64,
                    epoch,
                    format!("{}", user.json.len()),
                )
            }
            Node::Conv(dm, c) => {
                let conv = self.conv(dm, c).await?;
                let days = self.days(&conv).await?;
                dir_meta(days.values().filter_map(|d| d.mtime).max().unwrap_or(epoch))
            }
            Node::Post(dm, c) => {
                self.conv(dm, c).await?;
                if !self.opts.writable {
                    return Err(VfsError::NotFound);
                }
                let mut m = Metadata::file(0, epoch);
                m.perm = 0o222;
                m
            }
            Node::Day(dm, c, d) | Node::Files(dm, c, d) => {
                let (_, day) = self.day(dm, c, d).await?;
                if matches!(parse(path)?, Node::Files(..)) && day.files.is_empty() {
                    return Err(VfsError::NotFound);
                }
                dir_meta(day.mtime.unwrap_or(epoch))
            }
            Node::Chat(dm, c, d) => {
                let (_, day) = self.day(dm, c, d).await?;
                file_meta(
                    day.jsonl.len() as u64,
                    day.mtime.unwrap_or(epoch),
                    Self::version(&day),
                )
            }
            Node::File(dm, c, d, f) => {
                let (_, day) = self.day(dm, c, d).await?;
                let fr = day
                    .files
                    .iter()
                    .find(|x| x.name == f)
                    .ok_or(VfsError::NotFound)?;
                let size = match lock(&self.files).peek(&fr.url) {
                    Some(b) => b.len() as u64,
                    None => fr.size,
                };
                file_meta(size, fr.mtime, fr.name.clone())
            }
        })
    }

    async fn list(&self, path: &VPath) -> VfsResult<Vec<DirEntry>> {
        let epoch = SystemTime::UNIX_EPOCH;
        let e = |name: &str, meta: Metadata| DirEntry {
            name: name.to_string(),
            meta,
        };
        Ok(match parse(path)? {
            Node::Root => vec![
                e("channels", dir_meta(epoch)),
                e("dms", dir_meta(epoch)),
                e("users", dir_meta(epoch)),
            ],
            Node::Users => {
                let d = self.directory().await?;
                d.users
                    .iter()
                    .map(|u| {
                        e(
                            &u.file,
                            file_meta(u.json.len() as u64, epoch, format!("{}", u.json.len())),
                        )
                    })
                    .collect()
            }
            Node::Group(dm) => {
                let d = self.directory().await?;
                d.convs
                    .iter()
                    .filter(|c| c.dm == dm)
                    .map(|c| e(&c.dir, dir_meta(epoch)))
                    .collect()
            }
            Node::Conv(dm, c) => {
                let conv = self.conv(dm, c).await?;
                let days = self.days(&conv).await?;
                let mut out: Vec<DirEntry> = days
                    .iter()
                    .map(|(d, day)| e(d, dir_meta(day.mtime.unwrap_or(epoch))))
                    .collect();
                if self.opts.writable {
                    let mut m = Metadata::file(0, epoch);
                    m.perm = 0o222;
                    out.push(e("post", m));
                }
                out
            }
            Node::Day(dm, c, d) => {
                let (_, day) = self.day(dm, c, d).await?;
                let mut out = vec![e(
                    "chat.jsonl",
                    file_meta(
                        day.jsonl.len() as u64,
                        day.mtime.unwrap_or(epoch),
                        Self::version(&day),
                    ),
                )];
                if !day.files.is_empty() {
                    out.push(e("files", dir_meta(day.mtime.unwrap_or(epoch))));
                }
                out
            }
            Node::Files(dm, c, d) => {
                let (_, day) = self.day(dm, c, d).await?;
                day.files
                    .iter()
                    .map(|f| e(&f.name, file_meta(f.size, f.mtime, f.name.clone())))
                    .collect()
            }
            Node::User(_) | Node::Chat(..) | Node::File(..) | Node::Post(..) => {
                return Err(VfsError::NotADirectory);
            }
        })
    }

    async fn read(&self, path: &VPath, offset: u64, len: u64) -> VfsResult<Bytes> {
        let data = match parse(path)? {
            Node::User(u) => {
                let d = self.directory().await?;
                d.users
                    .iter()
                    .find(|x| x.file == u)
                    .ok_or(VfsError::NotFound)?
                    .json
                    .clone()
            }
            Node::Chat(dm, c, d) => self.day(dm, c, d).await?.1.jsonl,
            Node::Post(..) => Bytes::new(),
            Node::File(dm, c, d, f) => {
                let (_, day) = self.day(dm, c, d).await?;
                let fr = day
                    .files
                    .iter()
                    .find(|x| x.name == f)
                    .ok_or(VfsError::NotFound)?;
                let cached = lock(&self.files).get(&fr.url).cloned();
                match cached {
                    Some(b) => b,
                    None => {
                        let b = self.api.download(&fr.url).await?;
                        lock(&self.files).put(fr.url.clone(), b.clone());
                        b
                    }
                }
            }
            _ => return Err(VfsError::IsADirectory),
        };
        let start = (offset as usize).min(data.len());
        let end = (start + len as usize).min(data.len());
        Ok(data.slice(start..end))
    }

    async fn put(&self, path: &VPath, data: PutData) -> VfsResult<Metadata> {
        let Node::Post(dm, c) = parse(path)? else {
            return Err(VfsError::NotPermitted);
        };
        if !self.opts.writable {
            return Err(VfsError::ReadOnly);
        }
        let conv = self.conv(dm, c).await?;
        let bytes = data.into_bytes()?.to_vec();
        self.post_lines(&conv, &bytes).await?;
        let mut m = Metadata::file(0, SystemTime::now());
        m.perm = 0o222;
        Ok(m)
    }

    fn invalidate(&self, _path: &VPath) {}
}

/// Parses `yyyy-mm-dd` as the start of that UTC day.
pub fn parse_day(s: &str) -> Option<f64> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp() as f64)
}

/// The default window: the latest 90 days.
pub fn default_window() -> (f64, f64) {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    (now - 90.0 * 86400.0, now)
}

/// Kinds of conversations by config name (`"public,private,dm"`) → Slack's `types`.
pub fn types_of(list: &str) -> Result<String, String> {
    let mut out = Vec::new();
    for t in list.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        out.push(match t {
            "public" | "public_channel" => "public_channel",
            "private" | "private_channel" => "private_channel",
            "dm" | "im" => "im",
            "group_dm" | "mpim" => "mpim",
            other => {
                return Err(format!(
                    "unknown conversation type {other:?} (public, private, dm, group_dm)"
                ));
            }
        });
    }
    Ok(out.join(","))
}
