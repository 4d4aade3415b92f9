//! Normalization for evasion-proof matching. Each character is folded
//! (full-width to half-width, letter case, traditional to simplified);
//! noise characters (spaces, most punctuation, zero-width characters,
//! emoji and other symbols) are dropped, and every kept character remembers
//! its span in the original text and how many noise characters preceded it.
//! Sentence breaks (。！？；… and line breaks) are kept, so a term never
//! matches across sentences.

/// Most noise characters that may stand between two characters of a term
/// (more than this and the characters are considered unrelated).
pub const MAX_NOISE: u16 = 3;

/// The normalized text with its map back to the original.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// Normalized characters, noise removed.
    pub text: String,
    /// For each normalized char: original byte start and end.
    pub spans: Vec<(u32, u32)>,
    /// For each normalized char: noise chars dropped right before it.
    pub gaps: Vec<u16>,
    /// Byte offset in `text` -> normalized char index (valid at char
    /// boundaries; one extra entry for the end).
    pub byte_to_char: Vec<u32>,
}

/// Characters that end a sentence: never noise, never inside a term.
pub fn is_sentence_break(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n' | '\r' | '…' | '｡'
    )
}

/// Characters dropped between the characters of a term.
pub fn is_noise(c: char) -> bool {
    if is_sentence_break(c) {
        return false;
    }
    if c.is_whitespace() {
        return true;
    }
    match c as u32 {
        // zero-width and formatting characters, variation selectors
        0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF | 0xFE00..=0xFE0F | 0x00AD => true,
        // ASCII punctuation and symbols
        0x21..=0x2F | 0x3A..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E => true,
        // Latin-1 punctuation (· × etc.)
        0xA1..=0xBF | 0xD7 | 0xF7 => true,
        // general punctuation, arrows, math, box drawing, shapes, dingbats
        0x2010..=0x205E | 0x2190..=0x2BFF => true,
        // CJK punctuation (but not the sentence breaks above)
        0x3001..=0x3003 | 0x3008..=0x3020 | 0x30FB => true,
        // full-width punctuation
        0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 => true,
        // emoji and pictographs
        0x1F000..=0x1FAFF | 0xE0020..=0xE007F => true,
        _ => false,
    }
}

/// Folds width and case of one character (traditional → simplified is
/// done on whole strings, see [`normalize`]).
pub fn fold(c: char) -> char {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_ascii_uppercase() {
        c.to_ascii_lowercase()
    } else if c.is_uppercase() {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// Normalizes `text` for matching. `skip_noise = false` keeps every
/// character (used by the exact mode).
pub fn normalize(text: &str, skip_noise: bool) -> Normalized {
    // fast2s converts character by character, one output char per input
    // char, so the two sequences line up.
    let simplified = fast2s::convert(text);
    let mut n = Normalized {
        text: String::with_capacity(text.len()),
        spans: Vec::with_capacity(text.len() / 2),
        gaps: Vec::with_capacity(text.len() / 2),
        byte_to_char: Vec::with_capacity(text.len() + 1),
    };
    let mut gap: u16 = 0;
    for ((start, orig), simp) in text.char_indices().zip(simplified.chars()) {
        if skip_noise && is_noise(orig) {
            gap = gap.saturating_add(1);
            continue;
        }
        let c = fold(simp);
        let idx = n.spans.len() as u32;
        for _ in 0..c.len_utf8() {
            n.byte_to_char.push(idx);
        }
        n.text.push(c);
        n.spans
            .push((start as u32, (start + orig.len_utf8()) as u32));
        n.gaps.push(gap);
        gap = 0;
    }
    n.byte_to_char.push(n.spans.len() as u32);
    n
}

/// Normalizes a lexicon term the same way (noise removed).
pub fn normalize_term(term: &str) -> String {
    normalize(term, true).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_maps_back() {
        let t = "Ａ法·輪*功";
        let n = normalize(t, true);
        assert_eq!(n.text, "a法轮功");
        assert_eq!(n.gaps, vec![0, 0, 1, 1]);
        let (s, e) = n.spans[3];
        assert_eq!(&t[s as usize..e as usize], "功");
    }

    #[test]
    fn sentence_breaks_are_kept() {
        assert_eq!(normalize("甲。乙", true).text, "甲。乙");
        assert_eq!(normalize("甲\u{200B}乙😀丙", true).text, "甲乙丙");
    }
}
