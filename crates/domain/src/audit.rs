//! The audit hash chain: each entry carries the hash of the one before, so
//! editing or deleting a row breaks the chain at that row.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Hash that the first entry of an empty log links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "成功",
            Outcome::Failure => "失败",
            Outcome::Denied => "拒绝",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        [Outcome::Success, Outcome::Failure, Outcome::Denied]
            .into_iter()
            .find(|o| o.code() == s)
    }
}

/// The fields of one audit entry that the hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFields<'a> {
    pub id: i64,
    pub at_ms: i64,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub org_id: Option<i64>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub outcome: &'a str,
    pub ip: &'a str,
    pub detail: &'a str,
}

/// SHA-256 over the previous hash and every field, each length-prefixed so
/// that no two different entries serialize alike.
pub fn entry_hash(prev_hash: &str, f: &AuditFields<'_>) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    put(prev_hash);
    put(&f.id.to_string());
    put(&f.at_ms.to_string());
    put(&f.user_id.map(|v| v.to_string()).unwrap_or_default());
    put(f.username);
    put(&f.org_id.map(|v| v.to_string()).unwrap_or_default());
    put(f.action);
    put(f.target_type);
    put(f.target_id);
    put(f.outcome);
    put(f.ip);
    put(f.detail);
    hex(&h.finalize())
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// SHA-256 of a secret token, stored instead of the token itself.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Why a chain does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The row's stored hash does not match its contents.
    Altered { id: i64 },
    /// The row does not link to the row before it (a row was removed or
    /// the link was rewritten).
    Unlinked { id: i64, previous_id: Option<i64> },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: i64, action: &str) -> AuditFields<'_> {
        AuditFields {
            id,
            at_ms: 1,
            user_id: Some(1),
            username: "admin",
            org_id: None,
            action,
            target_type: "",
            target_id: "",
            outcome: "success",
            ip: "127.0.0.1",
            detail: "",
        }
    }

    #[test]
    fn hash_depends_on_every_field_and_the_link() {
        let a = entry_hash(GENESIS_HASH, &f(1, "login"));
        assert_eq!(a.len(), 64);
        assert_ne!(a, entry_hash(GENESIS_HASH, &f(1, "logout")));
        assert_ne!(a, entry_hash(&a, &f(1, "login")));
        assert_ne!(a, entry_hash(GENESIS_HASH, &f(2, "login")));
    }

    #[test]
    fn length_prefix_prevents_shifting() {
        let mut x = f(1, "ab");
        x.target_type = "c";
        let mut y = f(1, "a");
        y.target_type = "bc";
        assert_ne!(entry_hash(GENESIS_HASH, &x), entry_hash(GENESIS_HASH, &y));
    }
}
