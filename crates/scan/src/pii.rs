//! Personal-data detectors (article 14): ID numbers (GB 11643, with check
//! digit, region and birth date), mainland mobile numbers, landlines, bank
//! cards (Luhn), e-mail addresses and passports. Full-width forms
//! (１３８…, ＠) are read as their ASCII forms; a number inside a longer run
//! of digits or letters is never reported.

/// Every `subkind` [`detect`] reports.
pub const SUBKINDS: [&str; 6] = [
    "id_card",
    "mobile",
    "landline",
    "bank_card",
    "email",
    "passport",
];

/// One detected item: byte span in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PiiMatch {
    pub subkind: &'static str,
    pub start: usize,
    pub end: usize,
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Province-level region codes (first two digits of an ID number).
const REGIONS: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
];

fn valid_date(y: u32, m: u32, d: u32) -> bool {
    if !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    d <= days[(m - 1) as usize]
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |a, b| a * 10 + u32::from(b - b'0'))
}

/// An 18-character resident ID: region, real birth date, GB 11643 check.
pub fn valid_id18(d: &[u8]) -> bool {
    if d.len() != 18 || !d[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !REGIONS.contains(&(num(&d[..2]) as u8)) {
        return false;
    }
    let (y, m, day) = (num(&d[6..10]), num(&d[10..12]), num(&d[12..14]));
    if !(1900..=2100).contains(&y) || !valid_date(y, m, day) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = d[..17]
        .iter()
        .zip(W)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    d[17].to_ascii_uppercase() == check
}

/// A 15-digit ID of the old form: region, YYMMDD of the 1900s.
pub fn valid_id15(d: &[u8]) -> bool {
    d.len() == 15
        && d.iter().all(u8::is_ascii_digit)
        && REGIONS.contains(&(num(&d[..2]) as u8))
        && valid_date(1900 + num(&d[6..8]), num(&d[8..10]), num(&d[10..12]))
}

/// Mainland mobile numbers in the current ranges.
pub fn valid_mobile(d: &[u8]) -> bool {
    if d.len() != 11 || d[0] != b'1' || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (a, b) = (d[1] - b'0', d[2] - b'0');
    match a {
        3 | 8 => true,
        4 => matches!(b, 5..=9),
        5 => b != 4,
        6 => matches!(b, 2 | 5 | 6 | 7),
        7 => b <= 8,
        9 => b != 4,
        _ => false,
    }
}

pub fn luhn(d: &[u8]) -> bool {
    if !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut sum = 0u32;
    for (i, c) in d.iter().rev().enumerate() {
        let mut v = u32::from(c - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// A run of digit groups joined by single spaces or hyphens.
struct Run {
    start: usize,
    end: usize,
    /// (start, end) of each group.
    groups: Vec<(usize, usize)>,
}

fn read_run(b: &[u8], start: usize) -> Run {
    let mut groups = Vec::new();
    let mut i = start;
    loop {
        let g = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        // An ID may end in X.
        if i < b.len() && (b[i] == b'X' || b[i] == b'x') && i - g == 17 {
            i += 1;
        }
        groups.push((g, i));
        if i + 1 < b.len() && (b[i] == b' ' || b[i] == b'-') && b[i + 1].is_ascii_digit() {
            i += 1;
            continue;
        }
        break;
    }
    Run {
        start,
        end: i,
        groups,
    }
}

fn digits(b: &[u8], r: &Run) -> Vec<u8> {
    r.groups
        .iter()
        .flat_map(|&(s, e)| b[s..e].iter().copied())
        .collect()
}

/// Classifies a run of digits, whole.
fn classify(b: &[u8], groups: &[(usize, usize)]) -> Option<&'static str> {
    let d: Vec<u8> = groups
        .iter()
        .flat_map(|&(s, e)| b[s..e].iter().copied())
        .collect();
    let lens: Vec<usize> = groups.iter().map(|&(s, e)| e - s).collect();
    let sep = groups.len() > 1;
    if !sep {
        if d.len() == 18 && valid_id18(&d) {
            return Some("id_card");
        }
        if d.len() == 15 && valid_id15(&d) {
            return Some("id_card");
        }
        if valid_mobile(&d) {
            return Some("mobile");
        }
        if (16..=19).contains(&d.len()) && luhn(&d) {
            return Some("bank_card");
        }
        return None;
    }
    if lens == [3, 4, 4] && valid_mobile(&d) {
        return Some("mobile");
    }
    if (16..=19).contains(&d.len())
        && lens[..lens.len() - 1].iter().all(|l| *l == 4)
        && lens[lens.len() - 1] <= 4
        && luhn(&d)
    {
        return Some("bank_card");
    }
    let hyphen = b[groups[0].1] == b'-';
    if groups.len() == 2
        && hyphen
        && d[0] == b'0'
        && (3..=4).contains(&lens[0])
        && (7..=8).contains(&lens[1])
    {
        return Some("landline");
    }
    None
}

fn bounded(b: &[u8], start: usize, end: usize) -> bool {
    (start == 0 || !is_alnum(b[start - 1])) && (end >= b.len() || !is_alnum(b[end]))
}

/// Whether the full-width form U+FF01..=U+FF5E with UTF-8 bytes
/// `EF b1 b2` folds to an ASCII character the detectors read (letters,
/// digits and `@ ( ) + - . _ %`). Full-width commas, colons and the like
/// are boundaries either way, so they do not force a folded copy.
fn relevant_full_width(b1: u8, b2: u8) -> bool {
    let c = match (b1, b2) {
        (0xBC, 0x81..=0xBF) => u32::from(b2) - 0x80 + 0xFF00,
        (0xBD, 0x80..=0x9E) => u32::from(b2) - 0x80 + 0xFF40,
        _ => return false,
    };
    char::from_u32(c - 0xFEE0).is_some_and(|a| {
        a.is_ascii_alphanumeric() || matches!(a, '@' | '(' | ')' | '+' | '-' | '.' | '_' | '%')
    })
}

/// All personal data in `text`, in order, not overlapping.
pub fn detect(text: &str) -> Vec<PiiMatch> {
    // Full-width forms U+FF01..U+FF5E are EF BC 81..EF BD 9E in UTF-8.
    let b = text.as_bytes();
    let mut at = 0;
    let needs_folding = loop {
        match crate::bytes::find_byte(b, at, 0xEF) {
            None => break false,
            Some(i) => {
                if i + 2 < b.len() && relevant_full_width(b[i + 1], b[i + 2]) {
                    break true;
                }
                at = i + 1;
            }
        }
    };
    if !needs_folding {
        return detect_ascii(text);
    }
    // Fold full-width forms to ASCII (three bytes become one) and map
    // spans back: `folded_at` holds the folded offset of each folded form.
    let mut folded = String::with_capacity(text.len());
    let mut folded_at = Vec::new();
    let mut copied = 0;
    for (i, c) in text.char_indices() {
        if let '\u{FF01}'..='\u{FF5E}' = c {
            folded.push_str(&text[copied..i]);
            folded_at.push(folded.len());
            folded.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c));
            copied = i + c.len_utf8();
        }
    }
    folded.push_str(&text[copied..]);
    let original = |p: usize| p + 2 * folded_at.partition_point(|&f| f < p);
    detect_ascii(&folded)
        .into_iter()
        .map(|m| PiiMatch {
            start: original(m.start),
            end: original(m.end),
            ..m
        })
        .collect()
}

/// Digits and letters, ASCII or full-width.
pub(crate) fn is_alnum_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
}

/// Digits, ASCII or full-width.
pub(crate) fn is_digit_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '\u{FF10}'..='\u{FF19}')
}

fn detect_ascii(text: &str) -> Vec<PiiMatch> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c >= 0x80 {
            i = crate::bytes::next_ascii(b, i);
            continue;
        }
        if c == b'@' {
            if let Some(m) = email_at(b, i) {
                // Drop digit findings inside the address's local part.
                out.retain(|p: &PiiMatch| p.end <= m.start);
                i = m.end;
                out.push(m);
                continue;
            }
        } else if c == b'('
            && let Some(m) = paren_landline(text, i)
        {
            i = m.end;
            out.push(m);
            continue;
        } else if (c == b'E' || c == b'G')
            && (i == 0 || !is_alnum(b[i - 1]))
            && let Some(m) = passport(b, i)
        {
            i = m.end;
            out.push(m);
            continue;
        } else if c.is_ascii_digit() && (i == 0 || !is_alnum(b[i - 1])) {
            let run = read_run(b, i);
            i = run.end;
            if run.end < b.len() && is_alnum(b[run.end]) {
                continue;
            }
            // +86 / 86 country code before a mobile number.
            let d = digits(b, &run);
            if d.len() >= 13 && d.starts_with(b"86") {
                let rest = &run.groups;
                let tail: Vec<(usize, usize)> = if rest[0].1 - rest[0].0 == 2 {
                    rest[1..].to_vec()
                } else if rest.len() == 1 && rest[0].1 - rest[0].0 == 13 {
                    vec![(rest[0].0 + 2, rest[0].1)]
                } else {
                    Vec::new()
                };
                if !tail.is_empty() && classify(b, &tail) == Some("mobile") {
                    let start = if run.start > 0 && b[run.start - 1] == b'+' {
                        run.start - 1
                    } else {
                        run.start
                    };
                    out.push(PiiMatch {
                        subkind: "mobile",
                        start,
                        end: run.end,
                    });
                    continue;
                }
            }
            if let Some(k) = classify(b, &run.groups) {
                out.push(PiiMatch {
                    subkind: k,
                    start: run.start,
                    end: run.end,
                });
            } else if run.groups.len() > 1 {
                // Not one number: look at each group alone.
                for &(s, e) in &run.groups {
                    if let Some(k) = classify(b, &[(s, e)]) {
                        out.push(PiiMatch {
                            subkind: k,
                            start: s,
                            end: e,
                        });
                    }
                }
            }
            continue;
        }
        i += 1;
    }
    out
}

fn email_at(b: &[u8], at: usize) -> Option<PiiMatch> {
    let local_ok =
        |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let mut s = at;
    while s > 0 && local_ok(b[s - 1]) {
        s -= 1;
    }
    while s < at && b[s] == b'.' {
        s += 1;
    }
    if s == at {
        return None;
    }
    let mut e = at + 1;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'.' || b[e] == b'-') {
        e += 1;
    }
    while e > at + 1 && (b[e - 1] == b'.' || b[e - 1] == b'-') {
        e -= 1;
    }
    let domain = &b[at + 1..e];
    let dot = domain.iter().rposition(|c| *c == b'.')?;
    let tld = &domain[dot + 1..];
    if dot == 0 || tld.len() < 2 || !tld.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    Some(PiiMatch {
        subkind: "email",
        start: s,
        end: e,
    })
}

fn paren_landline(text: &str, i: usize) -> Option<PiiMatch> {
    // Full-width brackets were folded before this runs.
    let inner = &text[i + 1..];
    let area_len = inner.bytes().take_while(u8::is_ascii_digit).count();
    if !(3..=4).contains(&area_len) || !inner.starts_with('0') {
        return None;
    }
    let after = inner[area_len..].strip_prefix(')')?;
    let after_trim = after.trim_start_matches(' ');
    let num_len = after_trim.bytes().take_while(u8::is_ascii_digit).count();
    if !(7..=8).contains(&num_len) {
        return None;
    }
    let end = text.len() - after_trim.len() + num_len;
    let b = text.as_bytes();
    if end < b.len() && is_alnum(b[end]) {
        return None;
    }
    Some(PiiMatch {
        subkind: "landline",
        start: i,
        end,
    })
}

fn passport(b: &[u8], i: usize) -> Option<PiiMatch> {
    let rest = &b[i..];
    // E/G + 8 digits, or E + a capital letter + 7 digits.
    let ok = rest.len() >= 9
        && (rest[1].is_ascii_digit() || rest[1].is_ascii_uppercase())
        && rest[2..9].iter().all(u8::is_ascii_digit);
    if !ok {
        return None;
    }
    let end = i + 9;
    bounded(b, i, end).then_some(PiiMatch {
        subkind: "passport",
        start: i,
        end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(&'static str, &str)> {
        detect(t)
            .iter()
            .map(|m| {
                assert!(SUBKINDS.contains(&m.subkind), "{} not listed", m.subkind);
                (m.subkind, &t[m.start..m.end])
            })
            .collect()
    }

    #[test]
    fn ids() {
        assert!(valid_id18(b"11010519491231002X"));
        assert!(!valid_id18(b"110105194912310021"), "bad check digit");
        assert!(!valid_id18(b"11010519491331002X"), "month 13");
        assert!(!valid_id18(b"99010519491231002X"), "no such region");
        assert_eq!(
            kinds("身份证11010519491231002X。"),
            vec![("id_card", "11010519491231002X")]
        );
        assert_eq!(kinds("号码110105194912310021"), vec![]);
        assert_eq!(
            kinds("旧证110105491231002"),
            vec![("id_card", "110105491231002")]
        );
    }

    #[test]
    fn mobiles() {
        assert_eq!(kinds("电话13812345678"), vec![("mobile", "13812345678")]);
        assert_eq!(
            kinds("电话138-1234-5678"),
            vec![("mobile", "138-1234-5678")]
        );
        assert_eq!(
            kinds("电话138 1234 5678"),
            vec![("mobile", "138 1234 5678")]
        );
        assert_eq!(
            kinds("电话+86 138 1234 5678"),
            vec![("mobile", "+86 138 1234 5678")]
        );
        assert_eq!(
            kinds("电话+8613812345678"),
            vec![("mobile", "+8613812345678")]
        );
        assert_eq!(kinds("电话12812345678"), vec![]);
        assert_eq!(kinds("编号9913812345678"), vec![], "inside a longer run");
        assert_eq!(kinds("x13812345678y"), vec![]);
        assert_eq!(
            kinds("13812345678 13912345678"),
            vec![("mobile", "13812345678"), ("mobile", "13912345678")]
        );
    }

    #[test]
    fn cards_landlines_emails_passports() {
        assert_eq!(kinds("卡号6222021234567890120"), vec![], "fails Luhn");
        assert_eq!(
            kinds("卡号6222021234567890128"),
            vec![("bank_card", "6222021234567890128")]
        );
        assert_eq!(
            kinds("卡号4111 1111 1111 1111"),
            vec![("bank_card", "4111 1111 1111 1111")]
        );
        assert_eq!(
            kinds("卡号4111111111111111"),
            vec![("bank_card", "4111111111111111")]
        );
        assert_eq!(
            kinds("电话0791-86123456"),
            vec![("landline", "0791-86123456")]
        );
        assert_eq!(
            kinds("电话（0791）86123456"),
            vec![("landline", "（0791）86123456")]
        );
        assert_eq!(
            kinds("邮箱zhang.san@example.com。"),
            vec![("email", "zhang.san@example.com")]
        );
        assert_eq!(
            kinds("user13812345678@qq.com"),
            vec![("email", "user13812345678@qq.com")]
        );
        assert_eq!(kinds("护照E12345678"), vec![("passport", "E12345678")]);
        assert_eq!(kinds("型号XE12345678"), vec![]);
    }
}
