//! Turns a data scope into a SQL condition on an org's id and path.

use crate::sql::{Sql, like_escape};
use govmedia_domain::auth::{Scope, ScopeRule};

/// Appends ` AND (<condition>)` limiting rows to `scope`, where `id_col` and
/// `path_col` name the org id and org path columns of the row's org.
/// A denied scope appends a condition that matches nothing.
pub fn push_scope(sql: &mut Sql, scope: &Scope, id_col: &str, path_col: &str) {
    let within = match scope {
        Scope::Denied => {
            sql.push(" AND 1 = 0");
            return;
        }
        Scope::All { within } | Scope::Rules { within, .. } => within,
    };
    if let Some(w) = within {
        sql.push(&format!(" AND {path_col} LIKE "));
        sql.bind(format!("{}%", like_escape(w)));
        sql.push(" ESCAPE '\\'");
    }
    if let Scope::Rules { rules, .. } = scope {
        sql.push(" AND (");
        for (i, r) in rules.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            match r {
                ScopeRule::Org(id) => {
                    sql.push(&format!("{id_col} = "));
                    sql.bind(id.0);
                }
                ScopeRule::Subtree(p) => {
                    sql.push(&format!("{path_col} LIKE "));
                    sql.bind(format!("{}%", like_escape(p)));
                    sql.push(" ESCAPE '\\'");
                }
            }
        }
        sql.push(")");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govmedia_domain::OrgId;

    #[test]
    fn rules_become_or() {
        let mut s = Sql::new("SELECT 1 WHERE 1 = 1");
        push_scope(
            &mut s,
            &Scope::Rules {
                rules: vec![ScopeRule::Org(OrgId(3)), ScopeRule::Subtree("/1/5/".into())],
                within: None,
            },
            "o.id",
            "o.path",
        );
        assert_eq!(
            s.text,
            "SELECT 1 WHERE 1 = 1 AND (o.id = $1 OR o.path LIKE $2 ESCAPE '\\')"
        );
    }

    #[test]
    fn denied_matches_nothing() {
        let mut s = Sql::new("x");
        push_scope(&mut s, &Scope::Denied, "a", "b");
        assert!(s.text.ends_with("1 = 0"));
    }
}
