//! Registry checks (articles 7 and 8): certification subject, one name
//! across platforms, one account per platform, and a name that relates to
//! the host org. Each finding is a warning with a stable code and a Chinese
//! explanation; nothing here blocks a save.

use crate::account::{AccountRow, AccountStatus};
use crate::ids::{AccountId, OrgId};
use crate::org::region_stem;
use crate::platform::Platform;
use crate::text::normalize_name;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    CertificationMissing,
    CertificationMismatch,
    InconsistentName,
    DuplicatePlatform,
    NameUnrelated,
    /// Two open accounts with one platform account ID, registered before
    /// the uniqueness rule (found by the migration that added it).
    DuplicateHandle,
}

impl WarningKind {
    pub const ALL: [WarningKind; 6] = [
        WarningKind::CertificationMissing,
        WarningKind::CertificationMismatch,
        WarningKind::InconsistentName,
        WarningKind::DuplicatePlatform,
        WarningKind::NameUnrelated,
        WarningKind::DuplicateHandle,
    ];
    pub fn code(self) -> &'static str {
        match self {
            WarningKind::CertificationMissing => "certification_missing",
            WarningKind::CertificationMismatch => "certification_mismatch",
            WarningKind::InconsistentName => "inconsistent_name",
            WarningKind::DuplicatePlatform => "duplicate_platform",
            WarningKind::NameUnrelated => "name_unrelated",
            WarningKind::DuplicateHandle => "duplicate_handle",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            WarningKind::CertificationMissing => "未填认证主体",
            WarningKind::CertificationMismatch => "认证主体不符",
            WarningKind::InconsistentName => "跨平台名称不一致",
            WarningKind::DuplicatePlatform => "同平台重复开设",
            WarningKind::NameUnrelated => "名称与单位职责无关",
            WarningKind::DuplicateHandle => "平台账号ID重复登记",
        }
    }
    pub fn parse(s: &str) -> Option<WarningKind> {
        WarningKind::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub code: &'static str,
    pub message: String,
}

impl Warning {
    /// The same platform account ID registered twice (found when the
    /// uniqueness rule arrived): the other account, to resolve.
    pub fn duplicate_handle(other: crate::ids::AccountId, other_name: &str) -> Warning {
        Warning::new(
            WarningKind::DuplicateHandle,
            format!(
                "平台账号ID与账号“{other_name}”（编号{other}）重复，请核实后关停其一或更正账号ID"
            ),
        )
    }

    fn new(kind: WarningKind, message: String) -> Warning {
        Warning {
            kind,
            code: kind.code(),
            message,
        }
    }
}

/// Words that tie an account name to human-resources and social-security
/// work. A name with one of them, or with the host's region, is related.
const DUTY_WORDS: &[&str] = &[
    "人社",
    "人力资源",
    "社会保障",
    "社保",
    "就业",
    "人才",
    "劳动",
    "仲裁",
    "技工",
    "职业",
    "技能",
    "养老",
    "工伤",
    "失业",
    "人事考试",
    "创业",
    "12333",
    "招聘",
    "培训",
];

/// Short names a region is commonly known by.
const REGION_ALIASES: &[(&str, &str)] = &[("江西", "赣")];

/// Whether an account name relates to its host org, and if not, why.
pub fn name_relation(name: &str, host_region: &str) -> Result<(), String> {
    let n = normalize_name(name);
    if DUTY_WORDS.iter().any(|w| n.contains(w)) {
        return Ok(());
    }
    let stem = region_stem(host_region);
    if !stem.is_empty() && n.contains(stem) {
        return Ok(());
    }
    if REGION_ALIASES
        .iter()
        .any(|(r, alias)| *r == stem && n.contains(alias))
    {
        return Ok(());
    }
    let region_hint = if stem.is_empty() {
        String::new()
    } else {
        format!("所在地区“{stem}”或")
    };
    Err(format!(
        "账号名称“{name}”既不含主办单位{region_hint}人社业务关键词（如人社、就业、社保、人才），请确认名称与主办单位职责相关联"
    ))
}

fn counts_for_cross_checks(a: &AccountRow) -> bool {
    a.status != AccountStatus::Closed && !a.personal_official
}

/// Checks every account in `rows`. Cross-account checks compare accounts of
/// the same host org, so `rows` should hold all accounts of each host org
/// that appears in it.
pub fn check_accounts(rows: &[AccountRow]) -> HashMap<AccountId, Vec<Warning>> {
    let mut out: HashMap<AccountId, Vec<Warning>> = HashMap::new();
    let mut by_host: BTreeMap<OrgId, Vec<&AccountRow>> = BTreeMap::new();
    for a in rows.iter().filter(|a| counts_for_cross_checks(a)) {
        by_host.entry(a.host_org_id).or_default().push(a);
    }

    for a in rows {
        let w = out.entry(a.id).or_default();
        if a.status == AccountStatus::Closed {
            continue;
        }
        if !a.personal_official && !a.platform.is_self_built() {
            let cert = normalize_name(&a.certification_subject);
            if cert.is_empty() {
                w.push(Warning::new(
                    WarningKind::CertificationMissing,
                    "未填写认证主体，公开认证信息应标明主办单位名称".into(),
                ));
            } else if cert != normalize_name(&a.host_org_name) {
                w.push(Warning::new(
                    WarningKind::CertificationMismatch,
                    format!(
                        "认证主体“{}”与主办单位名称“{}”不一致",
                        a.certification_subject.trim(),
                        a.host_org_name
                    ),
                ));
            }
        }
        if !a.personal_official
            && let Err(msg) = name_relation(&a.name, &a.host_org_region)
        {
            w.push(Warning::new(WarningKind::NameUnrelated, msg));
        }
    }

    for accounts in by_host.values() {
        let mut per_platform: BTreeMap<Platform, usize> = BTreeMap::new();
        for a in accounts {
            *per_platform.entry(a.platform).or_default() += 1;
        }
        // The reference name is the one most accounts of the host use; on a
        // tie, the name of the oldest account.
        let mut names: BTreeMap<String, (usize, AccountId)> = BTreeMap::new();
        for a in accounts {
            let e = names.entry(normalize_name(&a.name)).or_insert((0, a.id));
            e.0 += 1;
            e.1 = e.1.min(a.id);
        }
        let reference = names
            .iter()
            .max_by(|x, y| x.1.0.cmp(&y.1.0).then(y.1.1.cmp(&x.1.1)))
            .map(|(n, _)| n.clone());
        let reference_display = reference.as_ref().and_then(|r| {
            accounts
                .iter()
                .find(|a| normalize_name(&a.name) == *r)
                .map(|a| a.name.clone())
        });
        for a in accounts {
            let w = out.entry(a.id).or_default();
            let n = per_platform.get(&a.platform).copied().unwrap_or(0);
            if n > 1 {
                w.push(Warning::new(
                    WarningKind::DuplicatePlatform,
                    format!(
                        "主办单位在{}开设了{}个账号，原则上同一平台只开设一个账号，建议整合",
                        a.platform.label(),
                        n
                    ),
                ));
            }
            if names.len() > 1
                && let (Some(r), Some(display)) = (&reference, &reference_display)
                && normalize_name(&a.name) != *r
            {
                w.push(Warning::new(
                    WarningKind::InconsistentName,
                    format!(
                        "主办单位在其他平台的账号名称为“{display}”，不同平台名称原则上应保持一致"
                    ),
                ));
            }
        }
    }
    out
}

/// A warning with the other accounts it concerns, for a decision page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelatedWarning {
    #[serde(flatten)]
    pub warning: Warning,
    /// The other accounts (id, name) the warning is about.
    pub related: Vec<(AccountId, String)>,
}

/// The registry checks of one account — planned (id 0) or registered —
/// against the other accounts of its host, each with the accounts it
/// concerns: a leader approving, a receiver accepting, an editor applying
/// see the same findings.
pub fn check_subject(subject: &AccountRow, host_rows: &[AccountRow]) -> Vec<RelatedWarning> {
    let others: Vec<&AccountRow> = host_rows
        .iter()
        .filter(|r| r.id != subject.id && counts_for_cross_checks(r))
        .collect();
    let mut rows: Vec<AccountRow> = others.iter().map(|r| (*r).clone()).collect();
    rows.push(subject.clone());
    let mut all = check_accounts(&rows);
    let mine = all.remove(&subject.id).unwrap_or_default();
    let name = normalize_name(&subject.name);
    mine.into_iter()
        .map(|w| {
            let related = others
                .iter()
                .filter(|r| match w.kind {
                    WarningKind::DuplicatePlatform => r.platform == subject.platform,
                    WarningKind::InconsistentName => normalize_name(&r.name) != name,
                    _ => false,
                })
                .map(|r| (r.id, format!("{}·{}", r.platform.label(), r.name)))
                .collect();
            RelatedWarning {
                warning: w,
                related,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, host: i64, platform: Platform, name: &str, cert: &str) -> AccountRow {
        AccountRow {
            id: AccountId(id),
            platform,
            name: name.into(),
            host_org_id: OrgId(host),
            host_org_name: "南昌市人力资源和社会保障局".into(),
            host_org_region: "南昌市".into(),
            certification_subject: cert.into(),
            status: AccountStatus::Active,
            personal_official: false,
            created_by: None,
        }
    }

    fn kinds(m: &HashMap<AccountId, Vec<Warning>>, id: i64) -> Vec<WarningKind> {
        m.get(&AccountId(id))
            .map(|v| v.iter().map(|w| w.kind).collect())
            .unwrap_or_default()
    }

    const HOST: &str = "南昌市人力资源和社会保障局";

    #[test]
    fn clean_accounts_have_no_warnings() {
        let rows = vec![
            row(1, 3, Platform::Weibo, "南昌人社", HOST),
            row(2, 3, Platform::Douyin, "南昌人社", HOST),
        ];
        let m = check_accounts(&rows);
        assert!(kinds(&m, 1).is_empty());
        assert!(kinds(&m, 2).is_empty());
    }

    #[test]
    fn certification() {
        let rows = vec![
            row(1, 3, Platform::Weibo, "南昌人社", "某某科技有限公司"),
            row(2, 3, Platform::Douyin, "南昌人社", ""),
            row(3, 3, Platform::App, "南昌人社", ""),
        ];
        let m = check_accounts(&rows);
        assert_eq!(kinds(&m, 1), vec![WarningKind::CertificationMismatch]);
        assert_eq!(kinds(&m, 2), vec![WarningKind::CertificationMissing]);
        assert!(kinds(&m, 3).is_empty());
    }

    #[test]
    fn duplicates_and_names() {
        let rows = vec![
            row(1, 3, Platform::Weibo, "南昌人社", HOST),
            row(2, 3, Platform::Weibo, "南昌人社", HOST),
            row(3, 3, Platform::Douyin, "洪城就业", HOST),
            row(4, 4, Platform::Douyin, "洪城就业", HOST),
        ];
        let m = check_accounts(&rows);
        assert_eq!(kinds(&m, 1), vec![WarningKind::DuplicatePlatform]);
        assert_eq!(kinds(&m, 3), vec![WarningKind::InconsistentName]);
        assert!(kinds(&m, 4).is_empty(), "other host is not compared");
    }

    #[test]
    fn closed_accounts_are_ignored() {
        let mut closed = row(2, 3, Platform::Weibo, "旧号", "");
        closed.status = AccountStatus::Closed;
        let rows = vec![row(1, 3, Platform::Weibo, "南昌人社", HOST), closed];
        let m = check_accounts(&rows);
        assert!(kinds(&m, 1).is_empty());
        assert!(kinds(&m, 2).is_empty());
    }

    #[test]
    fn a_planned_account_is_checked_against_its_host() {
        let rows = vec![
            row(1, 3, Platform::Weibo, "南昌人社", HOST),
            row(2, 3, Platform::Douyin, "南昌人社", HOST),
        ];
        let planned = row(0, 3, Platform::Weibo, "洪城就业", HOST);
        let found = check_subject(&planned, &rows);
        let kinds: Vec<WarningKind> = found.iter().map(|w| w.warning.kind).collect();
        assert_eq!(
            kinds,
            vec![
                WarningKind::DuplicatePlatform,
                WarningKind::InconsistentName
            ]
        );
        assert_eq!(
            found[0].related,
            vec![(AccountId(1), "微博·南昌人社".to_string())],
            "the duplicate names the other Weibo account"
        );
        assert_eq!(found[1].related.len(), 2, "both differently named accounts");
        // A registered account is not compared with itself.
        assert!(check_subject(&rows[0], &rows).is_empty());
    }

    #[test]
    fn unrelated_names() {
        assert!(name_relation("南昌人社", "南昌市").is_ok());
        assert!(name_relation("赣鄱就业", "九江市").is_ok());
        assert!(name_relation("赣江之声", "江西省").is_ok());
        assert!(name_relation("青山湖发布", "青山湖区").is_ok());
        let e = name_relation("美食探店", "南昌市").unwrap_err();
        assert!(e.contains("南昌"));
        let rows = vec![row(1, 3, Platform::Weibo, "美食探店", HOST)];
        assert_eq!(
            kinds(&check_accounts(&rows), 1),
            vec![WarningKind::NameUnrelated]
        );
    }
}
