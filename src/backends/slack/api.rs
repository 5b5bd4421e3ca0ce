//! The Slack Web API calls the backend makes, behind a small trait; [`MorphismApi`] implements
//! it on slack-morphism's session API (raw JSON in and out, so messages are kept exactly as
//! Slack sends them), with its own hyper connector so `api_url` may be plain `http://` (tests).
//! 429s are retried after `Retry-After` (bounded), revoked tokens are `PermissionDenied`.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use crate::vfs::{VfsError, VfsResult};

/// Longest single wait for a rate limit, and how many times a call is retried.
const MAX_WAIT: Duration = Duration::from_secs(10);
const RETRIES: u32 = 3;

/// The Slack methods the backend uses. Every call returns Slack's JSON objects unchanged.
#[async_trait]
pub trait SlackApi: Send + Sync {
    /// `conversations.list` (all pages) for `types`.
    async fn conversations(&self, types: &str) -> VfsResult<Vec<Value>>;
    /// `users.list` (all pages).
    async fn users(&self) -> VfsResult<Vec<Value>>;
    /// `conversations.history` (all pages) between two Unix times.
    async fn history(&self, channel: &str, oldest: f64, latest: f64) -> VfsResult<Vec<Value>>;
    /// `conversations.replies` of one thread (all pages; the parent included).
    async fn replies(&self, channel: &str, ts: &str) -> VfsResult<Vec<Value>>;
    /// `chat.postMessage`; returns the posted message.
    async fn post(&self, channel: &str, text: &str, thread_ts: Option<&str>) -> VfsResult<Value>;
    /// Downloads a file's bytes (`url_private_download`) with the token.
    async fn download(&self, url: &str) -> VfsResult<Bytes>;
}

type Connector = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// slack-morphism over hyper, pointed at `api_url`.
pub struct MorphismApi {
    client: SlackClient<SlackClientHyperConnector<Connector>>,
    http: hyper_util::client::legacy::Client<Connector, http_body_util::Empty<Bytes>>,
    token: SlackApiToken,
    token_value: String,
}

fn connector() -> VfsResult<Connector> {
    crate::init_tls();
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| VfsError::Io(format!("slack: no TLS roots: {e}")))?
        .https_or_http()
        .enable_http1()
        .build())
}

/// Maps a Slack client error to the VFS error model.
fn map_err(e: SlackClientError) -> VfsError {
    match e {
        SlackClientError::ApiError(a) => match a.code.as_str() {
            "invalid_auth"
            | "not_authed"
            | "token_revoked"
            | "token_expired"
            | "account_inactive"
            | "missing_scope"
            | "not_allowed_token_type" => {
                tracing::error!(
                    "slack: the token was refused ({}): check the token in the config",
                    a.code
                );
                VfsError::PermissionDenied
            }
            "channel_not_found" | "user_not_found" | "file_not_found" | "thread_not_found"
            | "message_not_found" => VfsError::NotFound,
            "not_in_channel" | "is_archived" | "restricted_action" | "cant_reply" => {
                tracing::warn!("slack: {}", a.code);
                VfsError::PermissionDenied
            }
            "ratelimited" => VfsError::Io("slack: rate limited".into()),
            other => VfsError::Io(format!("slack: {other}")),
        },
        SlackClientError::RateLimitError(_) => {
            VfsError::Io("slack: rate limited; retried and gave up".into())
        }
        other => VfsError::Io(format!("slack: {other}")),
    }
}

impl MorphismApi {
    /// A client for `api_url` (e.g. `https://slack.com/api`) with a bot or user token.
    pub fn new(api_url: &str, token: &str) -> VfsResult<Self> {
        let base = api_url.trim_end_matches('/').to_string();
        let client = SlackClient::new(
            SlackClientHyperConnector::with_connector(connector()?).with_slack_api_url(&base),
        );
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(connector()?);
        Ok(MorphismApi {
            client,
            http,
            token: SlackApiToken::new(SlackApiTokenValue::new(token.to_string())),
            token_value: token.to_string(),
        })
    }

    /// One Web API call (GET with `params`, or POST of `body`), retried after `Retry-After`
    /// when Slack rate-limits it (bounded waits), then mapped to the VFS error model.
    async fn call(
        &self,
        method: &str,
        params: &[(&str, Option<String>)],
        body: Option<&Value>,
    ) -> VfsResult<Value> {
        let mut attempt = 0;
        loop {
            let session = self.client.open_session(&self.token);
            let r: Result<Value, _> = match body {
                Some(b) => session.http_session_api.http_post(method, b, None).await,
                None => {
                    let p: Vec<(&str, Option<String>)> =
                        params.iter().map(|(k, v)| (*k, v.clone())).collect();
                    session.http_session_api.http_get(method, &p, None).await
                }
            };
            match r {
                Ok(v) => return Ok(v),
                Err(SlackClientError::RateLimitError(rl)) if attempt < RETRIES => {
                    let wait = rl
                        .retry_after
                        .unwrap_or(Duration::from_secs(1))
                        .min(MAX_WAIT);
                    tracing::warn!(method, "slack: rate limited, retrying in {wait:?}");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(e) => return Err(map_err(e)),
            }
        }
    }

    /// All pages of a cursor-paginated method, concatenating `field`.
    async fn pages(
        &self,
        method: &str,
        params: &[(&str, Option<String>)],
        field: &str,
    ) -> VfsResult<Vec<Value>> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..10_000 {
            let mut p: Vec<(&str, Option<String>)> = params.to_vec();
            p.push(("limit", Some("200".into())));
            if let Some(c) = &cursor {
                p.push(("cursor", Some(c.clone())));
            }
            let v = self.call(method, &p, None).await?;
            if let Some(items) = v.get(field).and_then(|x| x.as_array()) {
                out.extend(items.iter().cloned());
            }
            cursor = v
                .pointer("/response_metadata/next_cursor")
                .and_then(|c| c.as_str())
                .filter(|c| !c.is_empty())
                .map(String::from);
            if cursor.is_none() {
                break;
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl SlackApi for MorphismApi {
    async fn conversations(&self, types: &str) -> VfsResult<Vec<Value>> {
        self.pages(
            "conversations.list",
            &[
                ("types", Some(types.to_string())),
                ("exclude_archived", Some("false".into())),
            ],
            "channels",
        )
        .await
    }

    async fn users(&self) -> VfsResult<Vec<Value>> {
        self.pages("users.list", &[], "members").await
    }

    async fn history(&self, channel: &str, oldest: f64, latest: f64) -> VfsResult<Vec<Value>> {
        self.pages(
            "conversations.history",
            &[
                ("channel", Some(channel.to_string())),
                ("oldest", Some(format!("{oldest:.6}"))),
                ("latest", Some(format!("{latest:.6}"))),
                ("inclusive", Some("true".into())),
            ],
            "messages",
        )
        .await
    }

    async fn replies(&self, channel: &str, ts: &str) -> VfsResult<Vec<Value>> {
        self.pages(
            "conversations.replies",
            &[
                ("channel", Some(channel.to_string())),
                ("ts", Some(ts.to_string())),
            ],
            "messages",
        )
        .await
    }

    async fn post(&self, channel: &str, text: &str, thread_ts: Option<&str>) -> VfsResult<Value> {
        let mut body = json!({"channel": channel, "text": text});
        if let Some(t) = thread_ts {
            body["thread_ts"] = json!(t);
        }
        let v = self.call("chat.postMessage", &[], Some(&body)).await?;
        Ok(v.get("message").cloned().unwrap_or(v))
    }

    async fn download(&self, url: &str) -> VfsResult<Bytes> {
        let uri: http::Uri = url
            .parse()
            .map_err(|_| VfsError::Io(format!("slack: bad file URL {url}")))?;
        let mut attempt = 0;
        loop {
            let req = http::Request::get(uri.clone())
                .header("Authorization", format!("Bearer {}", self.token_value))
                .body(http_body_util::Empty::<Bytes>::new())
                .map_err(|e| VfsError::Io(format!("slack: {e}")))?;
            let resp = tokio::time::timeout(Duration::from_secs(60), self.http.request(req))
                .await
                .map_err(|_| VfsError::TimedOut("slack: file download timed out".into()))?
                .map_err(|e| VfsError::Io(format!("slack: file download: {e}")))?;
            let status = resp.status();
            if status == http::StatusCode::TOO_MANY_REQUESTS && attempt < RETRIES {
                let wait = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .map_or(Duration::from_secs(1), Duration::from_secs)
                    .min(MAX_WAIT);
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| VfsError::Io(format!("slack: file download: {e}")))?
                .to_bytes();
            return match status.as_u16() {
                200..=299 => Ok(body),
                401 | 403 => Err(VfsError::PermissionDenied),
                404 => Err(VfsError::NotFound),
                429 => Err(VfsError::Io(
                    "slack: rate limited; retried and gave up".into(),
                )),
                s => Err(VfsError::Io(format!(
                    "slack: file download answered HTTP {s}"
                ))),
            };
        }
    }
}
