use super::*;
use crate::account::{AccountDraft, AccountRecord, AccountStatus};
use crate::auth::Role;
use crate::auth::{Assignment, DataScope};
use crate::filing::model::{Action, FilingKind, State, TargetStatus};
use crate::filing::record::{Filing, FilingTarget};
use crate::filing::routing::RouteNode;
use crate::ids::UserId;
use crate::org::OrgLevel;
use crate::platform::Platform;

// Org tree: province 1 (/1/), city 5 (/1/5/, supervising), county 23
// (/1/5/23/), the publicity center 99 (/1/99/).
fn person(id: i64, role: Role, org: i64, path: &str) -> Principal {
    Principal {
        user_id: UserId(id),
        username: format!("u{id}"),
        display_name: format!("用户{id}"),
        org_id: OrgId(org),
        org_name: String::new(),
        assignments: vec![Assignment {
            role,
            scope: DataScope::Subtree,
            org_id: OrgId(org),
            org_path: path.into(),
        }],
        restrict_path: None,
    }
}

fn editor() -> Principal {
    person(10, Role::Editor, 5, "/1/5/")
}
fn leader() -> Principal {
    person(11, Role::OrgLeader, 5, "/1/5/")
}
fn receiver() -> Principal {
    person(12, Role::SupervisingDept, 5, "/1/5/")
}
fn center() -> Principal {
    let mut p = person(13, Role::CenterAdmin, 99, "/1/99/");
    p.assignments[0].scope = DataScope::All;
    p
}
fn outsider() -> Principal {
    person(14, Role::OrgLeader, 7, "/1/7/")
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn workflow(kind: FilingKind, state: State) -> Filing {
    crate::filing::record::sample_filing(kind, state)
}

fn target(org: i64, status: TargetStatus) -> FilingTarget {
    FilingTarget {
        org_id: OrgId(org),
        org_name: String::new(),
        status,
        acted_by: String::new(),
        acted_at: None,
        reason: String::new(),
    }
}

fn ctx<'a>(p: &'a Principal, cal: &'a Calendar, today: &str) -> ActCtx<'a> {
    ActCtx {
        actor: p,
        today: d(today),
        cal,
        announce_workdays: 3,
        warnings: &[],
    }
}

/// A receiver's answer to a filing, decided on `today`.
fn answer(
    p: &Principal,
    w: &Filing,
    targets: &[FilingTarget],
    action: Action,
    said: &str,
    today: &str,
) -> Result<Effects, RuleError> {
    let cal = Calendar::builtin();
    decide_answer_filing(&ctx(p, &cal, today), w, targets, action, &opinion(said))
}

fn opinion(s: &str) -> ActInput {
    ActInput {
        opinion: s.into(),
        ..Default::default()
    }
}

#[test]
fn a_deadline_in_a_year_without_calendar_is_pending_not_an_error() {
    // The shipped calendar ends with 2026: approving on 2026-12-28 counts
    // into 2027, whose holidays are not loaded yet.
    let cal = Calendar::builtin();
    let (l, w) = (leader(), workflow(FilingKind::Open, State::Applied));
    let e = decide_approve(&ctx(&l, &cal, "2026-12-28"), &w, &[], &opinion("同意")).unwrap();
    let dl = e.update.deadline.unwrap();
    assert_eq!((dl.from, dl.due), (d("2026-12-28"), None));
    let waiting = Filing {
        state: State::Approved,
        due_from: Some(dl.from),
        ..w
    };
    assert_eq!(waiting.deadline_waits_for(&cal), Some(2027));
    assert!(
        !waiting.overdue_on(d("2027-06-01")),
        "never overdue while 待定"
    );
}

#[test]
fn approve_sets_the_filing_deadline_across_national_day() {
    let cal = Calendar::builtin();
    let (l, w) = (leader(), workflow(FilingKind::Open, State::Applied));
    let e = decide_approve(&ctx(&l, &cal, "2025-09-26"), &w, &[], &opinion("同意")).unwrap();
    assert_eq!(e.to, State::Approved);
    assert_eq!(e.update.approved_on, Some(d("2025-09-26")));
    assert_eq!(e.update.deadline.and_then(|x| x.due), Some(d("2025-10-10")));
    assert_eq!(e.opinion, "同意");
    // A closure's approval starts no deadline: deregistration does.
    let w = workflow(FilingKind::Close, State::Applied);
    let e = decide_approve(&ctx(&l, &cal, "2025-09-26"), &w, &[], &opinion("")).unwrap();
    assert_eq!(e.update.deadline.and_then(|x| x.due), None);
}

#[test]
fn approving_over_a_registry_warning_needs_a_reason() {
    use crate::checks::WarningKind;
    let cal = Calendar::builtin();
    let (l, w) = (leader(), workflow(FilingKind::Open, State::Applied));
    let warned = ActCtx {
        warnings: &[WarningKind::DuplicatePlatform],
        ..ctx(&l, &cal, "2026-11-20")
    };
    let err = decide_approve(&warned, &w, &[], &opinion("同意")).unwrap_err();
    assert_eq!(err.code(), "override_reason_required");
    assert!(err.to_string().contains("同平台重复开设"), "{err}");
    let mut input = opinion("同意");
    input.override_reason = "原账号将于下月整合注销".into();
    let e = decide_approve(&warned, &w, &[], &input).unwrap();
    assert!(
        e.opinion.contains("原账号将于下月整合注销"),
        "the step carries it"
    );
    // Without warnings no reason is asked.
    assert!(decide_approve(&ctx(&l, &cal, "2026-11-20"), &w, &[], &opinion("同意")).is_ok());
}

#[test]
fn only_the_applicant_withdraws_and_only_before_anyone_acted() {
    let cal = Calendar::builtin();
    let w = workflow(FilingKind::Open, State::Applied);
    let (e, l) = (editor(), leader());
    let eff = decide_withdraw(&ctx(&e, &cal, "2026-11-20"), &w, &[], &opinion("")).unwrap();
    assert_eq!(eff.to, State::Withdrawn);
    assert!(eff.update.finished, "a withdrawn application is over");
    assert_eq!(
        decide_withdraw(&ctx(&l, &cal, "2026-11-20"), &w, &[], &opinion(""))
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let approved = Filing {
        state: State::Approved,
        ..w
    };
    assert_eq!(
        decide_withdraw(&ctx(&e, &cal, "2026-11-20"), &approved, &[], &opinion(""))
            .unwrap_err()
            .code(),
        "illegal_transition"
    );
}

#[test]
fn nobody_approves_their_own_application() {
    let cal = Calendar::builtin();
    // The applicant holds a leader's right too.
    let mut own = leader();
    own.user_id = UserId(10);
    let w = workflow(FilingKind::Open, State::Applied);
    let err = decide_approve(&ctx(&own, &cal, "2026-11-20"), &w, &[], &opinion("")).unwrap_err();
    assert_eq!(err.code(), "own_request");
    // An editor lacks the right; someone outside the subtree too.
    let e = editor();
    let err = decide_approve(&ctx(&e, &cal, "2026-11-20"), &w, &[], &opinion("")).unwrap_err();
    assert!(matches!(
        err,
        RuleError::Conflict {
            code: "own_request",
            ..
        }
    ));
    let o = outsider();
    let err = decide_approve(&ctx(&o, &cal, "2026-11-20"), &w, &[], &opinion("")).unwrap_err();
    assert!(matches!(err, RuleError::Forbidden { .. }), "{err:?}");
}

#[test]
fn the_state_is_checked_before_the_right() {
    let cal = Calendar::builtin();
    let o = outsider();
    let w = workflow(FilingKind::Open, State::Accepted);
    let err = decide_approve(&ctx(&o, &cal, "2026-11-20"), &w, &[], &opinion("")).unwrap_err();
    assert_eq!(err.code(), "illegal_transition");
}

#[test]
fn reject_needs_a_reason_and_ends_the_workflow() {
    let cal = Calendar::builtin();
    let (l, w) = (leader(), workflow(FilingKind::Open, State::Applied));
    let err = decide_reject(&ctx(&l, &cal, "2026-11-20"), &w, &[], &opinion("  ")).unwrap_err();
    assert_eq!(err.code(), "missing_field");
    let long = "字".repeat(1001);
    let err = decide_reject(&ctx(&l, &cal, "2026-11-20"), &w, &[], &opinion(&long)).unwrap_err();
    assert_eq!(err.code(), "missing_field");
    let e = decide_reject(&ctx(&l, &cal, "2026-11-20"), &w, &[], &opinion("重复开设")).unwrap();
    assert_eq!(e.to, State::Rejected);
    assert!(e.update.finished);
}

#[test]
fn opening_creates_the_account_from_the_application() {
    let cal = Calendar::builtin();
    let (e, w) = (editor(), workflow(FilingKind::Open, State::Approved));
    let mut input = ActInput::default();
    let err = decide_open_account(&ctx(&e, &cal, "2026-11-20"), &w, &[], &input).unwrap_err();
    assert_eq!(err.code(), "missing_field", "the handle is required");
    input.handle = "nc_rs".into();
    input.opened_on = "2026-11-21".into();
    let err = decide_open_account(&ctx(&e, &cal, "2026-11-20"), &w, &[], &input).unwrap_err();
    assert_eq!(err.code(), "date_in_future", "future opening date");
    assert!(
        err.to_string().contains("开通日期"),
        "the form's own label: {err}"
    );
    input.opened_on = String::new();
    let eff = decide_open_account(&ctx(&e, &cal, "2026-11-20"), &w, &[], &input).unwrap();
    let a = eff.create_account.unwrap();
    assert_eq!(
        a.opened_on,
        Some(d("2026-11-20")),
        "defaults to the day of 开通"
    );
    input.opened_on = "2026-11-19".into();
    let eff = decide_open_account(&ctx(&e, &cal, "2026-11-20"), &w, &[], &input).unwrap();
    let a = eff.create_account.unwrap();
    assert_eq!(a.platform, Platform::Weibo);
    assert_eq!(a.name, "南昌人社");
    assert_eq!(a.handle, "nc_rs");
    assert_eq!(a.status, AccountStatus::Active);
    assert_eq!(a.opened_on, Some(d("2026-11-19")));
    assert_eq!(eff.to, State::Opened);
}

#[test]
fn announcement_and_deregistration_respect_the_period() {
    let cal = Calendar::builtin();
    let e = editor();
    let mut w = workflow(FilingKind::Merge, State::Approved);
    w.approved_on = Some(d("2025-09-25"));
    w.survivor_account_id = Some(AccountId(8));
    let mut input = ActInput::default();
    let err = decide_announce(&ctx(&e, &cal, "2025-09-26"), &w, &[], &input).unwrap_err();
    assert_eq!(err.code(), "missing_field");
    input.announce_text = "本账号将于国庆后注销".into();
    input.date = "2025-09-24".into();
    let err = decide_announce(&ctx(&e, &cal, "2025-09-26"), &w, &[], &input).unwrap_err();
    assert_eq!(err.to_string(), "公告日期不能早于批准日期");
    input.date = String::new();
    let eff = decide_announce(&ctx(&e, &cal, "2025-09-26"), &w, &[], &input).unwrap();
    assert_eq!(
        eff.update.announced,
        Some((d("2025-09-26"), "本账号将于国庆后注销".into(), 3))
    );
    // Three working days after 09-26 is 09-30; the holiday follows.
    w.state = State::Announced;
    w.announced_on = Some(d("2025-09-26"));
    w.announce_workdays = 3;
    let early = ActInput {
        date: "2025-09-29".into(),
        ..Default::default()
    };
    let err = decide_deregister(&ctx(&e, &cal, "2025-09-30"), &w, &[], &early).unwrap_err();
    assert_eq!(err.code(), "announcement_period");
    let eff =
        decide_deregister(&ctx(&e, &cal, "2025-09-30"), &w, &[], &ActInput::default()).unwrap();
    assert_eq!(eff.update.event_on, Some(d("2025-09-30")));
    assert_eq!(
        eff.update.deadline.and_then(|x| x.due),
        Some(d("2025-10-14"))
    );
    assert_eq!(
        eff.close_account,
        Some(ClosedAccount {
            account: AccountId(7),
            merged_into: Some(AccountId(8)),
            kind: FilingKind::Merge,
        })
    );
}

#[test]
fn submitting_routes_to_the_supervisor_and_the_center() {
    let cal = Calendar::builtin();
    let e = editor();
    let w = workflow(FilingKind::Open, State::Opened);
    let route = Route {
        chain: vec![
            RouteNode {
                id: OrgId(1),
                level: OrgLevel::Province,
                supervising: true,
            },
            RouteNode {
                id: OrgId(5),
                level: OrgLevel::City,
                supervising: true,
            },
        ],
        publicity_center: Some(OrgId(99)),
    };
    let eff =
        decide_submit_filing(&ctx(&e, &cal, "2026-11-20"), &w, &[], &route, &opinion("")).unwrap();
    assert_eq!(
        eff.targets,
        vec![TargetEffect::Add(OrgId(5)), TargetEffect::Add(OrgId(99))]
    );
    assert!(eff.update.filed);
    // A resubmission after a return: the accepted receiver is left alone,
    // the returning one gets it again, one no longer on the route goes.
    let mut w = w;
    w.state = State::Returned;
    let targets = [
        target(5, TargetStatus::Returned),
        target(99, TargetStatus::Accepted),
        target(42, TargetStatus::Pending),
    ];
    let eff = decide_submit_filing(
        &ctx(&e, &cal, "2026-11-20"),
        &w,
        &targets,
        &route,
        &opinion(""),
    )
    .unwrap();
    assert_eq!(
        eff.targets,
        vec![
            TargetEffect::Remove(OrgId(42)),
            TargetEffect::Resend(OrgId(5))
        ]
    );
    let nowhere = Route::default();
    let err = decide_submit_filing(
        &ctx(&e, &cal, "2026-11-20"),
        &w,
        &[],
        &nowhere,
        &opinion(""),
    )
    .unwrap_err();
    assert_eq!(err.code(), "no_filing_target");
}

#[test]
fn the_last_receiver_to_accept_completes_the_filing() {
    let r = receiver();
    let w = workflow(FilingKind::Open, State::Filed);
    let both = [
        target(5, TargetStatus::Pending),
        target(99, TargetStatus::Pending),
    ];
    let eff = answer(&r, &w, &both, Action::AcceptFiling, "", "2026-11-20").unwrap();
    assert_eq!(eff.to, State::Filed, "the center has not accepted yet");
    assert_eq!(
        eff.targets,
        vec![TargetEffect::Answer {
            org: OrgId(5),
            status: TargetStatus::Accepted,
            reason: String::new()
        }]
    );
    let rest = [
        target(5, TargetStatus::Pending),
        target(99, TargetStatus::Accepted),
    ];
    let eff = answer(&r, &w, &rest, Action::AcceptFiling, "", "2026-11-20").unwrap();
    assert_eq!(eff.to, State::Accepted);
    assert!(eff.update.finished);
    // Accepting again: already done here, a conflict that says so.
    let done = [
        target(5, TargetStatus::Accepted),
        target(99, TargetStatus::Pending),
    ];
    let err = answer(&r, &w, &done, Action::AcceptFiling, "", "2026-11-20").unwrap_err();
    assert_eq!(err.code(), "filing_already_answered");
    assert_eq!(err.to_string(), "本单位已接收该备案，无需重复操作");
    assert!(matches!(err, RuleError::Conflict { .. }));
    // Also once the whole filing is accepted.
    let mut finished = w.clone();
    finished.state = State::Accepted;
    let all = [target(5, TargetStatus::Accepted)];
    let err = answer(&r, &finished, &all, Action::AcceptFiling, "", "2026-11-20").unwrap_err();
    assert_eq!(err.code(), "filing_already_answered");
    // A receiver with nothing routed to it is still refused.
    let elsewhere = [target(99, TargetStatus::Pending)];
    let err = answer(&r, &w, &elsewhere, Action::AcceptFiling, "", "2026-11-20").unwrap_err();
    assert!(matches!(err, RuleError::Forbidden { .. }), "{err:?}");
}

#[test]
fn a_return_needs_a_reason_and_restarts_the_deadline() {
    let r = receiver();
    let w = workflow(FilingKind::Open, State::Filed);
    let t = [target(5, TargetStatus::Pending)];
    let err = answer(&r, &w, &t, Action::ReturnFiling, "", "2025-09-26").unwrap_err();
    assert_eq!(err.code(), "missing_field");
    let eff = answer(
        &r,
        &w,
        &t,
        Action::ReturnFiling,
        "缺少保密承诺书",
        "2025-09-26",
    )
    .unwrap();
    assert_eq!(eff.to, State::Returned);
    assert_eq!(
        eff.update.deadline.and_then(|x| x.due),
        Some(d("2025-10-10"))
    );
}

#[test]
fn decide_dispatches_every_action() {
    let cal = Calendar::builtin();
    let l = leader();
    let w = workflow(FilingKind::Open, State::Applied);
    for a in Action::ALL {
        let r = decide(
            &ctx(&l, &cal, "2026-11-20"),
            &w,
            &[],
            &Route::default(),
            a,
            &opinion("意见"),
        );
        assert_eq!(
            r.is_ok(),
            matches!(a, Action::Approve | Action::Reject),
            "{a:?}"
        );
    }
}

mod apply;
