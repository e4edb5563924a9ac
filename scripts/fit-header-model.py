#!/usr/bin/env python3
"""Fit the header model (src/extract/roles/header.rs) to the gold of development pages.

For every headline-like line above a page's first text, `localfeed extract --features`
prints the features the model reads. A line is labelled a headline when the gold of the
page gives it as an article's headline (its title, kicker or subtitle, or the kicker and
title as one line, or a line that holds the title); every other candidate is not. A
logistic regression with an L2 penalty is fitted by plain gradient descent from zero
weights, a fixed number of steps, so the same pages give the same weights. The weights
are written to data/header-model.json with the threshold (a score, in logits) below
which a candidate is furniture.

Never fit on a test split (tests/fixtures/real-test*): those pages estimate how the model
does on pages nobody tuned on.

usage: scripts/fit-header-model.py [--bin target/release/localfeed] [--out FILE] [CORPUS...]
       (CORPUS: a folder with pages/ and gold/, or FIXTURES=EXPECTED, fixture pages and
       their reviewed outputs)
       scripts/fit-header-model.py --check [CORPUS...]   (report only, write nothing)
       scripts/fit-header-model.py --verify              (CI: the shipped model is reproducible)
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys

# What the shipped model is fitted to: every gold set we tune on (never a test split),
# and our own fixture pages with their reviewed outputs.
TRAINING = [
    "tests/fixtures/real",
    "../shared/corpus-web",
    "../shared/corpus",
    "tests/fixtures/heldout",
    "tests/fixtures/heldout2",
    "tests/fixtures/heldout3",
    "tests/fixtures/heldout4",
    "tests/fixtures/heldout5",
    "tests/fixtures/heldout6",
    "tests/fixtures/extract=tests/expected/extract",
]

PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def norm(s):
    return PUNCT.sub("", s or "")


def forms(article):
    """The squeezed ways an article's headline may be printed on one line."""
    k, t, s = norm(article.get("kicker")), norm(article.get("title")), norm(article.get("subtitle"))
    out = {x for x in (k, t, s, k + t, t + s, k + t + s) if x}
    return out, t


def is_headline(text, golds):
    n = norm(text)
    if not n:
        return False
    for a in golds:
        fs, title = forms(a)
        if n in fs:
            return True
        if title and len(title) >= 4 and title in n and len(n) <= len(title) + 20:
            return True
        if len(n) >= 6 and any(n in f for f in fs):
            return True
    return False


def rows_of(binary, corpus):
    """Candidate lines of a corpus with their labels. A corpus is a folder with pages/ and
    gold/, or `PAGES=EXPECTED`: a folder of fixture pages and the folder of their reviewed
    outputs (`NAME.expected.json`), whose headlines serve as gold."""
    if "=" in corpus:
        pages, expected = corpus.split("=", 1)
        names = sorted(f for f in os.listdir(pages) if f.endswith(".txt"))
        gold_of = {os.path.join(pages, n): os.path.join(expected, n + ".expected.json") for n in names}
    else:
        pages = os.path.join(corpus, "pages")
        gold_dir = os.path.join(corpus, "gold")
        names = sorted(f for f in os.listdir(pages) if f.endswith(".txt"))
        gold_of = {os.path.join(pages, n): os.path.join(gold_dir, n[:-4] + ".json") for n in names}
    paths = [p for p, g in gold_of.items() if os.path.exists(g)]
    out = []
    for i in range(0, len(paths), 64):
        chunk = paths[i:i + 64]
        res = subprocess.run([binary, "extract", "--features", *chunk], capture_output=True, text=True)
        golds, page = [], None
        for line in res.stdout.splitlines():
            if line.startswith("== "):
                page = line[3:]
                with open(gold_of[line[3:]], encoding="utf-8") as f:
                    golds = json.load(f)["articles"]
                continue
            row = json.loads(line)
            out.append((corpus, page, row, is_headline(row["text"], golds)))
    return out


def fit(xs, ys, l2=0.01, steps=1500, rate=0.5):
    """Logistic regression by full-batch gradient descent from zero weights, a fixed
    number of steps, in plain Python: the same rows give the same weights."""
    n, d = len(xs), len(xs[0])
    pos = sum(ys)
    # the two classes weigh alike: headlines are the rarer
    cw = [n / (2 * max(pos, 1)) if y else n / (2 * max(n - pos, 1)) for y in ys]
    cols = [[x[j] for x in xs] for j in range(d)]
    w, b = [0.0] * d, 0.0
    for _ in range(steps):
        z = [b] * n
        for j in range(d):
            wj = w[j]
            if wj:
                cj = cols[j]
                z = [zi + wj * c for zi, c in zip(z, cj)]
        g = [(1 / (1 + math.exp(-max(min(zi, 30.0), -30.0))) - y) * c for zi, y, c in zip(z, ys, cw)]
        b -= rate * sum(g) / n
        w = [w[j] - rate * (sum(gi * c for gi, c in zip(g, cols[j])) / n + l2 * w[j]) for j in range(d)]
    return w, b


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="target/release/localfeed")
    ap.add_argument("--out", default="data/header-model.json")
    ap.add_argument("--threshold", type=float, default=None,
                    help="score (logits) under which a candidate is furniture (default: just under "
                         "the lowest score of a headline of the training set, so that none is lost)")
    ap.add_argument("--check", action="store_true", help="report how the shipped model labels the pages")
    ap.add_argument("--verify", action="store_true",
                    help="fit, and fail unless the result is the shipped model (CI)")
    ap.add_argument("dirs", nargs="*", help="corpora (default: the training set above)")
    a = ap.parse_args()
    a.dirs = a.dirs or TRAINING
    for d in a.dirs:
        if "real-test" in d:
            sys.exit(f"{d}: a test split is never fitted on")
    rows = []
    for d in a.dirs:
        rows.extend(rows_of(a.bin, d))
    if not rows:
        sys.exit("no candidate lines found")
    names = sorted(rows[0][2]["features"])
    # the order of the weights: the shipped model's (a test holds it to the binary's)
    order = json.load(open("data/header-model.json", encoding="utf-8"))["features"]
    if sorted(order) != names:
        sys.exit(f"{a.out}: its feature names differ from what the binary prints: {names}")
    xs = [[r[2]["features"][k] for k in order] for r in rows]
    ys = [1 if r[3] else 0 for r in rows]
    if a.check:
        w = json.load(open(a.out, encoding="utf-8"))
        weights, bias, threshold = w["weights"], w["bias"], w["threshold"]
    else:
        weights, bias = fit(xs, ys)
        threshold = a.threshold
        if threshold is None:
            lowest = min(bias + sum(w * x for w, x in zip(weights, row)) for row, y in zip(xs, ys) if y)
            threshold = math.floor((lowest - 0.05) * 10) / 10
    # the margin: a doubtful line (a score under 0) that far below the page's best line
    # (itself at least 1.5) is furniture; just over the widest gap of a training headline
    scores = [bias + sum(w * x for w, x in zip(weights, row)) for row in xs]
    best = {}
    for r, sc in zip(rows, scores):
        best[(r[0], r[1])] = max(best.get((r[0], r[1]), sc), sc)
    gaps = [best[(r[0], r[1])] - sc for r, sc, y in zip(rows, scores, ys)
            if y and sc < 0 and best[(r[0], r[1])] >= 1.5]
    margin = math.ceil((max(gaps, default=3.0) + 0.05) * 10) / 10
    tp = fp = fn = tn = 0
    for x, y in zip(xs, ys):
        s = bias + sum(wi * xi for wi, xi in zip(weights, x))
        keep = s >= threshold
        tp += keep and y
        fp += keep and not y
        fn += (not keep) and y
        tn += (not keep) and not y
    print(f"{len(rows)} candidate lines on {len({(r[0], r[1]) for r in rows})} pages, {sum(ys)} headlines")
    print(f"kept headlines {tp}, dropped headlines {fn}, kept other lines {fp}, dropped other lines {tn}")
    if a.verify:
        shipped = json.load(open(a.out, encoding="utf-8"))
        same = (shipped["weights"] == [round(x, 4) for x in weights] and shipped["bias"] == round(bias, 4)
                and shipped["threshold"] == threshold and shipped.get("margin") == margin)
        if not same:
            sys.exit(f"{a.out} is not what the training set fits; run scripts/fit-header-model.py")
        print(f"{a.out}: the shipped model is what the training set fits")
        return
    if not a.check:
        model = {
            "features": order,
            "weights": [round(x, 4) for x in weights],
            "bias": round(bias, 4),
            "threshold": threshold,
            "margin": margin,
            "fitted_on": [os.path.normpath(d) for d in a.dirs],
            "lines": len(rows),
        }
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(model, f, ensure_ascii=False, indent=1)
            f.write("\n")
        for k, x in sorted(zip(order, weights), key=lambda t: -abs(t[1])):
            print(f"  {k:<22} {x:+.3f}")
        print(f"  {'(bias)':<22} {bias:+.3f}")


if __name__ == "__main__":
    main()
