//! Random tokens and password hashing (argon2id).

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use govmedia_domain::audit::hex;

/// A random token of `bytes` bytes, hex encoded.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    hex(&buf)
}

/// A random password that satisfies the default policy.
pub fn random_password() -> String {
    let t = random_token(8);
    format!("Gm-{t}-x9")
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash that matches no password, used to spend the same time on
/// unknown usernames as on known ones.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0U9eKhvYxK1xXKvKzP6mJVFQ4pN8r7Zl0qjK0oVtQkQ"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash_password("Secret-123").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Secret-123", &h));
        assert!(!verify_password("Secret-124", &h));
        assert!(!verify_password("x", "garbage"));
        assert!(!verify_password("x", dummy_hash()));
    }

    #[test]
    fn random_password_meets_policy() {
        let p = random_password();
        assert!(
            govmedia_domain::password::PasswordPolicy::default()
                .check("admin", &p)
                .is_ok()
        );
    }
}
