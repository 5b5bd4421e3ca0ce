//! The clock file times are stamped with.

use std::time::{Duration, SystemTime};

/// Now, by the kernel's coarse wall clock — the clock Linux stamps file changes with (it
/// advances once per tick, 1–4 ms). Changes made within one tick get equal times, as on a
/// local disk, so `find -newer`, `test -nt` and `make` judge mirage's files as they judge
/// the host's (a file is not newer than the directory entry made with it).
pub fn now() -> SystemTime {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut ts) };
    match (r, u64::try_from(ts.tv_sec), u32::try_from(ts.tv_nsec)) {
        (0, Ok(s), Ok(ns)) => SystemTime::UNIX_EPOCH + Duration::new(s, ns),
        _ => SystemTime::now(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_clock_is_close_to_the_fine_one() {
        let fine = SystemTime::now();
        let coarse = now();
        let gap = fine.duration_since(coarse).unwrap_or_else(|e| e.duration());
        assert!(gap < Duration::from_millis(100), "{gap:?}");
    }
}
