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
        /// FUSE worker threads.
        #[arg(long, default_value_t = 8)]
        threads: usize,
        /// Do not use FUSE passthrough for local directories (all I/O goes through mirage).
        #[arg(long)]
        no_passthrough: bool,
    },
    /// Unmount a mirage mount.
    Umount {
        /// The mount point.
        dir: PathBuf,
    },
    /// Validate a config and print its mount table.
    Check {
        /// The workspace config.
        config: PathBuf,
    },
}

fn main() -> ExitCode {
    mirage::init_tls();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,fuser=error".into()),
        )
        .init();
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
            };
            mirage::fuse::mount_and_serve(vfs, &dir, &opts, &rt)
        }
        Command::Umount { dir } => mirage::fuse::unmount(&dir),
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
