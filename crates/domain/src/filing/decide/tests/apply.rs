//! Decisions that start a workflow: applications to open, close or merge,
//! and recorded changes.

use super::*;

fn account(id: i64, org: i64, path: &str, status: AccountStatus) -> AccountRecord {
    crate::account::sample_record(id, org, path, status)
}

#[test]
fn who_may_close_an_account() {
    let a = account(7, 23, "/1/5/23/", AccountStatus::Active);
    assert_eq!(
        closure_right(&editor(), a.host_org_id, &a.host_org_path),
        Some(ClosureRight::Own)
    );
    assert_eq!(
        closure_right(&center(), a.host_org_id, &a.host_org_path),
        Some(ClosureRight::OrderedByCenter)
    );
    assert_eq!(
        closure_right(&outsider(), a.host_org_id, &a.host_org_path),
        None
    );
    assert!(may_apply_closures(&center()) && may_apply_closures(&editor()));
    let w = decide_apply_close(&center(), FilingKind::Close, &a, "长期不更新", None).unwrap();
    assert!(w.title.starts_with("责令"));
    assert_eq!(w.data["ordered_by_center"], true);
    let err = decide_apply_close(&outsider(), FilingKind::Close, &a, "x", None).unwrap_err();
    assert_eq!(err, RuleError::NotFound);
}

#[test]
fn a_merger_keeps_another_open_account_in_reach() {
    let e = editor();
    let a = account(7, 23, "/1/5/23/", AccountStatus::Active);
    let kept = account(8, 5, "/1/5/", AccountStatus::Active);
    let closed = account(9, 5, "/1/5/", AccountStatus::Closed);
    let far = account(10, 7, "/1/7/", AccountStatus::Active);
    let code = |r: Result<NewFiling, RuleError>| r.unwrap_err().code();
    assert_eq!(
        code(decide_apply_close(&e, FilingKind::Merge, &a, "整合", None)),
        "survivor_required"
    );
    assert_eq!(
        code(decide_apply_close(
            &e,
            FilingKind::Merge,
            &a,
            "整合",
            Some(None)
        )),
        "survivor_required"
    );
    assert_eq!(
        code(decide_apply_close(
            &e,
            FilingKind::Merge,
            &a,
            "整合",
            Some(Some(&far))
        )),
        "survivor_required"
    );
    assert_eq!(
        code(decide_apply_close(
            &e,
            FilingKind::Merge,
            &a,
            "整合",
            Some(Some(&closed))
        )),
        "survivor_invalid"
    );
    assert_eq!(
        code(decide_apply_close(
            &e,
            FilingKind::Merge,
            &a,
            "整合",
            Some(Some(&a))
        )),
        "survivor_invalid"
    );
    assert_eq!(
        code(decide_apply_close(
            &e,
            FilingKind::Merge,
            &a,
            " ",
            Some(Some(&kept))
        )),
        "reason_required"
    );
    assert_eq!(
        code(decide_apply_close(&e, FilingKind::Open, &a, "x", None)),
        "invalid_kind"
    );
    let gone = account(11, 23, "/1/5/23/", AccountStatus::Closed);
    assert_eq!(
        code(decide_apply_close(&e, FilingKind::Close, &gone, "x", None)),
        "account_closed"
    );
    let w = decide_apply_close(&e, FilingKind::Merge, &a, "整合", Some(Some(&kept))).unwrap();
    assert_eq!(w.survivor, Some(AccountId(8)));
    assert_eq!(w.state, State::Applied);
}

#[test]
fn an_application_to_open_names_a_host_in_scope() {
    let input = AccountDraft {
        platform: "douyin".into(),
        name: "南昌就业".into(),
        host_org_id: "5".into(),
        responsible_person: "王磊".into(),
        ..Default::default()
    }
    .parse(d("2026-11-20"))
    .unwrap();
    let code = |r: Result<NewFiling, RuleError>| r.unwrap_err().code();
    assert_eq!(
        code(decide_apply_open(FilingKind::Close, &input, Some(OrgId(5)))),
        "invalid_kind"
    );
    assert_eq!(
        code(decide_apply_open(FilingKind::Open, &input, None)),
        "host_org_out_of_scope"
    );
    assert_eq!(
        code(decide_apply_open(
            FilingKind::PersonalOpen,
            &input,
            Some(OrgId(5))
        )),
        "owner_required"
    );
    let w = decide_apply_open(FilingKind::Open, &input, Some(OrgId(5))).unwrap();
    assert_eq!(w.title, "开设抖音“南昌就业”");
    assert_eq!(w.data["account"]["name"], "南昌就业");
}

#[test]
fn a_change_is_recorded_with_its_deadline() {
    let cal = Calendar::builtin();
    let a = account(7, 23, "/1/5/23/", AccountStatus::Active);
    let mut c = ChangeInput {
        changed_on: "2025-09-26".into(),
        ..Default::default()
    };
    let err = decide_record_change(&editor(), &a, &c, d("2025-09-29"), &cal).unwrap_err();
    assert_eq!(err.code(), "nothing_changed");
    c.responsible_person = "李明".into();
    let (input, w) = decide_record_change(&editor(), &a, &c, d("2025-09-29"), &cal).unwrap();
    assert_eq!(input.responsible_person, "李明");
    assert_eq!(w.deadline.and_then(|x| x.due), Some(d("2025-10-10")));
    assert_eq!(w.state, State::Recorded);
    assert_eq!(w.data["changed"], serde_json::json!(["responsible_person"]));
    c.changed_on = "2025-09-30".into();
    let err = decide_record_change(&editor(), &a, &c, d("2025-09-29"), &cal).unwrap_err();
    assert_eq!(err.code(), "date_in_future");
    let reader = person(20, Role::Inspector, 1, "/1/");
    let err = decide_record_change(&reader, &a, &c, d("2025-10-01"), &cal).unwrap_err();
    assert!(matches!(err, RuleError::Forbidden { .. }));
}
