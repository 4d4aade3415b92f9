#!/usr/bin/env bash
# Whole-process scanner benchmark against Python-bound peers, same lexicon,
# same corpus, one run. Usage: bash bench/scan/run.sh   (BENCH_MB=100 by default)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/work"
mkdir -p "$work"
cargo build --release -p govmedia --manifest-path "$root/Cargo.toml"
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q hyperscan pyahocorasick ahocorasick-rs daachorse jieba snownlp
fi
"$here/.venv/bin/python" "$here/bench.py" --bin "$root/target/release/govmedia" --work "$work" --mb "${BENCH_MB:-100}"
