//! A scanner that can be rebuilt and swapped while requests run: readers
//! take an `Arc` of the current scanner; a rebuild compiles a new one
//! outside the lock and swaps it in one step, so no request ever sees a
//! half-built matcher.

use crate::scanner::Scanner;
use std::sync::{Arc, RwLock};

pub struct SharedScanner {
    current: RwLock<Arc<Scanner>>,
}

impl SharedScanner {
    pub fn new(s: Scanner) -> SharedScanner {
        SharedScanner {
            current: RwLock::new(Arc::new(s)),
        }
    }

    /// The scanner to use for one request.
    pub fn get(&self) -> Arc<Scanner> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the scanner; requests already running keep the old one.
    pub fn replace(&self, s: Scanner) {
        let new = Arc::new(s);
        match self.current.write() {
            Ok(mut g) => *g = new,
            Err(poisoned) => *poisoned.into_inner() = new,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ScanOptions, ScannerConfig, parse_lexicon};

    #[test]
    fn swaps_while_scanning() {
        let shared = Arc::new(SharedScanner::new(
            Scanner::new(
                parse_lexicon("甲词\n", "a").unwrap(),
                false,
                ScannerConfig::default(),
            )
            .unwrap(),
        ));
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let s = shared.clone();
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let n = s.get().scan("甲词乙词", &ScanOptions::default()).len();
                        assert!(n == 1 || n == 2, "a half-built scanner found {n}");
                    }
                })
            })
            .collect();
        for _ in 0..20 {
            shared.replace(
                Scanner::new(
                    parse_lexicon("甲词\n乙词\n", "b").unwrap(),
                    false,
                    ScannerConfig::default(),
                )
                .unwrap(),
            );
        }
        for r in readers {
            r.join().unwrap();
        }
        assert_eq!(
            shared.get().scan("甲词乙词", &ScanOptions::default()).len(),
            2
        );
    }
}
