//! The review chain of an org: its stages (each naming the role that may
//! act), the gates every decision ticks (六关 by default), the claim time
//! and the working days each stage has. Set per org, inherited down the
//! tree: the deepest org on an item's path that has a chain wins.

use crate::auth::Role;
use crate::error::RuleError;
use serde::{Deserialize, Serialize};

/// The codes of the default stages.
pub const FIRST_REVIEW: &str = "first_review";
pub const SECOND_REVIEW: &str = "second_review";
pub const FINAL_REVIEW: &str = "final_review";
/// 主要领导审定: after the last stage, for major information only.
pub const PRINCIPAL_SIGNOFF: &str = "principal_signoff";

/// One stage of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub code: String,
    pub label: String,
    /// The role that may decide at this stage (within the item's org).
    pub role: Role,
}

/// One gate (关) a reviewer checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    pub code: String,
    pub label: String,
}

/// An org's review chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewChain {
    /// In order; the last one is the final review (终审), where a `block`
    /// finding needs an override.
    pub stages: Vec<Stage>,
    /// The sign-off major information needs after the last stage.
    pub signoff: Stage,
    pub gates: Vec<Gate>,
    /// How long a claim holds without a decision.
    pub claim_minutes: u32,
    /// Working days each stage has from the moment it is reached.
    pub stage_workdays: u32,
}

fn stage(code: &str, label: &str, role: Role) -> Stage {
    Stage {
        code: code.into(),
        label: label.into(),
        role,
    }
}

/// The six gates (六关).
pub fn six_gates() -> Vec<Gate> {
    [
        ("political", "政治关"),
        ("legal", "法律关"),
        ("policy", "政策关"),
        ("secrecy", "保密关"),
        ("wording", "文字关"),
        ("imagery", "影像关"),
    ]
    .into_iter()
    .map(|(code, label)| Gate {
        code: code.into(),
        label: label.into(),
    })
    .collect()
}

impl Default for ReviewChain {
    /// 初审 (审核员) → 复审 (审核员) → 终审 (单位负责人); major
    /// information then goes to the principal leader.
    fn default() -> Self {
        ReviewChain {
            stages: vec![
                stage(FIRST_REVIEW, "初审", Role::Reviewer),
                stage(SECOND_REVIEW, "复审", Role::Reviewer),
                stage(FINAL_REVIEW, "终审", Role::OrgLeader),
            ],
            signoff: stage(PRINCIPAL_SIGNOFF, "主要领导审定", Role::PrincipalLeader),
            gates: six_gates(),
            claim_minutes: 30,
            stage_workdays: 1,
        }
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl ReviewChain {
    /// The stages an item of this importance passes, in order.
    pub fn stages_for(&self, major: bool) -> Vec<&Stage> {
        let mut s: Vec<&Stage> = self.stages.iter().collect();
        if major {
            s.push(&self.signoff);
        }
        s
    }

    /// Index of the final review (终审) among the stages: the last
    /// ordinary stage.
    pub fn final_index(&self) -> usize {
        self.stages.len().saturating_sub(1)
    }

    pub fn gate(&self, code: &str) -> Option<&Gate> {
        self.gates.iter().find(|g| g.code == code)
    }

    /// Checks a chain an admin submits: at least one stage, distinct
    /// codes, gates with codes, sane times.
    pub fn validate(&self) -> Result<(), RuleError> {
        let bad = |m: &str| Err(RuleError::invalid("invalid_chain", m.to_string()));
        if self.stages.is_empty() || self.stages.len() > 8 {
            return bad("审核流程须有 1 至 8 个审核环节");
        }
        if self.gates.is_empty() || self.gates.len() > 20 {
            return bad("审核须包含 1 至 20 个把关项");
        }
        let mut codes: Vec<&str> = self
            .stages_for(true)
            .iter()
            .map(|s| s.code.as_str())
            .collect();
        for s in self.stages_for(true) {
            if !is_code(&s.code) || s.label.trim().is_empty() || s.label.chars().count() > 20 {
                return bad("每个审核环节须有代码（小写字母、数字、下划线）和不超过 20 字的名称");
            }
            if matches!(s.role, Role::Vendor | Role::Inspector) {
                return bad("外包运维和检查员不能担任审核环节");
            }
        }
        codes.sort_unstable();
        if codes.windows(2).any(|w| w[0] == w[1]) {
            return bad("审核环节的代码不能重复");
        }
        let mut gates: Vec<&str> = self.gates.iter().map(|g| g.code.as_str()).collect();
        for g in &self.gates {
            if !is_code(&g.code) || g.label.trim().is_empty() || g.label.chars().count() > 20 {
                return bad("每个把关项须有代码（小写字母、数字、下划线）和不超过 20 字的名称");
            }
        }
        gates.sort_unstable();
        if gates.windows(2).any(|w| w[0] == w[1]) {
            return bad("把关项的代码不能重复");
        }
        if !(5..=24 * 60).contains(&self.claim_minutes) {
            return bad("认领时限须在 5 分钟至 24 小时之间");
        }
        if !(1..=30).contains(&self.stage_workdays) {
            return bad("每个环节的办理时限须在 1 至 30 个工作日之间");
        }
        Ok(())
    }
}

/// The chain that applies at `path`: the deepest org on the path with
/// its own chain (`chains`: (org path, chain)), else the default.
pub fn resolve_chain<'a>(
    chains: &'a [(String, ReviewChain)],
    path: &str,
    default: &'a ReviewChain,
) -> &'a ReviewChain {
    chains
        .iter()
        .filter(|(p, _)| path.starts_with(p.as_str()))
        .max_by_key(|(p, _)| p.len())
        .map(|(_, c)| c)
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_chain_is_three_stages_and_six_gates() {
        let c = ReviewChain::default();
        c.validate().unwrap();
        let codes: Vec<&str> = c
            .stages_for(false)
            .iter()
            .map(|s| s.code.as_str())
            .collect();
        assert_eq!(codes, [FIRST_REVIEW, SECOND_REVIEW, FINAL_REVIEW]);
        assert_eq!(c.stages_for(true).len(), 4);
        assert_eq!(c.stages_for(true)[3].role, Role::PrincipalLeader);
        assert_eq!(c.gates.len(), 6);
        assert_eq!(c.final_index(), 2);
    }

    #[test]
    fn bad_chains_are_refused() {
        let mut c = ReviewChain::default();
        c.stages.clear();
        assert_eq!(c.validate().unwrap_err().code(), "invalid_chain");
        let mut c = ReviewChain::default();
        c.stages[1].code = FIRST_REVIEW.into();
        assert!(c.validate().is_err());
        let mut c = ReviewChain::default();
        c.gates[0].code = "Bad Code".into();
        assert!(c.validate().is_err());
        let mut c = ReviewChain::default();
        c.stages[0].role = Role::Vendor;
        assert!(c.validate().is_err());
        let c = ReviewChain {
            claim_minutes: 0,
            ..Default::default()
        };
        assert!(c.validate().is_err());
        let mut c = ReviewChain::default();
        c.gates.push(Gate {
            code: "opinion".into(),
            label: "舆情关".into(),
        });
        c.validate().unwrap();
    }

    #[test]
    fn the_deepest_chain_on_the_path_applies() {
        let d = ReviewChain::default();
        let city = ReviewChain {
            stage_workdays: 2,
            ..Default::default()
        };
        let county = ReviewChain {
            stage_workdays: 3,
            ..Default::default()
        };
        let chains = vec![("/1/2/".to_string(), city), ("/1/2/7/".to_string(), county)];
        assert_eq!(resolve_chain(&chains, "/1/2/7/", &d).stage_workdays, 3);
        assert_eq!(resolve_chain(&chains, "/1/2/8/", &d).stage_workdays, 2);
        assert_eq!(resolve_chain(&chains, "/1/3/", &d).stage_workdays, 1);
    }
}
