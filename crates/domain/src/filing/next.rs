//! Who acts next on a filing, in words an officer reads at the top of its
//! page: 下一步：由XX办理.

use super::model::{FilingKind, State, TargetStatus};
use super::record::{Filing, FilingTarget};

/// The next step of `w`, or `None` once it is over.
pub fn next_step(w: &Filing, targets: &[FilingTarget]) -> Option<String> {
    let host = &w.host_org_name;
    let closes = matches!(w.kind, FilingKind::Close | FilingKind::Merge);
    Some(match w.state {
        State::Applied => format!("下一步：由{host}单位负责人审批"),
        State::Approved if closes => format!("下一步：由{host}发布关停（整合）公告"),
        State::Approved => format!("下一步：由{host}在平台开通账号后登记开通"),
        State::Announced => format!("下一步：公告期满后由{host}在平台注销账号"),
        State::Opened | State::Recorded | State::Deregistered => {
            format!("下一步：由{host}报送备案")
        }
        State::Returned => format!("下一步：由{host}按退回意见补正后重新报送备案"),
        State::Filed => {
            let waiting: Vec<&str> = targets
                .iter()
                .filter(|t| t.status == TargetStatus::Pending)
                .map(|t| t.org_name.as_str())
                .collect();
            if waiting.is_empty() {
                "下一步：等待接收备案".to_string()
            } else {
                format!("下一步：由{}接收备案", waiting.join("、"))
            }
        }
        State::Rejected | State::Accepted | State::Withdrawn => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OrgId;

    fn target(name: &str, status: TargetStatus) -> FilingTarget {
        FilingTarget {
            org_id: OrgId(1),
            org_name: name.into(),
            status,
            acted_by: String::new(),
            acted_at: None,
            reason: String::new(),
        }
    }

    #[test]
    fn says_who_acts_next() {
        let mut w = crate::filing::record::sample_filing(FilingKind::Open, State::Applied);
        w.host_org_name = "南昌市人力资源和社会保障局".into();
        assert_eq!(
            next_step(&w, &[]).as_deref(),
            Some("下一步：由南昌市人力资源和社会保障局单位负责人审批")
        );
        w.state = State::Filed;
        let t = [
            target("南昌市人社局宣传科", TargetStatus::Accepted),
            target("江西省人社宣传中心", TargetStatus::Pending),
        ];
        assert_eq!(
            next_step(&w, &t).as_deref(),
            Some("下一步：由江西省人社宣传中心接收备案")
        );
        w.state = State::Accepted;
        assert_eq!(next_step(&w, &t), None);
    }
}
