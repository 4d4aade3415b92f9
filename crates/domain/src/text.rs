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

/// Characters no typed text needs and that make one name look like
/// another or reorder what is shown: control characters (tab and line
/// breaks too, unless `multiline`), bidirectional overrides, isolates and
/// marks, zero-width characters, word joiners, the byte-order mark and the
/// soft hyphen.
pub fn is_hidden_char(c: char, multiline: bool) -> bool {
    match c {
        '\n' | '\t' => !multiline,
        '\r' => !multiline,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{FEFF}' => true,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' => true,
        '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' => true,
        _ => c.is_control(),
    }
}

/// A text held a hidden character (see [`is_hidden_char`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HiddenCharacters;

/// The one rule for a name-like input (names, titles, people, handles):
/// trimmed, NFC-normalized, and refused (`Err`, reported with the code
/// `invalid_characters`) when it holds a hidden character, line breaks
/// included.
pub fn clean_line(s: &str) -> Result<String, HiddenCharacters> {
    clean(s, false)
}

/// The same rule for free text that may span lines (a purpose, a reason).
pub fn clean_text(s: &str) -> Result<String, HiddenCharacters> {
    clean(s, true)
}

fn clean(s: &str, multiline: bool) -> Result<String, HiddenCharacters> {
    use unicode_normalization::UnicodeNormalization;
    let t: String = s.trim().nfc().collect();
    if t.chars().any(|c| is_hidden_char(c, multiline)) {
        Err(HiddenCharacters)
    } else {
        Ok(t)
    }
}

/// True when the string has control characters other than tab/newline.
pub fn has_control_chars(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
}

/// The key a name sorts by, in pinyin order: each Chinese character as its
/// toneless pinyin followed by a space (so 安 < 昂 as "an " < "ang "),
/// other letters and digits lowercased as they are. Stored beside the name
/// and computed on write, so both databases sort by it in SQL with paging.
pub fn sort_key(name: &str) -> String {
    use pinyin::ToPinyin;
    let mut out = String::with_capacity(name.len() * 2);
    for c in name.chars() {
        match c.to_pinyin() {
            Some(p) => {
                out.push_str(p.plain());
                out.push(' ');
            }
            None if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            None => {}
        }
    }
    out
}

/// `s` in Chinese quotation marks, with quotes inside it turned into
/// single ones, so quotes nest as “……‘……’……”.
pub fn quoted(s: &str) -> String {
    let inner: String = s
        .chars()
        .map(|c| match c {
            '“' => '‘',
            '”' => '’',
            c => c,
        })
        .collect();
    format!("“{inner}”")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_in_pinyin_order() {
        let mut names = vec!["赣州人社", "南昌人社", "抚州就业", "安远人社", "12333"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            vec!["12333", "安远人社", "抚州就业", "赣州人社", "南昌人社"]
        );
        assert!(sort_key("安") < sort_key("昂"));
        assert_eq!(sort_key("B站 南昌"), "bzhan nan chang ");
    }

    #[test]
    fn quotes_nest() {
        assert_eq!(quoted("开设微博“南昌人社”"), "“开设微博‘南昌人社’”");
    }

    #[test]
    fn folds_width_and_space() {
        assert_eq!(normalize_name("  南昌　人社ＡＢ  "), "南昌 人社ab");
        assert_eq!(normalize_name("a   b"), "a b");
    }

    #[test]
    fn hidden_characters_are_refused() {
        for bad in [
            "南昌\u{202E}人社",
            "南昌\u{200F}人社",
            "南昌\u{200B}人社",
            "南昌\u{200D}人社",
            "\u{FEFF}南昌人社",
            "南昌\r\n人社",
            "南昌\0人社",
        ] {
            assert_eq!(clean_line(bad), Err(HiddenCharacters), "{bad:?}");
        }
        assert_eq!(clean_text("第一行\n第二行"), Ok("第一行\n第二行".into()));
        assert_eq!(clean_text("a\u{202E}b"), Err(HiddenCharacters));
    }

    #[test]
    fn names_are_trimmed_and_composed() {
        // "é" as e + combining acute becomes the one precomposed character.
        assert_eq!(clean_line("  Cafe\u{301} "), Ok("Caf\u{e9}".into()));
        assert_eq!(clean_line("南昌人社"), Ok("南昌人社".into()));
    }

    #[test]
    fn counts_chars_not_bytes() {
        assert_eq!(char_len("南昌"), 2);
    }
}
