//! Unit tests of every error code of the review rules, and a property
//! test of the chain's invariants over random action sequences.

use super::chain::ReviewChain;
use super::model::{ContentState, Verdict};
use super::review::*;
use crate::auth::{Assignment, DataScope, Principal, Role};
use crate::ids::{OrgId, UserId};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;

const ORG: OrgId = OrgId(10);
const PATH: &str = "/1/10/";

fn person(id: i64, roles: &[Role]) -> Principal {
    Principal {
        user_id: UserId(id),
        username: format!("u{id}"),
        display_name: format!("用户{id}"),
        org_id: ORG,
        org_name: "南昌市人社局".into(),
        assignments: roles
            .iter()
            .map(|r| Assignment {
                role: *r,
                scope: DataScope::Subtree,
                org_id: ORG,
                org_path: PATH.into(),
            })
            .collect(),
        restrict_path: None,
    }
}

fn author() -> Principal {
    person(1, &[Role::Editor, Role::Reviewer])
}
fn r1() -> Principal {
    person(2, &[Role::Reviewer])
}
fn r2() -> Principal {
    person(3, &[Role::Reviewer])
}
fn leader() -> Principal {
    person(4, &[Role::OrgLeader, Role::Reviewer])
}
fn principal_leader() -> Principal {
    person(5, &[Role::PrincipalLeader])
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap()
}

fn draft(major: bool) -> ReviewItem {
    ReviewItem {
        state: ContentState::Draft,
        author: UserId(1),
        org_id: ORG,
        org_path: PATH.into(),
        version: 1,
        hash: "h1".into(),
        major,
        stage: 0,
        stage_since: None,
        approvals: vec![],
        claim: None,
        planned_at: None,
    }
}

fn all_gates(c: &ReviewChain) -> BTreeMap<String, bool> {
    c.gates.iter().map(|g| (g.code.clone(), true)).collect()
}

fn approve(c: &ReviewChain, item: &ReviewItem) -> ReviewInput {
    ReviewInput {
        verdict: Some(Verdict::Approve),
        gates: all_gates(c),
        version: item.version,
        ..Default::default()
    }
}

fn step(
    item: ReviewItem,
    c: &ReviewChain,
    who: &Principal,
) -> Result<ReviewItem, crate::RuleError> {
    let input = approve(c, &item);
    review(&item, c, who, &input, &[], t0()).map(|(i, _)| i)
}

fn submitted(major: bool) -> ReviewItem {
    submit(&draft(major), &author(), t0()).unwrap().0
}

#[test]
fn a_full_three_stage_review_approves() {
    let c = ReviewChain::default();
    let i = step(submitted(false), &c, &r1()).unwrap();
    assert_eq!(i.stage, 1);
    let i = step(i, &c, &r2()).unwrap();
    let i = step(i, &c, &leader()).unwrap();
    assert_eq!(i.state, ContentState::Approved);
    assert!(may_publish(&i, "h1").is_ok());
    assert_eq!(
        may_publish(&i, "h2").unwrap_err().code(),
        "version_conflict"
    );
}

#[test]
fn major_information_needs_the_principal_leader() {
    let c = ReviewChain::default();
    let i = step(submitted(true), &c, &r1()).unwrap();
    let i = step(i, &c, &r2()).unwrap();
    let i = step(i, &c, &leader()).unwrap();
    assert_eq!(i.state, ContentState::InReview);
    assert_eq!(
        step(i.clone(), &c, &r1()).unwrap_err().code(),
        "not_your_stage"
    );
    let i = step(i, &c, &principal_leader()).unwrap();
    assert_eq!(i.state, ContentState::Approved);
}

#[test]
fn each_error_code() {
    let c = ReviewChain::default();
    let s = submitted(false);
    assert_eq!(
        step(s.clone(), &c, &author()).unwrap_err().code(),
        "self_review"
    );
    let i = step(s.clone(), &c, &leader()).unwrap();
    // The leader approved 初审 and now is asked for 复审 of the same version.
    assert_eq!(
        step(i.clone(), &c, &leader()).unwrap_err().code(),
        "stage_already_approved_by_you"
    );
    assert_eq!(
        step(s.clone(), &c, &principal_leader()).unwrap_err().code(),
        "not_your_stage"
    );
    let claimed = claim(&s, &c, &r1(), t0()).unwrap().0;
    assert_eq!(
        step(claimed.clone(), &c, &r2()).unwrap_err().code(),
        "claimed_by_other"
    );
    // The claim ends after its time.
    let later = t0() + Duration::minutes(31);
    let input = approve(&c, &claimed);
    assert!(review(&claimed, &c, &r2(), &input, &[], later).is_ok());
    assert_eq!(
        release(&claimed, &r2(), t0()).unwrap_err().code(),
        "not_claimed"
    );
    assert!(release(&claimed, &r1(), t0()).unwrap().0.claim.is_none());
    // A stale version.
    let mut stale = approve(&c, &s);
    stale.version = 0;
    assert_eq!(
        review(&s, &c, &r1(), &stale, &[], t0()).unwrap_err().code(),
        "version_conflict"
    );
    // A return without a reason; with one it goes back to the author.
    let ret = ReviewInput {
        verdict: Some(Verdict::Return),
        version: 1,
        ..Default::default()
    };
    assert_eq!(
        review(&s, &c, &r1(), &ret, &[], t0()).unwrap_err().code(),
        "reason_required"
    );
    let ret = ReviewInput {
        opinion: "数据需核实".into(),
        ..ret
    };
    let back = review(&s, &c, &r1(), &ret, &[], t0()).unwrap().0;
    assert_eq!(back.state, ContentState::Returned);
    // A missing gate, a failed gate, an unknown gate, no verdict.
    let mut missing = approve(&c, &s);
    missing.gates.remove("secrecy");
    assert_eq!(
        review(&s, &c, &r1(), &missing, &[], t0())
            .unwrap_err()
            .code(),
        "gates_incomplete"
    );
    missing.gates.insert("secrecy".into(), false);
    assert_eq!(
        review(&s, &c, &r1(), &missing, &[], t0())
            .unwrap_err()
            .code(),
        "gates_incomplete"
    );
    let mut unknown = approve(&c, &s);
    unknown.gates.insert("mood".into(), true);
    assert_eq!(
        review(&s, &c, &r1(), &unknown, &[], t0())
            .unwrap_err()
            .code(),
        "unknown_gate"
    );
    let none = ReviewInput {
        verdict: None,
        ..approve(&c, &s)
    };
    assert_eq!(
        review(&s, &c, &r1(), &none, &[], t0()).unwrap_err().code(),
        "decision_required"
    );
    // Not in review.
    assert_eq!(
        step(draft(false), &c, &r1()).unwrap_err().code(),
        "not_in_review"
    );
    assert_eq!(may_publish(&s, "h1").unwrap_err().code(), "not_approved");
    // Only the author saves, submits and withdraws.
    assert_eq!(
        submit(&draft(false), &r1(), t0()).unwrap_err().code(),
        "forbidden"
    );
    assert_eq!(withdraw(&s, &r1()).unwrap_err().code(), "forbidden");
}

#[test]
fn block_findings_stop_the_final_review_until_overridden() {
    let c = ReviewChain::default();
    let block = vec!["pii.id_card".to_string()];
    let i = submitted(false);
    let i = review(&i, &c, &r1(), &approve(&c, &i), &block, t0())
        .unwrap()
        .0;
    let i = review(&i, &c, &r2(), &approve(&c, &i), &block, t0())
        .unwrap()
        .0;
    let input = approve(&c, &i);
    assert_eq!(
        review(&i, &c, &leader(), &input, &block, t0())
            .unwrap_err()
            .code(),
        "unresolved_block_findings"
    );
    let mut no_reason = input.clone();
    no_reason.overrides.insert("pii.id_card".into(), " ".into());
    assert_eq!(
        review(&i, &c, &leader(), &no_reason, &block, t0())
            .unwrap_err()
            .code(),
        "override_reason_required"
    );
    let mut wrong = input.clone();
    wrong.overrides.insert("ad.price".into(), "理由".into());
    assert_eq!(
        review(&i, &c, &leader(), &wrong, &block, t0())
            .unwrap_err()
            .code(),
        "unknown_override"
    );
    let mut ok = input;
    ok.overrides
        .insert("pii.id_card".into(), "惩戒公示，依法公开".into());
    let done = review(&i, &c, &leader(), &ok, &block, t0()).unwrap().0;
    assert_eq!(done.state, ContentState::Approved);
}

#[test]
fn an_edit_in_review_restarts_at_the_first_stage() {
    let c = ReviewChain::default();
    let i = step(submitted(false), &c, &r1()).unwrap();
    let i = step(i, &c, &r2()).unwrap();
    let (e, ev) = save(&i, &author(), 1, "h2", false, None, t0()).unwrap();
    assert_eq!(ev, Event::Saved { restarted: true });
    assert_eq!((e.stage, e.version, e.approvals.len()), (0, 2, 0));
    assert_eq!(e.state, ContentState::InReview);
    // The same text again changes nothing; an old base is a conflict.
    assert_eq!(
        save(&e, &author(), 2, "h2", false, None, t0()).unwrap().1,
        Event::Unchanged
    );
    assert_eq!(
        save(&e, &author(), 1, "h3", false, None, t0())
            .unwrap_err()
            .code(),
        "version_conflict"
    );
    // After the final approval the text is locked.
    let a = step(
        step(step(e, &c, &r1()).unwrap(), &c, &r2()).unwrap(),
        &c,
        &leader(),
    )
    .unwrap();
    assert_eq!(
        save(&a, &author(), 2, "h4", false, None, t0())
            .unwrap_err()
            .code(),
        "content_locked"
    );
    assert_eq!(withdraw(&a, &author()).unwrap_err().code(), "invalid_state");
}

#[test]
fn a_planned_time_passing_before_approval_expires_the_item() {
    let mut d = draft(false);
    d.planned_at = Some(t0() + Duration::hours(2));
    let s = submit(&d, &author(), t0()).unwrap().0;
    assert!(expire(&s, t0() + Duration::hours(1)).is_none());
    let (x, ev) = expire(&s, t0() + Duration::hours(2)).unwrap();
    assert_eq!((x.state, ev), (ContentState::Expired, Event::Expired));
    // Saved with a new planned time ahead, it is a draft again.
    let later = t0() + Duration::hours(3);
    assert_eq!(
        save(&x, &author(), 1, "h1", false, x.planned_at, later)
            .unwrap_err()
            .code(),
        "planned_time_passed"
    );
    let (y, _) = save(
        &x,
        &author(),
        1,
        "h1",
        false,
        Some(later + Duration::days(1)),
        later,
    )
    .unwrap();
    assert_eq!(y.state, ContentState::Draft);
}

/// A random action by one of six people (the author also reviews; the
/// leader also holds the reviewer role).
#[derive(Debug, Clone)]
enum Act {
    Save { who: usize, hash: u8, major: bool },
    Submit(usize),
    Claim(usize),
    Release(usize),
    Approve { who: usize, stale: bool },
    Return { who: usize, reason: bool },
    Withdraw(usize),
    Wait(i64),
}

fn people() -> Vec<Principal> {
    vec![
        author(),
        r1(),
        r2(),
        leader(),
        principal_leader(),
        person(6, &[Role::Editor]),
    ]
}

fn act() -> impl Strategy<Value = Act> {
    let who = 0usize..6;
    prop_oneof![
        (who.clone(), 0u8..3, any::<bool>()).prop_map(|(who, hash, major)| Act::Save {
            who,
            hash,
            major
        }),
        who.clone().prop_map(Act::Submit),
        who.clone().prop_map(Act::Claim),
        who.clone().prop_map(Act::Release),
        (who.clone(), any::<bool>()).prop_map(|(who, stale)| Act::Approve { who, stale }),
        (who.clone(), any::<bool>()).prop_map(|(who, reason)| Act::Return { who, reason }),
        who.prop_map(Act::Withdraw),
        (1i64..60).prop_map(Act::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_chain_invariants_hold_over_any_sequence(acts in prop::collection::vec(act(), 1..60)) {
        let c = ReviewChain::default();
        let ps = people();
        let mut item = draft(false);
        let mut now = t0();
        for a in acts {
            let before = item.clone();
            let result = match &a {
                Act::Save { who, hash, major } => save(&item, &ps[*who], item.version, &format!("h{hash}"), *major, None, now),
                Act::Submit(w) => submit(&item, &ps[*w], now),
                Act::Claim(w) => claim(&item, &c, &ps[*w], now),
                Act::Release(w) => release(&item, &ps[*w], now),
                Act::Approve { who, stale } => {
                    let mut input = approve(&c, &item);
                    if *stale { input.version = item.version.wrapping_sub(1); }
                    review(&item, &c, &ps[*who], &input, &[], now)
                }
                Act::Return { who, reason } => {
                    let input = ReviewInput {
                        verdict: Some(Verdict::Return),
                        opinion: if *reason { "需修改".into() } else { String::new() },
                        version: item.version,
                        ..Default::default()
                    };
                    review(&item, &c, &ps[*who], &input, &[], now)
                }
                Act::Withdraw(w) => withdraw(&item, &ps[*w]),
                Act::Wait(m) => { now += Duration::minutes(*m); continue; }
            };
            let Ok((next, ev)) = result else {
                continue;
            };
            // Nobody reviews their own item.
            if matches!(ev, Event::Decided { .. } | Event::Claimed) {
                let who = match &a {
                    Act::Approve { who, .. } | Act::Return { who, .. } | Act::Claim(who) => *who,
                    _ => unreachable!(),
                };
                prop_assert_ne!(ps[who].user_id, item.author);
            }
            // A return has a reason and goes back to the author.
            if let Event::Decided { verdict: Verdict::Return, .. } = ev {
                let with_reason = matches!(a, Act::Return { reason: true, .. });
                prop_assert!(with_reason);
                prop_assert_eq!(next.state, ContentState::Returned);
                prop_assert!(next.approvals.is_empty());
            }
            // A new version voids every approval and starts at the first stage.
            if next.version != before.version {
                prop_assert!(next.approvals.is_empty());
                prop_assert_eq!(next.stage, 0);
                let editable = matches!(before.state, ContentState::Draft | ContentState::Returned | ContentState::InReview | ContentState::Expired);
                prop_assert!(editable);
            }
            // Stale versions are never decided.
            if let Act::Approve { stale: true, .. } = a {
                prop_assert!(false, "a stale version was decided");
            }
            // Approvals: one per stage in order, each by a different person
            // holding the stage's role, never the author.
            let stages = c.stages_for(next.major);
            for (k, ap) in next.approvals.iter().enumerate() {
                prop_assert_eq!(ap.stage, k);
                prop_assert_ne!(ap.reviewer, next.author);
                let p = ps.iter().find(|p| p.user_id == ap.reviewer).unwrap();
                prop_assert!(p.has_role(stages[k].role));
            }
            let mut who: Vec<UserId> = next.approvals.iter().map(|a| a.reviewer).collect();
            who.sort();
            who.dedup();
            prop_assert_eq!(who.len(), next.approvals.len());
            // Approved means every stage of its importance approved this version.
            if next.state == ContentState::Approved {
                prop_assert_eq!(next.approvals.len(), stages.len());
                prop_assert!(may_publish(&next, &next.hash).is_ok());
            } else {
                prop_assert!(may_publish(&next, &next.hash).is_err());
            }
            item = next;
        }
    }
}
