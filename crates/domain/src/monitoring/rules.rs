//! The thresholds of monitoring as rules, not constants: defaults from the
//! regulation (article 10: no update in two weeks is a zombie; article 13:
//! at least two updates a week), overridable per org subtree and inherited
//! down the tree, field by field (the deepest org that sets a field wins).

use chrono::Weekday;
use serde::{Deserialize, Serialize};

/// The thresholds one account is measured with (the configured defaults
/// are read into this, every field optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonitoringRules {
    /// A zombie has no post on any of this many calendar days up to D.
    pub zombie_days: u32,
    /// Posts a complete ISO week must have (article 13: 2).
    pub weekly_min: u32,
    /// Whether reposts count towards updates (originals always do).
    pub count_reposts: bool,
    /// A message received on day R is due by the end of the N-th working
    /// day after R.
    pub reply_workdays: u32,
    /// Early warning 即将成为僵尸号 after this many days without a post.
    pub warn_zombie_days: u32,
    /// Early warning 本周更新不足 from this weekday on.
    #[serde(with = "weekday_code")]
    pub warn_weekday: Weekday,
    /// A reply shorter than this many characters is low quality.
    pub min_reply_chars: u32,
    /// A reply text used more often than this in a period is a template.
    pub max_same_reply: u32,
}

impl Default for MonitoringRules {
    fn default() -> Self {
        MonitoringRules {
            zombie_days: 14,
            weekly_min: 2,
            count_reposts: true,
            reply_workdays: 5,
            warn_zombie_days: 10,
            warn_weekday: Weekday::Thu,
            min_reply_chars: 10,
            max_same_reply: 3,
        }
    }
}

/// What one org sets for its subtree; unset fields are inherited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    pub zombie_days: Option<u32>,
    pub weekly_min: Option<u32>,
    pub count_reposts: Option<bool>,
    pub reply_workdays: Option<u32>,
    pub warn_zombie_days: Option<u32>,
    #[serde(default, with = "weekday_code_opt")]
    pub warn_weekday: Option<Weekday>,
    pub min_reply_chars: Option<u32>,
    pub max_same_reply: Option<u32>,
}

/// Where the value of each field came from: the org path that set it, or
/// `None` for the configured default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppliedRules {
    pub rules: MonitoringRules,
    /// The org paths whose overrides applied, shallowest first.
    pub from: Vec<String>,
}

impl RuleOverride {
    /// Refuses values no jurisdiction could mean.
    pub fn validate(&self) -> Result<(), String> {
        let check = |name: &str, v: Option<u32>, lo: u32, hi: u32| match v {
            Some(x) if x < lo || x > hi => Err(format!("{name} 须在 {lo}–{hi} 之间")),
            _ => Ok(()),
        };
        check("zombie_days", self.zombie_days, 1, 366)?;
        check("weekly_min", self.weekly_min, 0, 100)?;
        check("reply_workdays", self.reply_workdays, 1, 60)?;
        check("warn_zombie_days", self.warn_zombie_days, 1, 366)?;
        check("min_reply_chars", self.min_reply_chars, 0, 1000)?;
        check("max_same_reply", self.max_same_reply, 1, 10_000)?;
        Ok(())
    }

    fn apply(&self, r: &mut MonitoringRules) {
        if let Some(v) = self.zombie_days {
            r.zombie_days = v;
        }
        if let Some(v) = self.weekly_min {
            r.weekly_min = v;
        }
        if let Some(v) = self.count_reposts {
            r.count_reposts = v;
        }
        if let Some(v) = self.reply_workdays {
            r.reply_workdays = v;
        }
        if let Some(v) = self.warn_zombie_days {
            r.warn_zombie_days = v;
        }
        if let Some(v) = self.warn_weekday {
            r.warn_weekday = v;
        }
        if let Some(v) = self.min_reply_chars {
            r.min_reply_chars = v;
        }
        if let Some(v) = self.max_same_reply {
            r.max_same_reply = v;
        }
    }
}

/// The rules for an account whose host org has path `org_path`: the
/// defaults, then every override set on an ancestor (or the org itself),
/// shallowest first, so the nearest one wins. Org paths are the
/// materialized `/1/4/9/` paths of the org tree: an override on `/1/4/`
/// applies to `/1/4/9/` and not to its sibling `/1/5/`.
pub fn resolve(
    defaults: &MonitoringRules,
    overrides: &[(String, RuleOverride)],
    org_path: &str,
) -> AppliedRules {
    let mut mine: Vec<&(String, RuleOverride)> = overrides
        .iter()
        .filter(|(p, _)| org_path.starts_with(p.as_str()))
        .collect();
    mine.sort_by_key(|(p, _)| p.len());
    let mut rules = defaults.clone();
    for (_, o) in &mine {
        o.apply(&mut rules);
    }
    AppliedRules {
        rules,
        from: mine.into_iter().map(|(p, _)| p.clone()).collect(),
    }
}

pub fn weekday_from_code(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

pub fn weekday_code(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

mod weekday_code {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(d: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(super::weekday_code(*d))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let v = String::deserialize(d)?;
        super::weekday_from_code(&v)
            .ok_or_else(|| serde::de::Error::custom("weekday must be mon…sun"))
    }
}

mod weekday_code_opt {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(d: &Option<Weekday>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(super::weekday_code(*d)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Weekday>, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        match v {
            None => Ok(None),
            Some(s) => super::weekday_from_code(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("weekday must be mon…sun")),
        }
    }
}
