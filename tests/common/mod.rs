//! Shared test code: the backend conformance suite and a local S3 server.

pub mod conformance;
pub mod s3;
