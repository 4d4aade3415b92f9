//! A character-level Aho-Corasick automaton built for large Chinese
//! lexicons: one transition per character (not three per CJK character as
//! byte automata take), a dense transition table at the root (where most
//! characters of a text are read), and every other state stored as one
//! record in a flat array — failure link, outputs, then its children: a
//! few as codes and targets side by side, many (the first characters of
//! common words have hundreds) in a small hash table of (code, target)
//! pairs — so a transition usually reads one cache line. States are numbered by the offset of their record
//! and laid out breadth first, so the shallow states a text visits most
//! sit together. Building is linear in the total length of the patterns
//! (no double-array placement search), so 100,000 terms compile in a
//! fraction of a second.
//!
//! The caller maps characters to codes ([`Automaton::code`]; the scanner
//! folds and maps in one table lookup), steps ([`Automaton::step_code`])
//! and reads the patterns ending there ([`Automaton::outputs`]), which lets
//! it skip noise characters on the fly without building a normalized copy
//! of the text.

use std::collections::HashMap;

const ROOT: u32 = 0;
const EMPTY: u64 = u64::MAX;

/// Characters to dense codes (0: a character no pattern contains).
struct Alphabet {
    bmp: Vec<u32>,
    other: HashMap<char, u32>,
    len: u32,
}

impl Alphabet {
    fn new() -> Alphabet {
        Alphabet {
            bmp: vec![0; 0x10000],
            other: HashMap::new(),
            len: 1,
        }
    }

    fn intern(&mut self, c: char) -> u32 {
        let next = self.len;
        let slot = if (c as u32) < 0x10000 {
            &mut self.bmp[c as usize]
        } else {
            self.other.entry(c).or_insert(0)
        };
        if *slot == 0 {
            *slot = next;
            self.len += 1;
        }
        *slot
    }

    #[inline(always)]
    fn code(&self, c: char) -> u32 {
        if (c as u32) < 0x10000 {
            self.bmp[c as usize]
        } else {
            self.other.get(&c).copied().unwrap_or(0)
        }
    }
}

/// Transitions of non-root states: (state, code) → state. Key and value
/// share a slot, so a probe touches one cache line.
#[derive(Clone, Copy)]
struct Slot {
    key: u64,
    val: u32,
}

const FREE: Slot = Slot { key: EMPTY, val: 0 };

struct Edges {
    slots: Vec<Slot>,
    mask: usize,
    len: usize,
}

impl Edges {
    fn with_capacity(n: usize) -> Edges {
        let size = (n.max(8) * 2).next_power_of_two();
        Edges {
            slots: vec![FREE; size],
            mask: size - 1,
            len: 0,
        }
    }

    #[inline(always)]
    fn slot(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & self.mask
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let size = old.len() * 2;
        self.slots = vec![FREE; size];
        self.mask = size - 1;
        for slot in old {
            if slot.key != EMPTY {
                let mut i = self.slot(slot.key);
                while self.slots[i].key != EMPTY {
                    i = (i + 1) & self.mask;
                }
                self.slots[i] = slot;
            }
        }
    }

    /// The target of (state, code), inserting `new` when absent.
    fn get_or_insert(&mut self, state: u32, code: u32, new: u32) -> (u32, bool) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let key = (u64::from(state) << 32) | u64::from(code);
        let mut i = self.slot(key);
        loop {
            let slot = self.slots[i];
            if slot.key == key {
                return (slot.val, false);
            }
            if slot.key == EMPTY {
                self.slots[i] = Slot { key, val: new };
                self.len += 1;
                return (new, true);
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// Record layout (offsets from a state's id).
const FAIL: usize = 0;
/// Pattern ending here + 1 (0: none).
const TERM: usize = 1;
/// Nearest proper suffix state that ends a pattern (0: none).
const DICT: usize = 2;
/// Children: their number when at most [`LINEAR`] (codes, then targets),
/// else [`HASHED`] | log2 of the slots of a hash table of (code, target)
/// pairs (code 0: empty slot).
const COUNT: usize = 3;
const HEADER: usize = 4;
const LINEAR: usize = 6;
const HASHED: u32 = 1 << 31;

/// Slot of `code` in a hash table of `1 << bits` slots.
#[inline(always)]
fn slot(code: u32, bits: u32) -> usize {
    (code.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// Hash-table size (log2) for `n` children: at most half full.
fn table_bits(n: usize) -> u32 {
    (2 * n).next_power_of_two().trailing_zeros().max(1)
}

/// Words a record with `n` children takes.
fn record_len(n: usize) -> usize {
    if n <= LINEAR {
        HEADER + 2 * n
    } else {
        HEADER + 2 * (1usize << table_bits(n))
    }
}

pub struct Automaton {
    alphabet: Alphabet,
    /// Root transitions by code (0 = stay at the root).
    root: Vec<u32>,
    /// Every state's record; the root's record is at 0 and has no children
    /// (the dense `root` table holds them).
    data: Vec<u32>,
    states: usize,
}

impl Automaton {
    /// Builds the automaton; pattern `i` is reported as `i`. Patterns must
    /// be distinct and non-empty.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Automaton {
        // Shared prefixes make the trie smaller than the patterns; the
        // table grows when this guess is short.
        let total: usize = patterns
            .iter()
            .map(|p| p.as_ref().chars().count().saturating_sub(1))
            .sum::<usize>()
            / 2;
        let mut alphabet = Alphabet::new();
        let mut edges = Edges::with_capacity(total);
        let mut root: Vec<u32> = Vec::new();
        // Per trie node (numbered in creation order): parent, code, depth,
        // pattern + 1.
        let mut parent = vec![ROOT];
        let mut code_of = vec![0u32];
        let mut depth = vec![0u32];
        let mut term = vec![0u32];
        for (i, p) in patterns.iter().enumerate() {
            let mut s = ROOT;
            for c in p.as_ref().chars() {
                let code = alphabet.intern(c);
                let new = parent.len() as u32;
                let (next, created) = if s == ROOT {
                    if root.len() <= code as usize {
                        root.resize(code as usize + 1, ROOT);
                    }
                    if root[code as usize] == ROOT {
                        root[code as usize] = new;
                        (new, true)
                    } else {
                        (root[code as usize], false)
                    }
                } else {
                    edges.get_or_insert(s, code, new)
                };
                if created {
                    parent.push(s);
                    code_of.push(code);
                    depth.push(depth[s as usize] + 1);
                    term.push(0);
                }
                s = next;
            }
            term[s as usize] = i as u32 + 1;
        }
        root.resize(alphabet.len as usize, ROOT);
        let n = parent.len();
        // Nodes breadth first: a node's failure chain is known before its
        // children need it, and shallow records sit together.
        let mut order: Vec<u32> = (1..n as u32).collect();
        order.sort_by_key(|&s| depth[s as usize]);
        // Children of each non-root node, grouped and sorted by code.
        let mut first = vec![0u32; n + 1];
        for slot in edges.slots.iter().filter(|s| s.key != EMPTY) {
            first[(slot.key >> 32) as usize + 1] += 1;
        }
        for i in 1..first.len() {
            first[i] += first[i - 1];
        }
        let mut fill = first.clone();
        let mut kids = vec![(0u32, 0u32); edges.len];
        for slot in edges.slots.iter().filter(|s| s.key != EMPTY) {
            let st = (slot.key >> 32) as usize;
            kids[fill[st] as usize] = (slot.key as u32, slot.val);
            fill[st] += 1;
        }
        drop(edges);
        drop(fill);
        // Record offsets, breadth first after the root's record.
        let mut id = vec![0u32; n];
        let mut len = HEADER;
        for &s in &order {
            id[s as usize] = len as u32;
            len += record_len((first[s as usize + 1] - first[s as usize]) as usize);
        }
        assert!(u32::try_from(len).is_ok(), "lexicon too large");
        let mut data = vec![0u32; len];
        for &s in &order {
            let at = id[s as usize] as usize;
            let run = &mut kids[first[s as usize] as usize..first[s as usize + 1] as usize];
            run.sort_unstable();
            data[at + TERM] = term[s as usize];
            if run.len() <= LINEAR {
                data[at + COUNT] = run.len() as u32;
                for (k, &(code, target)) in run.iter().enumerate() {
                    data[at + HEADER + k] = code;
                    data[at + HEADER + run.len() + k] = id[target as usize];
                }
            } else {
                let bits = table_bits(run.len());
                let mask = (1usize << bits) - 1;
                data[at + COUNT] = HASHED | bits;
                for &(code, target) in run.iter() {
                    let mut i = slot(code, bits);
                    while data[at + HEADER + 2 * i] != 0 {
                        i = (i + 1) & mask;
                    }
                    data[at + HEADER + 2 * i] = code;
                    data[at + HEADER + 2 * i + 1] = id[target as usize];
                }
            }
        }
        for t in &mut root {
            *t = id[*t as usize];
        }
        let mut a = Automaton {
            alphabet,
            root,
            data,
            states: n,
        };
        for &s in &order {
            let (p, code) = (parent[s as usize], code_of[s as usize]);
            let f = if p == ROOT {
                ROOT
            } else {
                let mut f = a.data[id[p as usize] as usize + FAIL];
                loop {
                    if let Some(t) = a.goto(f, code) {
                        break t;
                    }
                    if f == ROOT {
                        break ROOT;
                    }
                    f = a.data[f as usize + FAIL];
                }
            };
            let dict = if a.data[f as usize + TERM] != 0 {
                f
            } else {
                a.data[f as usize + DICT]
            };
            let at = id[s as usize] as usize;
            a.data[at + FAIL] = f;
            a.data[at + DICT] = dict;
        }
        a
    }

    /// The transition without failure links (`None` from a non-root state
    /// means "follow the failure link").
    #[inline(always)]
    fn goto(&self, s: u32, code: u32) -> Option<u32> {
        if s == ROOT {
            Some(self.root[code as usize])
        } else {
            self.child(s as usize, code)
        }
    }

    /// The child of a non-root state by code.
    #[inline(always)]
    fn child(&self, at: usize, code: u32) -> Option<u32> {
        let count = self.data[at + COUNT];
        if count & HASHED == 0 {
            let count = count as usize;
            let codes = &self.data[at + HEADER..at + HEADER + count];
            let i = codes.iter().position(|&c| c == code)?;
            return Some(self.data[at + HEADER + count + i]);
        }
        let bits = count & !HASHED;
        let mask = (1usize << bits) - 1;
        let mut i = slot(code, bits);
        loop {
            let c = self.data[at + HEADER + 2 * i];
            if c == code {
                return Some(self.data[at + HEADER + 2 * i + 1]);
            }
            if c == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// The start state.
    pub fn start(&self) -> u32 {
        ROOT
    }

    /// The code of a character (0: no pattern contains it).
    #[inline(always)]
    pub fn code(&self, c: char) -> u32 {
        self.alphabet.code(c)
    }

    /// The state after reading the character with code `code`.
    #[inline(always)]
    pub fn step_code(&self, mut s: u32, code: u32) -> u32 {
        if code == 0 {
            return ROOT;
        }
        loop {
            if s == ROOT {
                return self.root[code as usize];
            }
            if let Some(t) = self.child(s as usize, code) {
                return t;
            }
            s = self.data[s as usize + FAIL];
        }
    }

    /// The state after reading `c` in state `s`.
    #[inline(always)]
    pub fn step(&self, s: u32, c: char) -> u32 {
        self.step_code(s, self.code(c))
    }

    /// Calls `f` with every pattern that ends in state `s`.
    #[inline(always)]
    pub fn outputs(&self, s: u32, mut f: impl FnMut(u32)) {
        let at = s as usize;
        let term = self.data[at + TERM];
        if term != 0 {
            f(term - 1);
        }
        let mut d = self.data[at + DICT];
        while d != 0 {
            f(self.data[d as usize + TERM] - 1);
            d = self.data[d as usize + DICT];
        }
    }

    /// Number of states (for tests and sizing).
    pub fn states(&self) -> usize {
        self.states
    }
}

#[cfg(test)]
mod tests {
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

    proptest! {
        #[test]
        fn agrees_with_brute_force(
            set in proptest::collection::hash_set("[ab甲乙😀]{1,4}", 1..30),
            text in "[ab甲乙丙😀]{0,60}",
        ) {
            let p: Vec<String> = set.into_iter().collect();
            let a = Automaton::new(&p);
            prop_assert_eq!(run(&a, &text), naive(&p, &text));
        }

        /// Sixteen letters and many short patterns: states with more
        /// children than a linear record holds use their hash tables.
        #[test]
        fn agrees_with_brute_force_on_wide_states(
            set in proptest::collection::hash_set("[a-p]{1,3}", 20..120),
            text in "[a-q]{0,80}",
        ) {
            let p: Vec<String> = set.into_iter().collect();
            let a = Automaton::new(&p);
            prop_assert_eq!(run(&a, &text), naive(&p, &text));
        }
    }
}
