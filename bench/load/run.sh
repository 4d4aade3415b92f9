#!/usr/bin/env bash
# The load benchmark of the README: a release server with the demo data on
# SQLite and on PostgreSQL, driven by bench/load (govmedia-load) on the same
# machine. For each backend, in one run:
#   - closed loop, 50 and 200 logged-in users (each its own session) for
#     DURATION seconds on the API list, the list page, an account page,
#     我的待办 and 首页, with /healthz as the floor;
#   - a constant arrival rate of RATE requests/s on the same paths (latency
#     counted from each request's scheduled time).
# Prints a Markdown table (and keeps the JSON lines in bench/load/out/).
#
#   bash bench/load/run.sh                 # both backends, 30 s per run
#   DURATION=10 BACKENDS=sqlite bash bench/load/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-30}"
RATE="${RATE:-300}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_URL="${GOVMEDIA_BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PASSWORD='Demo-Pass-2026'
out=bench/load/out
mkdir -p "$out"

cargo build --release --locked --bin govmedia --bin govmedia-load >&2
bin=target/release/govmedia
load=target/release/govmedia-load

paths=(/api/v1/accounts /accounts /accounts/1 /todo /)
names=(api-list list-page account-page todo home)

run_backend() {
  local backend=$1 url work port server
  work=$(mktemp -d)
  port=$((20000 + RANDOM % 20000))
  if [ "$backend" = sqlite ]; then
    url="sqlite://$work/load.db"
  else
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS govmedia_load WITH (FORCE)" >/dev/null
    psql "$PG_URL" -qc "CREATE DATABASE govmedia_load" >/dev/null
    url="${PG_URL%/*}/govmedia_load"
  fi
  GOVMEDIA_DEMO_PASSWORD="$PASSWORD" "$bin" --database-url "$url" serve --demo \
    --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
  local args=(--base "http://127.0.0.1:$port" --username center --password "$PASSWORD"
    --sessions 200 --duration "$DURATION" --warmup 3 --connections 100)
  args+=(--run "healthz closed=50 /healthz" --run "healthz closed=200 /healthz")
  for i in "${!paths[@]}"; do
    args+=(--run "${names[$i]} closed=50 ${paths[$i]}" --run "${names[$i]} closed=200 ${paths[$i]}")
  done
  args+=(--run "healthz rate=$RATE /healthz")
  for i in "${!paths[@]}"; do
    args+=(--run "${names[$i]} rate=$RATE ${paths[$i]}")
  done
  "$load" "${args[@]}" | sed "s/^{/{\"backend\":\"$backend\",/" >"$out/$backend.jsonl" \
    || { kill "$server"; tail -20 "$work/server.log" >&2; exit 1; }
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
  if [ "$backend" = postgres ]; then
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS govmedia_load WITH (FORCE)" >/dev/null
  fi
}

for b in $BACKENDS; do run_backend "$b"; done

python3 - "$out" $BACKENDS <<'EOF'
import json, sys
out, backends = sys.argv[1], sys.argv[2:]
print("| backend | path | load | req/s | p50 ms | p99 ms | errors | req/s ÷ /healthz |")
print("|---|---|---|---|---|---|---|---|")
for b in backends:
    rows = [json.loads(l) for l in open(f"{out}/{b}.jsonl")]
    floor = {(r["mode"], r["level"]): r["rps"] for r in rows if r["path"] == "/healthz"}
    for r in rows:
        load = f'{int(r["level"])} clients' if r["mode"] == "closed" else f'{int(r["level"])} req/s constant'
        ratio = r["rps"] / floor[(r["mode"], r["level"])] if r["mode"] == "closed" else None
        print(f'| {b} | `{r["path"]}` | {load} | {r["rps"]:.0f} | {r["p50_ms"]:.1f} | {r["p99_ms"]:.1f} | '
              f'{r["errors"]} | {"" if ratio is None else f"{ratio:.3f}"} |')
EOF
