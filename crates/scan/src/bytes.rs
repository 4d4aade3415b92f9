//! Fast byte searches over UTF-8 text, eight bytes at a time. The
//! detectors for personal data, links and prices only start at ASCII
//! characters or at a few rare byte pairs, and government posts are mostly
//! Chinese: jumping over everything else keeps them from costing a branch
//! per byte.

const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Eight bytes from `at` (the caller checks there are eight).
#[inline(always)]
fn word(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The high bit of each byte of `w` that equals `x` (exact: no false
/// positives from borrows between bytes).
#[inline(always)]
fn equal_bytes(w: u64, x: u8) -> u64 {
    let t = w ^ (u64::from(x) * 0x0101_0101_0101_0101);
    !(((t & LOW) + LOW) | t) & HIGH
}

/// The first index at or after `from` where the bytes `x, y` stand side
/// by side (`None` if nowhere).
#[inline]
pub(crate) fn find_pair(b: &[u8], from: usize, x: u8, y: u8) -> Option<usize> {
    let mut i = from;
    while i + 9 <= b.len() {
        let m = equal_bytes(word(b, i), x) & equal_bytes(word(b, i + 1), y);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    (i..b.len().saturating_sub(1)).find(|&j| b[j] == x && b[j + 1] == y)
}

/// The first index of byte `x` at or after `from`.
#[inline]
pub(crate) fn find_byte(b: &[u8], from: usize, x: u8) -> Option<usize> {
    let mut i = from;
    while i + 8 <= b.len() {
        let m = equal_bytes(word(b, i), x);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    (i..b.len()).find(|&j| b[j] == x)
}

/// The index of the first ASCII byte at or after `i` (`b.len()` if none).
#[inline]
pub(crate) fn next_ascii(b: &[u8], mut i: usize) -> usize {
    while i + 8 <= b.len() {
        let ascii = !word(b, i) & HIGH;
        if ascii != 0 {
            return i + (ascii.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] >= 0x80 {
        i += 1;
    }
    i.min(b.len())
}

#[cfg(test)]
mod tests {
    use super::{find_byte, find_pair, next_ascii};
    use proptest::prelude::*;

    #[test]
    fn finds_the_next_ascii_byte() {
        let t = "人力资源和社会保障厅a".as_bytes();
        assert_eq!(next_ascii(t, 0), t.len() - 1);
        assert_eq!(next_ascii(b"", 0), 0);
        assert_eq!(next_ascii("甲".as_bytes(), 0), 3);
        assert_eq!(next_ascii(b"ab", 1), 1);
        assert_eq!(next_ascii(b"ab", 2), 2);
    }

    proptest! {
        #[test]
        fn agrees_with_a_plain_loop(s in "[a甲😀1 ]{0,40}", from in 0usize..200) {
            let b = s.as_bytes();
            let from = from.min(b.len());
            let plain = (from..b.len()).find(|&i| b[i] < 0x80).unwrap_or(b.len());
            prop_assert_eq!(next_ascii(b, from), plain);
        }

        #[test]
        fn byte_and_pair_searches_agree_with_plain_loops(
            v in proptest::collection::vec(proptest::sample::select(vec![0u8, 1, 0x7F, 0x80, 0xE5, 0xAF, 0xEF, 0xFF]), 0..40),
            from in 0usize..50,
            x in proptest::sample::select(vec![0u8, 0x7F, 0x80, 0xE5, 0xAF, 0xEF, 0xFF]),
            y in proptest::sample::select(vec![0u8, 0x80, 0xAF, 0xFF]),
        ) {
            let from = from.min(v.len());
            prop_assert_eq!(find_byte(&v, from, x), (from..v.len()).find(|&j| v[j] == x));
            prop_assert_eq!(
                find_pair(&v, from, x, y),
                (from..v.len().saturating_sub(1)).find(|&j| v[j] == x && v[j + 1] == y)
            );
        }
    }
}
