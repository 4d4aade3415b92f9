//! The org tree as pages and the API show it.

use govmedia_store::orgs::OrgRecord;

/// Orgs as (id, indented name) options for selects, in tree order.
pub fn org_options(orgs: &[OrgRecord]) -> Vec<(i64, String)> {
    let base = orgs.iter().map(|o| o.depth()).min().unwrap_or(0);
    orgs.iter()
        .map(|o| {
            let indent = "\u{3000}".repeat(o.depth().saturating_sub(base));
            (o.id.0, format!("{indent}{}", o.name))
        })
        .collect()
}

/// Sorts orgs into a depth-first walk (parents before children, siblings
/// by sort order), whatever order they came in.
pub fn tree_order(mut orgs: Vec<OrgRecord>) -> Vec<OrgRecord> {
    use std::collections::HashMap;
    let ids: std::collections::HashSet<i64> = orgs.iter().map(|o| o.id.0).collect();
    let mut children: HashMap<i64, Vec<OrgRecord>> = HashMap::new();
    orgs.sort_by_key(|o| (o.sort_order, o.id.0));
    for o in orgs {
        // Orgs whose parent is out of view become roots of the view.
        let key = match o.parent_id {
            Some(p) if ids.contains(&p.0) => p.0,
            _ => 0,
        };
        children.entry(key).or_default().push(o);
    }
    let mut out = Vec::new();
    fn walk(key: i64, children: &mut HashMap<i64, Vec<OrgRecord>>, out: &mut Vec<OrgRecord>) {
        if let Some(list) = children.remove(&key) {
            for o in list {
                let id = o.id.0;
                out.push(o);
                walk(id, children, out);
            }
        }
    }
    walk(0, &mut children, &mut out);
    out
}
