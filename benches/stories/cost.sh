#!/usr/bin/env bash
# What merging printings costs in a run (BENCHMARKS.md, "stories: cost in a run"):
# `localfeed run` with benches/stories/merge-on.toml against merge-off.toml, alternated
# (on, off, on, off), each run on fresh output and state, on an inbox made by
# make_pages.py. `daily` feeds the same inbox in PARTS runs (its files in name order, a
# part a day) into one state, on and off alternated part by part, and times each run.
#
#   bash benches/stories/cost.sh once  INBOX WORK [BIN]
#   bash benches/stories/cost.sh daily INBOX WORK [BIN] [PARTS]
#
# WORK should be on tmpfs (/dev/shm); it is emptied first, and each run's output and state
# are deleted once measured (a 10,000-page run writes about 3 GB).
set -euo pipefail
mode=$1 inbox=$(realpath "$2") work=$3 bin=$(realpath "${4:-target/release/localfeed}")
parts=${5:-5}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
run() { # NAME CONFIG INBOX NOW
    local t0 t1
    t0=$(date +%s.%N)
    LOCALFEED_NOW=$4 /usr/bin/time -f "%e s wall, %U s user, %M KB peak" -o "$work/$1.time" \
        "$bin" -q --config "$here/$2" run --inbox "$3" --out "$work/$1/out" \
        --state "$work/$1/state.db" >/dev/null 2>"$work/$1.err" || true
    t1=$(date +%s.%N)
    printf '%-10s %s  load %s  pages %s\n' "$1" "$(cat "$work/$1.time")" \
        "$(cut -d' ' -f1 /proc/loadavg)" "$(find "$work/$1/out/articles" -type f | wc -l)"
}
case $mode in
once)
    for k in 1 2; do
        for m in on off; do
            rm -rf "${work:?}/$m" && mkdir -p "$work/$m"
            run "$m" "merge-$m.toml" "$inbox" 2026-07-01T09:00:00+08:00
            rm -rf "${work:?}/$m"
        done
    done
    ;;
daily)
    mapfile -t files < <(cd "$inbox" && find . -type f | sort)
    n=${#files[@]}
    mkdir -p "$work/on" "$work/off"
    for m in on off; do mkdir -p "$work/in-$m"; done
    for ((p = 0; p < parts; p++)); do
        lo=$((n * p / parts)) hi=$((n * (p + 1) / parts))
        for m in on off; do
            (cd "$inbox" && cp --parents -p "${files[@]:lo:hi-lo}" "$work/in-$m/")
            run "$m" "merge-$m.toml" "$work/in-$m" "2026-07-0$((p + 1))T09:00:00+08:00"
            mv "$work/$m.time" "$work/$m-part$((p + 1)).time"
        done
    done
    rm -rf "${work:?}/on" "${work:?}/off" "${work:?}/in-on" "${work:?}/in-off"
    ;;
esac
