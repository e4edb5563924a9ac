#!/usr/bin/env bash
# Publish against a raw write of the same files, at 10,000 pages, alternated with another
# build of localfeed (e.g. main's). A store is made once (a whole run of this build on the
# e2e inbox); then, each round, each build publishes it into an empty folder (a run whose
# --out is new: nothing is read from the inbox, every document is rendered), and the
# files this build wrote are written again by benches/e2e/raw_write.rs (the same bytes to
# the same paths, one thread, the writes alone timed). Prints per run: the whole run's wall
# and CPU (GNU time), the publish stage's wall (from the log's timestamps: the line after
# the stories to the count of bodies read), peak RSS, and the raw write; the first round
# compares the two outputs with diff -r (manifest included). Outputs go to tmpfs and are
# removed after each run.
#
#   benches/e2e/publish_vs_raw.sh OTHER_LOCALFEED [ROUNDS]
#
# Needs: GNU time, script (util-linux), rustc, python3.
set -u
OTHER=${1:?the other localfeed binary to compare with}
ROUNDS=${2:-2}
. "$(dirname "$0")/common.sh"
rustc -O -o "$S/raw_write" benches/e2e/raw_write.rs
if [ ! -f "$S/pub-state.db" ]; then
  "$S/localfeed-this" -q --config "$C" run --inbox "$IN" --out "$S/pub-first" --state "$S/pub-state.db"
  rm -rf "$S/pub-first"
fi
stamp() { grep -o '20[0-9-]*T[0-9:.]*Z' <<<"$1" | head -1 | awk -FT '{split($2,t,":"); print t[1]*3600+t[2]*60+t[3]}'; }
publish() { # name bin round -> leaves $S/out-NAME
  d=$S/out-$1; rm -rf "$d"; sync
  l0=$(cut -d' ' -f1 /proc/loadavg)
  log=$(script -qc "/usr/bin/time -f 'TIME %e %U %S %M' $2 -v --config $C run --inbox $IN --out $d --state $S/pub-state.db" /dev/null)
  l1=$(cut -d' ' -f1 /proc/loadavg)
  a=$(stamp "$(grep 'printing(s) published\|stor(y/ies)' <<<"$log" | tail -1)")
  b=$(stamp "$(grep 'bod(y/ies) read from the state file' <<<"$log" | tail -1)")
  read -r _ w u sy m < <(grep -a TIME <<<"$log" | tr -d '\r')
  echo "$(date -u +%H:%M) round $3 $1: run ${w}s wall $(echo "$u + $sy" | bc)s CPU, publish stage $(echo "$b - $a" | bc)s wall, rss $((m/1024))MB, load $l0 -> $l1"
}
for round in $(seq 1 "$ROUNDS"); do
  publish this "$S/localfeed-this" "$round"
  rm -rf "$S/raw"; sync
  echo "$(date -u +%H:%M) round $round $("$S/raw_write" "$S/out-this" "$S/raw"), load $(cut -d' ' -f1 /proc/loadavg)"
  rm -rf "$S/raw"
  [ "$round" = 1 ] || rm -rf "$S/out-this"
  publish other "$OTHER" "$round"
  if [ "$round" = 1 ]; then
    echo "diff -r of the two outputs (nothing listed: identical):"
    diff -rq "$S/out-this" "$S/out-other" | head -5
  fi
  rm -rf "$S/out-this" "$S/out-other"
done
