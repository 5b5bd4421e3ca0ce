//! Background jobs (`cmd &`). Each runs in a copy of the shell, concurrently with the script
//! that started it — interleaved wherever either waits (`sleep`, a pipe, backend I/O), as
//! bash's child processes run alongside it — with `/dev/null` as its standard input unless a
//! pipe or redirection around it gave it one (bash without job control). `$!`, `wait`, `wait -n`, `jobs` and `kill` see them. The table is
//! shared by a session and every copy of it; the outermost script drives the jobs, and when it
//! ends, the jobs still running are finished before its result is returned (their output is
//! part of it, as it is of a bash script whose output is captured).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use futures::future::{AbortHandle, Abortable, LocalBoxFuture};
use futures::stream::{FuturesUnordered, StreamExt};
use tokio::sync::Notify;

/// The owner of disowned jobs.
const DISOWNED: u64 = u64::MAX;

/// A job's process id as the script sees it (`$!`): distinct from the shell's `$$` and never
/// reused in a session.
pub type Pid = u32;

/// The session's background jobs.
#[derive(Clone, Default)]
pub struct Jobs(Rc<Table>);

#[derive(Default)]
struct Table {
    state: RefCell<State>,
    /// Wakes `wait`ers when a job ends.
    ended: Notify,
}

#[derive(Default)]
struct State {
    last_pid: Pid,
    /// Started, not yet taken by the driver.
    new: Vec<(Pid, LocalBoxFuture<'static, i32>)>,
    running: BTreeMap<Pid, Job>,
    /// Ended jobs not yet collected by `wait` or reported by `jobs`, with their statuses.
    ended: BTreeMap<Pid, (Job, i32)>,
    /// Statuses of collected jobs, for a later `wait PID`.
    statuses: BTreeMap<Pid, i32>,
    driving: bool,
    /// `wait` collected every job: none is current (`+`) or previous (`-`) until the next.
    no_current: bool,
}

struct Job {
    /// The job number (`%N`): one more than the highest in the table, as in bash.
    num: u32,
    owner: u64,
    text: String,
    abort: AbortHandle,
}

impl State {
    fn next_num(&self) -> u32 {
        let nums = self
            .running
            .values()
            .chain(self.ended.values().map(|(j, _)| j));
        nums.map(|j| j.num).max().unwrap_or(0) + 1
    }
}

impl Jobs {
    /// Starts `job` (the text `jobs` shows for it) for the shell copy `owner`; its pid.
    pub fn start(&self, owner: u64, text: String, job: LocalBoxFuture<'static, i32>) -> Pid {
        let mut st = self.0.state.borrow_mut();
        if st.last_pid == 0 {
            st.last_pid = std::process::id();
        }
        st.last_pid += 1;
        st.no_current = false;
        let pid = st.last_pid;
        let (abort, reg) = AbortHandle::new_pair();
        let job = Abortable::new(job, reg);
        st.new
            .push((pid, Box::pin(async move { job.await.unwrap_or(143) })));
        let num = st.next_num();
        st.running.insert(
            pid,
            Job {
                num,
                owner,
                text,
                abort,
            },
        );
        pid
    }

    /// Runs `main` with the jobs alongside; once it is done, the jobs still running (and any
    /// they start) are finished. A call inside one that drives already just runs `main`.
    pub async fn drive<T>(&self, main: impl Future<Output = T>) -> T {
        if std::mem::replace(&mut self.0.state.borrow_mut().driving, true) {
            return main.await;
        }
        // Reset however this ends: a caller that drops the future half way drops the jobs
        // with it, and they must not be left "running" for a later `wait`.
        struct Driving<'a>(&'a Table);
        impl Drop for Driving<'_> {
            fn drop(&mut self) {
                let mut st = self.0.state.borrow_mut();
                st.driving = false;
                st.new.clear();
                for (pid, job) in std::mem::take(&mut st.running) {
                    st.ended.insert(pid, (job, 143));
                }
                drop(st);
                self.0.ended.notify_waiters();
            }
        }
        let _driving = Driving(&self.0);
        let mut main = pin!(main);
        let mut out = None;
        let mut set = FuturesUnordered::new();
        std::future::poll_fn(|cx| {
            loop {
                set.extend(
                    std::mem::take(&mut self.0.state.borrow_mut().new)
                        .into_iter()
                        .map(|(pid, f)| async move { (pid, f.await) }),
                );
                while let Poll::Ready(Some((pid, status))) = set.poll_next_unpin(cx) {
                    self.ended(pid, status);
                }
                if out.is_none()
                    && let Poll::Ready(v) = main.as_mut().poll(cx)
                {
                    out = Some(v);
                }
                if self.0.state.borrow().new.is_empty() {
                    break;
                }
            }
            match out.take() {
                Some(v) if set.is_empty() => Poll::Ready(v),
                other => {
                    out = other;
                    Poll::Pending
                }
            }
        })
        .await
    }

    fn ended(&self, pid: Pid, status: i32) {
        let mut st = self.0.state.borrow_mut();
        if let Some(job) = st.running.remove(&pid) {
            st.ended.insert(pid, (job, status));
        }
        drop(st);
        self.0.ended.notify_waiters();
    }

    /// The pid a `wait`/`kill` operand names: `%N` a job number, else a pid.
    pub fn resolve(&self, spec: &str) -> Option<Pid> {
        let st = self.0.state.borrow();
        match spec.strip_prefix('%') {
            Some(n) => {
                let num: u32 = n.parse().ok()?;
                let running = st.running.iter();
                let ended = st.ended.iter().map(|(p, (j, _))| (p, j));
                running
                    .chain(ended)
                    .find(|(_, j)| j.num == num)
                    .map(|(p, _)| *p)
            }
            None => {
                let pid: Pid = spec.parse().ok()?;
                let known = st.running.contains_key(&pid)
                    || st.ended.contains_key(&pid)
                    || st.statuses.contains_key(&pid);
                known.then_some(pid)
            }
        }
    }

    /// Waits for job `pid` and collects it: its status, or `None` when there is no such job.
    pub async fn wait_for(&self, pid: Pid) -> Option<i32> {
        loop {
            let ended = self.0.ended.notified();
            {
                let mut st = self.0.state.borrow_mut();
                if let Some((_, status)) = st.ended.remove(&pid) {
                    st.statuses.insert(pid, status);
                    return Some(status);
                }
                if let Some(status) = st.statuses.get(&pid) {
                    return Some(*status);
                }
                if !st.running.contains_key(&pid) {
                    return None;
                }
            }
            ended.await;
        }
    }

    /// Waits for every job `owner` has running and collects them; with `any`, for the first
    /// of them to end: its pid and status (`None` when none was running).
    pub async fn wait_all(&self, owner: u64, any: bool) -> Option<(Pid, i32)> {
        let mine = self.running(Some(owner));
        if !any {
            let mut last = None;
            for pid in mine {
                last = self.wait_for(pid).await.map(|s| (pid, s));
            }
            self.0.state.borrow_mut().no_current = true;
            return last;
        }
        if mine.is_empty() {
            return None;
        }
        loop {
            let ended = self.0.ended.notified();
            let done = {
                let st = self.0.state.borrow();
                mine.iter().copied().find(|p| st.ended.contains_key(p))
            };
            if let Some(pid) = done {
                return self.wait_for(pid).await.map(|s| (pid, s));
            }
            ended.await;
        }
    }

    /// Ends a running job as a signal would (status 128 + `signal`); false when job `pid`
    /// is not running.
    pub fn kill(&self, pid: Pid, signal: i32) -> bool {
        let mut st = self.0.state.borrow_mut();
        let Some(job) = st.running.remove(&pid) else {
            return false;
        };
        job.abort.abort();
        st.ended.insert(pid, (job, 128 + signal));
        drop(st);
        self.0.ended.notify_waiters();
        true
    }

    /// Forgets a job (`disown`): it runs on, but `jobs` and `wait` no longer see it.
    pub fn disown(&self, pid: Pid) {
        let mut st = self.0.state.borrow_mut();
        if let Some(job) = st.running.get_mut(&pid) {
            job.owner = DISOWNED;
        }
        st.ended.remove(&pid);
    }

    /// True while job `pid` runs.
    pub fn is_running(&self, pid: Pid) -> bool {
        self.0.state.borrow().running.contains_key(&pid)
    }

    /// `jobs`' lines in bash's layout (`[N]+  Running                 text &`): running jobs
    /// (but disowned ones), and with `ended` those that ended since, which are then
    /// collected (a bash script file reports them; `bash -c` does not).
    pub fn report(&self, ended: bool) -> String {
        let mut st = self.0.state.borrow_mut();
        let mut lines: BTreeMap<u32, (String, String)> = BTreeMap::new();
        for j in st.running.values().filter(|j| j.owner != DISOWNED) {
            lines.insert(j.num, ("Running".into(), format!("{} &", j.text)));
        }
        if ended {
            for (pid, (j, status)) in std::mem::take(&mut st.ended) {
                let state = match status {
                    0 => "Done".to_string(),
                    s => format!("Exit {s}"),
                };
                lines.insert(j.num, (state, j.text));
                st.statuses.insert(pid, status);
            }
        }
        let nums: Vec<u32> = if st.no_current {
            Vec::new()
        } else {
            lines.keys().copied().collect()
        };
        let mark = |num: u32| match nums.iter().rev().position(|&n| n == num) {
            Some(0) => '+',
            Some(1) => '-',
            _ => ' ',
        };
        lines
            .iter()
            .map(|(num, (state, text))| format!("[{num}]{}  {state:<24}{text}\n", mark(*num)))
            .collect()
    }

    /// Pids of the jobs `jobs` knows: running (but disowned) and, with `ended`, ended ones not
    /// yet collected.
    pub fn listed(&self, ended: bool) -> Vec<Pid> {
        let st = self.0.state.borrow();
        let running = st.running.iter().filter(|(_, j)| j.owner != DISOWNED);
        let ended = st.ended.keys().copied().filter(|_| ended);
        let mut pids: Vec<Pid> = running.map(|(p, _)| *p).chain(ended).collect();
        pids.sort_unstable();
        pids
    }

    /// Pids of the running jobs of `owner` (every one not disowned for `None`).
    pub fn running(&self, owner: Option<u64>) -> Vec<Pid> {
        let st = self.0.state.borrow();
        st.running
            .iter()
            .filter(|(_, j)| owner.map_or(j.owner != DISOWNED, |o| j.owner == o))
            .map(|(pid, _)| *pid)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn jobs_run_alongside_the_script_and_are_finished_after_it() {
        let jobs = Jobs::default();
        let log = Rc::new(RefCell::new(Vec::new()));
        let main = {
            let (jobs, log) = (jobs.clone(), log.clone());
            async move {
                let l = log.clone();
                let id = jobs.start(
                    0,
                    "slow".into(),
                    Box::pin(async move {
                        tokio::time::sleep(Duration::from_millis(30)).await;
                        l.borrow_mut().push("slow");
                        3
                    }),
                );
                let l = log.clone();
                jobs.start(
                    0,
                    "late".into(),
                    Box::pin(async move {
                        tokio::time::sleep(Duration::from_millis(60)).await;
                        l.borrow_mut().push("late");
                        0
                    }),
                );
                log.borrow_mut().push("main");
                let st = jobs.wait_for(id).await;
                log.borrow_mut().push("waited");
                st
            }
        };
        assert_eq!(jobs.drive(main).await, Some(3));
        assert_eq!(*log.borrow(), ["main", "slow", "waited", "late"]);
        assert!(jobs.running(None).is_empty());
    }

    #[tokio::test]
    async fn jobs_dropped_with_their_driver_are_not_left_running() {
        let jobs = Jobs::default();
        let started = {
            let jobs = jobs.clone();
            async move {
                jobs.start(0, "sleep".into(), Box::pin(std::future::pending()));
                std::future::pending::<()>().await
            }
        };
        let cut = tokio::time::timeout(Duration::from_millis(20), jobs.drive(started)).await;
        assert!(cut.is_err());
        assert!(jobs.running(None).is_empty());
        // The next script drives again.
        assert_eq!(jobs.drive(async { 7 }).await, 7);
    }

    #[tokio::test]
    async fn a_killed_job_ends_with_the_signal_status() {
        let jobs = Jobs::default();
        let main = {
            let jobs = jobs.clone();
            async move {
                let id = jobs.start(0, "sleep 100".into(), Box::pin(std::future::pending()));
                assert!(jobs.report(true).starts_with("[1]+  Running"));
                assert_eq!(jobs.resolve("%1"), Some(id));
                assert!(jobs.kill(id, 15));
                (jobs.wait_for(id).await, jobs.wait_for(9).await)
            }
        };
        assert_eq!(jobs.drive(main).await, (Some(143), None));
    }

    #[tokio::test]
    async fn job_numbers_are_reused_once_collected_and_pids_are_not() {
        let jobs = Jobs::default();
        let main = {
            let jobs = jobs.clone();
            async move {
                let a = jobs.start(0, "a".into(), Box::pin(async { 0 }));
                assert_eq!(jobs.wait_for(a).await, Some(0));
                let b = jobs.start(0, "b".into(), Box::pin(async { 1 }));
                assert_ne!(a, b);
                assert_eq!(jobs.resolve("%1"), Some(b));
                assert_eq!(jobs.resolve("%2"), None);
                // A collected job's status stays for `wait PID`.
                (jobs.wait_for(a).await, jobs.wait_for(b).await)
            }
        };
        assert_eq!(jobs.drive(main).await, (Some(0), Some(1)));
    }
}
