//! The conformance suite on `s3`, against a real S3-compatible server (moto) on 127.0.0.1.

mod common;

conformance_suite!(common::s3::fresh_backend);
