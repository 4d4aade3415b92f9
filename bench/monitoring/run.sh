#!/usr/bin/env bash
# The monitoring benchmark of the README (issue #11): for each backend, a
# fresh database with ACCOUNTS accounts and a year of posts and messages
# (govmedia bench monitoring), then in the same run:
#   - ingest through the API (5,000-post batches, scanned) ÷ a bare
#     multi-row insert of the same rows into the same table;
#   - p95 of 首页, the zombie list and the overview API for the province
#     ÷ p95 of a bare SELECT COUNT(*) FROM posts;
#   - resident memory of the server process after the ingest.
# Prints a Markdown table (the JSON lines stay in bench/monitoring/out/).
#
#   bash bench/monitoring/run.sh                       # 10,000 accounts, both backends
#   ACCOUNTS=2000 BACKENDS=sqlite bash bench/monitoring/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ACCOUNTS="${ACCOUNTS:-10000}"
DAYS="${DAYS:-365}"
BATCHES="${BATCHES:-6}"
REPEAT="${REPEAT:-40}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_URL="${GOVMEDIA_BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
out=bench/monitoring/out
mkdir -p "$out"

cargo build --release --locked --bin govmedia >&2
bin=target/release/govmedia

for backend in $BACKENDS; do
  work=$(mktemp -d)
  if [ "$backend" = sqlite ]; then
    url="sqlite://$work/bench.db"
  else
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS govmedia_bench WITH (FORCE)" >/dev/null
    psql "$PG_URL" -qc "CREATE DATABASE govmedia_bench" >/dev/null
    url="${PG_URL%/*}/govmedia_bench"
  fi
  (cd "$work" && GOVMEDIA_LOG=warn,sqlx=error "$OLDPWD/$bin" --database-url "$url" bench monitoring \
    --accounts "$ACCOUNTS" --days "$DAYS" --batches "$BATCHES" --repeat "$REPEAT" --label "$backend") \
    >"$out/$backend.jsonl"
  rm -rf "$work"
  if [ "$backend" = postgres ]; then
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS govmedia_bench WITH (FORCE)" >/dev/null
  fi
done

python3 - "$out" $BACKENDS <<'PY'
import json, sys
out, backends = sys.argv[1], sys.argv[2:]
print("| backend | accounts | posts | measure | value | reference | ratio | target |")
print("|---|---|---|---|---|---|---|---|")
for b in backends:
    rows = [json.loads(l) for l in open(f"{out}/{b}.jsonl") if l.startswith("{")]
    size = next(r for r in rows if r["measure"] == "rss")
    acc, posts = f'{size["accounts"]:,}', f'{size["posts"]:,}'
    for r in rows:
        if r["measure"] == "ingest":
            print(f'| {b} | {acc} | {posts} | ingest API, rows/s | {r["api_rows_per_s"]:,.0f} | bare insert {r["bare_rows_per_s"]:,.0f} | {r["ratio"]:.2f} | ≥ 0.30 |')
        elif r["measure"] == "read" and not r["path"].startswith("SELECT"):
            ref = next(x for x in rows if x["measure"] == "read" and x["path"].startswith("SELECT"))
            print(f'| {b} | {acc} | {posts} | `{r["path"]}` p95 ms (p50) | {r["p95_ms"]:.1f} ({r["p50_ms"]:.1f}) | count(*) {ref["p95_ms"]:.1f} | {r["ratio_to_count_p95"]:.2f} | p95 < 100 ms |')
    print(f'| {b} | {acc} | {posts} | RSS after ingest, MB | {size["rss_mb_after_ingest"]:.0f} | | | < 500 MB |')
PY
