//! Slack data → the file tree: conversations and users named `<name>__<id>`, a conversation's
//! messages grouped by UTC day into `chat.jsonl` (oldest first, thread replies included), and
//! the files shared in messages as `files/<name>__<file-id>.<ext>`.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde_json::Value;

/// A channel or DM.
#[derive(Clone, Debug)]
pub struct Conv {
    /// Slack's id (`C…`, `D…`).
    pub id: String,
    /// The directory name: `<name>__<id>`.
    pub dir: String,
    /// True for direct messages.
    pub dm: bool,
}

/// A user and their JSON.
#[derive(Clone, Debug)]
pub struct User {
    /// `<username>__<id>.json`
    pub file: String,
    /// The user object as pretty JSON with a final newline.
    pub json: Bytes,
}

/// A file shared in a message.
#[derive(Clone, Debug)]
pub struct FileRef {
    /// `<name>__<file-id>.<ext>`
    pub name: String,
    /// Size Slack reports.
    pub size: u64,
    /// Download URL.
    pub url: String,
    /// When it was shared.
    pub mtime: SystemTime,
}

/// One day of a conversation.
#[derive(Clone, Debug, Default)]
pub struct Day {
    /// `chat.jsonl`
    pub jsonl: Bytes,
    /// Latest message time.
    pub mtime: Option<SystemTime>,
    /// Shared files.
    pub files: Vec<FileRef>,
}

/// Replaces characters that cannot be in a file name.
pub fn clean(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c == '/' || c == '\0' { '_' } else { c })
        .collect();
    let s = s.trim().to_string();
    if s.is_empty() || s == "." || s == ".." {
        "_".into()
    } else {
        s.chars().take(150).collect()
    }
}

/// Seconds of a Slack `ts` ("1714300000.123456").
pub fn ts_secs(ts: &str) -> f64 {
    ts.parse().unwrap_or(0.0)
}

fn time_of(secs: f64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs_f64(secs.max(0.0))
}

/// `yyyy-mm-dd` (UTC) of a Unix time.
pub fn day_of(secs: f64) -> String {
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// Names users `<name>__<id>.json`.
pub fn users(raw: &[Value]) -> Vec<User> {
    raw.iter()
        .filter_map(|u| {
            let id = u.get("id")?.as_str()?;
            let name = u.get("name").and_then(|n| n.as_str()).unwrap_or(id);
            let mut json = serde_json::to_vec_pretty(u).ok()?;
            json.push(b'\n');
            Some(User {
                file: format!("{}__{id}.json", clean(name)),
                json: json.into(),
            })
        })
        .collect()
}

/// Names conversations; DMs take the other user's name.
pub fn conversations(raw: &[Value], users: &[Value]) -> Vec<Conv> {
    let user_name = |id: &str| {
        users
            .iter()
            .find(|u| u.get("id").and_then(|x| x.as_str()) == Some(id))
            .and_then(|u| u.get("name").and_then(|n| n.as_str()))
            .unwrap_or(id)
            .to_string()
    };
    raw.iter()
        .filter_map(|c| {
            let id = c.get("id")?.as_str()?.to_string();
            let dm = c.get("is_im").and_then(|x| x.as_bool()).unwrap_or(false);
            let name = if dm {
                c.get("user")
                    .and_then(|u| u.as_str())
                    .map(user_name)
                    .unwrap_or_else(|| id.clone())
            } else {
                c.get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or(&id)
                    .to_string()
            };
            Some(Conv {
                dir: format!("{}__{id}", clean(&name)),
                id,
                dm,
            })
        })
        .collect()
}

fn file_ref(f: &Value, fallback: f64) -> Option<FileRef> {
    let id = f.get("id")?.as_str()?;
    let name = f
        .get("name")
        .or_else(|| f.get("title"))
        .and_then(|n| n.as_str())
        .unwrap_or(id);
    let (stem, ext_from_name) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && !e.is_empty() && e.len() <= 10 => (s, Some(e)),
        _ => (name, None),
    };
    let ext = ext_from_name.map(String::from).or_else(|| {
        f.get("filetype")
            .and_then(|t| t.as_str())
            .filter(|t| !t.is_empty())
            .map(String::from)
    });
    let shown = match ext {
        Some(e) => format!("{}__{id}.{}", clean(stem), clean(&e)),
        None => format!("{}__{id}", clean(stem)),
    };
    let url = f
        .get("url_private_download")
        .or_else(|| f.get("url_private"))
        .and_then(|u| u.as_str())?
        .to_string();
    let created = f
        .get("created")
        .or_else(|| f.get("timestamp"))
        .and_then(|t| t.as_f64())
        .unwrap_or(fallback);
    Some(FileRef {
        name: shown,
        size: f.get("size").and_then(|s| s.as_u64()).unwrap_or(0),
        url,
        mtime: time_of(created),
    })
}

/// Groups messages (top-level and replies, any order, duplicates allowed) into days.
pub fn days(messages: Vec<Value>) -> BTreeMap<String, Day> {
    let mut msgs: Vec<(f64, String, Value)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for m in messages {
        let ts = m
            .get("ts")
            .and_then(|t| t.as_str())
            .unwrap_or("0")
            .to_string();
        if !seen.insert(ts.clone()) {
            continue;
        }
        msgs.push((ts_secs(&ts), ts, m));
    }
    msgs.sort_by(|a, b| {
        a.0.partial_cmp(&b.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.1.cmp(&b.1))
    });
    let mut out: BTreeMap<String, (Vec<u8>, f64, Vec<FileRef>)> = BTreeMap::new();
    for (secs, _, m) in msgs {
        let e = out
            .entry(day_of(secs))
            .or_insert_with(|| (Vec::new(), 0.0, Vec::new()));
        if let Ok(line) = serde_json::to_vec(&m) {
            e.0.extend_from_slice(&line);
            e.0.push(b'\n');
        }
        e.1 = e.1.max(secs);
        if let Some(files) = m.get("files").and_then(|f| f.as_array()) {
            for f in files {
                if let Some(r) = file_ref(f, secs)
                    && !e.2.iter().any(|x| x.name == r.name)
                {
                    e.2.push(r);
                }
            }
        }
    }
    out.into_iter()
        .map(|(d, (jsonl, latest, mut files))| {
            files.sort_by(|a, b| a.name.cmp(&b.name));
            (
                d,
                Day {
                    jsonl: jsonl.into(),
                    mtime: Some(time_of(latest)),
                    files,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn groups_by_utc_day_oldest_first_with_files() {
        let d = days(vec![
            json!({"ts": "1714348800.000200", "text": "b"}),
            json!({"ts": "1714348800.000100", "text": "a", "files": [{"id": "F1", "name": "report.pdf", "size": 3, "url_private_download": "http://x/f"}]}),
            json!({"ts": "1714262400.5", "text": "prev day"}),
            json!({"ts": "1714348800.000100", "text": "a"}),
        ]);
        assert_eq!(
            d.keys().cloned().collect::<Vec<_>>(),
            ["2024-04-28", "2024-04-29"]
        );
        let day = &d["2024-04-29"];
        assert_eq!(String::from_utf8_lossy(&day.jsonl).lines().count(), 2);
        assert!(String::from_utf8_lossy(&day.jsonl).starts_with("{\"files\""));
        assert_eq!(day.files[0].name, "report__F1.pdf");
        assert_eq!(clean("a/b"), "a_b");
    }
}
