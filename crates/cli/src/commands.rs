//! Administrative subcommands: migrate, init, user, audit.

use crate::config::Config;
use crate::serve::connect;
use clap::Subcommand;
use govmedia_domain::audit::ChainBreak;
use govmedia_domain::auth::{DataScope, Role};
use govmedia_domain::org::{OrgInput, OrgKind, OrgLevel};
use govmedia_store::orgs::Actor;
use govmedia_store::secrets::random_password;
use govmedia_store::users::NewUser;
use std::io::Read;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; prints a random initial password that must be changed
    /// at first login.
    Create {
        #[arg(long)]
        username: String,
        /// Display name, e.g. 张三.
        #[arg(long)]
        name: String,
        /// Exact org name, e.g. 南昌市人力资源和社会保障局.
        #[arg(long)]
        org: String,
        /// Role code: system_admin, center_admin, supervising_dept, org_leader,
        /// editor, reviewer, principal_leader, vendor, inspector.
        #[arg(long)]
        role: String,
        /// own_org, subtree or all (default: the role's default).
        #[arg(long)]
        scope: Option<String>,
    },
    /// Set a new password: read from stdin with --stdin, else a random one
    /// is printed and must be changed at next login.
    Passwd {
        username: String,
        #[arg(long)]
        stdin: bool,
    },
    /// Lock a user (default: until unlocked) and end their sessions.
    Lock {
        username: String,
        #[arg(long)]
        minutes: Option<i64>,
    },
    /// Unlock a user and reset the failure counter.
    Unlock { username: String },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Verify the hash chain; exits 1 naming the first broken row.
    Verify,
}

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Print the N-th working day strictly after DATE (YYYY-MM-DD).
    AddWorkdays { date: String, n: u32 },
    /// Print `workday` or `offday` for DATE (YYYY-MM-DD).
    IsWorkday { date: String },
}

fn cli_actor() -> Actor {
    Actor {
        username: "cli".into(),
        ..Default::default()
    }
}

pub async fn migrate(cfg: &Config) -> Result<ExitCode, String> {
    let store = govmedia_store::Store::connect(&cfg.database_url)
        .await
        .map_err(|e| e.to_string())?;
    crate::serve::backup_before_migrating(cfg, &store).await?;
    let applied = store.migrate().await.map_err(|e| e.to_string())?;
    if applied.is_empty() {
        println!("数据库已是最新 / database is up to date");
    } else {
        println!("已应用迁移 / applied: {}", applied.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn init(cfg: &Config, org: &str, region: &str, admin: &str) -> Result<ExitCode, String> {
    let store = connect(cfg).await?;
    if store.org_count().await.map_err(|e| e.to_string())? > 0 {
        return Err("数据库已有单位，init 只用于空数据库 / database already has orgs".into());
    }
    let input = OrgInput {
        name: org.trim().into(),
        kind: OrgKind::Organ,
        level: OrgLevel::Province,
        region: region.trim().into(),
        parent_id: None,
        is_supervising: true,
    };
    let id = store
        .create_org(&cli_actor(), &input, false)
        .await
        .map_err(|e| e.to_string())?;
    let password = random_password();
    store
        .create_user(
            &cli_actor(),
            &NewUser {
                username: admin.into(),
                display_name: "系统管理员".into(),
                org_id: id,
                password: password.clone(),
                must_change_password: true,
                roles: vec![(Role::SystemAdmin, DataScope::All)],
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "已创建单位“{org}”和管理员 {admin}；初始密码（只显示一次，首次登录须修改）：{password}"
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn user(cfg: &Config, cmd: UserCommand) -> Result<ExitCode, String> {
    let store = connect(cfg).await?;
    let find = |name: String| {
        let store = store.clone();
        async move {
            store
                .user_by_username(&name)
                .await
                .map_err(|_| format!("没有用户 / no such user: {name}"))
        }
    };
    match cmd {
        UserCommand::Create {
            username,
            name,
            org,
            role,
            scope,
        } => {
            let role =
                Role::parse(&role).ok_or_else(|| format!("未知角色 / unknown role: {role}"))?;
            let scope = match scope {
                Some(s) => DataScope::parse(&s)
                    .ok_or_else(|| format!("未知数据范围 / unknown scope: {s}"))?,
                None => role.default_scope(),
            };
            let o = store
                .org_by_name(&org)
                .await
                .map_err(|_| format!("没有单位 / no such org: {org}"))?;
            let password = random_password();
            store
                .create_user(
                    &cli_actor(),
                    &NewUser {
                        username: username.clone(),
                        display_name: name,
                        org_id: o.id,
                        password: password.clone(),
                        must_change_password: true,
                        roles: vec![(role, scope)],
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            println!("已创建用户 {username}；初始密码（只显示一次，首次登录须修改）：{password}");
        }
        UserCommand::Passwd { username, stdin } => {
            let u = find(username.clone()).await?;
            let (password, forced) = if stdin {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| e.to_string())?;
                let p = s.trim_end_matches(['\n', '\r']).to_string();
                cfg.web
                    .password
                    .check_person(&username, &u.display_name, &p)?;
                (p, false)
            } else {
                (random_password(), true)
            };
            store
                .set_password(&cli_actor(), u.id, &password, forced, None)
                .await
                .map_err(|e| e.to_string())?;
            if forced {
                println!("{username} 的临时密码（只显示一次，下次登录须修改）：{password}");
            } else {
                println!("{username} 的密码已更新");
            }
        }
        UserCommand::Lock { username, minutes } => {
            let u = find(username.clone()).await?;
            let until = match minutes {
                Some(m) if m > 0 => store.now().timestamp() + m * 60,
                Some(_) => return Err("--minutes 须为正数".into()),
                None => i64::MAX / 2,
            };
            store
                .lock_user(&cli_actor(), u.id, until)
                .await
                .map_err(|e| e.to_string())?;
            println!("{username} 已锁定");
        }
        UserCommand::Unlock { username } => {
            let u = find(username.clone()).await?;
            store
                .unlock_user(&cli_actor(), u.id)
                .await
                .map_err(|e| e.to_string())?;
            println!("{username} 已解锁");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn audit(cfg: &Config, cmd: AuditCommand) -> Result<ExitCode, String> {
    let store = connect(cfg).await?;
    match cmd {
        AuditCommand::Verify => {
            let r = store.audit_verify().await.map_err(|e| e.to_string())?;
            match r.first_break {
                None => {
                    println!(
                        "审计日志完整 / audit chain intact: {} entries verified",
                        r.checked
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Some(ChainBreak::Altered { id }) => {
                    println!(
                        "审计日志第 {id} 条被篡改（内容与哈希不符）/ audit row {id} was altered"
                    );
                    Ok(ExitCode::from(1))
                }
                Some(ChainBreak::Unlinked {
                    id,
                    previous_id: None,
                }) => {
                    println!(
                        "审计日志第 {id} 条之前的记录被删除，且不是按保留期清理 / rows before audit row {id} were removed without a recorded purge"
                    );
                    Ok(ExitCode::from(1))
                }
                Some(ChainBreak::Unlinked {
                    id,
                    previous_id: Some(prev),
                }) => {
                    println!(
                        "审计日志第 {id} 条与前一条（第 {prev} 条）断链：有记录被删除或改写 / audit row {id} does not link to row {prev}"
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// Calendar commands read the shipped data, plus the database's years when
/// a database was named or the default one exists (so a year loaded by an
/// administrator counts here too). Exit 2 for a bad date or a year
/// without data.
pub async fn calendar(
    cfg: &Config,
    explicit_db: bool,
    cmd: CalendarCommand,
) -> Result<ExitCode, String> {
    let default_exists = cfg
        .database_url
        .strip_prefix("sqlite://")
        .is_some_and(|p| std::path::Path::new(p.split('?').next().unwrap_or(p)).exists());
    let cal = if explicit_db || default_exists {
        connect(cfg)
            .await?
            .calendar()
            .await
            .map_err(|e| e.to_string())?
    } else {
        std::sync::Arc::new(govmedia_domain::calendar::Calendar::builtin())
    };
    let parse = |s: &str| {
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| format!("日期无效（应为 YYYY-MM-DD）/ invalid date: {s}"))
    };
    let result = match cmd {
        CalendarCommand::AddWorkdays { date, n } => {
            let d = match parse(&date) {
                Ok(d) => d,
                Err(e) => return bad(e),
            };
            cal.add_workdays(d, n).map(|due| due.to_string())
        }
        CalendarCommand::IsWorkday { date } => {
            let d = match parse(&date) {
                Ok(d) => d,
                Err(e) => return bad(e),
            };
            cal.is_workday(d).map(|w| {
                if w {
                    "workday".to_string()
                } else {
                    "offday".to_string()
                }
            })
        }
    };
    match result {
        Ok(s) => {
            println!("{s}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => bad(e.to_string()),
    }
}

fn bad(msg: String) -> Result<ExitCode, String> {
    eprintln!("{msg}");
    Ok(ExitCode::from(2))
}
