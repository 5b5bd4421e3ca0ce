//! Shared test code: the backend conformance suite.

pub mod conformance;
