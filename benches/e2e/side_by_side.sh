#!/usr/bin/env bash
# Side by side at 10,000 pages, alternated: this build, the naive peer of
# ../shared/bench/e2e, and another build of localfeed (e.g. main's), each localfeed run
# followed by a run with nothing new; wall, CPU, peak RSS (GNU time -v), state file size,
# files and bytes written, load average. Outputs go to tmpfs and are removed after each run
# (the first round keeps both localfeed outputs until they are compared with diff -r).
#
#   benches/e2e/side_by_side.sh OTHER_LOCALFEED [ROUNDS]
#
# Needs: GNU time, bc, python3; the inbox and the peer's venv are made on first use.
set -u
OTHER=${1:?the other localfeed binary to compare with}
ROUNDS=${2:-2}
. "$(dirname "$0")/common.sh"
VENV=$(bash "$E2E/setup.sh" | tail -1)
field() { grep -E "$2" "$1" | awk -F': ' '{print $2}'; }
secs() { awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
lf() { # name bin round
  d=$S/r-$1-$3; rm -rf $d; mkdir -p $d; sync
  l0=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -v $2 -q --config $C run --inbox $IN --out $d/out --state $d/state.db 2> $d/t1
  l1=$(cut -d' ' -f1 /proc/loadavg)
  w=$(field $d/t1 "Elapsed" | secs); r=$(field $d/t1 "Maximum resident"); c=$(echo "$(field $d/t1 'User time') + $(field $d/t1 'System time')" | bc)
  st=$(du -cb $d/state.db* | tail -1 | cut -f1)
  /usr/bin/time -v $2 -q --config $C run --inbox $IN --out $d/out --state $d/state.db 2> $d/t2
  w2=$(field $d/t2 "Elapsed" | secs); r2=$(field $d/t2 "Maximum resident")
  files=$(find $d/out -type f | wc -l); mb=$(du -sb $d/out | cut -f1)
  grep -q "terminated by signal" $d/t1 $d/t2 && echo "KILLED: $1 round $3"
  [ "${KEEP:-0}" = 1 ] || rm -rf $d/out $d/state.db*
  echo "$(date -u +%H:%M) round $3 $1: wall ${w}s cpu ${c}s rss $((r/1024))MB | nothing-new ${w2}s rss $((r2/1024))MB | state $((st/1000000))MB | $files files $((mb/1000000))MB | load $l0 -> $l1"
}
peer() { # round
  d=$S/r-peer-$1; rm -rf $d; mkdir -p $d; sync
  l0=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -v $VENV/bin/python $E2E/peer_pipeline.py --inbox $IN --out $d/out > $d/log 2> $d/t1
  l1=$(cut -d' ' -f1 /proc/loadavg)
  w=$(field $d/t1 "Elapsed" | secs); r=$(field $d/t1 "Maximum resident"); c=$(echo "$(field $d/t1 'User time') + $(field $d/t1 'System time')" | bc)
  files=$(find $d/out -type f | wc -l); mb=$(du -sb $d/out | cut -f1)
  echo "$(date -u +%H:%M) round $1 peer: wall ${w}s cpu ${c}s rss $((r/1024))MB | $files files $((mb/1000000))MB | load $l0 -> $l1"
  rm -rf $d/out
}
for round in $(seq 1 "$ROUNDS"); do
  if [ "$round" = 1 ]; then export KEEP=1; else export KEEP=0; fi
  lf this "$S/localfeed-this" "$round"
  peer "$round"
  lf other "$OTHER" "$round"
  if [ "$round" = 1 ]; then
    echo "diff -r of the two localfeed outputs (nothing listed: identical):"
    diff -rq "$S/r-this-1/out" "$S/r-other-1/out" | head -5
    rm -rf "$S"/r-*-1/out "$S"/r-*-1/state.db*
  fi
done
