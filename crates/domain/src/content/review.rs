//! The rules of 三审三核: one pure function per action, each taking the
//! item as it stands, the actor, the input and "now", and returning the
//! item as it must become (and what happened) or the rule it breaks. The
//! store persists the result and decides nothing.
//!
//! Invariants (proven by the property test in `tests.rs`):
//! - nobody reviews their own item;
//! - one person never approves two stages of the same version;
//! - a return needs a reason and sends the item back to its author;
//! - any change of what is published makes a new version that starts
//!   again at the first stage (重审), voiding every approval;
//! - a stage is decided only by its role, within the item's org, by the
//!   holder of the claim (or with no live claim);
//! - only the approved version can be published.
//!
//! Checks run in a fixed order so a request wrong in several ways always
//! gets the same answer: state, version, stage role, self-review, the
//! person's earlier approval, the claim, then the input.

use super::chain::ReviewChain;
use super::model::{ContentState, Verdict};
use crate::auth::{DataScope, Principal, Role};
use crate::error::RuleError;
use crate::ids::{OrgId, UserId};
use crate::org::path_within;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// One approval of the current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub stage: usize,
    pub reviewer: UserId,
}

/// A reviewer holding the item at its current stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub user: UserId,
    pub until: DateTime<Utc>,
}

/// A content item as the review rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewItem {
    pub state: ContentState,
    pub author: UserId,
    pub org_id: OrgId,
    pub org_path: String,
    /// Version number of the current text (1 for the first save).
    pub version: u32,
    /// Hash of everything the current version publishes.
    pub hash: String,
    pub major: bool,
    /// The stage the item waits at (index into `stages_for(major)`).
    pub stage: usize,
    /// When it reached that stage (its deadline counts from here).
    pub stage_since: Option<DateTime<Utc>>,
    /// Approvals of the current version, in stage order.
    pub approvals: Vec<Approval>,
    pub claim: Option<Claim>,
    pub planned_at: Option<DateTime<Utc>>,
}

/// What an action did, for the history and the hand-over notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A new version was saved.
    Saved {
        restarted: bool,
    },
    /// Nothing changed (the same text saved again).
    Unchanged,
    Submitted,
    Claimed,
    Released,
    /// A stage decided (`stage` index); `approved_all`: the last stage.
    Decided {
        stage: usize,
        verdict: Verdict,
        approved_all: bool,
    },
    Withdrawn,
    Expired,
}

/// The gates and opinion of one decision, as the reviewer sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewInput {
    pub verdict: Option<Verdict>,
    /// Gate code → passed.
    pub gates: BTreeMap<String, bool>,
    pub gate_notes: BTreeMap<String, String>,
    pub opinion: String,
    /// Rule code → written reason (for `block` findings at 终审).
    pub overrides: BTreeMap<String, String>,
    /// The version the reviewer read.
    pub version: u32,
}

/// Whether `p` holds `role` for the org at `path` (the role's own
/// scope, limited by a token's restriction).
pub fn holds_role_at(p: &Principal, role: Role, org_id: OrgId, path: &str) -> bool {
    p.restrict_path
        .as_deref()
        .is_none_or(|w| path_within(path, w))
        && p.assignments.iter().any(|a| {
            a.role == role
                && match a.scope {
                    DataScope::All => true,
                    DataScope::Subtree => path_within(path, &a.org_path),
                    DataScope::OwnOrg => a.org_id == org_id,
                }
        })
}

fn conflict(code: &'static str, m: &str) -> RuleError {
    RuleError::conflict(code, m.to_string())
}

impl ReviewItem {
    fn live_claim(&self, now: DateTime<Utc>) -> Option<&Claim> {
        self.claim.as_ref().filter(|c| c.until > now)
    }

    /// Whether the planned time passed before approval (the item should
    /// be 已过期 as of `now`).
    pub fn is_past_plan(&self, now: DateTime<Utc>) -> bool {
        matches!(
            self.state,
            ContentState::Draft | ContentState::InReview | ContentState::Returned
        ) && self.planned_at.is_some_and(|t| t <= now)
    }

    fn author_only(&self, actor: &Principal) -> Result<(), RuleError> {
        if actor.user_id == self.author {
            Ok(())
        } else {
            Err(RuleError::forbidden("只有稿件的作者可以这样做"))
        }
    }

    fn restart(&mut self, now: DateTime<Utc>) {
        self.approvals.clear();
        self.claim = None;
        self.stage = 0;
        self.stage_since = Some(now);
    }
}

/// Moves an item whose planned time has passed before approval to
/// 已过期 (the job and every load call this first).
pub fn expire(item: &ReviewItem, now: DateTime<Utc>) -> Option<(ReviewItem, Event)> {
    if !item.is_past_plan(now) {
        return None;
    }
    let mut next = item.clone();
    next.state = ContentState::Expired;
    next.claim = None;
    next.approvals.clear();
    Some((next, Event::Expired))
}

/// The author saves the item made from `base_version` as `hash`. A new
/// hash is a new version; in review it starts again at the first stage.
/// An expired item saved with a planned time ahead becomes a draft again.
pub fn save(
    item: &ReviewItem,
    actor: &Principal,
    base_version: u32,
    hash: &str,
    major: bool,
    planned_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(ReviewItem, Event), RuleError> {
    match item.state {
        ContentState::Approved | ContentState::Published => {
            return Err(conflict(
                "content_locked",
                "已审定的稿件不能直接修改；如需修改请发起更正",
            ));
        }
        ContentState::Withdrawn => {
            return Err(conflict("content_locked", "稿件已撤回，不能修改"));
        }
        _ => {}
    }
    item.author_only(actor)?;
    if base_version != item.version {
        return Err(conflict(
            "version_conflict",
            "稿件已被修改，请刷新后在最新版本上编辑",
        ));
    }
    if planned_at.is_some_and(|t| t <= now) && planned_at != item.planned_at {
        return Err(RuleError::invalid(
            "planned_time_passed",
            "计划发布时间须晚于当前时间",
        ));
    }
    if item.state == ContentState::Expired && planned_at.is_some_and(|t| t <= now) {
        return Err(RuleError::invalid(
            "planned_time_passed",
            "稿件已过期：请把计划发布时间改到以后再保存",
        ));
    }
    let mut next = item.clone();
    next.planned_at = planned_at;
    let changed = hash != item.hash || major != item.major;
    if !changed && planned_at == item.planned_at {
        return Ok((next, Event::Unchanged));
    }
    if next.state == ContentState::Expired {
        next.state = ContentState::Draft;
    }
    if !changed {
        return Ok((next, Event::Saved { restarted: false }));
    }
    next.version += 1;
    next.hash = hash.to_string();
    next.major = major;
    let restarted = next.state == ContentState::InReview;
    next.restart(now);
    if !restarted {
        next.stage_since = None;
    }
    Ok((next, Event::Saved { restarted }))
}

/// The author sends a draft or returned item to the first stage.
pub fn submit(
    item: &ReviewItem,
    actor: &Principal,
    now: DateTime<Utc>,
) -> Result<(ReviewItem, Event), RuleError> {
    if !matches!(item.state, ContentState::Draft | ContentState::Returned) {
        return Err(conflict(
            "invalid_state",
            &format!("稿件{}，不能提交审核", item.state.label()),
        ));
    }
    item.author_only(actor)?;
    if item.planned_at.is_some_and(|t| t <= now) {
        return Err(RuleError::invalid(
            "planned_time_passed",
            "计划发布时间已过，请先修改计划发布时间",
        ));
    }
    let mut next = item.clone();
    next.state = ContentState::InReview;
    next.restart(now);
    Ok((next, Event::Submitted))
}

/// Why `actor` may not act at the item's current stage, checked in the
/// fixed order (state, stage role, self-review, earlier approval, claim).
fn may_act(
    item: &ReviewItem,
    chain: &ReviewChain,
    actor: &Principal,
    now: DateTime<Utc>,
) -> Result<(), RuleError> {
    if item.state != ContentState::InReview {
        return Err(conflict(
            "not_in_review",
            &format!("稿件{}，当前没有待审核的环节", item.state.label()),
        ));
    }
    let stages = chain.stages_for(item.major);
    let Some(stage) = stages.get(item.stage) else {
        return Err(conflict("not_in_review", "稿件的审核环节已不存在"));
    };
    if !holds_role_at(actor, stage.role, item.org_id, &item.org_path) {
        return Err(RuleError::conflict(
            "not_your_stage",
            format!("当前环节是{}，由{}办理", stage.label, stage.role.label()),
        ));
    }
    if actor.user_id == item.author {
        return Err(conflict("self_review", "不能审核自己撰写的稿件"));
    }
    if item.approvals.iter().any(|a| a.reviewer == actor.user_id) {
        return Err(conflict(
            "stage_already_approved_by_you",
            "您已审核通过本版本的其他环节，同一版本的不同环节须由不同人员审核",
        ));
    }
    if let Some(c) = item.live_claim(now)
        && c.user != actor.user_id
    {
        return Err(conflict(
            "claimed_by_other",
            "该稿件正由其他审核人员审核，请稍后再试",
        ));
    }
    Ok(())
}

/// A reviewer takes the item at its current stage for the chain's claim
/// time (claiming again extends it).
pub fn claim(
    item: &ReviewItem,
    chain: &ReviewChain,
    actor: &Principal,
    now: DateTime<Utc>,
) -> Result<(ReviewItem, Event), RuleError> {
    may_act(item, chain, actor, now)?;
    let mut next = item.clone();
    next.claim = Some(Claim {
        user: actor.user_id,
        until: now + Duration::minutes(i64::from(chain.claim_minutes)),
    });
    Ok((next, Event::Claimed))
}

/// The claim holder gives the item back.
pub fn release(
    item: &ReviewItem,
    actor: &Principal,
    now: DateTime<Utc>,
) -> Result<(ReviewItem, Event), RuleError> {
    match item.live_claim(now) {
        Some(c) if c.user == actor.user_id => {
            let mut next = item.clone();
            next.claim = None;
            Ok((next, Event::Released))
        }
        _ => Err(conflict("not_claimed", "您没有认领该稿件")),
    }
}

/// A decision at the current stage. `blocking`: the rule codes of the
/// current version's `block` findings, which the final review (终审) and
/// every stage after it must override one by one with a reason.
pub fn review(
    item: &ReviewItem,
    chain: &ReviewChain,
    actor: &Principal,
    input: &ReviewInput,
    blocking: &[String],
    now: DateTime<Utc>,
) -> Result<(ReviewItem, Event), RuleError> {
    if item.state == ContentState::InReview && input.version != item.version {
        return Err(conflict(
            "version_conflict",
            "您审核的版本已不是最新版本，请刷新后审核最新版本",
        ));
    }
    may_act(item, chain, actor, now)?;
    let Some(verdict) = input.verdict else {
        return Err(RuleError::invalid(
            "decision_required",
            "请选择审核结论：通过或退回",
        ));
    };
    if let Some(code) = input.gates.keys().find(|c| chain.gate(c).is_none()) {
        return Err(RuleError::invalid(
            "unknown_gate",
            format!("没有名为 {code} 的把关项"),
        ));
    }
    let stage_count = chain.stages_for(item.major).len();
    let mut next = item.clone();
    next.claim = None;
    match verdict {
        Verdict::Return => {
            if input.opinion.trim().is_empty() {
                return Err(RuleError::invalid("reason_required", "退回须写明理由"));
            }
            next.state = ContentState::Returned;
            next.approvals.clear();
            next.stage = 0;
            next.stage_since = None;
            Ok((
                next,
                Event::Decided {
                    stage: item.stage,
                    verdict,
                    approved_all: false,
                },
            ))
        }
        Verdict::Approve => {
            let open: Vec<&str> = chain
                .gates
                .iter()
                .filter(|g| input.gates.get(&g.code) != Some(&true))
                .map(|g| g.label.as_str())
                .collect();
            if !open.is_empty() {
                return Err(RuleError::invalid(
                    "gates_incomplete",
                    format!("以下把关项未通过或未勾选：{}", open.join("、")),
                ));
            }
            if let Some((rule, _)) = input.overrides.iter().find(|(_, r)| r.trim().is_empty()) {
                return Err(RuleError::invalid(
                    "override_reason_required",
                    format!("放行 {rule} 须写明理由"),
                ));
            }
            if let Some(rule) = input.overrides.keys().find(|r| !blocking.contains(r)) {
                return Err(RuleError::invalid(
                    "unknown_override",
                    format!("本版本没有需要放行的 {rule} 问题"),
                ));
            }
            if item.stage >= chain.final_index() {
                let open: Vec<&str> = blocking
                    .iter()
                    .filter(|r| !input.overrides.contains_key(*r))
                    .map(String::as_str)
                    .collect();
                if !open.is_empty() {
                    return Err(RuleError::invalid(
                        "unresolved_block_findings",
                        format!(
                            "稿件仍有须拦截的问题（{}）：终审通过前须逐条写明放行理由",
                            open.join("、")
                        ),
                    ));
                }
            }
            next.approvals.push(Approval {
                stage: item.stage,
                reviewer: actor.user_id,
            });
            let approved_all = item.stage + 1 >= stage_count;
            if approved_all {
                next.state = ContentState::Approved;
                next.stage_since = None;
            } else {
                next.stage = item.stage + 1;
                next.stage_since = Some(now);
            }
            Ok((
                next,
                Event::Decided {
                    stage: item.stage,
                    verdict,
                    approved_all,
                },
            ))
        }
    }
}

/// The author withdraws the item before its final approval.
pub fn withdraw(item: &ReviewItem, actor: &Principal) -> Result<(ReviewItem, Event), RuleError> {
    if !matches!(
        item.state,
        ContentState::Draft
            | ContentState::InReview
            | ContentState::Returned
            | ContentState::Expired
    ) {
        return Err(conflict(
            "invalid_state",
            &format!("稿件{}，不能撤回", item.state.label()),
        ));
    }
    item.author_only(actor)?;
    let mut next = item.clone();
    next.state = ContentState::Withdrawn;
    next.claim = None;
    Ok((next, Event::Withdrawn))
}

/// Whether the version with `hash` may be published now: it must be the
/// approved current version.
pub fn may_publish(item: &ReviewItem, hash: &str) -> Result<(), RuleError> {
    match item.state {
        ContentState::Approved | ContentState::Published if item.hash == hash => Ok(()),
        ContentState::Approved | ContentState::Published => {
            Err(conflict("version_conflict", "只能发布审定的版本"))
        }
        s => Err(conflict(
            "not_approved",
            &format!("稿件{}，审定后才能发布", s.label()),
        )),
    }
}
