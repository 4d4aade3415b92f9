//! Classification markings with a star (article 15): 绝密★ / 机密★ /
//! 秘密★, with an optional period (★10年, ★长期). Word markings such as
//! 内部资料 come from the built-in lexicon.

/// Byte spans of star markings, in order.
pub(crate) fn star_markings(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // 密 is E5 AF 86: find the rare pair E5 AF eight bytes at a time,
    // then look at the character before it.
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = crate::bytes::find_pair(b, from, 0xE5, 0xAF) {
        from = p + 1;
        if b.get(p + 2) != Some(&0x86) {
            continue;
        }
        let Some(start) = ["绝", "机", "秘"]
            .iter()
            .find(|l| text[..p].ends_with(*l))
            .map(|l| p - l.len())
        else {
            continue;
        };
        let level_end = p + '密'.len_utf8();
        let rest = &text[level_end..];
        let after_space = rest.trim_start_matches([' ', '\u{3000}']);
        let Some(star) = after_space
            .chars()
            .next()
            .filter(|c| matches!(c, '★' | '☆' | '*' | '＊'))
        else {
            continue;
        };
        let mut end = level_end + (rest.len() - after_space.len()) + star.len_utf8();
        let tail = &text[end..];
        let digits = tail.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && tail[digits..].starts_with('年') {
            end += digits + '年'.len_utf8();
        } else if tail.starts_with("长期") {
            end += "长期".len();
        }
        out.push((start, end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::star_markings;

    fn spans(t: &str) -> Vec<&str> {
        star_markings(t)
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect()
    }

    #[test]
    fn finds_levels_with_stars_and_periods() {
        assert_eq!(
            spans("绝密★10年，机密 ☆长期，秘密＊。"),
            ["绝密★10年", "机密 ☆长期", "秘密＊"]
        );
        assert_eq!(spans("秘密★5"), ["秘密★"]);
    }

    #[test]
    fn ignores_words_without_a_star() {
        assert!(spans("保密工作，机密文件，密★").is_empty());
        assert!(spans("").is_empty());
    }
}
