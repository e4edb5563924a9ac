#!/usr/bin/env bash
# Compares what two localfeed binaries extract, page by page:
#   scripts/extract-diff.sh OLD_BIN NEW_BIN
# Runs `extract --format json` of both over every fixture set (tests/fixtures/*, single-article
# sets included, the unseen split tests/fixtures/real-test left out), ../shared/corpus/pages,
# ../shared/corpus-web/pages and 1,000 pages of bench/e2e/make_pages.py (seed 7, generated
# once into $EXTRACT_DIFF_PAGES, default /tmp/localfeed-extract-diff-pages). Prints every file
# whose output or exit status differs, with a short diff, and a count per set; exits 1 when
# anything differs, 0 when the outputs are byte-identical.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 OLD_BIN NEW_BIN" >&2
  exit 2
fi
OLD=$(realpath "$1")
NEW=$(realpath "$2")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$ROOT/../shared
[ -d "$SHARED" ] || SHARED=/work/shared
GEN=${EXTRACT_DIFF_PAGES:-/tmp/localfeed-extract-diff-pages}

if [ ! -f "$GEN/.done" ]; then
  rm -rf "$GEN"
  mkdir -p "$GEN"
  python3 "$SHARED/bench/e2e/make_pages.py" --pages 1000 --seed 7 --out "$GEN/pages" >/dev/null
  touch "$GEN/.done"
fi

sets=()
for d in "$ROOT"/tests/fixtures/*/; do
  d=${d%/}
  case $(basename "$d") in real-test*) continue ;; esac
  if [ -d "$d/pages" ]; then sets+=("$d/pages"); else sets+=("$d"); fi
done
sets+=("$SHARED/corpus/pages" "$SHARED/corpus-web/pages" "$GEN/pages")

# run from an empty folder, so that no config.toml changes either run
EMPTY=$(mktemp -d)
trap 'rm -rf "$EMPTY"' EXIT
total=0
differ=0
for set in "${sets[@]}"; do
  n=0
  d=0
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    o_rc=0
    n_rc=0
    o_out=$(cd "$EMPTY" && "$OLD" extract --format json "$f" 2>&1) || o_rc=$?
    n_out=$(cd "$EMPTY" && "$NEW" extract --format json "$f" 2>&1) || n_rc=$?
    if [ "$o_out" != "$n_out" ] || [ "$o_rc" != "$n_rc" ]; then
      d=$((d + 1))
      echo "--- differs: $f (exit $o_rc -> $n_rc)"
      diff <(printf '%s\n' "$o_out" | python3 -m json.tool --no-ensure-ascii 2>/dev/null || printf '%s\n' "$o_out") \
           <(printf '%s\n' "$n_out" | python3 -m json.tool --no-ensure-ascii 2>/dev/null || printf '%s\n' "$n_out") |
        head -20 || true
    fi
  done < <(find "$set" -maxdepth 1 -type f ! -name '*.md5' ! -name 'README*' ! -name '*.expected.json' -print0 | sort -z)
  echo "== $set: $n files, $d differ"
  total=$((total + n))
  differ=$((differ + d))
done
echo "== total: $total files, $differ differ"
[ "$differ" -eq 0 ]
