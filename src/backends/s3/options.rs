//! The `s3`, `r2` and `gcs` mount options, and connecting to the bucket at mount time.
//!
//! `r2` and `gcs` are presets over the same code: `r2` derives the endpoint from `account_id`
//! (region `auto`), `gcs` uses the interoperability endpoint. Credentials come from
//! `access_key_id`/`secret_access_key` (as `${ENV}` references) or the standard AWS chain
//! (environment, `AWS_PROFILE`, shared files). The bucket is checked with HeadBucket before the
//! mount appears, so a missing bucket, bad credentials or an unreachable endpoint fail `mount`.

use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{Credentials, Region};

use super::S3Backend;
use super::api::{S3Api, SdkApi};
use crate::config::{ConfigError, MountConfig, units};
use crate::vfs::VfsError;

/// Everything needed to reach one bucket.
#[derive(Clone, Debug)]
pub struct S3Options {
    /// `s3`, `r2` or `gcs`.
    pub kind: &'static str,
    /// Bucket name.
    pub bucket: String,
    /// Key prefix the mount is rooted at (empty or ending in `/`).
    pub prefix: String,
    /// Signing region.
    pub region: String,
    /// Custom endpoint URL.
    pub endpoint: Option<String>,
    /// Path-style addressing (most local servers need it).
    pub path_style: bool,
    /// Static credentials; `None` uses the AWS default chain.
    pub credentials: Option<(String, String)>,
    /// Per-attempt timeout of one request, and the longest a GET's body may send nothing.
    pub timeout: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Attempts per request (1 = no retries).
    pub max_attempts: u32,
}

impl S3Options {
    /// Reads the options of an `s3`/`r2`/`gcs` mount, consuming its keys.
    pub fn from_config(m: &mut MountConfig, kind: &'static str) -> Result<Self, ConfigError> {
        let bucket = m
            .take_str("bucket")?
            .ok_or_else(|| m.error_missing("bucket"))?;
        let prefix = m.take_str("prefix")?.unwrap_or_default();
        let account = if kind == "r2" {
            m.take_str("account_id")?
        } else {
            None
        };
        let mut endpoint = m.take_str("endpoint")?;
        let default_region = match kind {
            "r2" => "auto",
            _ => "us-east-1",
        };
        let region = m
            .take_str("region")?
            .unwrap_or_else(|| default_region.to_string());
        if endpoint.is_none() {
            endpoint = match kind {
                "r2" => Some(format!(
                    "https://{}.r2.cloudflarestorage.com",
                    account.ok_or_else(|| m.error_missing("account_id"))?
                )),
                "gcs" => Some("https://storage.googleapis.com".to_string()),
                _ => None,
            };
        }
        let path_style = m.take_bool("path_style")?.unwrap_or(false);
        let key = m.take_str("access_key_id")?;
        let secret = m.take_str("secret_access_key")?;
        let credentials = match (key, secret) {
            (Some(k), Some(s)) => Some((k, s)),
            (None, None) => None,
            (Some(_), None) => return Err(m.error_missing("secret_access_key")),
            (None, Some(_)) => return Err(m.error_missing("access_key_id")),
        };
        let duration =
            |m: &mut MountConfig, k: &str, d: Duration| -> Result<Duration, ConfigError> {
                match m.take_str(k)? {
                    None => Ok(d),
                    Some(s) => units::parse_duration(&s).map_err(|e| m.error_at(k, &e)),
                }
            };
        let timeout = duration(m, "timeout", Duration::from_secs(30))?;
        let connect_timeout = duration(m, "connect_timeout", Duration::from_secs(5))?;
        let max_attempts = match m.take_int("retries")? {
            None => 4,
            Some(n) if (0..=20).contains(&n) => n as u32 + 1,
            Some(_) => return Err(m.error_at("retries", "must be between 0 and 20")),
        };
        Ok(S3Options {
            kind,
            bucket,
            prefix,
            region,
            endpoint,
            path_style,
            credentials,
            timeout,
            connect_timeout,
            max_attempts,
        })
    }

    /// Builds the SDK client (no request is made).
    pub async fn client(&self) -> aws_sdk_s3::Client {
        crate::init_tls();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(self.connect_timeout)
                    .operation_attempt_timeout(self.timeout)
                    .build(),
            )
            .retry_config(RetryConfig::standard().with_max_attempts(self.max_attempts));
        if let Some((key, secret)) = &self.credentials {
            loader = loader.credentials_provider(Credentials::new(
                key,
                secret,
                None,
                None,
                "mirage-config",
            ));
        }
        let shared = loader.load().await;
        // Checksums only where S3 requires them: the SDK's default (CRC32 on every upload part)
        // breaks CompleteMultipartUpload on S3-compatible servers that do not echo them.
        let mut conf = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(self.path_style)
            .request_checksum_calculation(
                aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
            )
            .response_checksum_validation(
                aws_sdk_s3::config::ResponseChecksumValidation::WhenRequired,
            );
        if let Some(ep) = &self.endpoint {
            conf = conf.endpoint_url(ep);
        }
        aws_sdk_s3::Client::from_conf(conf.build())
    }

    /// Connects and checks the bucket; the error says what failed.
    pub async fn connect(&self) -> Result<S3Backend, VfsError> {
        let api: Arc<dyn S3Api> = Arc::new(SdkApi::new(
            self.client().await,
            self.bucket.clone(),
            self.timeout,
        ));
        api.head_bucket().await.map_err(|e| match e {
            VfsError::NotFound => VfsError::Io(format!("bucket {:?} does not exist", self.bucket)),
            VfsError::PermissionDenied => VfsError::Io(format!(
                "access to bucket {:?} denied: check the credentials",
                self.bucket
            )),
            other => other,
        })?;
        let description = format!(
            "{} bucket `{}`{}: object keys as paths (`/` separates directories); \
             files are uploaded whole when closed; rename copies then deletes.",
            self.kind.to_uppercase(),
            self.bucket,
            if self.prefix.is_empty() {
                String::new()
            } else {
                format!(" below prefix `{}`", self.prefix)
            },
        );
        Ok(S3Backend::new(api, &self.prefix, self.kind, description))
    }
}
