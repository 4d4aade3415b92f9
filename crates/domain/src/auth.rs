//! Permissions, built-in roles and data scope (RuoYi convention: own org,
//! own org and subtree, all; default deny).

use crate::ids::{OrgId, UserId};
use crate::org::path_within;
use serde::{Deserialize, Serialize};

/// A named permission code such as `account:create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    AccountRead,
    AccountCreate,
    AccountUpdate,
    AccountExport,
    AccountImport,
    OrgRead,
    OrgManage,
    UserRead,
    UserManage,
    AuditRead,
    TokenManage,
    FilingSubmit,
    FilingReceive,
    ApprovalApprove,
    ContentDraft,
    ContentReview,
    ContentSignoff,
    InspectionRun,
    CalendarManage,
    LexiconManage,
    /// See the scheduled jobs and their runs (定时任务).
    JobsRead,
    /// Send posts and messages of accounts in scope (collectors).
    MonitoringIngest,
    /// Set the monitoring thresholds of an org subtree.
    MonitoringRules,
}

impl Permission {
    pub const ALL: [Permission; 23] = [
        Permission::AccountRead,
        Permission::AccountCreate,
        Permission::AccountUpdate,
        Permission::AccountExport,
        Permission::AccountImport,
        Permission::OrgRead,
        Permission::OrgManage,
        Permission::UserRead,
        Permission::UserManage,
        Permission::AuditRead,
        Permission::TokenManage,
        Permission::FilingSubmit,
        Permission::FilingReceive,
        Permission::ApprovalApprove,
        Permission::ContentDraft,
        Permission::ContentReview,
        Permission::ContentSignoff,
        Permission::InspectionRun,
        Permission::CalendarManage,
        Permission::LexiconManage,
        Permission::JobsRead,
        Permission::MonitoringIngest,
        Permission::MonitoringRules,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::AccountRead => "account:read",
            Permission::AccountCreate => "account:create",
            Permission::AccountUpdate => "account:update",
            Permission::AccountExport => "account:export",
            Permission::AccountImport => "account:import",
            Permission::OrgRead => "org:read",
            Permission::OrgManage => "org:manage",
            Permission::UserRead => "user:read",
            Permission::UserManage => "user:manage",
            Permission::AuditRead => "audit:read",
            Permission::TokenManage => "token:manage",
            Permission::FilingSubmit => "filing:submit",
            Permission::FilingReceive => "filing:receive",
            Permission::ApprovalApprove => "approval:approve",
            Permission::ContentDraft => "content:draft",
            Permission::ContentReview => "content:review",
            Permission::ContentSignoff => "content:signoff",
            Permission::InspectionRun => "inspection:run",
            Permission::CalendarManage => "calendar:manage",
            Permission::LexiconManage => "lexicon:manage",
            Permission::JobsRead => "jobs:read",
            Permission::MonitoringIngest => "monitoring:ingest",
            Permission::MonitoringRules => "monitoring:rules",
        }
    }
}

/// Built-in roles. Each bundles a fixed set of permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    CenterAdmin,
    SupervisingDept,
    OrgLeader,
    Editor,
    Reviewer,
    PrincipalLeader,
    Vendor,
    Inspector,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::SystemAdmin,
        Role::CenterAdmin,
        Role::SupervisingDept,
        Role::OrgLeader,
        Role::Editor,
        Role::Reviewer,
        Role::PrincipalLeader,
        Role::Vendor,
        Role::Inspector,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::CenterAdmin => "center_admin",
            Role::SupervisingDept => "supervising_dept",
            Role::OrgLeader => "org_leader",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::PrincipalLeader => "principal_leader",
            Role::Vendor => "vendor",
            Role::Inspector => "inspector",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::SystemAdmin => "系统管理员",
            Role::CenterAdmin => "宣传中心管理员",
            Role::SupervisingDept => "宣传主管部门",
            Role::OrgLeader => "单位负责人",
            Role::Editor => "运营编辑",
            Role::Reviewer => "审核员",
            Role::PrincipalLeader => "主要领导",
            Role::Vendor => "外包运维",
            Role::Inspector => "检查员",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s.trim() || r.label() == s.trim())
    }

    /// The permissions this role grants. The system administrator manages
    /// orgs, users and tokens but cannot change accounts (separation of
    /// duties); the inspector only reads.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::SystemAdmin => &[
                AccountRead,
                OrgRead,
                OrgManage,
                UserRead,
                UserManage,
                AuditRead,
                TokenManage,
                CalendarManage,
                LexiconManage,
                JobsRead,
            ],
            Role::CenterAdmin => &[
                AccountRead,
                AccountCreate,
                AccountUpdate,
                AccountExport,
                AccountImport,
                OrgRead,
                UserRead,
                AuditRead,
                TokenManage,
                FilingReceive,
                InspectionRun,
                CalendarManage,
                LexiconManage,
                MonitoringIngest,
                MonitoringRules,
            ],
            Role::SupervisingDept => &[
                AccountRead,
                AccountExport,
                OrgRead,
                UserRead,
                FilingReceive,
                MonitoringIngest,
                MonitoringRules,
            ],
            Role::OrgLeader => &[
                AccountRead,
                AccountCreate,
                AccountUpdate,
                AccountExport,
                OrgRead,
                ApprovalApprove,
            ],
            Role::Editor => &[
                AccountRead,
                AccountCreate,
                AccountUpdate,
                AccountExport,
                AccountImport,
                OrgRead,
                FilingSubmit,
                ContentDraft,
            ],
            Role::Reviewer => &[AccountRead, OrgRead, ContentReview],
            Role::PrincipalLeader => &[AccountRead, OrgRead, ContentSignoff, ApprovalApprove],
            Role::Vendor => &[AccountRead, ContentDraft],
            Role::Inspector => &[AccountRead, AccountExport, OrgRead, InspectionRun],
        }
    }

    /// The scope a new assignment of this role gets unless told otherwise.
    pub fn default_scope(self) -> DataScope {
        match self {
            Role::SystemAdmin | Role::CenterAdmin | Role::Inspector => DataScope::All,
            Role::Vendor => DataScope::OwnOrg,
            _ => DataScope::Subtree,
        }
    }
}

/// How far a role assignment reaches from its anchor org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataScope {
    OwnOrg,
    Subtree,
    All,
}

impl DataScope {
    pub const ALL: [DataScope; 3] = [DataScope::OwnOrg, DataScope::Subtree, DataScope::All];
    pub fn code(self) -> &'static str {
        match self {
            DataScope::OwnOrg => "own_org",
            DataScope::Subtree => "subtree",
            DataScope::All => "all",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DataScope::OwnOrg => "本单位",
            DataScope::Subtree => "本单位及下级",
            DataScope::All => "全部",
        }
    }
    pub fn parse(s: &str) -> Option<DataScope> {
        DataScope::ALL
            .into_iter()
            .find(|d| d.code() == s.trim() || d.label() == s.trim())
    }
}

/// One role given to a user, anchored at an org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub role: Role,
    pub scope: DataScope,
    pub org_id: OrgId,
    /// Materialized path of `org_id`.
    pub org_path: String,
}

/// Who is acting: a logged-in user, or an API token acting for its creator.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub assignments: Vec<Assignment>,
    /// API tokens are limited to one org subtree (its path) on top of the
    /// creator's own scope.
    pub restrict_path: Option<String>,
}

/// One allowed region of the org tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeRule {
    Org(OrgId),
    Subtree(String),
}

/// What a principal may reach for one permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// No assignment grants the permission.
    Denied,
    /// Every org, optionally cut down to one subtree path (API tokens).
    All { within: Option<String> },
    /// Only the listed regions, each also cut to `within` if set.
    Rules {
        rules: Vec<ScopeRule>,
        within: Option<String>,
    },
}

impl Principal {
    pub fn has(&self, perm: Permission) -> bool {
        !matches!(self.scope(perm), Scope::Denied)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.assignments.iter().any(|a| a.role == role)
    }

    /// Union of the assignments that grant `perm`.
    pub fn scope(&self, perm: Permission) -> Scope {
        let granting: Vec<&Assignment> = self
            .assignments
            .iter()
            .filter(|a| a.role.permissions().contains(&perm))
            .collect();
        if granting.is_empty() {
            return Scope::Denied;
        }
        let within = self.restrict_path.clone();
        if granting.iter().any(|a| a.scope == DataScope::All) {
            return Scope::All { within };
        }
        let rules = granting
            .iter()
            .map(|a| match a.scope {
                DataScope::OwnOrg => ScopeRule::Org(a.org_id),
                _ => ScopeRule::Subtree(a.org_path.clone()),
            })
            .collect();
        Scope::Rules { rules, within }
    }

    /// Whether `perm` reaches the org with this id and path.
    pub fn allows_org(&self, perm: Permission, org_id: OrgId, org_path: &str) -> bool {
        self.scope(perm).allows(org_id, org_path)
    }
}

impl Scope {
    /// Whether this (manager's) scope covers everything an assignment
    /// reaches: `all` needs unrestricted `all`; a subtree needs a subtree
    /// rule at or above its anchor; own org needs the anchor org.
    pub fn covers(&self, a: &Assignment) -> bool {
        match (self, a.scope) {
            (Scope::All { within: None }, _) => true,
            (_, DataScope::All) => false,
            (Scope::Denied, _) => false,
            (Scope::All { within: Some(w) }, _) => path_within(&a.org_path, w),
            (Scope::Rules { rules, within }, scope) => {
                within
                    .as_deref()
                    .is_none_or(|w| path_within(&a.org_path, w))
                    && rules.iter().any(|r| match (r, scope) {
                        (ScopeRule::Subtree(p), _) => path_within(&a.org_path, p),
                        (ScopeRule::Org(id), DataScope::OwnOrg) => *id == a.org_id,
                        (ScopeRule::Org(_), _) => false,
                    })
            }
        }
    }

    pub fn allows(&self, org_id: OrgId, org_path: &str) -> bool {
        match self {
            Scope::Denied => false,
            Scope::All { within } => within.as_deref().is_none_or(|w| path_within(org_path, w)),
            Scope::Rules { rules, within } => {
                within.as_deref().is_none_or(|w| path_within(org_path, w))
                    && rules.iter().any(|r| match r {
                        ScopeRule::Org(id) => *id == org_id,
                        ScopeRule::Subtree(p) => path_within(org_path, p),
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(assignments: Vec<Assignment>, restrict: Option<&str>) -> Principal {
        Principal {
            user_id: UserId(1),
            username: "u".into(),
            display_name: "u".into(),
            org_id: OrgId(5),
            org_name: "x".into(),
            assignments,
            restrict_path: restrict.map(String::from),
        }
    }

    fn a(role: Role, scope: DataScope, id: i64, path: &str) -> Assignment {
        Assignment {
            role,
            scope,
            org_id: OrgId(id),
            org_path: path.into(),
        }
    }

    #[test]
    fn default_deny() {
        let p = principal(vec![], None);
        assert_eq!(p.scope(Permission::AccountRead), Scope::Denied);
        assert!(!p.allows_org(Permission::AccountRead, OrgId(1), "/1/"));
        let p = principal(vec![a(Role::Reviewer, DataScope::All, 1, "/1/")], None);
        assert!(!p.has(Permission::AccountCreate));
    }

    #[test]
    fn subtree_and_own_org() {
        let p = principal(vec![a(Role::Editor, DataScope::Subtree, 5, "/1/5/")], None);
        assert!(p.allows_org(Permission::AccountRead, OrgId(5), "/1/5/"));
        assert!(p.allows_org(Permission::AccountRead, OrgId(9), "/1/5/9/"));
        assert!(!p.allows_org(Permission::AccountRead, OrgId(6), "/1/6/"));
        assert!(!p.allows_org(Permission::AccountRead, OrgId(1), "/1/"));
        let p = principal(vec![a(Role::Vendor, DataScope::OwnOrg, 5, "/1/5/")], None);
        assert!(p.allows_org(Permission::AccountRead, OrgId(5), "/1/5/"));
        assert!(!p.allows_org(Permission::AccountRead, OrgId(9), "/1/5/9/"));
    }

    #[test]
    fn token_restriction_narrows_all() {
        let p = principal(
            vec![a(Role::CenterAdmin, DataScope::All, 1, "/1/")],
            Some("/1/7/"),
        );
        assert!(p.allows_org(Permission::AccountRead, OrgId(8), "/1/7/8/"));
        assert!(!p.allows_org(Permission::AccountRead, OrgId(5), "/1/5/"));
    }

    #[test]
    fn covers_never_widens() {
        let sub = Scope::Rules {
            rules: vec![ScopeRule::Subtree("/1/5/".into())],
            within: None,
        };
        let own = Scope::Rules {
            rules: vec![ScopeRule::Org(OrgId(5))],
            within: None,
        };
        let all = Scope::All { within: None };
        let x = |scope, id: i64, path: &str| a(Role::Editor, scope, id, path);
        assert!(sub.covers(&x(DataScope::Subtree, 9, "/1/5/9/")));
        assert!(sub.covers(&x(DataScope::OwnOrg, 5, "/1/5/")));
        assert!(!sub.covers(&x(DataScope::All, 5, "/1/5/")));
        assert!(!sub.covers(&x(DataScope::Subtree, 1, "/1/")));
        assert!(own.covers(&x(DataScope::OwnOrg, 5, "/1/5/")));
        assert!(!own.covers(&x(DataScope::Subtree, 5, "/1/5/")));
        assert!(all.covers(&x(DataScope::All, 1, "/1/")));
        assert!(
            !Scope::All {
                within: Some("/1/5/".into())
            }
            .covers(&x(DataScope::All, 5, "/1/5/"))
        );
    }

    #[test]
    fn every_permission_is_granted_by_some_role() {
        for perm in Permission::ALL {
            assert!(
                Role::ALL.iter().any(|r| r.permissions().contains(&perm)),
                "{perm:?} is granted by no role"
            );
        }
    }
}
