#!/usr/bin/env bash
# A run on a big store (issue 18): N synthetic articles written straight into a state file
# (benches/big_store.rs), published once in full by this build, then +PAGES new pages
# (../shared/bench/e2e/make_pages.py, seed 7) and a run with nothing new, by this build
# and by another (e.g. main's), each on its own copy of the store and of the published
# folder (hard links: publishing replaces a file by renaming a new one over it); wall,
# CPU, peak RSS (GNU time), what was read and written, load average; then diff -r of the
# two outputs. Disk: about 45 GB and 2.5 M files for 1,000,000 articles.
#
#   WORK=/work/tmp-million benches/e2e/big_store.sh OTHER_LOCALFEED [ARTICLES] [PAGES]
#
# OTHER_LOCALFEED `-`: this build only; THIS=binary measures that binary instead of this
# build (e.g. main's on a store of its own, when the two builds' outputs differ). The store is generated only when $WORK/store-N has
# no state.db; the first publish is made again when `published` is missing.
#
# The store and its first publish are kept in $WORK (made on first use); the copies are
# removed at the end unless KEEP=1.
set -u
OTHER=${1:?the other localfeed binary to compare with}
N=${2:-1000000}; P=${3:-100}
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD; W=${WORK:-/work/tmp-million}; mkdir -p "$W"
C=$ROOT/benches/e2e/config.toml; E2E=$ROOT/../shared/bench/e2e
export LOCALFEED_NOW=2026-12-01T09:00:00+08:00
cargo build --release -q && cargo bench --bench big_store --no-run -q 2>/dev/null
cp "${THIS:-target/release/localfeed}" "$W/localfeed-this"
GEN=$(ls -t target/release/deps/big_store-* | grep -v '\.d$' | head -1)
B=$W/store-$N; mkdir -p "$B" "$W/empty"
if [ ! -f "$B/state.db" ]; then
  rm -rf "$B"/*
  /usr/bin/time -f "generate: %e s wall, %U+%S s CPU, %M KB" "$GEN" --articles "$N" --state "$B/state.db"
fi
if [ ! -f "$B/published" ]; then
  # the first publish by this build (remove `published` and `out` to make it again, e.g.
  # after a change of the output: the store is kept)
  rm -rf "$B/out"
  /usr/bin/time -f "first publish: %e s wall, %U+%S s CPU, %M KB" "$W/localfeed-this" -v --config "$C" \
    run --inbox "$W/empty" --out "$B/out" --state "$B/state.db" 2>&1 | grep -v WARN | tail -4
  touch "$B/published"
fi
[ -d "$W/new-$P" ] || python3 "$E2E/make_pages.py" --pages "$P" --seed 7 --gb18030-share 0.1 --out "$W/new-$P" >/dev/null
run() { # name bin
  d=$W/run-$1; rm -rf "$d"; mkdir -p "$d"
  cp "$B/state.db" "$d/state.db"; cp -al "$B/out" "$d/out"; sync
  l0=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %U %S %M" "$2" -v --config "$C" run --inbox "$W/new-$P" --out "$d/out" --state "$d/state.db" 2> "$d/log"
  l1=$(cut -d' ' -f1 /proc/loadavg)
  read -r w u s r < <(tail -1 "$d/log")
  /usr/bin/time -f "%e %U %S %M" "$2" -q --config "$C" run --inbox "$W/new-$P" --out "$d/out" --state "$d/state.db" 2> "$d/log2"
  read -r w2 _ _ r2 < <(tail -1 "$d/log2")
  echo "$(date -u +%H:%M) $1 +$P pages on $N: wall ${w}s cpu ${u}+${s}s rss $((r/1024))MB | nothing new ${w2}s rss $((r2/1024))MB | load $l0 -> $l1"
  grep -E "looked at|bod\(y/ies\) read|output file\(s\) written|stored article\(s\) read" "$d/log" | sed 's/^/    /'
  # the files the +P run wrote (a new inode: one link), by the feed folder they are in
  find "$d/out" -type f -links 1 -printf '%P\n' | awk -F/ '
    { l = length($1); k = "townships" }
    $1 == "articles" { k = "article pages" }
    NF == 1 { k = "top level" }
    NF > 1 && $1 == "all" { k = "all" }
    NF > 1 && l == 2 { k = "provinces" }
    NF > 1 && l == 4 { k = "prefectures" }
    NF > 1 && l == 6 { k = "counties" }
    { n[k]++ }
    END { for (k in n) printf "    written in %s: %d\n", k, n[k] }' | sort
}
run this "$W/localfeed-this"
# OTHER=- runs this build only (when the other's output differs from this one's first
# publish, it would rewrite what differs: measure it on its own first publish instead)
[ "$OTHER" = - ] && { [ "${KEEP:-0}" = 1 ] || rm -rf "$W/run-this"; exit 0; }
run other "$OTHER"
diff -r "$W/run-this/out" "$W/run-other/out" > "$W/diff.txt" && echo "diff -r of the two outputs: identical" \
  || echo "diff -r of the two outputs: $(wc -l < "$W/diff.txt") lines differ (see $W/diff.txt)"
[ "${KEEP:-0}" = 1 ] || rm -rf "$W/run-this" "$W/run-other"
