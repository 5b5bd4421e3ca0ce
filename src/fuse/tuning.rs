//! Host tuning `mirage mount` can apply on request: parameters of the kernel's FUSE module,
//! which apply to every FUSE filesystem on the host and stay after mirage exits.

use std::path::Path;

/// The fuse module's `wake_here` parameter (present on some kernels, e.g. Firecracker's
/// 6.18 builds): a request wakes the server thread on the requesting CPU, and its reply the
/// requester, instead of a cross-CPU wake-up each way.
pub(super) const WAKE_HERE: &str = "wake_here";

/// The fuse module's `enable_uring` parameter (Linux ≥ 6.14 built with FUSE_IO_URING): lets
/// FUSE servers that ask for it take requests over io_uring. Servers that do not ask are
/// unaffected.
pub(super) const ENABLE_URING: &str = "enable_uring";

/// Turns the fuse module parameter `name` on: `None` when it already was, else what was
/// done; or why it cannot be, as one line.
pub(super) fn enable(name: &str) -> Result<Option<String>, String> {
    enable_at(name, &Path::new("/sys/module/fuse/parameters").join(name))
}

fn enable_at(name: &str, param: &Path) -> Result<Option<String>, String> {
    if !param.exists() {
        return Err(format!("this kernel's fuse module has no {name} parameter"));
    }
    match std::fs::read_to_string(param) {
        Ok(v) if v.trim() == "Y" || v.trim() == "1" => {
            return Ok(None);
        }
        _ => {}
    }
    std::fs::write(param, "Y")
        .map(|_| {
            Some(format!(
                "turned on the fuse module's {name} ({})",
                param.display()
            ))
        })
        .map_err(|e| format!("cannot set {}: {e}", param.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_an_existing_parameter_and_explains_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("wake_here");
        assert!(
            enable_at("wake_here", &p)
                .unwrap_err()
                .contains("no wake_here")
        );
        std::fs::write(&p, "N\n").unwrap();
        assert!(
            enable_at("wake_here", &p)
                .unwrap()
                .unwrap()
                .contains("turned on")
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "Y");
        assert_eq!(enable_at("wake_here", &p).unwrap(), None);
    }
}
