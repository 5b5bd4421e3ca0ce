//! The conformance suite on `ram`, once with random-access handles and once staged (the path
//! object stores take).

mod common;

use std::sync::Arc;

use mirage::backends::ram::RamBackend;
use mirage::vfs::Backend;

async fn ram() -> Arc<dyn Backend> {
    Arc::new(RamBackend::new())
}

async fn ram_staged() -> Arc<dyn Backend> {
    Arc::new(RamBackend::without_random_io())
}

conformance_suite!(ram);

mod staged {
    use super::*;
    conformance_suite!(ram_staged);
}
