//! The scanner: compiled lexicon matchers plus the detectors.

use crate::attribution::{DEFAULT_APPROVED_SOURCES, approved, source_statement};
use crate::automaton::Automaton;
use crate::finding::{Finding, Kind, Severity, fill_char_offsets};
use crate::lexicon::{Entry, default_entries};
use crate::normalize::{Folder, MAX_NOISE, normalize_term};
use crate::pattern::{MAX_ENTRIES, PatternInfo};
use crate::rules::{DetectorRules, Rule, Rules};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone)]
pub struct ScannerConfig {
    /// Domains whose links pass besides `.gov.cn`.
    pub link_allowlist: Vec<String>,
    /// Approved source units for reposts.
    pub approved_sources: Vec<String>,
    /// Plain exact term matching only: no normalization, no detectors.
    pub exact: bool,
}

/// Bumped whenever the engine itself finds something different in the
/// same text with the same lexicons (detectors, normalization).
const ENGINE_VERSION: &str = "scan-2";

/// FNV-1a (64 bits) over the engine version, the entries and the
/// configuration, each field ended by a 0 byte: stable across builds and
/// machines, unlike the standard library's hasher.
fn fingerprint(entries: &[Entry], config: &ScannerConfig) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut put = |s: &str| {
        for b in s.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    put(ENGINE_VERSION);
    for e in entries {
        put(&e.term);
        put(&e.category);
        put(&format!("{:?}", e.severity));
        put(e.suggestion.as_deref().unwrap_or(""));
        put(&format!("{:?}", e.kind));
    }
    for d in &config.link_allowlist {
        put(d);
    }
    put("|");
    for d in &config.approved_sources {
        put(d);
    }
    put(if config.exact { "exact" } else { "normalized" });
    format!("{h:016x}")
}

impl Default for ScannerConfig {
    fn default() -> Self {
        ScannerConfig {
            link_allowlist: Vec::new(),
            approved_sources: DEFAULT_APPROVED_SOURCES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            exact: false,
        }
    }
}

/// Per-text options.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// The text is a repost: check its source statement.
    pub repost: bool,
    /// The source the caller declares for a repost.
    pub source: Option<String>,
    /// 惩戒公示/强制性信息披露: personal data is reported as `notice` and
    /// need not be masked.
    pub disclosure: bool,
}

/// Longest text [`Scanner::scan`] takes at once (finding offsets are
/// `u32`); callers split or refuse longer input.
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize;

/// Longest pattern, in normalized characters (lexicon terms are limited
/// to 100 characters).
const MAX_PATTERN_CHARS: usize = 128;

/// A fast non-cryptographic hash for compiling lexicons (terms are the
/// operator's own input, so hash flooding is not a concern here).
#[derive(Clone, Copy, Default)]
struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

/// FxHash-style: rotate, xor, multiply, eight bytes at a time.
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Findings of one text counted by kind (see [`Scanner::tally`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Indexed by [`Kind::index`].
    pub by_kind: [u64; Kind::ALL.len()],
    pub worst: Option<Severity>,
}

impl Tally {
    fn add(&mut self, kind: Kind, severity: Severity) {
        self.by_kind[kind.index()] += 1;
        self.worst = self.worst.max(Some(severity));
    }

    pub fn total(&self) -> u64 {
        self.by_kind.iter().sum()
    }

    /// The tally of findings already made.
    pub fn of(findings: &[Finding<'_>]) -> Tally {
        let mut t = Tally::default();
        for f in findings {
            t.add(f.kind, f.severity);
        }
        t
    }
}

pub struct Scanner {
    /// What the scanner knows, as a stable hash: posts scanned under
    /// another fingerprint are scanned again (see [`Scanner::fingerprint`]).
    fingerprint: String,
    /// Rules (entries) grouped by pattern (two terms can fold to the same pattern,
    /// e.g. 敏感词 and 敏感詞), each group ordered by kind, then term.
    rules: Rules,
    matcher: Option<Automaton>,
    /// What a match needs of its pattern, in one 8-byte record: a match
    /// reads one record, not several arrays.
    patterns: Vec<PatternInfo>,
    /// Automaton code of each BMP character after folding: folding and the
    /// alphabet in one lookup, two bytes each so the CJK block's codes fit
    /// in the first-level cache ([`NOISE16`] for a noise character, [`WIDE`]
    /// for a code that needs more bits: only a lexicon of over 65,000
    /// distinct characters has those, and they are looked up).
    codes: Box<[u16]>,
    folder: Folder,
    config: ScannerConfig,
    detector_rules: DetectorRules,
}

/// Code-table value of a noise character.
const NOISE: u32 = u32::MAX;

/// [`NOISE`] in the 16-bit code table.
const NOISE16: u16 = u16::MAX;
/// Code-table value of a character whose code does not fit: look it up.
const WIDE: u16 = u16::MAX - 1;

/// A lexicon match before it becomes findings: byte and character span
/// in the original text (the pattern comes beside it).
#[derive(Clone, Copy)]
struct Hit {
    start: u32,
    end: u32,
    char_start: u32,
    char_end: u32,
}

impl Scanner {
    /// Compiles `entries` (plus the built-in lexicons when `defaults`).
    /// Entries with the same term are kept once (the first wins).
    pub fn new(
        mut entries: Vec<Entry>,
        defaults: bool,
        config: ScannerConfig,
    ) -> Result<Scanner, String> {
        if defaults {
            let mut d = default_entries();
            d.append(&mut entries);
            entries = d;
        }
        // Keep the first entry of each term.
        let keep: Vec<bool> = {
            let mut seen: HashSet<&str, FastHash> =
                HashSet::with_capacity_and_hasher(entries.len(), FastHash);
            entries
                .iter()
                .map(|e| seen.insert(e.term.as_str()))
                .collect()
        };
        let mut keep = keep.into_iter();
        entries.retain(|_| keep.next().unwrap_or(false));
        if entries.len() > MAX_ENTRIES {
            return Err(format!(
                "词库共 {} 条，超过一个扫描器可容纳的 {MAX_ENTRIES} 条",
                entries.len()
            ));
        }
        let fingerprint = fingerprint(&entries, &config);
        let folded: Vec<Cow<'_, str>> = entries
            .iter()
            .map(|e| {
                if config.exact {
                    Cow::Borrowed(e.term.as_str())
                } else {
                    Cow::Owned(normalize_term(&e.term))
                }
            })
            .collect();
        let mut ids: HashMap<&str, u32, FastHash> =
            HashMap::with_capacity_and_hasher(entries.len(), FastHash);
        let mut patterns: Vec<&str> = Vec::with_capacity(entries.len());
        let mut entry_pattern: Vec<u32> = Vec::with_capacity(entries.len());
        for (e, pattern) in entries.iter().zip(&folded) {
            let chars = pattern.chars().count();
            if chars == 0 {
                return Err(format!("词条“{}”只含标点或空白", e.term));
            }
            if chars > MAX_PATTERN_CHARS {
                return Err(format!("词条“{}”超过{MAX_PATTERN_CHARS}个字符", e.term));
            }
            let next = patterns.len() as u32;
            let id = *ids.entry(pattern).or_insert_with(|| {
                patterns.push(pattern);
                next
            });
            entry_pattern.push(id);
        }
        drop(ids);
        let pattern_chars: Vec<u8> = patterns.iter().map(|p| p.chars().count() as u8).collect();
        let matcher = if patterns.is_empty() {
            None
        } else {
            Some(Automaton::new(&patterns))
        };
        let pattern_count = patterns.len();
        drop(patterns);
        drop(folded);
        // Entries grouped by pattern; findings on one span are ordered by
        // kind, then rule, so keep each group in that order and scan()
        // never compares rule names.
        let mut grouped: Vec<(u32, Entry)> = entry_pattern.into_iter().zip(entries).collect();
        grouped.sort_by(|(pa, a), (pb, b)| (pa, a.kind, &a.term).cmp(&(pb, b.kind, &b.term)));
        // Per pattern: first entry, entry count, and that entry's kind and
        // severity.
        let mut groups = vec![(0u32, 0u32, Kind::Lexicon, Severity::Notice); pattern_count];
        for (i, (p, e)) in grouped.iter().enumerate().rev() {
            let g = &mut groups[*p as usize];
            *g = (i as u32, g.1 + 1, e.kind, e.severity);
        }
        let links = matcher.as_ref().map_or(&[][..], |m| m.output_links());
        let patterns = groups
            .iter()
            .zip(pattern_chars)
            .enumerate()
            .map(|(p, (&(first, count, kind, severity), chars))| {
                let next = links.get(p).copied().unwrap_or(0);
                PatternInfo::new(first, chars, next, kind, severity, count > 1)
            })
            .collect();
        let rules = Rules::new(grouped.into_iter().map(|(_, e)| e).collect());
        let folder = Folder::new();
        let codes = (0u32..0x10000)
            .map(|u| match (char::from_u32(u), &matcher) {
                (Some(c), Some(m)) => match code_of(m, folder, config.exact, c) {
                    NOISE => NOISE16,
                    code => u16::try_from(code)
                        .ok()
                        .filter(|&c| c < WIDE)
                        .unwrap_or(WIDE),
                },
                _ => 0,
            })
            .collect();
        Ok(Scanner {
            fingerprint,
            rules,
            matcher,
            patterns,
            codes,
            folder,
            config,
            detector_rules: DetectorRules::new(),
        })
    }

    /// A hash of the engine version, every entry and the configuration:
    /// equal fingerprints find the same things in the same text.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    pub fn entry_count(&self) -> usize {
        self.rules.len()
    }

    /// The rules of pattern `p` (whose record is `info`): rules are
    /// grouped by pattern, so they run up to the next pattern's first.
    fn pattern_rules(&self, p: u32, info: PatternInfo) -> &[Rule] {
        let end = self
            .patterns
            .get(p as usize + 1)
            .map_or(self.rules.len() as u32, |n| n.first());
        self.rules.range(info.first(), end - info.first())
    }

    /// Lexicon matching in one pass: each character is folded and mapped
    /// to its automaton code by one table lookup (unless exact, where the
    /// table maps characters as they are) and fed to the automaton; a ring
    /// of the last characters' original offsets maps a match back to the
    /// original text (byte and character offsets). More than
    /// [`MAX_NOISE`] noise characters in a row restart the automaton, so a
    /// term never spans them. `hit` gets every match, in order of its end.
    #[inline(always)]
    fn lexicon_hits(&self, text: &str, mut hit: impl FnMut(Hit, PatternInfo, u32)) {
        let Some(m) = &self.matcher else { return };
        let mut state = m.start();
        let mut ring = [(0u32, 0u32); MAX_PATTERN_CHARS];
        let mut k = 0usize;
        let mut gap = 0u16;
        for (n, (i, c)) in text.char_indices().enumerate() {
            let code = match self.codes.get(c as usize) {
                Some(&NOISE16) => NOISE,
                Some(&code) if code != WIDE => u32::from(code),
                _ => code_of(m, self.folder, self.config.exact, c),
            };
            if code == NOISE {
                gap += 1;
                if gap == MAX_NOISE + 1 {
                    state = m.start();
                }
                continue;
            }
            gap = 0;
            if code == 0 {
                // In no pattern: nothing matches across it.
                state = m.start();
                continue;
            }
            ring[k % MAX_PATTERN_CHARS] = (i as u32, n as u32);
            k += 1;
            state = m.step_code(state, code);
            let mut o = m.first_output(state);
            while o != 0 {
                let p = o - 1;
                let info = self.patterns[p as usize];
                let (start, char_start) = ring[(k - info.chars()) % MAX_PATTERN_CHARS];
                hit(
                    Hit {
                        start,
                        end: (i + c.len_utf8()) as u32,
                        char_start,
                        char_end: n as u32 + 1,
                    },
                    info,
                    p,
                );
                o = info.next();
            }
        }
    }

    /// Scans one text. Findings are ordered by position (start, end), then
    /// kind and rule.
    ///
    /// # Panics
    /// If `text` is longer than [`MAX_TEXT_BYTES`].
    pub fn scan<'a>(&'a self, text: &'a str, opts: &ScanOptions) -> Vec<Finding<'a>> {
        assert!(
            text.len() <= MAX_TEXT_BYTES,
            "text of {} bytes is over the scanner's 4 GiB limit",
            text.len()
        );
        // Lexicon findings are made as matches come, by end, and kept in
        // (start, end) order: a new one only moves back past the few
        // shorter ones nested inside it (one span is one pattern, whose
        // entries come in order, so that order is complete). A pattern of
        // one entry (almost all) carries that entry's kind and severity,
        // so its finding is made without reading the rule.
        //
        // Room for a dense post's findings (one per three characters of
        // a 2 KB post), capped so a long document does not reserve
        // memory for findings it will never have.
        let mut out: Vec<Finding<'a>> = Vec::with_capacity((text.len() / 8).min(1024));
        self.lexicon_hits(text, |h, info, p| {
            let f = Finding {
                rule: self.rules.get(info.first()),
                matched: &text[h.start as usize..h.end as usize],
                start: h.start,
                end: h.end,
                char_start: h.char_start,
                char_end: h.char_end,
                kind: info.kind(),
                severity: info.severity(),
            };
            if !info.several() {
                insert_by_start(&mut out, f);
            } else {
                for r in self.pattern_rules(p, info) {
                    let f = Finding {
                        rule: r,
                        kind: r.kind(),
                        severity: r.severity(),
                        ..f
                    };
                    insert_by_start(&mut out, f);
                }
            }
        });
        if !self.config.exact {
            let mut other = Vec::new();
            self.detectors(text, opts, &mut other);
            if !other.is_empty() {
                sort_and_dedup(&mut other);
                fill_char_offsets(text, &mut other);
                merge(&mut out, &other);
            }
        }
        out
    }

    /// What [`Scanner::scan`] would find, counted by kind, without
    /// building the findings (for bulk runs that only need totals).
    pub fn tally(&self, text: &str, opts: &ScanOptions) -> Tally {
        let mut t = Tally::default();
        self.lexicon_hits(text, |_, info, p| {
            if !info.several() {
                t.add(info.kind(), info.severity());
            } else {
                for r in self.pattern_rules(p, info) {
                    t.add(r.kind(), r.severity());
                }
            }
        });
        if !self.config.exact {
            let mut out = Vec::new();
            self.detectors(text, opts, &mut out);
            // Detector findings never repeat a lexicon entry's rule, but
            // two detectors may report the same span: count as scan() does.
            sort_and_dedup(&mut out);
            for f in &out {
                t.add(f.kind, f.severity);
            }
        }
        t
    }

    fn detectors<'a>(&'a self, text: &'a str, opts: &ScanOptions, out: &mut Vec<Finding<'a>>) {
        let rules = &self.detector_rules;
        for m in crate::pii::detect(text) {
            let rule = rules.pii(m.subkind, opts.disclosure);
            out.push(Finding::new(rule, m.start, m.end));
        }
        for l in crate::links::detect(text) {
            if !crate::links::host_allowed(&l.host, &self.config.link_allowlist) {
                out.push(Finding::new(&rules.external_link, l.start, l.end));
            }
        }
        for (s, e) in crate::secret::star_markings(text) {
            out.push(Finding::new(&rules.classification_star, s, e));
        }
        for (s, e) in crate::prices::priced_offers(text) {
            out.push(Finding::new(&rules.priced_offer, s, e));
        }
        if opts.repost {
            match source_statement(text) {
                None => out.push(Finding::new(&rules.missing_source, 0, 0)),
                Some((s, e, name)) => {
                    if !approved(&name, &self.config.approved_sources) {
                        out.push(Finding::new(&rules.unapproved_source, s, e));
                    }
                }
            }
            if let Some(declared) = opts.source.as_deref().filter(|s| !s.trim().is_empty())
                && !approved(declared, &self.config.approved_sources)
            {
                out.push(Finding::new(&rules.declared_source, 0, 0));
            }
        }
    }
}

/// The automaton code of `c` as the scanner reads it: folded, or
/// [`NOISE`] (unless exact).
fn code_of(m: &Automaton, folder: Folder, exact: bool, c: char) -> u32 {
    if exact {
        m.code(c)
    } else {
        folder.get(c).map_or(NOISE, |f| m.code(f))
    }
}

/// The order of findings: position, then kind and rule name (read only
/// when the rest ties).
fn order(a: &Finding<'_>, b: &Finding<'_>) -> Ordering {
    (a.start, a.end, a.kind)
        .cmp(&(b.start, b.end, b.kind))
        .then_with(|| a.rule.name().cmp(b.rule.name()))
}

/// One rule on one span.
fn same_finding(a: &Finding<'_>, b: &Finding<'_>) -> bool {
    a.start == b.start
        && a.end == b.end
        && a.kind == b.kind
        && (std::ptr::eq(a.rule, b.rule) || a.rule.name() == b.rule.name())
}

/// Appends `f` to findings in (start, end) order that end no later than
/// it, keeping that order.
#[inline(always)]
fn insert_by_start<'a>(out: &mut Vec<Finding<'a>>, f: Finding<'a>) {
    let mut j = out.len();
    out.push(f);
    while j > 0 && out[j - 1].start > f.start {
        out.swap(j - 1, j);
        j -= 1;
    }
}

/// Merges `other` (ordered, no repeats) into `out` (ordered, no repeats)
/// from the back, in place; if a finding of `other` repeats one rule on
/// one span of `out` (they order equal), the repeat is dropped and the
/// lexicon's finding kept.
fn merge<'a>(out: &mut Vec<Finding<'a>>, other: &[Finding<'a>]) {
    let mut i = out.len();
    // Room at the end; every slot is overwritten below.
    out.extend_from_slice(other);
    let (mut j, mut k) = (other.len(), out.len());
    let mut tie = false;
    while j > 0 {
        k -= 1;
        let o = if i > 0 {
            order(&out[i - 1], &other[j - 1])
        } else {
            Ordering::Less
        };
        tie |= o.is_eq();
        if o.is_gt() {
            out[k] = out[i - 1];
            i -= 1;
        } else {
            out[k] = other[j - 1];
            j -= 1;
        }
    }
    if tie {
        out.dedup_by(|later, earlier| same_finding(earlier, later));
    }
}

/// Orders findings by position and drops repeats of one rule on one span.
fn sort_and_dedup(out: &mut Vec<Finding<'_>>) {
    out.sort_unstable_by(order);
    out.dedup_by(|a, b| same_finding(a, b));
}

#[cfg(test)]
mod tests;
