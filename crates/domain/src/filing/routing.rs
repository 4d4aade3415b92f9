//! Where a filing goes, and who receives it.

use crate::auth::{Permission, Principal};
use crate::ids::OrgId;

/// What the routing rule needs to know of each org on the host's path.
#[derive(Debug, Clone)]
pub struct RouteNode {
    pub id: OrgId,
    pub level: crate::org::OrgLevel,
    pub supervising: bool,
}

/// Where a filing goes (articles 5 and 9): to the host org's supervising
/// department (nearest designated org on its path, itself included), and
/// also to the publicity center when the host is at province level (the
/// province bureau's divisions and affiliated units) or city level (a city
/// bureau's own 市本级 accounts). `chain` runs from the root to the host.
pub fn filing_targets(chain: &[RouteNode], publicity_center: Option<OrgId>) -> Vec<OrgId> {
    use crate::org::OrgLevel;
    let mut out = Vec::new();
    if let Some(s) = chain.iter().rev().find(|n| n.supervising) {
        out.push(s.id);
    }
    if let (Some(host), Some(center)) = (chain.last(), publicity_center)
        && matches!(host.level, OrgLevel::Province | OrgLevel::City)
        && !out.contains(&center)
    {
        out.push(center);
    }
    out
}

/// Orgs at which the principal receives filings: the anchor orgs of the
/// assignments that grant `filing:receive` (within an API token's subtree).
pub fn receiving_orgs(p: &Principal) -> Vec<OrgId> {
    p.assignments
        .iter()
        .filter(|a| a.role.permissions().contains(&Permission::FilingReceive))
        .filter(|a| {
            p.restrict_path
                .as_deref()
                .is_none_or(|r| a.org_path.starts_with(r))
        })
        .map(|a| a.org_id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing() {
        use crate::org::OrgLevel;
        let n = |id, level, supervising| RouteNode {
            id: OrgId(id),
            level,
            supervising,
        };
        let center = Some(OrgId(99));
        // A county bureau's account: its own publicity department only.
        let county = [
            n(1, OrgLevel::Province, true),
            n(5, OrgLevel::City, true),
            n(23, OrgLevel::County, true),
        ];
        assert_eq!(filing_targets(&county, center), vec![OrgId(23)]);
        // A city bureau's own account: the city bureau and the center.
        assert_eq!(
            filing_targets(&county[..2], center),
            vec![OrgId(5), OrgId(99)]
        );
        // A city-level institution: supervised by its bureau, plus the center.
        let inst = [
            n(1, OrgLevel::Province, true),
            n(5, OrgLevel::City, true),
            n(7, OrgLevel::City, false),
        ];
        assert_eq!(filing_targets(&inst, center), vec![OrgId(5), OrgId(99)]);
        // A province division: the province bureau and the center.
        assert_eq!(
            filing_targets(
                &[
                    n(1, OrgLevel::Province, true),
                    n(2, OrgLevel::Province, false)
                ],
                center
            ),
            vec![OrgId(1), OrgId(99)]
        );
        // Nothing designated, no center: nowhere to file.
        assert!(filing_targets(&[n(1, OrgLevel::County, false)], None).is_empty());
    }
}
