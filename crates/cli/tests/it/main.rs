//! The binary as an operator uses it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ingest;

use govmedia_store::Store;
use std::process::{Command, Output};

fn govmedia(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govmedia"))
        .args(args)
        .env("GOVMEDIA_DATABASE_URL", db)
        .env_remove("GOVMEDIA_DEMO_PASSWORD")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn temp_db() -> (String, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!(
        "govmedia-cli-{}.db",
        govmedia_store::secrets::random_token(6)
    ));
    (format!("sqlite://{}", path.display()), path)
}

#[test]
fn help_lists_every_subcommand() {
    let o = govmedia("sqlite::memory:", &["--help"]);
    let text = stdout(&o);
    for c in ["serve", "migrate", "init", "user", "audit"] {
        assert!(text.contains(c), "{c} missing from --help");
    }
}

#[tokio::test]
async fn audit_verify_names_the_altered_row() {
    let (url, path) = temp_db();
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    govmedia_demo::seed(&store, "Demo-Pass-2026").await.unwrap();
    let o = govmedia(&url, &["audit", "verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("entries verified"));
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&store.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET username = 'mallory' WHERE id = 7")
        .execute(&store.pool)
        .await
        .unwrap();
    store.close().await;
    let o = govmedia(&url, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("第 7 条"), "{}", stdout(&o));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn init_then_user_lifecycle() {
    let (url, path) = temp_db();
    let o = govmedia(
        &url,
        &[
            "init",
            "--org",
            "江西省人力资源和社会保障厅",
            "--region",
            "江西省",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("初始密码"));
    // init only works on an empty database.
    assert!(!govmedia(&url, &["init", "--org", "x"]).status.success());
    let o = govmedia(
        &url,
        &[
            "user",
            "create",
            "--username",
            "zhang",
            "--name",
            "张三",
            "--org",
            "江西省人力资源和社会保障厅",
            "--role",
            "editor",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = govmedia(
        &url,
        &[
            "user",
            "create",
            "--username",
            "li",
            "--name",
            "李四",
            "--org",
            "不存在",
            "--role",
            "editor",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such org"));
    assert!(govmedia(&url, &["user", "lock", "zhang"]).status.success());
    assert!(
        govmedia(&url, &["user", "unlock", "zhang"])
            .status
            .success()
    );
    assert!(
        govmedia(&url, &["user", "passwd", "zhang"])
            .status
            .success()
    );
    assert!(
        !govmedia(&url, &["user", "unlock", "nobody"])
            .status
            .success()
    );
    let o = govmedia(&url, &["audit", "verify"]);
    assert!(o.status.success());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn bad_configuration_is_reported() {
    let o = Command::new(env!("CARGO_BIN_EXE_govmedia"))
        .args(["migrate"])
        .env("GOVMEDIA_SESSION_IDLE_SECS", "soon")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("GOVMEDIA_SESSION_IDLE_SECS"));
}

#[test]
fn calendar_commands() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_govmedia"))
            .args(args)
            .env_remove("GOVMEDIA_DATABASE_URL")
            .current_dir(std::env::temp_dir().join("."))
            .output()
            .unwrap()
    };
    let o = run(&["calendar", "add-workdays", "2025-09-26", "5"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), "2025-10-10");
    assert_eq!(
        stdout(&run(&["calendar", "is-workday", "2025-09-28"])).trim(),
        "workday"
    );
    assert_eq!(
        stdout(&run(&["calendar", "is-workday", "2025-10-01"])).trim(),
        "offday"
    );
    let o = run(&["calendar", "is-workday", "2027-03-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2027"));
    let o = run(&["calendar", "add-workdays", "2025-02-30", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid date"));
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_govmedia"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn scan_and_mask_commands() {
    let post = "警钟常鸣！联系13812345678。";
    let o = run_stdin(&["scan", "--format", "json"], post);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let kinds: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["correction", "pii"]);
    assert_eq!(
        run_stdin(&["scan", "--fail-on", "block", "-"], post)
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run_stdin(&["scan", "--fail-on", "block"], "干净的文本")
            .status
            .code(),
        Some(0)
    );
    let o = run_stdin(&["scan"], post);
    assert!(
        stdout(&o).contains("1:8 [block] pii/mobile"),
        "{}",
        stdout(&o)
    );
    // Exact mode sees only lexicon terms, literally.
    let lex = std::env::temp_dir().join(format!(
        "lex-{}.tsv",
        govmedia_store::secrets::random_token(4)
    ));
    std::fs::write(&lex, "敏感词\tpolitics\tblock\n").unwrap();
    let o = run_stdin(
        &[
            "scan",
            "--exact",
            "--format",
            "json",
            "--lexicon",
            lex.to_str().unwrap(),
        ],
        "敏感词 敏 感 词 13812345678",
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    // Bad lexicon line, bad JSON line: exit 2 naming the line.
    std::fs::write(&lex, "好\n坏\tx\tfatal\n").unwrap();
    let o = run_stdin(&["scan", "--lexicon", lex.to_str().unwrap()], post);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("第 2 行"));
    let o = run_stdin(&["scan", "--jsonl"], "{\"id\":1,\"text\":\"a\"}\n{oops\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("第 2 行"));
    let o = run_stdin(
        &["scan", "--jsonl", "--summary"],
        "{\"id\":1,\"text\":\"电话13812345678\"}\n{\"id\":2,\"text\":\"无\"}\n",
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["lines"], 2);
    assert_eq!(v["by_kind"]["pii"], 1);
    let o = run_stdin(&["mask"], "电话13812345678，邮箱zhang@example.com");
    assert_eq!(stdout(&o), "电话138****5678，邮箱z***@example.com");
    let _ = std::fs::remove_file(&lex);
}

#[tokio::test]
async fn backup_under_load_restores_everything_acknowledged() {
    use govmedia_store::audit::NewAudit;
    let (url, path) = temp_db();
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    govmedia_demo::seed(&store, "Demo-Pass-2026").await.unwrap();
    // A writer keeps appending while the backup runs.
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..400 {
                let id = store
                    .audit(NewAudit {
                        username: "load".into(),
                        action: "load.write".into(),
                        detail: format!("{{\"n\":{i}}}"),
                        ..Default::default()
                    })
                    .await
                    .unwrap();
                acked.push((id, std::time::Instant::now()));
                tokio::task::yield_now().await;
            }
            acked
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let backup = std::env::temp_dir().join(format!(
        "govmedia-backup-{}.db",
        govmedia_store::secrets::random_token(6)
    ));
    let started = std::time::Instant::now();
    store.backup_to(&backup).await.unwrap();
    let acked = writer.await.unwrap();
    store.close().await;
    let before: Vec<i64> = acked
        .iter()
        .filter(|(_, at)| *at < started)
        .map(|(id, _)| *id)
        .collect();
    assert!(!before.is_empty(), "the backup ran under load");
    // Restore into a database that does not exist yet.
    let (target_url, target) = temp_db();
    let o = Command::new(env!("CARGO_BIN_EXE_govmedia"))
        .args(["restore", backup.to_str().unwrap()])
        .env("GOVMEDIA_DATABASE_URL", &target_url)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout(&o).contains("audit chain intact"));
    let restored = Store::connect(&target_url).await.unwrap();
    for id in &before {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE id = $1")
            .bind(id)
            .fetch_one(&restored.pool)
            .await
            .unwrap();
        assert_eq!(n, 1, "acknowledged entry {id} missing from the backup");
    }
    restored.close().await;
    // A second restore onto an existing database is refused.
    let o = Command::new(env!("CARGO_BIN_EXE_govmedia"))
        .args(["restore", backup.to_str().unwrap()])
        .env("GOVMEDIA_DATABASE_URL", &target_url)
        .output()
        .unwrap();
    assert!(!o.status.success());
    for p in [&path, &target, &backup] {
        for s in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{s}", p.display()));
        }
    }
}

#[tokio::test]
async fn a_schema_change_is_preceded_by_a_backup() {
    let (url, path) = temp_db();
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    // Pretend the last migration is new in this release.
    sqlx::query("DROP TABLE job_runs")
        .execute(&store.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM schema_migrations WHERE version = '0004_jobs'")
        .execute(&store.pool)
        .await
        .unwrap();
    store.close().await;
    let dir = std::env::temp_dir().join(format!(
        "govmedia-backups-{}",
        govmedia_store::secrets::random_token(6)
    ));
    let o = Command::new(env!("CARGO_BIN_EXE_govmedia"))
        .arg("migrate")
        .env("GOVMEDIA_DATABASE_URL", &url)
        .env("GOVMEDIA_BACKUP_DIR", &dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let backups = govmedia_store::backup::list_backups(&dir);
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(backups[0].to_string_lossy().ends_with("-pre-migrate.db"));
    // Nothing to migrate: no new backup.
    let o = Command::new(env!("CARGO_BIN_EXE_govmedia"))
        .arg("migrate")
        .env("GOVMEDIA_DATABASE_URL", &url)
        .env("GOVMEDIA_BACKUP_DIR", &dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(govmedia_store::backup::list_backups(&dir).len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&path);
}
