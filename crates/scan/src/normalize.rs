//! Normalization for evasion-proof matching. Each character is folded
//! (full-width to half-width, letter case, traditional to simplified);
//! noise characters (spaces, most punctuation, zero-width characters,
//! emoji and other symbols) are dropped. Sentence breaks (。！？；… and line
//! breaks) are kept, so a term never matches across sentences.
//!
//! Folding is one table lookup per character: the table for the Basic
//! Multilingual Plane is computed once per process from the same rules
//! ([`is_noise`], [`fold`] and OpenCC's traditional→simplified mapping as
//! shipped by `fast2s`), so the scanner never converts or allocates per text.
//! The traditional→simplified step is applied character by character: the
//! same table folds lexicon terms and texts, so both sides always agree.

use std::sync::OnceLock;

/// Most noise characters that may stand between two characters of a term
/// (more than this and the characters are considered unrelated).
pub const MAX_NOISE: u16 = 3;

/// Table value for a noise character.
const NOISE: u32 = u32::MAX;

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

/// Folds width and case of one character (no traditional → simplified).
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

/// The full rule for one character, computed without the table.
fn compute(c: char) -> Option<char> {
    if is_noise(c) {
        return None;
    }
    let simplified = if c.len_utf8() == 3 {
        let mut buf = [0u8; 4];
        fast2s::convert(c.encode_utf8(&mut buf))
            .chars()
            .next()
            .unwrap_or(c)
    } else {
        c
    };
    Some(fold(simplified))
}

fn table() -> &'static [u32] {
    static TABLE: OnceLock<Box<[u32]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0u32..0x10000)
            .map(|u| match char::from_u32(u) {
                // surrogates never occur in a `str`
                None => u,
                Some(c) => compute(c).map_or(NOISE, |n| n as u32),
            })
            .collect()
    })
}

/// A handle on the folding table (built on first use).
#[derive(Clone, Copy)]
pub struct Folder {
    table: &'static [u32],
}

impl Default for Folder {
    fn default() -> Self {
        Folder::new()
    }
}

impl Folder {
    pub fn new() -> Folder {
        Folder { table: table() }
    }

    /// The folded character, or `None` for noise.
    #[inline(always)]
    pub fn get(self, c: char) -> Option<char> {
        let u = c as u32;
        if u < 0x10000 {
            let v = self.table[u as usize];
            if v == NOISE {
                None
            } else {
                // SAFETY-free: every stored value came from a `char`.
                char::from_u32(v)
            }
        } else {
            compute(c)
        }
    }
}

/// Normalizes a lexicon term (noise removed, characters folded).
pub fn normalize_term(term: &str) -> String {
    let f = Folder::new();
    term.chars().filter_map(|c| f.get(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_drops_noise() {
        assert_eq!(normalize_term("Ａ法·輪*功"), "a法轮功");
        assert_eq!(normalize_term("甲\u{200B}乙😀丙"), "甲乙丙");
        assert_eq!(normalize_term("ＡＢＣ１２３"), "abc123");
    }

    #[test]
    fn sentence_breaks_are_kept() {
        assert_eq!(normalize_term("甲。乙"), "甲。乙");
        assert_eq!(normalize_term("甲\n乙"), "甲\n乙");
    }

    #[test]
    fn table_agrees_with_the_rules() {
        let f = Folder::new();
        for u in (0u32..0x10000).step_by(7).chain([0x8A5E, 0x5B78, 0xFF21]) {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(f.get(c), compute(c), "U+{u:04X}");
            }
        }
        assert_eq!(f.get('詞'), Some('词'));
        assert_eq!(f.get('😀'), None);
        assert_eq!(f.get('𠀀'), Some('𠀀'));
    }
}
