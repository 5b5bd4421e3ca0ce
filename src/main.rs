//! The `mirage` command: a table of contents of the subcommands.

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

fn main() -> ExitCode {
    // TLS is initialised by the clients that need it (S3, GitHub, Slack), not here: `mirage
    // exec` on RAM or local mounts starts without touching the crypto provider.
    match std::env::var("RUST_LOG") {
        Ok(_) => tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .init(),
        Err(_) => {
            use tracing_subscriber::layer::SubscriberExt;
            use tracing_subscriber::util::SubscriberInitExt;
            let filter = tracing_subscriber::filter::Targets::new()
                .with_default(tracing::Level::WARN)
                .with_target("fuser", tracing::Level::ERROR);
            tracing_subscriber::registry()
                .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
                .with(filter)
                .init();
        }
    }
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
            };
            mirage::fuse::mount_and_serve(vfs, &dir, &opts, &rt)
        }
        Command::Umount { dir } => mirage::fuse::unmount(&dir),
        Command::Exec {
            ram,
            command,
            mut args,
        } => {
            // One thread: the interpreter runs pipeline stages as tasks, and starting worker
            // threads (and sizing them from cgroup files) is most of a short script's cost.
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let config = if ram || args.is_empty() {
                None
            } else {
                Some(PathBuf::from(args.remove(0)))
            };
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
