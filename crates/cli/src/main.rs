//! `hocvuso`: the command line. It only parses arguments and calls into the
//! library crates, so tests start exactly what production starts.

mod bench;
mod commands;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "hocvuso",
    version,
    about = "Hệ thống Phong trào “Bình dân học vụ số” cho xã"
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives: `--database-url` wins, else an SQLite file in `--data-dir`.
#[derive(clap::Args, Clone)]
pub struct DbArgs {
    /// Data folder (SQLite file, backups).
    #[arg(
        long,
        global = true,
        default_value = "./data",
        env = "HOCVUSO_DATA_DIR"
    )]
    pub data_dir: PathBuf,
    /// e.g. postgres://user@127.0.0.1/hocvuso (default: SQLite in the data folder).
    #[arg(long, global = true, env = "HOCVUSO_DATABASE_URL")]
    pub database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server.
    Serve {
        /// Load the demo commune if the registry is empty, and print a one-time admin login.
        #[arg(long)]
        demo: bool,
        #[arg(long, default_value = "127.0.0.1:8080", env = "HOCVUSO_BIND")]
        bind: String,
        /// Mark cookies Secure (when served behind HTTPS).
        #[arg(long, env = "HOCVUSO_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Generate the demo commune (or a province-sized data set with --scale) without serving.
    Demo {
        /// Number of residents for a benchmark data set (e.g. 2000000); default: the demo commune.
        #[arg(long)]
        scale: Option<usize>,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Import residents from .xlsx, .xls, .ods or .csv (all or nothing).
    Import {
        file: PathBuf,
        /// Only check the file and list what to fix; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export the registry to .xlsx.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Measure import speed and page throughput; prints a table.
    Bench {
        /// Seconds of load per page.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Concurrent connections.
        #[arg(long, default_value_t = 50)]
        concurrency: usize,
        /// Also measure on this PostgreSQL (a temporary schema is created and dropped).
        #[arg(long, env = "HOCVUSO_BENCH_PG_URL")]
        pg_url: Option<String>,
    },
    /// Add a hamlet (xóm), with its hamlet unit and community digital team.
    Hamlet {
        /// e.g. "Xóm Khuôn Lặng"
        name: String,
    },
    /// Copy the SQLite database to a file while the server runs.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum UserAction {
    /// Create an account with a one-time password (printed once).
    Add {
        username: String,
        /// admin, phong_vhxh, bao_cao_don_vi, truong_xom, to_cnscd, nguoi_dan
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: Option<String>,
        /// Hamlet name, for truong_xom and to_cnscd.
        #[arg(long)]
        hamlet: Option<String>,
        /// Unit id, for bao_cao_don_vi.
        #[arg(long)]
        unit: Option<i64>,
        /// Resident id, for nguoi_dan.
        #[arg(long)]
        resident: Option<i64>,
    },
    /// Set a new one-time password (printed once).
    ResetPassword { username: String },
    /// List accounts.
    List,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let db = cli.db;
    let result = match cli.command {
        Command::Serve {
            demo,
            bind,
            secure_cookies,
        } => commands::serve(db, demo, bind, secure_cookies).await,
        Command::Demo { scale, seed } => commands::demo(db, scale, seed).await,
        Command::Import { file, dry_run } => commands::import(db, file, dry_run).await,
        Command::Export { out } => commands::export(db, out).await,
        Command::User { action } => commands::user(db, action).await,
        Command::Backup { out } => commands::backup(db, out).await,
        Command::Bench {
            seconds,
            concurrency,
            pg_url,
        } => {
            bench::run(bench::BenchArgs {
                seconds,
                concurrency,
                pg_url,
            })
            .await
        }
        Command::Hamlet { name } => commands::hamlet(db, name).await,
    };
    if let Err(e) = result {
        eprintln!("Lỗi: {e:#}");
        std::process::exit(1);
    }
}
