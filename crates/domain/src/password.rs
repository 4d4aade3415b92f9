//! Password policy and login lockout (等保 level-3 habits). All thresholds
//! come from configuration; the defaults follow common assessment practice.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub min_classes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            min_classes: 3,
        }
    }
}

/// Longest password accepted, to bound hashing work.
pub const MAX_PASSWORD_LEN: usize = 128;

impl PasswordPolicy {
    /// Checks a new password; the error is a Chinese message for the user.
    pub fn check(&self, username: &str, password: &str) -> Result<(), String> {
        let len = password.chars().count();
        if len < self.min_length {
            return Err(format!("密码长度至少为{}位", self.min_length));
        }
        if len > MAX_PASSWORD_LEN {
            return Err(format!("密码长度不能超过{MAX_PASSWORD_LEN}位"));
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if classes < self.min_classes {
            return Err(format!(
                "密码须包含大写字母、小写字母、数字、特殊字符中的至少{}类",
                self.min_classes
            ));
        }
        if password.eq_ignore_ascii_case(username) {
            return Err("密码不能与用户名相同".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LockoutPolicy {
    /// Consecutive failures that lock the account.
    pub max_failures: i64,
    /// How long the lock lasts.
    pub lock_seconds: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_seconds: 600,
        }
    }
}

/// The failure counter and lock after one more failed login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureOutcome {
    pub failed_attempts: i64,
    pub locked_until: Option<i64>,
}

impl LockoutPolicy {
    pub fn is_locked(&self, locked_until: Option<i64>, now: i64) -> bool {
        locked_until.is_some_and(|t| t > now)
    }

    /// Applies one failure: when the count reaches the limit the account is
    /// locked and the counter starts again, so the next lock needs another
    /// full run of failures.
    pub fn on_failure(&self, failed_attempts: i64, now: i64) -> FailureOutcome {
        let n = failed_attempts + 1;
        if n >= self.max_failures {
            FailureOutcome {
                failed_attempts: 0,
                locked_until: Some(now + self.lock_seconds),
            }
        } else {
            FailureOutcome {
                failed_attempts: n,
                locked_until: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        let p = PasswordPolicy::default();
        assert!(p.check("bob", "short1A").is_err());
        assert!(p.check("bob", "alllowercase1").is_err());
        assert!(p.check("bob", "Lower-case1").is_ok());
        assert!(p.check("Abcdefg1!", "abcdefg1!").is_err());
        assert!(p.check("abcdefg1!X", "ABCDEFG1!x").is_err());
        assert!(p.check("bob", &"Aa1!".repeat(40)).is_err());
    }

    #[test]
    fn lockout_after_five() {
        let l = LockoutPolicy::default();
        let mut n = 0;
        for i in 0..4 {
            let o = l.on_failure(n, 100);
            assert_eq!(o.locked_until, None, "failure {i}");
            n = o.failed_attempts;
        }
        let o = l.on_failure(n, 100);
        assert_eq!(o.locked_until, Some(700));
        assert!(l.is_locked(o.locked_until, 699));
        assert!(!l.is_locked(o.locked_until, 700));
    }
}
