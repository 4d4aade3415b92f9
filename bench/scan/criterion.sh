#!/usr/bin/env bash
# In-process criterion benchmarks of the scanner (per-post latency, throughput
# and compile time against the daachorse and aho-corasick crates). Makes the
# lexicon and corpus with the same generator as run.sh when they are missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/work"
mkdir -p "$work"
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q hyperscan pyahocorasick ahocorasick-rs daachorse jieba snownlp
fi
if [ ! -f "$work/lex50000.txt" ] || [ ! -f "$work/rare50000.txt" ] || ! ls "$work"/generated*.jsonl >/dev/null 2>&1; then
  "$here/.venv/bin/python" - "$here" "$work" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1])
import gen
w = gen.jieba_words()
gen.lexicon(w, 50_000, os.path.join(sys.argv[2], "lex50000.txt"))
gen.rare_lexicon(w, 50_000, os.path.join(sys.argv[2], "rare50000.txt"))
if not any(n.startswith("generated") for n in os.listdir(sys.argv[2])):
    gen.generated_corpus(w, 10, os.path.join(sys.argv[2], "generated10.jsonl"))
PY
fi
cd "$here/criterion" && cargo bench --bench scan -- "$@"
