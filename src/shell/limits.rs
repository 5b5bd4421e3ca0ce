//! Bounds on what one script may do: agents write infinite loops. Each bound has its own exit
//! status so a caller can tell which one was hit.

use std::cell::Cell;
use std::time::{Duration, Instant};

use super::ShellError;

/// Configurable limits of a shell session (per `execute` call).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes written to the script's stdout and stderr together.
    pub output_bytes: usize,
    /// Iterations of all loops together.
    pub loop_iterations: u64,
    /// Commands run (builtins, functions and tools).
    pub commands: u64,
    /// Nesting of function calls, `source`, `eval` and subshells.
    pub recursion_depth: u32,
    /// Wall time of one `execute` call.
    pub wall_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            output_bytes: 64 << 20,
            loop_iterations: 10_000_000,
            commands: 10_000_000,
            recursion_depth: 200,
            wall_time: Duration::from_secs(600),
        }
    }
}

/// Exit status when the output limit is hit.
pub const EXIT_OUTPUT: i32 = 201;
/// Exit status when the loop-iteration limit is hit.
pub const EXIT_LOOPS: i32 = 202;
/// Exit status when the command-count limit is hit.
pub const EXIT_COMMANDS: i32 = 203;
/// Exit status when the recursion limit is hit.
pub const EXIT_RECURSION: i32 = 204;
/// Exit status when the wall-time limit is hit (as `timeout`).
pub const EXIT_TIME: i32 = 124;

/// Counters of one `execute` call against its [`Limits`].
pub struct Budget {
    limits: Limits,
    started: Instant,
    output: Cell<usize>,
    loops: Cell<u64>,
    commands: Cell<u64>,
}

fn hit(status: i32, what: &str) -> ShellError {
    ShellError::Limit(status, format!("mirage: {what}; the script was stopped"))
}

impl Budget {
    /// Starts counting now.
    pub fn new(limits: Limits) -> Self {
        Budget {
            limits,
            started: Instant::now(),
            output: Cell::new(0),
            loops: Cell::new(0),
            commands: Cell::new(0),
        }
    }

    /// The limits counted against.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Counts `n` output bytes.
    pub fn output(&self, n: usize) -> Result<(), ShellError> {
        let total = self.output.get() + n;
        self.output.set(total);
        if total > self.limits.output_bytes {
            return Err(hit(
                EXIT_OUTPUT,
                &format!("output limit of {} bytes reached", self.limits.output_bytes),
            ));
        }
        Ok(())
    }

    /// Counts one loop iteration (and checks the clock).
    pub fn iteration(&self) -> Result<(), ShellError> {
        let n = self.loops.get() + 1;
        self.loops.set(n);
        if n > self.limits.loop_iterations {
            return Err(hit(
                EXIT_LOOPS,
                &format!(
                    "loop limit of {} iterations reached",
                    self.limits.loop_iterations
                ),
            ));
        }
        self.clock()
    }

    /// Counts one command (and checks the clock).
    pub fn command(&self) -> Result<(), ShellError> {
        let n = self.commands.get() + 1;
        self.commands.set(n);
        if n > self.limits.commands {
            return Err(hit(
                EXIT_COMMANDS,
                &format!("command limit of {} reached", self.limits.commands),
            ));
        }
        self.clock()
    }

    /// Fails once the wall-time limit has passed.
    pub fn clock(&self) -> Result<(), ShellError> {
        if self.started.elapsed() > self.limits.wall_time {
            return Err(hit(
                EXIT_TIME,
                &format!("time limit of {:?} reached", self.limits.wall_time),
            ));
        }
        Ok(())
    }

    /// Fails when `depth` is past the recursion limit.
    pub fn depth(&self, depth: u32) -> Result<(), ShellError> {
        if depth > self.limits.recursion_depth {
            return Err(hit(
                EXIT_RECURSION,
                &format!("recursion limit of {} reached", self.limits.recursion_depth),
            ));
        }
        Ok(())
    }
}
