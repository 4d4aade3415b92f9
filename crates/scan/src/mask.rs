//! De-identification (去标识化): personal data replaced in place, everything
//! else kept byte for byte. Defaults follow published practice: mobile
//! `138****1234`, ID `35*************123`, bank card all but the last 4
//! digits, e-mail `z***@example.com`, landline all but the last 4 digits,
//! passport all but the first letter and last 2 digits.

use crate::pii::{detect, is_alnum_char, is_digit_char};

/// Masks the digits of `s` outside the first `keep_head` and last
/// `keep_tail` digits; separators and other characters stay.
fn mask_digits(s: &str, keep_head: usize, keep_tail: usize) -> String {
    let total = s.chars().filter(|c| is_alnum_char(*c)).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if is_alnum_char(c) {
                seen += 1;
                if seen <= keep_head || seen > total.saturating_sub(keep_tail) {
                    c
                } else {
                    '*'
                }
            } else {
                c
            }
        })
        .collect()
}

/// The masked form of `original`, detected as personal data of `subkind`.
pub fn mask_item(subkind: &str, original: &str) -> String {
    match subkind {
        "mobile" => {
            // Keep a country code, then 3 + 4 digits.
            let digits_start = original.find(is_digit_char).unwrap_or(0);
            let (prefix, number) = original.split_at(digits_start);
            let total = number.chars().filter(|c| is_digit_char(*c)).count();
            let cc = total.saturating_sub(11);
            format!("{prefix}{}", mask_digits(number, cc + 3, 4))
        }
        "id_card" => mask_digits(original, 2, 3),
        "bank_card" | "landline" => mask_digits(original, 0, 4),
        "email" => match original.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        },
        "passport" => mask_digits(original, 1, 2),
        _ => "*".repeat(original.chars().count()),
    }
}

/// Returns `text` with every detected personal datum masked.
pub fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in detect(text) {
        out.push_str(&text[last..m.start]);
        out.push_str(&mask_item(m.subkind, &text[m.start..m.end]));
        last = m.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_each_kind() {
        assert_eq!(mask("电话13812341234。"), "电话138****1234。");
        assert_eq!(mask("电话+86 138-1234-5678"), "电话+86 138-****-5678");
        assert_eq!(mask("身份证35012319900101123X"), "身份证35*************23X");
        assert_eq!(mask("卡 4111 1111 1111 1111"), "卡 **** **** **** 1111");
        assert_eq!(mask("邮箱zhang@example.com"), "邮箱z***@example.com");
        assert_eq!(mask("电话0791-86123456"), "电话****-****3456");
        assert_eq!(mask("没有个人信息"), "没有个人信息");
    }

    #[test]
    fn masks_full_width_digits() {
        assert_eq!(
            mask("电话１３８１２３４１２３４。"),
            "电话１３８****１２３４。"
        );
        assert_eq!(mask("手机１38１２３４１２３４"), "手机１38****１２３４");
    }
}
