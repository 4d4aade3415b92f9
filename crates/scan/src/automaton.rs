//! A character-level Aho-Corasick automaton built for large Chinese
//! lexicons: one transition per character (not three per CJK character as
//! byte automata take), stored as a double array — a transition from state
//! `s` on code `c` goes to `base[s] + c` if that unit's `check` is `s` — so
//! a step reads one 16-byte unit that also holds the failure link and the
//! outputs. Codes are given by character frequency, so children sit close
//! together and the array stays dense. Placement is breadth first with a
//! "next free unit" index, so building stays fast: 100,000 terms compile
//! in a fraction of a second.
//!
//! The caller maps characters to codes ([`Automaton::code`]; the scanner
//! folds and maps in one table lookup), steps ([`Automaton::step_code`])
//! and reads the patterns ending there ([`Automaton::outputs`]), which lets
//! it skip noise characters on the fly without building a normalized copy
//! of the text.

use std::collections::HashMap;

const ROOT: u32 = 0;
const EMPTY: u64 = u64::MAX;
/// Placement tries for a state with several children before it goes above
/// every used unit.
const WIDE_TRIES: u32 = 32;
/// `check` of a unit no state occupies.
const FREE: u32 = u32::MAX;

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

    /// Codes by how often each character occurs in the patterns, most
    /// frequent first: children of a state then sit close together in the
    /// double array, which keeps it dense and its placement quick.
    fn by_frequency<S: AsRef<str>>(patterns: &[S]) -> Alphabet {
        let mut bmp = vec![0u32; 0x10000];
        let mut other: HashMap<char, u32> = HashMap::new();
        for p in patterns {
            for c in p.as_ref().chars() {
                if (c as u32) < 0x10000 {
                    bmp[c as usize] += 1;
                } else {
                    *other.entry(c).or_insert(0) += 1;
                }
            }
        }
        let mut seen: Vec<(u32, char)> = bmp
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .filter_map(|(u, &n)| char::from_u32(u as u32).map(|c| (n, c)))
            .chain(other.iter().map(|(&c, &n)| (n, c)))
            .collect();
        seen.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut a = Alphabet::new();
        for (_, c) in seen {
            a.intern(c);
        }
        a
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

const FREE_SLOT: Slot = Slot { key: EMPTY, val: 0 };

struct Edges {
    slots: Vec<Slot>,
    mask: usize,
    len: usize,
}

impl Edges {
    fn with_capacity(n: usize) -> Edges {
        let size = (n.max(8) * 2).next_power_of_two();
        Edges {
            slots: vec![FREE_SLOT; size],
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
        self.slots = vec![FREE_SLOT; size];
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

/// One unit of the double array: a state, or free (`check == FREE`).
#[derive(Clone, Copy)]
struct Unit {
    /// Children of this state are at `base + code`.
    base: u32,
    /// The parent state of the state in this unit.
    check: u32,
    fail: u32,
    /// First pattern ending here + 1 (0: none): its own, else the
    /// longest of its failure chain; [`Automaton::output_links`] gives the
    /// rest.
    out: u32,
}

const FREE_UNIT: Unit = Unit {
    base: 0,
    check: FREE,
    fail: ROOT,
    out: 0,
};

/// Free units of the array under construction, with a "next free unit at
/// or after i" index (path-halving union-find over used units).
struct Space {
    units: Vec<Unit>,
    next: Vec<u32>,
    /// One past the highest used unit.
    top: usize,
}

impl Space {
    fn new() -> Space {
        let mut s = Space {
            units: Vec::new(),
            next: Vec::new(),
            top: 0,
        };
        s.reserve(1);
        s
    }

    /// Makes sure unit `i` exists.
    fn reserve(&mut self, i: usize) {
        while self.units.len() <= i {
            let from = self.units.len();
            let grow = (from / 2).max(1024);
            self.units.resize(from + grow, FREE_UNIT);
            self.next.extend((from..from + grow).map(|j| j as u32));
        }
    }

    /// The first free unit at or after `i`.
    fn next_free(&mut self, i: usize) -> usize {
        self.reserve(i);
        let mut i = i;
        loop {
            let n = self.next[i] as usize;
            if n == i {
                return i;
            }
            self.reserve(n);
            let nn = self.next[n] as usize;
            self.next[i] = nn as u32;
            i = nn;
        }
    }

    fn is_free(&mut self, i: usize) -> bool {
        self.reserve(i);
        self.units[i].check == FREE
    }

    fn take(&mut self, i: usize, parent: u32) {
        self.reserve(i + 1);
        self.units[i].check = parent;
        self.next[i] = i as u32 + 1;
        self.top = self.top.max(i + 1);
    }
}

pub struct Automaton {
    alphabet: Alphabet,
    /// Root transitions by code (0 = stay at the root).
    root: Vec<u32>,
    units: Vec<Unit>,
    /// For each pattern, the next (shorter) pattern ending at the same
    /// place + 1 (0: none).
    links: Vec<u32>,
    states: usize,
}

impl Automaton {
    /// Builds the automaton; pattern `i` is reported as `i`. Patterns must
    /// be distinct and non-empty.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Automaton {
        let alphabet = Alphabet::by_frequency(patterns);
        // The trie, nodes numbered in creation order; the root's children
        // by code, other edges in a hash table.
        let total: usize = patterns
            .iter()
            .map(|p| p.as_ref().chars().count().saturating_sub(1))
            .sum::<usize>()
            / 2;
        let mut edges = Edges::with_capacity(total);
        let mut root_kids = vec![ROOT; alphabet.len as usize];
        let mut term = vec![0u32];
        for (i, p) in patterns.iter().enumerate() {
            let mut s = ROOT;
            for c in p.as_ref().chars() {
                let code = alphabet.code(c);
                let new = term.len() as u32;
                let (next, created) = if s == ROOT {
                    if root_kids[code as usize] == ROOT {
                        root_kids[code as usize] = new;
                        (new, true)
                    } else {
                        (root_kids[code as usize], false)
                    }
                } else {
                    edges.get_or_insert(s, code, new)
                };
                if created {
                    term.push(0);
                }
                s = next;
            }
            term[s as usize] = i as u32 + 1;
        }
        let n = term.len();
        // Children of every node as (code, child), grouped by node and
        // sorted by code.
        let mut first = vec![0u32; n + 1];
        let root_count = root_kids.iter().filter(|&&k| k != ROOT).count() as u32;
        first[1] = root_count;
        for slot in edges.slots.iter().filter(|s| s.key != EMPTY) {
            first[(slot.key >> 32) as usize + 1] += 1;
        }
        for i in 1..first.len() {
            first[i] += first[i - 1];
        }
        let mut fill = first.clone();
        let mut kids = vec![(0u32, 0u32); edges.len + root_count as usize];
        for (code, &k) in root_kids.iter().enumerate() {
            if k != ROOT {
                kids[fill[0] as usize] = (code as u32, k);
                fill[0] += 1;
            }
        }
        for slot in edges.slots.iter().filter(|s| s.key != EMPTY) {
            let st = (slot.key >> 32) as usize;
            kids[fill[st] as usize] = (slot.key as u32, slot.val);
            fill[st] += 1;
        }
        drop(edges);
        drop(fill);
        drop(root_kids);

        // Place breadth first: a node's unit is fixed by its parent's
        // base; its own base is the first offset where all its children's
        // units are free.
        let mut space = Space::new();
        space.take(0, FREE - 1);
        let mut pos = vec![0u32; n];
        // (node, parent unit, code) in breadth-first order.
        let mut queue: Vec<(u32, u32, u32)> = vec![(ROOT, ROOT, 0)];
        let mut q = 0;
        while q < queue.len() {
            let (node, _, _) = queue[q];
            q += 1;
            let run = &mut kids[first[node as usize] as usize..first[node as usize + 1] as usize];
            if run.is_empty() {
                continue;
            }
            run.sort_unstable();
            let lo = run[0].0 as usize;
            let base = if run.len() == 1 {
                space.next_free(lo.max(1)) - lo
            } else {
                // First fit among the free units, but only a few tries:
                // past them, the children go above every used unit, where
                // all are free (single children fill the holes left).
                let mut p = space.next_free(lo.max(1));
                let mut tries = 0;
                loop {
                    let b = p - lo;
                    if run[1..].iter().all(|&(c, _)| space.is_free(b + c as usize)) {
                        break b;
                    }
                    tries += 1;
                    if tries == WIDE_TRIES {
                        // Near the top, where the last states went: the
                        // highest child lands above every used unit.
                        let hi = run[run.len() - 1].0 as usize;
                        p = p.max(space.top.max(hi) - hi + lo);
                    }
                    p = space.next_free(p + 1);
                }
            };
            let at = pos[node as usize];
            space.units[at as usize].base = base as u32;
            for &(code, child) in run.iter() {
                let u = base + code as usize;
                space.take(u, at);
                pos[child as usize] = u as u32;
                queue.push((child, at, code));
            }
        }
        // Room for `base + code` of every state without bounds trouble.
        let max_base = space.units.iter().map(|u| u.base).max().unwrap_or(0) as usize;
        space.reserve(max_base + alphabet.len as usize + 1);
        let mut units = space.units;
        let mut root = vec![ROOT; alphabet.len as usize];
        for &(code, child) in &kids[first[0] as usize..first[1] as usize] {
            root[code as usize] = pos[child as usize];
        }
        drop(kids);
        // Failure links and outputs, breadth first (a failure target is
        // shallower, so it is done first).
        let mut links = vec![0u32; patterns.len()];
        let mut a = Automaton {
            alphabet,
            root,
            units: Vec::new(),
            links: Vec::new(),
            states: n,
        };
        for &(node, parent, code) in &queue[1..] {
            let u = pos[node as usize] as usize;
            let f = if parent == ROOT {
                ROOT
            } else {
                let mut f = units[parent as usize].fail;
                loop {
                    if let Some(t) = goto(&a.root, &units, f, code) {
                        break t;
                    }
                    if f == ROOT {
                        break ROOT;
                    }
                    f = units[f as usize].fail;
                }
            };
            let inherited = units[f as usize].out;
            units[u].fail = f;
            units[u].out = match term[node as usize] {
                0 => inherited,
                t => {
                    links[t as usize - 1] = inherited;
                    t
                }
            };
        }
        a.units = units;
        a.links = links;
        a
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
            let unit = self.units[s as usize];
            let t = unit.base + code;
            if self.units[t as usize].check == s {
                return t;
            }
            s = unit.fail;
        }
    }

    /// The state after reading `c` in state `s`.
    #[inline(always)]
    pub fn step(&self, s: u32, c: char) -> u32 {
        self.step_code(s, self.code(c))
    }

    /// Calls `f` with every pattern that ends in state `s`, longest first.
    #[inline(always)]
    pub fn outputs(&self, s: u32, mut f: impl FnMut(u32)) {
        let mut o = self.first_output(s);
        while o != 0 {
            f(o - 1);
            o = self.links[o as usize - 1];
        }
    }

    /// The longest pattern ending in state `s` + 1 (0: none).
    #[inline(always)]
    pub fn first_output(&self, s: u32) -> u32 {
        self.units[s as usize].out
    }

    /// For each pattern, the next shorter pattern that ends wherever it
    /// ends + 1 (0: none): with [`Automaton::first_output`], a caller can
    /// keep these links beside its own per-pattern data and read one
    /// record per match.
    pub fn output_links(&self) -> &[u32] {
        &self.links
    }

    /// Number of states (for tests and sizing).
    pub fn states(&self) -> usize {
        self.states
    }
}

/// The transition without failure links (`None` from a non-root state
/// means "follow the failure link").
fn goto(root: &[u32], units: &[Unit], s: u32, code: u32) -> Option<u32> {
    if s == ROOT {
        return Some(root[code as usize]);
    }
    let t = units[s as usize].base + code;
    (units[t as usize].check == s).then_some(t)
}

#[cfg(test)]
mod tests;
