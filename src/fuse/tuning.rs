//! Host tuning `mirage mount` can apply on request: settings of the kernel's FUSE module,
//! which apply to every FUSE filesystem on the host and stay after mirage exits.

use std::path::Path;

/// The fuse module's `wake_here` parameter (present on some kernels, e.g. Firecracker's
/// 6.18 builds): a request wakes the server thread on the requesting CPU, and its reply the
/// requester, instead of a cross-CPU wake-up each way.
const WAKE_HERE: &str = "/sys/module/fuse/parameters/wake_here";

/// Turns `wake_here` on; what was done, or why not, as one line for the log.
pub(super) fn wake_here() -> Result<String, String> {
    wake_here_at(Path::new(WAKE_HERE))
}

fn wake_here_at(param: &Path) -> Result<String, String> {
    if !param.exists() {
        return Err("--wake-here: this kernel's fuse module has no wake_here parameter".into());
    }
    match std::fs::read_to_string(param) {
        Ok(v) if v.trim() == "Y" || v.trim() == "1" => {
            return Ok("fuse wake_here was already on".into());
        }
        _ => {}
    }
    std::fs::write(param, "Y")
        .map(|_| format!("fuse wake_here turned on ({})", param.display()))
        .map_err(|e| format!("--wake-here: cannot set {}: {e}", param.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_an_existing_parameter_and_explains_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("wake_here");
        assert!(wake_here_at(&p).unwrap_err().contains("no wake_here"));
        std::fs::write(&p, "N\n").unwrap();
        assert!(wake_here_at(&p).unwrap().contains("turned on"));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "Y");
        assert!(wake_here_at(&p).unwrap().contains("already on"));
    }
}
