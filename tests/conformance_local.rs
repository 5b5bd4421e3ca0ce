//! The conformance suite on `local`, each case in a fresh temp directory.

mod common;

use std::sync::Arc;

use mirage::backends::local::LocalBackend;
use mirage::vfs::Backend;

async fn local() -> Arc<dyn Backend> {
    // Leaked on purpose: the directory must outlive the backend for the test's duration.
    let dir = Box::leak(Box::new(
        tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap(),
    ));
    Arc::new(LocalBackend::new(dir.path()).unwrap())
}

conformance_suite!(local);
