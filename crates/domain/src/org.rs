//! The org tree: kinds, levels, materialized paths and the rule that finds
//! each org's supervising department.

use crate::error::ValidationErrors;
use crate::ids::OrgId;
use crate::text::{char_len, clean_line, has_control_chars};
use serde::{Deserialize, Serialize};

/// 行政机关 / 内设机构 / 事业单位.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Organ,
    Division,
    Institution,
}

impl OrgKind {
    pub const ALL: [OrgKind; 3] = [OrgKind::Organ, OrgKind::Division, OrgKind::Institution];
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Organ => "organ",
            OrgKind::Division => "division",
            OrgKind::Institution => "institution",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Organ => "行政机关",
            OrgKind::Division => "内设机构",
            OrgKind::Institution => "事业单位",
        }
    }
    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim() || k.label() == s.trim())
    }
}

/// Administrative level of an org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgLevel {
    Province,
    City,
    County,
}

impl OrgLevel {
    pub const ALL: [OrgLevel; 3] = [OrgLevel::Province, OrgLevel::City, OrgLevel::County];
    pub fn code(self) -> &'static str {
        match self {
            OrgLevel::Province => "province",
            OrgLevel::City => "city",
            OrgLevel::County => "county",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            OrgLevel::Province => "省级",
            OrgLevel::City => "市级",
            OrgLevel::County => "县级",
        }
    }
    pub fn parse(s: &str) -> Option<OrgLevel> {
        OrgLevel::ALL
            .into_iter()
            .find(|k| k.code() == s.trim() || k.label() == s.trim())
    }
}

/// Materialized path of an org: "/1/5/23/" lists the ids from the root down
/// to the org itself. A subtree query is a prefix match on it.
pub fn child_path(parent_path: Option<&str>, id: OrgId) -> String {
    match parent_path {
        Some(p) => format!("{p}{id}/"),
        None => format!("/{id}/"),
    }
}

/// Ids on a path, root first.
pub fn path_ids(path: &str) -> Vec<OrgId> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .map(OrgId)
        .collect()
}

/// True when `path` is `ancestor_path` itself or lies below it.
pub fn path_within(path: &str, ancestor_path: &str) -> bool {
    path.starts_with(ancestor_path)
}

/// What the supervising-department rule needs to know of an org.
#[derive(Debug, Clone)]
pub struct OrgDesignation {
    pub id: OrgId,
    pub supervising: bool,
}

/// The supervising department (宣传主管部门) of an org is the nearest org on
/// its path, the org itself included, that is designated as a supervising
/// department: a county bureau that is designated supervises itself and
/// everything below it; a division without designation is supervised by its
/// bureau; and so on up to the province bureau. `chain` is the org's path
/// from the root down to the org itself. None when nothing on the path is
/// designated.
pub fn supervising_department(chain: &[OrgDesignation]) -> Option<OrgId> {
    chain.iter().rev().find(|o| o.supervising).map(|o| o.id)
}

/// Validated fields of an org, parsed at the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInput {
    pub name: String,
    pub kind: OrgKind,
    pub level: OrgLevel,
    pub region: String,
    pub parent_id: Option<OrgId>,
    pub is_supervising: bool,
}

/// Raw form values of an org before validation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgForm {
    pub name: String,
    pub kind: String,
    pub level: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub is_supervising: Option<String>,
}

impl OrgForm {
    pub fn parse(&self) -> Result<OrgInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let name = match clean_line(&self.name) {
            Ok(n) => n,
            Err(_) => {
                errs.push("name", "invalid_characters", "单位名称含有不可见的控制字符");
                self.name.trim().to_string()
            }
        };
        if errs.for_field("name").is_some() {
        } else if name.is_empty() {
            errs.push("name", "name_required", "请填写单位名称");
        } else if char_len(&name) > 60 || has_control_chars(&name) {
            errs.push(
                "name",
                "name_invalid",
                "单位名称不超过60个字符，且不能含控制字符",
            );
        }
        let kind = OrgKind::parse(&self.kind);
        if kind.is_none() {
            errs.push("kind", "invalid_org_kind", "单位类型无效");
        }
        let level = OrgLevel::parse(&self.level);
        if level.is_none() {
            errs.push("level", "invalid_org_level", "单位层级无效");
        }
        let region = clean_line(&self.region).unwrap_or_else(|_| {
            errs.push(
                "region",
                "invalid_characters",
                "所在地区含有不可见的控制字符",
            );
            self.region.trim().to_string()
        });
        if errs.for_field("region").is_some() {
        } else if char_len(&region) > 30 {
            errs.push("region", "region_invalid", "所在地区不超过30个字符");
        }
        let parent_id = match self.parent_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => match s.parse::<i64>() {
                Ok(v) if v > 0 => Some(OrgId(v)),
                _ => {
                    errs.push("parent_id", "invalid_parent", "上级单位无效");
                    None
                }
            },
        };
        let is_supervising = matches!(self.is_supervising.as_deref(), Some("on" | "true" | "1"));
        match (kind, level) {
            (Some(kind), Some(level)) if errs.is_empty() => Ok(OrgInput {
                name,
                kind,
                level,
                region,
                parent_id,
                is_supervising,
            }),
            _ => Err(errs),
        }
    }
}

/// The region stem used by the naming heuristic: "南昌市" → "南昌",
/// "青山湖区" → "青山湖", "江西省" → "江西". Two-character names keep
/// their suffix ("安义县" → "安义", but "萍乡" stays).
pub fn region_stem(region: &str) -> &str {
    let r = region.trim();
    for suffix in ["自治县", "新区", "省", "市", "县", "区"] {
        if let Some(stem) = r.strip_suffix(suffix)
            && char_len(stem) >= 2
        {
            return stem;
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(id: i64, supervising: bool) -> OrgDesignation {
        OrgDesignation {
            id: OrgId(id),
            supervising,
        }
    }

    #[test]
    fn nearest_designated_wins() {
        assert_eq!(
            supervising_department(&[d(1, true), d(5, true), d(23, false)]),
            Some(OrgId(5))
        );
        assert_eq!(
            supervising_department(&[d(1, true), d(5, false)]),
            Some(OrgId(1))
        );
        assert_eq!(supervising_department(&[d(1, true)]), Some(OrgId(1)));
        assert_eq!(supervising_department(&[d(1, false)]), None);
    }

    #[test]
    fn paths() {
        let p = child_path(None, OrgId(1));
        let c = child_path(Some(&p), OrgId(15));
        assert_eq!(c, "/1/15/");
        assert_eq!(path_ids(&c), vec![OrgId(1), OrgId(15)]);
        assert!(path_within(&c, &p));
        assert!(!path_within("/1/150/", "/1/15/"));
    }

    #[test]
    fn stems() {
        assert_eq!(region_stem("南昌市"), "南昌");
        assert_eq!(region_stem("青山湖区"), "青山湖");
        assert_eq!(region_stem("江西省"), "江西");
        assert_eq!(region_stem("萍乡"), "萍乡");
        assert_eq!(region_stem("安义县"), "安义");
    }

    #[test]
    fn org_form_errors_are_per_field() {
        let f = OrgForm {
            name: " ".into(),
            kind: "bank".into(),
            level: "city".into(),
            ..Default::default()
        };
        let e = f.parse().unwrap_err();
        assert!(e.for_field("name").is_some());
        assert!(e.for_field("kind").is_some());
        assert!(e.for_field("level").is_none());
    }
}
