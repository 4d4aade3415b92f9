//! What a match needs of its pattern, in 8 bytes: 50,000 patterns take
//! 400 KB, which stays in a core's second-level cache beside the hot part
//! of the automaton (16 bytes a pattern missed it on dense texts).

use crate::finding::{Kind, Severity};

/// Bits of a rule index or a pattern link.
const ID_BITS: u32 = 24;
const ID_MASK: u32 = (1 << ID_BITS) - 1;

/// Most lexicon entries (and so patterns) one scanner holds: indices
/// and links take 24 bits, and a link is the pattern + 1.
pub(crate) const MAX_ENTRIES: usize = ID_MASK as usize - 1;

const SEVERITIES: [Severity; 3] = [Severity::Notice, Severity::Review, Severity::Block];

/// One pattern: its first rule and its length in characters; the next
/// shorter pattern ending where it ends + 1 (0: none); the kind and
/// severity of its first rule; whether more rules share the pattern
/// (two terms can fold to one pattern, e.g. 敏感词 and 敏感詞).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PatternInfo {
    /// First rule (24 bits), length in characters (8 bits).
    first_chars: u32,
    /// Next link (24 bits), kind (3 bits), severity (2 bits), several
    /// rules (1 bit).
    next_meta: u32,
}

impl PatternInfo {
    /// `first` and `next` at most [`MAX_ENTRIES`] + 1, `chars` at most 255.
    pub fn new(
        first: u32,
        chars: u8,
        next: u32,
        kind: Kind,
        severity: Severity,
        several: bool,
    ) -> PatternInfo {
        debug_assert!(first <= ID_MASK && next <= ID_MASK);
        PatternInfo {
            first_chars: (first & ID_MASK) | u32::from(chars) << ID_BITS,
            next_meta: (next & ID_MASK)
                | (kind.index() as u32) << ID_BITS
                | (severity as u32) << (ID_BITS + 3)
                | u32::from(several) << (ID_BITS + 5),
        }
    }

    #[inline(always)]
    pub fn first(self) -> u32 {
        self.first_chars & ID_MASK
    }

    #[inline(always)]
    pub fn chars(self) -> usize {
        (self.first_chars >> ID_BITS) as usize
    }

    #[inline(always)]
    pub fn next(self) -> u32 {
        self.next_meta & ID_MASK
    }

    #[inline(always)]
    pub fn kind(self) -> Kind {
        Kind::ALL[(self.next_meta >> ID_BITS & 7) as usize % Kind::ALL.len()]
    }

    #[inline(always)]
    pub fn severity(self) -> Severity {
        SEVERITIES[(self.next_meta >> (ID_BITS + 3) & 3) as usize % SEVERITIES.len()]
    }

    /// More than one rule has this pattern.
    #[inline(always)]
    pub fn several(self) -> bool {
        self.next_meta >> (ID_BITS + 5) & 1 == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn severities_are_in_order() {
        for (i, s) in SEVERITIES.iter().enumerate() {
            assert_eq!(*s as usize, i);
        }
        assert_eq!(std::mem::size_of::<PatternInfo>(), 8);
    }

    proptest! {
        #[test]
        fn packs_and_unpacks(
            first in 0..=ID_MASK,
            chars in any::<u8>(),
            next in 0..=ID_MASK,
            kind in 0..Kind::ALL.len(),
            severity in 0..SEVERITIES.len(),
            several in any::<bool>(),
        ) {
            let (kind, severity) = (Kind::ALL[kind], SEVERITIES[severity]);
            let p = PatternInfo::new(first, chars, next, kind, severity, several);
            prop_assert_eq!(
                (p.first(), p.chars(), p.next(), p.kind(), p.severity(), p.several()),
                (first, usize::from(chars), next, kind, severity, several)
            );
        }
    }
}
