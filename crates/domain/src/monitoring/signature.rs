//! Batches carried across a one-way gateway (网闸) are signed by the
//! collector with HMAC-SHA256 over the file's bytes; the signature file
//! beside the batch holds the lowercase hex digest. A batch with a bad or
//! missing signature is refused whole.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// HMAC takes a key of any length; `None` cannot happen.
fn mac(key: &[u8], data: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(key).ok()?;
    mac.update(data);
    Some(mac)
}

/// The hex signature of `data` under `key`.
pub fn sign(key: &[u8], data: &[u8]) -> String {
    let Some(mac) = mac(key, data) else {
        return String::new();
    };
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// Whether `signature` (hex, surrounding whitespace ignored) is the
/// signature of `data` under `key`; compared in constant time.
pub fn verify(key: &[u8], data: &[u8], signature: &str) -> bool {
    let Some(sig) = unhex(signature) else {
        return false;
    };
    mac(key, data).is_some_and(|m| m.verify_slice(&sig).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_changed_byte_or_key_fails() {
        let s = sign(b"k", b"line\n");
        assert!(verify(b"k", b"line\n", &format!("{s}\n")));
        assert!(!verify(b"k", b"line \n", &s));
        assert!(!verify(b"k2", b"line\n", &s));
        assert!(!verify(b"k", b"line\n", "zz"));
        assert!(!verify(b"k", b"line\n", ""));
        assert!(!verify(b"k", b"line\n", "中文"));
    }
}
