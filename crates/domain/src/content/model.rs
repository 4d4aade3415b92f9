//! The states and kinds of a content item (稿件), each with its stable
//! code (API, database) and its Chinese label (pages).

use serde::{Deserialize, Serialize};

/// Where a content item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentState {
    /// Being written; nobody reviews it yet.
    Draft,
    /// Submitted: waiting at its current stage.
    InReview,
    /// Sent back to its author with a reason.
    Returned,
    /// Every stage approved the current version: may be published.
    Approved,
    /// Published on at least one target account.
    Published,
    /// Its planned publication time passed before it was approved.
    Expired,
    /// Withdrawn by its author before the final approval.
    Withdrawn,
}

impl ContentState {
    pub const ALL: [ContentState; 7] = [
        ContentState::Draft,
        ContentState::InReview,
        ContentState::Returned,
        ContentState::Approved,
        ContentState::Published,
        ContentState::Expired,
        ContentState::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ContentState::Draft => "draft",
            ContentState::InReview => "in_review",
            ContentState::Returned => "returned",
            ContentState::Approved => "approved",
            ContentState::Published => "published",
            ContentState::Expired => "expired",
            ContentState::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContentState::Draft => "草稿",
            ContentState::InReview => "审核中",
            ContentState::Returned => "已退回",
            ContentState::Approved => "已审定",
            ContentState::Published => "已发布",
            ContentState::Expired => "已过期",
            ContentState::Withdrawn => "已撤回",
        }
    }

    pub fn parse(s: &str) -> Option<ContentState> {
        ContentState::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The author may still change the text: a draft, a returned item,
    /// or one in review (the edit restarts the chain: 重审).
    pub fn editable(self) -> bool {
        matches!(
            self,
            ContentState::Draft | ContentState::Returned | ContentState::InReview
        )
    }
}

/// 一般 or 重大信息 (needs the principal leader's sign-off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    #[default]
    Normal,
    Major,
}

impl Importance {
    pub const ALL: [Importance; 2] = [Importance::Normal, Importance::Major];

    pub fn code(self) -> &'static str {
        match self {
            Importance::Normal => "normal",
            Importance::Major => "major",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Importance::Normal => "一般信息",
            Importance::Major => "重大信息",
        }
    }

    pub fn parse(s: &str) -> Option<Importance> {
        Importance::ALL
            .into_iter()
            .find(|x| x.code() == s.trim() || x.label() == s.trim())
    }
}

/// 原创 or 转载 (a repost names its source unit and URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    #[default]
    Original,
    Repost,
}

impl ContentKind {
    pub const ALL: [ContentKind; 2] = [ContentKind::Original, ContentKind::Repost];

    pub fn code(self) -> &'static str {
        match self {
            ContentKind::Original => "original",
            ContentKind::Repost => "repost",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContentKind::Original => "原创",
            ContentKind::Repost => "转载",
        }
    }

    pub fn parse(s: &str) -> Option<ContentKind> {
        ContentKind::ALL
            .into_iter()
            .find(|x| x.code() == s.trim() || x.label() == s.trim())
    }
}

/// approve or return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Return,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Return => "return",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Approve => "通过",
            Verdict::Return => "退回",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        [Verdict::Approve, Verdict::Return]
            .into_iter()
            .find(|x| x.code() == s.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_labels_are_chinese() {
        for s in ContentState::ALL {
            assert_eq!(ContentState::parse(s.code()), Some(s));
            assert!(!s.label().is_ascii());
        }
        for i in Importance::ALL {
            assert_eq!(Importance::parse(i.code()), Some(i));
            assert_eq!(Importance::parse(i.label()), Some(i));
        }
        for k in ContentKind::ALL {
            assert_eq!(ContentKind::parse(k.code()), Some(k));
        }
        assert_eq!(Verdict::parse("return"), Some(Verdict::Return));
        assert_eq!(Verdict::parse("ok"), None);
    }
}
