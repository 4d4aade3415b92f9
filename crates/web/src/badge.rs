//! The one status badge: a Chinese label coloured by meaning — grey for a
//! draft, amber for something pending, green for done, red for refused,
//! returned, overdue or closed. The code stays in the tooltip for support.

use govmedia_domain::account::AccountStatus;
use govmedia_domain::filing::{State, TargetStatus};
use std::fmt;

/// What a status means to the reader, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Draft,
    Pending,
    Done,
    Refused,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Draft => "draft",
            Tone::Pending => "pending",
            Tone::Done => "done",
            Tone::Refused => "refused",
        }
    }
}

/// A status as shown: `{{ badge|safe }}` in a template (labels and codes
/// are our own static strings, never user input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Badge {
    pub tone: Tone,
    pub label: &'static str,
    pub code: &'static str,
}

impl fmt::Display for Badge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            r#"<span class="badge {}" title="{}">{}</span>"#,
            self.tone.class(),
            self.code,
            self.label
        )
    }
}

pub fn account_status(s: AccountStatus) -> Badge {
    let tone = match s {
        AccountStatus::Opening | AccountStatus::Suspended => Tone::Pending,
        AccountStatus::Active => Tone::Done,
        AccountStatus::Closed => Tone::Refused,
    };
    Badge {
        tone,
        label: s.label(),
        code: s.code(),
    }
}

pub fn filing_state(s: State) -> Badge {
    let tone = match s {
        State::Accepted => Tone::Done,
        State::Rejected | State::Returned => Tone::Refused,
        State::Withdrawn => Tone::Draft,
        _ => Tone::Pending,
    };
    Badge {
        tone,
        label: s.label(),
        code: s.code(),
    }
}

pub fn target_status(s: TargetStatus) -> Badge {
    let tone = match s {
        TargetStatus::Pending => Tone::Pending,
        TargetStatus::Accepted => Tone::Done,
        TargetStatus::Returned => Tone::Refused,
    };
    Badge {
        tone,
        label: s.label(),
        code: s.code(),
    }
}

/// A user's sign-in state.
pub fn user_state(disabled: bool, locked: bool) -> Badge {
    match (disabled, locked) {
        (true, _) => Badge {
            tone: Tone::Draft,
            label: "已停用",
            code: "disabled",
        },
        (false, true) => Badge {
            tone: Tone::Refused,
            label: "已锁定",
            code: "locked",
        },
        (false, false) => Badge {
            tone: Tone::Done,
            label: "正常",
            code: "active",
        },
    }
}

/// An overdue deadline.
pub const OVERDUE: Badge = Badge {
    tone: Tone::Refused,
    label: "已逾期",
    code: "overdue",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_a_meaningful_colour() {
        assert_eq!(filing_state(State::Applied).tone, Tone::Pending);
        assert_eq!(filing_state(State::Returned).tone, Tone::Refused);
        assert_eq!(filing_state(State::Rejected).tone, Tone::Refused);
        assert_eq!(filing_state(State::Accepted).tone, Tone::Done);
        assert_eq!(account_status(AccountStatus::Closed).tone, Tone::Refused);
        assert_eq!(account_status(AccountStatus::Active).tone, Tone::Done);
        assert_eq!(
            account_status(AccountStatus::Active).to_string(),
            r#"<span class="badge done" title="active">运营中</span>"#
        );
    }
}
