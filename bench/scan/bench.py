"""Runs every scanner on the same lexicon and corpus, whole process each,
and prints MB/s and the time ratio to the fastest peer."""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import gen  # noqa: E402

PEERS = ["hyperscan", "pyahocorasick", "ahocorasick-rs", "daachorse"]


def timed(cmd):
    best = None
    out = ""
    for _ in range(2):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t
        if r.returncode != 0:
            return None, r.stderr.strip()[:200]
        out = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        best = dt if best is None else min(best, dt)
    return best, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mb", type=int, default=100)
    a = ap.parse_args()
    words = gen.jieba_words()
    lex = {n: gen.lexicon(words, n, os.path.join(a.work, f"lex{n}.txt")) for n in (50_000, 300_000)}
    gen_path = os.path.join(a.work, f"generated{a.mb}.jsonl")
    if not os.path.exists(gen_path):
        gen.generated_corpus(words, a.mb, gen_path)
    corpora = {"generated": gen_path, "peoples-daily-1998": gen.peoples_daily(os.path.join(a.work, "pd1998.jsonl"))}
    py = sys.executable
    peers_py = os.path.join(os.path.dirname(__file__), "peers.py")
    print("| corpus | lexicon | scanner | matches | seconds | MB/s | time ÷ fastest peer |")
    print("|---|---|---|---|---|---|---|")
    for cname, cpath in corpora.items():
        mb = os.path.getsize(cpath) / 1024 / 1024
        for n, lpath in lex.items():
            rows = []
            for p in PEERS:
                t, out = timed([py, peers_py, p, lpath, cpath])
                rows.append((p, t, out))
            ours_exact = timed([a.bin, "scan", "--exact", "--jsonl", "--summary", "--no-default-lexicons", "--lexicon", lpath, cpath])
            ours_full = timed([a.bin, "scan", "--jsonl", "--summary", "--lexicon", lpath, cpath])
            rows.append(("govmedia --exact", *ours_exact))
            rows.append(("govmedia (all detectors)", *ours_full))
            fastest = min(t for p, t, _ in rows if p in PEERS and t)
            for p, t, out in rows:
                if t is None:
                    print(f"| {cname} | {n} | {p} | failed: {out} | | | |")
                else:
                    # Our --summary line is JSON; peers print the count.
                    count = out
                    if out.startswith("{"):
                        import json
                        v = json.loads(out)
                        count = str(v["by_kind"].get("lexicon", 0) + v["by_kind"].get("correction", 0)) + f" (+{v['findings']} total)"
                    print(f"| {cname} | {n} | {p} | {count} | {t:.2f} | {mb / t:.1f} | {t / fastest:.2f} |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
