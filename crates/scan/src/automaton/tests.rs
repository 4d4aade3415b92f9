use super::*;
use proptest::prelude::*;

/// Every (pattern, char end) by brute force.
fn naive(patterns: &[String], text: &str) -> Vec<(u32, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for end in 1..=chars.len() {
        for (i, p) in patterns.iter().enumerate() {
            let pc: Vec<char> = p.chars().collect();
            if pc.len() <= end && chars[end - pc.len()..end] == pc[..] {
                out.push((i as u32, end));
            }
        }
    }
    out.sort_unstable();
    out
}

fn run(a: &Automaton, text: &str) -> Vec<(u32, usize)> {
    let mut s = a.start();
    let mut out = Vec::new();
    for (i, c) in text.chars().enumerate() {
        s = a.step(s, c);
        a.outputs(s, |p| out.push((p, i + 1)));
    }
    out.sort_unstable();
    out
}

#[test]
fn finds_overlapping_and_nested_patterns() {
    let p: Vec<String> = ["全世界", "世界", "界", "世界和平", "和平", "😀a"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let a = Automaton::new(&p);
    let t = "全世界和平😀a世界";
    assert_eq!(run(&a, t), naive(&p, t));
    assert_eq!(run(&a, "").len(), 0);
}

/// Thousands of patterns over two hundred characters: wide states
/// crowd the double array, so placement falls back to the top often.
/// Every match is checked against a set lookup of each substring.
#[test]
fn agrees_with_substring_lookup_on_a_crowded_array() {
    let chars: Vec<char> = (0..200u32)
        .filter_map(|i| char::from_u32(0x4E00 + i * 7))
        .collect();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut set = std::collections::HashSet::new();
    while set.len() < 6000 {
        let len = 1 + next(4);
        set.insert(
            (0..len)
                .map(|_| chars[next(chars.len())])
                .collect::<String>(),
        );
    }
    let patterns: Vec<String> = set.into_iter().collect();
    let index: HashMap<&str, u32> = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let a = Automaton::new(&patterns);
    let text: Vec<char> = (0..3000).map(|_| chars[next(chars.len())]).collect();
    let mut expected = Vec::new();
    for end in 1..=text.len() {
        for len in 1..=4.min(end) {
            let sub: String = text[end - len..end].iter().collect();
            if let Some(&p) = index.get(sub.as_str()) {
                expected.push((p, end));
            }
        }
    }
    expected.sort_unstable();
    assert_eq!(run(&a, &text.iter().collect::<String>()), expected);
    assert!(expected.len() > 1000);
}

/// The automaton of `set` finds in `text` what brute force finds.
fn agrees(
    set: std::collections::HashSet<String>,
    text: &str,
) -> Result<(), proptest::test_runner::TestCaseError> {
    let p: Vec<String> = set.into_iter().collect();
    let a = Automaton::new(&p);
    prop_assert_eq!(run(&a, text), naive(&p, text));
    Ok(())
}

proptest! {
    #[test]
    fn agrees_with_brute_force(
        set in proptest::collection::hash_set("[ab甲乙😀]{1,4}", 1..30),
        text in "[ab甲乙丙😀]{0,60}",
    ) {
        agrees(set, &text)?;
    }

    /// Sixteen letters and many short patterns: states with many
    /// children must find room for all of them in the double array.
    #[test]
    fn agrees_with_brute_force_on_wide_states(
        set in proptest::collection::hash_set("[a-p]{1,3}", 20..120),
        text in "[a-q]{0,80}",
    ) {
        agrees(set, &text)?;
    }
}
