//! `time`: wall-clock and CPU time of a pipeline, reported as bash reports it.

use std::time::{Duration, Instant};

/// The clocks at the start of a timed pipeline.
pub(crate) struct Clock {
    wall: Instant,
    cpu: (Duration, Duration),
}

/// User and system CPU time of the process so far (the interpreter runs pipelines in
/// process, so this is what they used).
fn cpu() -> (Duration, Duration) {
    // SAFETY: an all-zero rusage is a valid value, and getrusage only writes into it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid, writable rusage for the call's duration.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return (Duration::ZERO, Duration::ZERO);
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    (tv(ru.ru_utime), tv(ru.ru_stime))
}

/// `times`: user and system time of the shell, then of the processes it waited for, as
/// `XmY.YYYs XmY.YYYs` lines.
pub(crate) fn times() -> String {
    let (u, s) = cpu();
    // SAFETY: as in `cpu`, for the children's usage.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid, writable rusage for the call's duration.
    let children = if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) } == 0 {
        let tv = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec.max(0) as u64)
                + Duration::from_micros(t.tv_usec.max(0) as u64)
        };
        (tv(ru.ru_utime), tv(ru.ru_stime))
    } else {
        (Duration::ZERO, Duration::ZERO)
    };
    let t = |d: Duration| {
        let s = d.as_secs_f64();
        format!("{}m{:.3}s", (s / 60.0) as u64, s % 60.0)
    };
    format!("{} {}\n{} {}\n", t(u), t(s), t(children.0), t(children.1))
}

impl Clock {
    /// Starts timing.
    pub(crate) fn now() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: cpu(),
        }
    }

    /// bash's report since the start: `real/user/sys` as `XmY.YYYs` after a blank line, or
    /// with `posix` (`time -p`) as seconds with two decimals.
    pub(crate) fn report(&self, posix: bool) -> String {
        let real = self.wall.elapsed();
        let (u, s) = cpu();
        let (user, sys) = (u.saturating_sub(self.cpu.0), s.saturating_sub(self.cpu.1));
        let t = |d: Duration| {
            let s = d.as_secs_f64();
            if posix {
                format!("{s:.2}")
            } else {
                format!("{}m{:.3}s", (s / 60.0) as u64, s % 60.0)
            }
        };
        if posix {
            format!("real {}\nuser {}\nsys {}\n", t(real), t(user), t(sys))
        } else {
            format!("\nreal\t{}\nuser\t{}\nsys\t{}\n", t(real), t(user), t(sys))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_in_both_formats() {
        let c = Clock::now();
        let r = c.report(false);
        assert!(r.starts_with("\nreal\t0m0.0"), "{r}");
        assert!(r.contains("\nuser\t0m") && r.contains("\nsys\t0m"), "{r}");
        let p = c.report(true);
        assert!(
            p.starts_with("real 0.0") && p.contains("\nuser ") && p.ends_with('\n'),
            "{p}"
        );
    }
}
