//! `govmedia`: the one binary. See `govmedia --help`.

mod backup_cmd;
mod bench_cmd;
mod commands;
mod config;
mod ingest_cmd;
mod jobs_cmd;
mod scan_cmd;
mod serve;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "govmedia",
    version,
    about = "政务新媒体管理平台 govmedia — registry, workflows and supervision of government new-media accounts",
    after_help = "Examples:\n  govmedia serve --demo                       # demo data on ./data/govmedia.db\n  govmedia serve --database-url postgres://postgres@127.0.0.1/govmedia\n  govmedia init --org 江西省人力资源和社会保障厅 --region 江西省 --admin admin\n  govmedia user create --username zhangsan --name 张三 --org 南昌市人力资源和社会保障局 --role editor\n  govmedia audit verify\n  govmedia calendar add-workdays 2025-09-26 5   # prints 2025-10-10\n  govmedia calendar is-workday 2025-09-28       # prints workday\n  govmedia jobs run-once deadline_reminders --now 2026-11-20\n  govmedia scan --format json post.txt          # findings as JSON\n  govmedia scan --jsonl --summary posts.jsonl   # bulk totals\n  govmedia mask post.txt                        # de-identified text"
)]
struct Cli {
    /// Configuration file (default: ./govmedia.toml if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL; overrides the file and GOVMEDIA_DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (applies migrations first).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        addr: Option<String>,
        /// Fill an empty database with demo data (password from
        /// GOVMEDIA_DEMO_PASSWORD, or a random one printed once).
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Create the first org and a system administrator on an empty database.
    Init {
        /// Name of the top org, e.g. 江西省人力资源和社会保障厅.
        #[arg(long)]
        org: String,
        /// Region of the top org, e.g. 江西省.
        #[arg(long, default_value = "")]
        region: String,
        /// Username of the administrator.
        #[arg(long, default_value = "admin")]
        admin: String,
    },
    /// Manage users.
    #[command(subcommand)]
    User(commands::UserCommand),
    /// Audit log tools.
    #[command(subcommand)]
    Audit(commands::AuditCommand),
    /// Scan a document (or JSON lines) for what a post must not publish.
    Scan(scan_cmd::ScanArgs),
    /// Print the document with personal data de-identified.
    Mask {
        /// Input file, or - for standard input (default).
        input: Option<PathBuf>,
    },
    /// Statutory working-day calendar (shipped data plus any year loaded
    /// into the database).
    #[command(subcommand)]
    Calendar(commands::CalendarCommand),
    /// Write a consistent copy of the SQLite database while it is in use.
    Backup {
        /// The backup file to create.
        file: std::path::PathBuf,
    },
    /// Restore a backup into the configured SQLite database, which must not
    /// exist yet; the audit chain is verified before the copy is put in place.
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
    },
    /// Load posts or messages from a JSON-lines file (one-way gateway
    /// batches), verifying its HMAC signature when a key is configured.
    Ingest(ingest_cmd::IngestArgs),
    /// Scheduled jobs: list them, or run one now (or as of another moment).
    #[command(subcommand)]
    Jobs(jobs_cmd::JobsCommand),
    /// Benchmarks on an empty database (see the README).
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Generate N accounts with a year of posts and messages, then measure
    /// ingest against a bare insert, 首页 and the zombie list against a
    /// bare count, and the memory after the ingest.
    Monitoring(bench_cmd::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The scanner needs no configuration, database or runtime.
    let cli = match cli.command {
        Command::Scan(args) => return scan_cmd::scan(args),
        Command::Mask { input } => return scan_cmd::mask_cmd(input),
        _ => cli,
    };
    let mut cfg = match config::Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("配置错误 / configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let explicit_db =
        cli.database_url.is_some() || std::env::var_os("GOVMEDIA_DATABASE_URL").is_some();
    if let Some(url) = cli.database_url {
        cfg.database_url = url;
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&cfg.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    match cfg.log_format {
        config::LogFormat::Text => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        // One object a line, with the request span's fields (route,
        // request id, user id) on every line logged inside it.
        config::LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        match cli.command {
            Command::Serve { addr, demo } => {
                if let Some(a) = addr {
                    cfg.addr = a;
                }
                serve::run(cfg, demo).await
            }
            Command::Migrate => commands::migrate(&cfg).await,
            Command::Init { org, region, admin } => {
                commands::init(&cfg, &org, &region, &admin).await
            }
            Command::User(c) => commands::user(&cfg, c).await,
            Command::Audit(c) => commands::audit(&cfg, c).await,
            Command::Calendar(c) => commands::calendar(&cfg, explicit_db, c).await,
            Command::Jobs(c) => jobs_cmd::run(&cfg, c).await,
            Command::Ingest(a) => ingest_cmd::run(&cfg, a).await,
            Command::Bench(BenchCommand::Monitoring(a)) => bench_cmd::run(&cfg, a).await,
            Command::Backup { file } => backup_cmd::backup(&cfg, &file).await,
            Command::Restore { file } => backup_cmd::restore(&cfg, &file).await,
            Command::Scan(_) | Command::Mask { .. } => Ok(ExitCode::SUCCESS),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e}");
            ExitCode::FAILURE
        }
    }
}
