//! Small text helpers shared by validation and checks.

/// Folds full-width ASCII forms to half-width, trims, and collapses inner
/// whitespace, so that "南昌人社 " and "南昌人社" compare equal.
pub fn normalize_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.trim().chars() {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.extend(c.to_lowercase());
            last_space = false;
        }
    }
    out.trim().to_string()
}

/// Counts characters (Unicode scalar values), the unit users think in.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// True when the string has control characters other than tab/newline.
pub fn has_control_chars(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_and_space() {
        assert_eq!(normalize_name("  南昌　人社ＡＢ  "), "南昌 人社ab");
        assert_eq!(normalize_name("a   b"), "a b");
    }

    #[test]
    fn counts_chars_not_bytes() {
        assert_eq!(char_len("南昌"), 2);
    }
}
