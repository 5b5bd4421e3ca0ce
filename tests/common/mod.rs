//! Shared test code: the backend conformance suite, a local S3 server, local GitHub and Slack APIs,
//! a cuttable TCP proxy.

pub mod conformance;
pub mod github;
pub mod proxy;
pub mod s3;
pub mod slack;
