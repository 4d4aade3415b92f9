//! Prices next to a call to buy (article 12: no commercial advertising):
//! ¥99 / ￥99 / 99元 within a short distance of 购买, 下单, 包邮 and the like.

use crate::bytes::next_ascii;

const CALLS: &[&str] = &[
    "购买",
    "下单",
    "抢购",
    "订购",
    "团购",
    "拍下",
    "包邮",
    "优惠价",
    "到手价",
    "仅需",
    "只要",
];

/// How far from the price (bytes each side) a call to buy may stand.
const REACH: usize = 30;

/// Byte spans of priced offers, in order.
pub(crate) fn priced_offers(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    // Every price has ASCII digits: jump from one ASCII byte to the next.
    loop {
        i = next_ascii(b, i);
        if i >= b.len() {
            break;
        }
        let before = &text[..i];
        let yen = ['¥', '￥'].into_iter().find(|c| before.ends_with(*c));
        if !(b[i].is_ascii_digit() || (b[i] == b'.' && yen.is_some())) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
            j += 1;
        }
        let unit = text[j..].starts_with('元');
        if yen.is_some() || unit {
            let start = i - yen.map_or(0, char::len_utf8);
            let end = if unit { j + '元'.len_utf8() } else { j };
            let lo = text.floor_char_boundary(start.saturating_sub(REACH));
            let hi = text.ceil_char_boundary((end + REACH).min(text.len()));
            if CALLS.iter().any(|c| text[lo..hi].contains(c)) {
                out.push((start, end));
            }
            i = end;
        } else {
            i = j;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::priced_offers;

    fn spans(t: &str) -> Vec<&str> {
        priced_offers(t)
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect()
    }

    #[test]
    fn prices_near_a_call_to_buy() {
        assert_eq!(spans("现在购买仅¥99，原价199元"), ["¥99", "199元"]);
        assert_eq!(spans("￥12.5包邮"), ["￥12.5"]);
        assert_eq!(spans("拍下立减：30元"), ["30元"]);
    }

    #[test]
    fn prices_alone_and_plain_numbers_pass() {
        assert!(spans("补贴标准为每人每月300元。").is_empty());
        assert!(spans("购买了2024年的设备").is_empty());
        assert!(spans("").is_empty());
    }
}
