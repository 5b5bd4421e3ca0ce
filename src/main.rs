//! The `mirage` command: a table of contents of the subcommands.

#![no_main]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A unified virtual filesystem for AI agents.
#[derive(Parser)]
#[command(name = "mirage", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Mount a workspace at DIR and serve it in the foreground until Ctrl-C, SIGTERM or
    /// `mirage umount DIR`.
    Mount {
        /// An existing empty directory to mount on.
        dir: PathBuf,
        /// The workspace config (default: the built-in RAM + current-directory workspace).
        config: Option<PathBuf>,
        /// Let other users see the mount (non-root users need user_allow_other in /etc/fuse.conf).
        #[arg(long)]
        allow_other: bool,
        /// FUSE worker threads (default: one per CPU for ram/local workspaces, else 8).
        #[arg(long)]
        threads: Option<usize>,
        /// Do not use FUSE passthrough for local directories (all I/O goes through mirage).
        #[arg(long)]
        no_passthrough: bool,
        /// Send every open to mirage even when no mount needs it: slower opens of small files,
        /// but big reads of local files can use passthrough.
        #[arg(long)]
        open_requests: bool,
        /// Turn on the kernel's fuse `wake_here` parameter where it exists (root): a request
        /// and its reply wake the other side on the same CPU, halving the cost of each round
        /// trip on VMs. Host-wide, for every FUSE filesystem, and it stays on after unmount.
        #[arg(long)]
        wake_here: bool,
        /// Requests come over io_uring by default where the kernel offers it (Linux ≥ 6.14;
        /// root turns on the fuse module's `enable_uring`, which only lets FUSE servers that
        /// ask use it): one system call per request, queued per CPU. `--io-uring` also says
        /// why when the kernel offers none.
        #[arg(long, conflicts_with = "no_io_uring")]
        io_uring: bool,
        /// Take requests by `read` and `writev` on /dev/fuse only (and leave the fuse
        /// module's `enable_uring` as it is).
        #[arg(long)]
        no_io_uring: bool,
    },
    /// Unmount a mirage mount.
    Umount {
        /// The mount point.
        dir: PathBuf,
    },
    /// Run a shell script on a workspace in-process (no FUSE, no host filesystem access):
    /// `mirage exec CONFIG -c 'SCRIPT'`, `mirage exec CONFIG FILE.sh`, the script on stdin, or
    /// `mirage exec --ram …` for a scratch RAM workspace.
    Exec {
        /// Use a scratch RAM workspace instead of a config.
        #[arg(long)]
        ram: bool,
        /// The script text.
        #[arg(short = 'c')]
        command: Option<String>,
        /// CONFIG (unless --ram), then an optional script FILE and its arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// An interactive shell prompt on a workspace.
    Sh {
        /// The workspace config (default: a scratch RAM workspace).
        config: Option<PathBuf>,
    },
    /// Print Markdown for an agent: what is mounted where, layouts, how to write, shell commands.
    /// Write it to CLAUDE.md / AGENTS.md next to the mount.
    Prompt {
        /// The workspace config (default: the built-in workspace).
        config: Option<PathBuf>,
        /// Where the workspace is (or will be) mounted; omit for shell/MCP use.
        #[arg(long)]
        mountpoint: Option<String>,
    },
    /// Serve the workspace to an agent over the Model Context Protocol on stdio (tools: bash,
    /// read, write, edit, ls, grep, glob).
    Mcp {
        /// The workspace config (default: the built-in workspace).
        config: Option<PathBuf>,
    },
    /// Validate a config and print its mount table.
    Check {
        /// The workspace config.
        config: PathBuf,
    },
}

/// The process entry, in place of std's: it does what std's start-up does for a program —
/// SIGPIPE ignored (a closed pipe is an `EPIPE` error), descriptors 0–2 opened on /dev/null
/// when missing, a panic reported and exit status 101 — except probing the main thread's
/// stack guard, which reads /proc/self/maps: a twentieth of a short `mirage exec`.
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: std::ffi::c_int, _argv: *const *const std::ffi::c_char) -> i32 {
    // SAFETY: plain libc calls on the process's own signal disposition and descriptors,
    // made before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        open_missing_std_fds();
    }
    let code = match std::panic::catch_unwind(real_main) {
        Ok(ExitCode::SUCCESS) => 0,
        Ok(_) => 1,
        Err(_) => 101,
    };
    // Flushes stdout as std's own exit path does.
    std::process::exit(code)
}

/// Opens /dev/null on any of descriptors 0, 1, 2 that is closed, so no file the program
/// opens later becomes its stdout by accident.
unsafe fn open_missing_std_fds() {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `fds` is a valid array of three pollfd structs.
    if unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } < 0 {
        return;
    }
    for p in fds {
        if p.revents & libc::POLLNVAL != 0 {
            // SAFETY: a constant NUL-terminated path.
            unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
        }
    }
}

fn real_main() -> ExitCode {
    // TLS is initialised by the clients that need it (S3, GitHub, Slack), not here: `mirage
    // exec` on RAM or local mounts starts without touching the crypto provider.
    mirage::log::init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mirage: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Mount {
            dir,
            config,
            allow_other,
            threads,
            no_passthrough,
            open_requests,
            wake_here,
            io_uring,
            no_io_uring,
        } => {
            if !dir.is_dir() {
                anyhow::bail!("mount point {} is not an existing directory", dir.display());
            }
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let (vfs, _) = rt.block_on(mirage::workspace::open(config.as_deref()))?;
            let opts = mirage::fuse::MountOptions {
                allow_other,
                threads,
                passthrough: !no_passthrough,
                kernel_opens: !open_requests,
                wake_here,
                io_uring: match (io_uring, no_io_uring) {
                    (true, _) => mirage::fuse::IoUring::On,
                    (_, true) => mirage::fuse::IoUring::Off,
                    _ => mirage::fuse::IoUring::Auto,
                },
            };
            let served = mirage::fuse::mount_and_serve(vfs, &dir, &opts, &rt);
            // Serving threads of a mount detached while busy may still be answering; a runtime
            // shut down under them would make them panic. The process ends here anyway.
            std::mem::forget(rt);
            served
        }
        Command::Umount { dir } => mirage::fuse::unmount(&dir),
        Command::Exec {
            ram,
            command,
            mut args,
        } => {
            // One thread: the interpreter runs pipeline stages as tasks, and starting worker
            // threads (and sizing them from cgroup files) is most of a short script's cost.
            let config = if ram || args.is_empty() {
                None
            } else {
                Some(PathBuf::from(args.remove(0)))
            };
            let mut rt = tokio::runtime::Builder::new_current_thread();
            // A RAM workspace needs timers only; sockets (and their epoll and signal set-up)
            // are for the backends a config may name.
            if config.is_some() {
                rt.enable_all();
            } else {
                rt.enable_time();
            }
            let rt = rt.build()?;
            let vfs = rt.block_on(mirage::shell::cli::workspace(config.as_deref(), ram))?;
            use mirage::shell::cli::Source;
            // `mirage exec CONFIG -c SCRIPT`: clap leaves `-c` among the trailing arguments.
            let mut command = command;
            if command.is_none() && args.first().is_some_and(|a| a == "-c") && args.len() > 1 {
                args.remove(0);
                command = Some(args.remove(0));
            }
            let source = match command {
                Some(c) => Source::Inline(c),
                None if !args.is_empty() => Source::File(PathBuf::from(args.remove(0))),
                None => Source::Stdin,
            };
            let status = mirage::shell::cli::exec(&rt, vfs, source, args)?;
            std::process::exit(status);
        }
        Command::Sh { config } => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let vfs = rt.block_on(mirage::shell::cli::workspace(
                config.as_deref(),
                config.is_none(),
            ))?;
            let status = mirage::shell::cli::interactive(&rt, vfs)?;
            std::process::exit(status);
        }
        Command::Prompt { config, mountpoint } => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let (_, rows) = rt.block_on(mirage::workspace::open(config.as_deref()))?;
            print!("{}", mirage::prompt::render(&rows, mountpoint.as_deref()));
            Ok(())
        }
        Command::Mcp { config } => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let (vfs, rows) = mirage::workspace::open(config.as_deref()).await?;
                let instructions = mirage::prompt::render(&rows, None);
                mirage::mcp::serve(vfs, instructions).await
            })
        }
        Command::Check { config } => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let (_, rows) = rt.block_on(mirage::workspace::open(Some(&config)))?;
            println!(
                "{:<20} {:<8} {:<6} {:<8} description",
                "path", "backend", "mode", "ttl"
            );
            for r in rows {
                println!(
                    "{:<20} {:<8} {:<6} {:<8} {}",
                    r.path, r.backend, r.mode, r.ttl, r.description
                );
            }
            Ok(())
        }
    }
}
