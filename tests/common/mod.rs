//! Shared test code: the backend conformance suite, a local S3 server and a local GitHub API.

pub mod conformance;
pub mod github;
pub mod s3;
