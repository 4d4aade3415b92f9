//! A demo user for every role, all with the same password.

use crate::registry::{PROVINCE_BUREAU, PUBLICITY_CENTER};
use govmedia_domain::auth::Role;
use govmedia_store::orgs::Actor;
use govmedia_store::users::NewUser;
use govmedia_store::{Store, StoreResult};

/// The demo users, for the README and the login page hint.
pub const DEMO_USERS: &[(&str, &str, &str, Role)] = &[
    ("admin", "系统管理员", PROVINCE_BUREAU, Role::SystemAdmin),
    (
        "center",
        "宣传中心管理员",
        PUBLICITY_CENTER,
        Role::CenterAdmin,
    ),
    ("inspector", "省级检查员", PUBLICITY_CENTER, Role::Inspector),
    (
        "nc_pub",
        "南昌市局宣传主管",
        "南昌市人力资源和社会保障局",
        Role::SupervisingDept,
    ),
    (
        "nc_leader",
        "南昌市局负责人",
        "南昌市人力资源和社会保障局",
        Role::OrgLeader,
    ),
    (
        "nc_principal",
        "南昌市局主要领导",
        "南昌市人力资源和社会保障局",
        Role::PrincipalLeader,
    ),
    (
        "nc_editor",
        "南昌市局运营编辑",
        "南昌市人力资源和社会保障局",
        Role::Editor,
    ),
    (
        "nc_reviewer",
        "南昌市局审核员",
        "南昌市人力资源和社会保障局",
        Role::Reviewer,
    ),
    (
        "nc_vendor",
        "南昌市局外包运维",
        "南昌市人力资源和社会保障局",
        Role::Vendor,
    ),
    (
        "jj_pub",
        "九江市局宣传主管",
        "九江市人力资源和社会保障局",
        Role::SupervisingDept,
    ),
    (
        "jj_leader",
        "九江市局负责人",
        "九江市人力资源和社会保障局",
        Role::OrgLeader,
    ),
    (
        "jj_editor",
        "九江市局运营编辑",
        "九江市人力资源和社会保障局",
        Role::Editor,
    ),
    (
        "qsh_editor",
        "青山湖区人社局运营编辑",
        "青山湖区人力资源和社会保障局",
        Role::Editor,
    ),
];

/// Creates the demo users; none must change the password.
pub(crate) async fn seed_users(store: &Store, password: &str) -> StoreResult<usize> {
    let actor = Actor::system();
    for (username, display, org_name, role) in DEMO_USERS {
        let o = store.org_by_name(org_name).await?;
        store
            .create_user(
                &actor,
                &NewUser {
                    username: (*username).into(),
                    display_name: (*display).into(),
                    org_id: o.id,
                    password: password.into(),
                    must_change_password: false,
                    roles: vec![(*role, role.default_scope())],
                },
            )
            .await?;
    }
    Ok(DEMO_USERS.len())
}
