//! Skipping non-ASCII text quickly. The detectors for personal data,
//! links and prices only start at ASCII characters, and government posts
//! are mostly Chinese: jumping over multi-byte characters eight bytes at a
//! time keeps them from costing a branch per byte.

/// The index of the first ASCII byte at or after `i` (`b.len()` if none).
#[inline]
pub(crate) fn next_ascii(b: &[u8], mut i: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let ascii = !u64::from_le_bytes(w) & HIGH;
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
    use super::next_ascii;
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
    }
}
