#!/usr/bin/env python3
"""Check a gold folder (pages/NAME.txt + gold/NAME.json, format of the shared corpus README).

Usage: python3 scripts/check-gold.py DIR [DIR ...]

For every gold/*.json under each DIR:
  * the JSON parses, has the corpus keys (plus `url` and `assembled` when --web is given),
    and `source` names the page file;
  * every `lead` and `boilerplate` string is an exact substring of the page, leads in order;
  * title / kicker / subtitle and every name occur in the page once white space is removed;
  * dates are null or YYYY-MM-DD, kinds are news/photo/opinion/notice;
  * every locality / also / home chain exists level by level in data/gazetteer/nbs-2023.tsv
    (placeholder levels 市辖区, 县, 省直辖县级行政区划 … never appear; a county row that
    repeats its city, as 东莞市/东莞市, appears once; the two SARs are one-level chains).
Exit 1 with one line per problem.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ART_KEYS = ["title", "kicker", "subtitle", "lead", "reporters", "contributors",
            "date", "locality", "also", "kind"]
KINDS = {"news", "photo", "opinion", "notice"}
SAR = {"香港特别行政区", "澳门特别行政区"}
PSEUDO = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def load_chains():
    names = {}
    with open(os.path.join(ROOT, "data/gazetteer/nbs-2023.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            code, name = line.rstrip("\n").split("\t")[:2]
            names[code] = name
    chains = set()
    for code in names:
        parts = [code[:2]]
        if len(code) >= 4:
            parts.append(code[:4])
        if len(code) >= 6:
            parts.append(code[:6])
        if len(code) >= 9:
            parts.append(code[:9])
        out = []
        for p in parts:
            n = names.get(p)
            if n is None:
                break
            if n in PSEUDO or (out and out[-1] == n):
                continue
            out.append(n)
        else:
            chains.add(tuple(out))
    return chains


def check_dir(d, chains, web):
    problems = []
    n_files = n_art = 0
    gold = os.path.join(d, "gold")
    for fn in sorted(os.listdir(gold)):
        if not fn.endswith(".json"):
            continue
        n_files += 1
        where = os.path.join(d, "gold", fn)
        try:
            with open(os.path.join(gold, fn), encoding="utf-8") as f:
                g = json.load(f)
        except (OSError, ValueError) as e:
            problems.append(f"{where}: {e}")
            continue
        keys = ["source", "publication", "articles", "boilerplate"] + (["url", "assembled"] if web else [])
        missing = [k for k in keys if k not in g]
        if missing:
            problems.append(f"{where}: missing keys {missing}")
            continue
        if g["source"] != fn[:-5] + ".txt":
            problems.append(f"{where}: source {g['source']} does not match the file name")
        try:
            with open(os.path.join(d, "pages", g["source"]), encoding="utf-8") as f:
                page = f.read()
        except OSError as e:
            problems.append(f"{where}: {e}")
            continue
        flat = re.sub(r"\s+", "", page)
        pos = -1
        for i, a in enumerate(g["articles"]):
            n_art += 1
            w = f"{where} article {i + 1}"
            miss = [k for k in ART_KEYS if k not in a]
            if miss:
                problems.append(f"{w}: missing keys {miss}")
                continue
            if not a["lead"] or a["lead"] not in page:
                problems.append(f"{w}: lead not an exact substring: {a['lead']!r}")
            else:
                p = page.find(a["lead"], pos + 1)
                if p < 0:
                    problems.append(f"{w}: lead out of order")
                else:
                    pos = p
            for k in ["title", "kicker", "subtitle"]:
                if a[k] is not None and re.sub(r"\s+", "", a[k]) not in flat:
                    problems.append(f"{w}: {k} not in the page: {a[k]!r}")
            for k in ["reporters", "contributors"]:
                for name in a[k]:
                    if name not in flat:
                        problems.append(f"{w}: {k} name not in the page: {name!r}")
            if a["date"] is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", a["date"]):
                problems.append(f"{w}: bad date {a['date']!r}")
            if a["kind"] not in KINDS:
                problems.append(f"{w}: bad kind {a['kind']!r}")
            for chain in [a["locality"]] + a["also"]:
                if tuple(chain or ()) not in chains and not (len(chain or ()) == 1 and chain[0] in SAR):
                    problems.append(f"{w}: chain not in the 2023 codes: {chain}")
        for b in g["boilerplate"]:
            if b not in page:
                problems.append(f"{where}: boilerplate not an exact substring: {b!r}")
        pub = g["publication"]
        if pub.get("date") is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", pub["date"]):
            problems.append(f"{where}: bad publication date {pub['date']!r}")
        h = pub.get("home")
        if h is not None and tuple(h) not in chains and not (len(h) == 1 and h[0] in SAR):
            problems.append(f"{where}: home chain not in the 2023 codes: {h}")
    print(f"{d}: {n_files} gold files, {n_art} articles")
    return problems


def main():
    args = [a for a in sys.argv[1:] if a != "--web"]
    web = "--web" in sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    chains = load_chains()
    problems = []
    for d in args:
        problems += check_dir(d, chains, web)
    for p in problems:
        print("  " + p)
    if problems:
        print(f"{len(problems)} problem(s)")
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
