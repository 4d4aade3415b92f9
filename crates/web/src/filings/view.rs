//! What the filing pages and other features show of a workflow.

use chrono::NaiveDate;
use govmedia_domain::calendar::Calendar;
use govmedia_domain::filing::{Filing, State as WfState, Urgency, urgency};

/// Due-date text and urgency class of a workflow whose filing is pending.
pub fn due_info(cal: &Calendar, today: NaiveDate, w: &Filing) -> (String, Urgency) {
    if let Some(y) = w.deadline_waits_for(cal) {
        return (format!("待定（缺少{y}年日历）"), Urgency::Normal);
    }
    match w.due_date() {
        Some(due) if w.filing_pending() => {
            let u = urgency(cal, today, due);
            let text = match u {
                Urgency::Overdue => format!("{due}（已逾期）"),
                Urgency::DueSoon => format!("{due}（即将到期）"),
                Urgency::Normal => due.to_string(),
            };
            (text, u)
        }
        Some(due) if w.state == WfState::Filed || w.state == WfState::Accepted => {
            (format!("{due}（已报送）"), Urgency::Normal)
        }
        _ => (String::new(), Urgency::Normal),
    }
}
