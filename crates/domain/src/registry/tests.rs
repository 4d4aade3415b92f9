use super::*;
use crate::account::AccountDraft;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn account(id: i64, handle: &str, status: AccountStatus) -> AccountRecord {
    AccountRecord {
        name: format!("南昌人社{id}"),
        handle: handle.into(),
        host_org_name: "南昌市人力资源和社会保障局".into(),
        host_org_region: "南昌市".into(),
        operators: "李娜".into(),
        ..crate::account::sample_record(id, 5, "/1/5/", status)
    }
}

fn edited(a: &AccountRecord, f: impl FnOnce(&mut AccountDraft)) -> AccountInput {
    let mut draft = a.draft();
    f(&mut draft);
    draft.parse(d("2026-11-20")).expect("valid draft")
}

fn code(r: Result<impl std::fmt::Debug, RuleError>) -> String {
    match r {
        Ok(v) => format!("ok {v:?}"),
        Err(RuleError::Fields(f)) => f.first_code().to_string(),
        Err(e) => e.code().to_string(),
    }
}

#[test]
fn a_closed_account_or_an_empty_id_claims_nothing() {
    assert_eq!(
        handle_key(AccountStatus::Active, " nc12333 "),
        Some("nc12333".into())
    );
    assert_eq!(handle_key(AccountStatus::Suspended, "x"), Some("x".into()));
    assert_eq!(handle_key(AccountStatus::Closed, "x"), None);
    assert_eq!(handle_key(AccountStatus::Active, "  "), None);
}

#[test]
fn an_edit_keeps_descriptive_changes_only() {
    let a = account(1, "nc", AccountStatus::Active);
    let ok = edited(&a, |x| {
        x.home_url = "https://weibo.com/nc".into();
        x.purpose = "政策发布".into();
        x.status = "suspended".into();
    });
    assert!(decide_edit(&a, &ok, None).is_ok());
    for (field, change) in [
        (
            "name",
            Box::new(|x: &mut AccountDraft| x.name = "南昌就业".into())
                as Box<dyn Fn(&mut AccountDraft)>,
        ),
        (
            "responsible_person",
            Box::new(|x: &mut AccountDraft| x.responsible_person = "赵六".into()),
        ),
        (
            "operators",
            Box::new(|x: &mut AccountDraft| x.operators = "钱七".into()),
        ),
        (
            "vendor_name",
            Box::new(|x: &mut AccountDraft| {
                x.vendor_operated = true;
                x.vendor_name = "某某传媒".into();
            }),
        ),
        (
            "host_org_id",
            Box::new(|x: &mut AccountDraft| x.host_org_id = "6".into()),
        ),
    ] {
        let input = edited(&a, change);
        match decide_edit(&a, &input, None) {
            Err(RuleError::Fields(e)) => {
                assert!(e.for_field(field).is_some(), "{field}: {e:?}");
                assert_eq!(e.first_code(), "filed_field_requires_change");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn no_edit_closes_or_revives_an_account() {
    let a = account(1, "", AccountStatus::Active);
    let close = edited(&a, |x| x.status = "closed".into());
    assert_eq!(
        code(decide_edit(&a, &close, None)),
        "status_requires_filing"
    );
    let open = edited(&a, |x| x.status = "opening".into());
    assert_eq!(code(decide_edit(&a, &open, None)), "status_requires_filing");

    let mut merged = account(2, "", AccountStatus::Closed);
    merged.merged_into = Some(AccountId(1));
    let revive = edited(&merged, |x| x.status = "active".into());
    assert_eq!(code(decide_edit(&merged, &revive, None)), "account_closed");
    // Even an edit that leaves the status alone: a closed record is history.
    let same = edited(&merged, |x| x.purpose = "改".into());
    assert_eq!(code(decide_edit(&merged, &same, None)), "account_closed");
}

#[test]
fn a_platform_id_belongs_to_one_active_account() {
    let holder = account(9, "nc12333", AccountStatus::Active);
    let a = account(1, "", AccountStatus::Active);
    let taken = edited(&a, |x| x.handle = "nc12333".into());
    let e = decide_edit(&a, &taken, Some(&holder)).unwrap_err();
    assert_eq!(e.code(), "duplicate_handle");
    assert!(e.to_string().contains("南昌人社9"), "names the holder: {e}");
    // Its own ID is no conflict.
    assert!(
        check_handle_free(
            Platform::Weibo,
            "nc12333",
            Some(AccountId(9)),
            Some(&holder)
        )
        .is_ok()
    );
    // Another platform's same ID is no conflict.
    assert!(check_handle_free(Platform::Douyin, "nc12333", None, Some(&holder)).is_ok());
}

#[test]
fn back_entry_states_a_reason_and_files() {
    let cal = Calendar::builtin();
    let a = account(1, "nc", AccountStatus::Active);
    let input = edited(&a, |_| {});
    let today = d("2026-09-29");
    let no_reason = decide_register_existing(&input, Some(OrgId(5)), " ", None, today, &cal);
    assert_eq!(code(no_reason), "reason_required");
    let out_of_scope = decide_register_existing(&input, None, "存量", None, today, &cal);
    assert_eq!(code(out_of_scope), "host_org_out_of_scope");
    for status in ["closed", "opening"] {
        let bad = edited(&a, |x| x.status = status.into());
        let r = decide_register_existing(&bad, Some(OrgId(5)), "存量", None, today, &cal);
        assert_eq!(code(r), "status_requires_filing", "{status}");
    }
    let holder = account(9, "nc", AccountStatus::Suspended);
    let dup = decide_register_existing(&input, Some(OrgId(5)), "存量", Some(&holder), today, &cal);
    assert_eq!(code(dup), "duplicate_handle");

    let f = decide_register_existing(&input, Some(OrgId(5)), "平台上线前开设", None, today, &cal)
        .expect("registers");
    assert_eq!(f.kind, FilingKind::Backfill);
    assert_eq!(f.state, crate::filing::State::Recorded);
    // Five working days across the National Day holiday (10-10 is worked).
    assert_eq!(f.deadline.and_then(|x| x.due), Some(d("2026-10-12")));
    assert_eq!(f.event_on, Some(today));
}
