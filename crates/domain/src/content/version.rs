//! What a version of a content item is: everything that is published or
//! decides its review chain, and the hash that names it. Approvals are
//! given to a hash; any change to any of these fields is a new hash, so
//! it voids them.

use super::model::{ContentKind, Importance};
use crate::ids::AccountId;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The text for one platform when it differs from the main text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// Platform code.
    pub platform: String,
    pub title: String,
    pub body: String,
}

/// Everything a version holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionContent {
    pub title: String,
    /// Sanitized HTML.
    pub body: String,
    pub variants: Vec<Variant>,
    /// SHA-256 of each attachment, in order.
    pub attachments: Vec<String>,
    /// Target accounts, sorted.
    pub targets: Vec<AccountId>,
    pub importance: Importance,
    pub kind: ContentKind,
    pub source: String,
    pub source_url: String,
    pub disclosure: bool,
    pub disclosure_reason: String,
}

impl VersionContent {
    /// The version's hash: SHA-256 (hex) of a canonical JSON form with the
    /// targets sorted and the variants in platform order.
    pub fn hash(&self) -> String {
        let mut c = self.clone();
        c.targets.sort_unstable();
        c.targets.dedup();
        c.variants.sort_by(|a, b| a.platform.cmp(&b.platform));
        let json = serde_json::to_vec(&c).unwrap_or_default();
        let digest = Sha256::digest(&json);
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> VersionContent {
        VersionContent {
            title: "社保卡办理指南".into(),
            body: "<p>正文</p>".into(),
            variants: vec![],
            attachments: vec![],
            targets: vec![AccountId(2), AccountId(1)],
            importance: Importance::Normal,
            kind: ContentKind::Original,
            source: String::new(),
            source_url: String::new(),
            disclosure: false,
            disclosure_reason: String::new(),
        }
    }

    #[test]
    fn every_field_changes_the_hash_and_target_order_does_not() {
        let base = v().hash();
        assert_eq!(base.len(), 64);
        let mut same = v();
        same.targets.reverse();
        assert_eq!(same.hash(), base);
        type Edit = Box<dyn Fn(&mut VersionContent)>;
        let edits: Vec<Edit> = vec![
            Box::new(|c| c.title.push('！')),
            Box::new(|c| c.body.push('x')),
            Box::new(|c| {
                c.variants.push(Variant {
                    platform: "weibo".into(),
                    title: String::new(),
                    body: "短".into(),
                })
            }),
            Box::new(|c| c.attachments.push("ab".into())),
            Box::new(|c| c.targets.push(AccountId(3))),
            Box::new(|c| c.importance = Importance::Major),
            Box::new(|c| c.kind = ContentKind::Repost),
            Box::new(|c| c.source = "新华社".into()),
            Box::new(|c| c.source_url = "https://x".into()),
            Box::new(|c| c.disclosure = true),
        ];
        for e in edits {
            let mut c = v();
            e(&mut c);
            assert_ne!(c.hash(), base);
        }
    }
}
