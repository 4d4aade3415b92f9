"""One peer per process: build the automaton from a lexicon (one word a
line), read JSON lines, count every (overlapping) match. Prints the count."""
import json
import sys


def lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)["text"]


def main():
    peer, lex, corpus = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(lex, encoding="utf-8") as f:
        words = [w.strip() for w in f if w.strip()]
    total = 0
    if peer == "pyahocorasick":
        import ahocorasick
        a = ahocorasick.Automaton()
        for i, w in enumerate(words):
            a.add_word(w, i)
        a.make_automaton()
        for t in lines(corpus):
            for _ in a.iter(t):
                total += 1
    elif peer == "ahocorasick-rs":
        import ahocorasick_rs
        a = ahocorasick_rs.AhoCorasick(words)
        for t in lines(corpus):
            total += len(a.find_matches_as_indexes(t, overlapping=True))
    elif peer == "daachorse":
        import daachorse
        # The charwise variant suits CJK text (fewer states than bytewise).
        a = daachorse.CharwiseDoubleArrayAhoCorasick(words)
        for t in lines(corpus):
            total += len(a.find_overlapping(t))
    elif peer == "hyperscan":
        import hyperscan
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        exprs = [w.encode("utf-8") for w in words]
        db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs),
                   flags=[hyperscan.HS_FLAG_SINGLEMATCH * 0] * len(exprs), literal=True)
        count = [0]

        def on_match(_id, _from, _to, _flags, _ctx):
            count[0] += 1

        for t in lines(corpus):
            db.scan(t.encode("utf-8"), match_event_handler=on_match)
        total = count[0]
    else:
        raise SystemExit("unknown peer " + peer)
    print(total)


if __name__ == "__main__":
    main()
