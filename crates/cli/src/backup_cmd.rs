//! `govmedia backup FILE` and `govmedia restore FILE` for the SQLite
//! database. (PostgreSQL: pg_dump / pg_restore, see README.)

use crate::config::Config;
use govmedia_store::Store;
use govmedia_store::backup::sqlite_path;
use std::path::Path;
use std::process::ExitCode;

pub async fn backup(cfg: &Config, file: &Path) -> Result<ExitCode, String> {
    let store = crate::serve::connect(cfg).await?;
    store.backup_to(file).await.map_err(|e| e.to_string())?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!("已备份 / backed up: {} ({size} bytes)", file.display());
    Ok(ExitCode::SUCCESS)
}

fn remove_with_sidecars(p: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

pub async fn restore(cfg: &Config, file: &Path) -> Result<ExitCode, String> {
    let target = sqlite_path(&cfg.database_url).ok_or(
        "restore 只用于 SQLite；PostgreSQL 请用 pg_restore / restore is for SQLite; use pg_restore for PostgreSQL",
    )?;
    if target.exists() {
        return Err(format!(
            "目标数据库已存在，不会覆盖：{} / the target database exists and is not overwritten",
            target.display()
        ));
    }
    if !file.is_file() {
        return Err(format!(
            "备份文件不存在 / no such backup: {}",
            file.display()
        ));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    // Work on a copy beside the target; it takes the target's name only
    // once it has migrated and its audit chain verified.
    let staging = target.with_extension("restoring");
    remove_with_sidecars(&staging);
    std::fs::copy(file, &staging).map_err(|e| format!("cannot copy the backup: {e}"))?;
    let checked = async {
        let store = Store::connect(&format!("sqlite://{}", staging.display()))
            .await
            .map_err(|e| format!("not a readable database: {e}"))?;
        let result = async {
            store
                .migrate()
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            let r = store.audit_verify().await.map_err(|e| e.to_string())?;
            match r.first_break {
                None => Ok(r.checked),
                Some(b) => Err(format!("审计日志校验失败 / audit chain broken: {b:?}")),
            }
        }
        .await;
        store.close().await;
        result
    }
    .await;
    match checked {
        Ok(n) => {
            std::fs::rename(&staging, &target)
                .map_err(|e| format!("cannot move the restored database in place: {e}"))?;
            remove_with_sidecars(&staging);
            println!(
                "已恢复 / restored: {} ← {}；审计日志完整 / audit chain intact: {n} entries",
                target.display(),
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            remove_with_sidecars(&staging);
            Err(e)
        }
    }
}
