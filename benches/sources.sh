#!/usr/bin/env bash
# Times `localfeed run` over FEEDS feed sources of ENTRIES entries each, served on
# 127.0.0.1 by benches/sources_upstream.py over PORTS ports: a cold run, then a run where
# every feed answers 304; beside them, the same feeds read from a folder (no network) and
# curl fetching the same URLs (the network floor). Prints one line a measurement.
#
# usage: benches/sources.sh [FEEDS=100] [ENTRIES=50] [PORTS=4]
set -euo pipefail
feeds=${1:-100}
entries=${2:-50}
ports=${3:-4}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin="$repo/target/release/localfeed"
[ -x "$bin" ] || (cd "$repo" && cargo build --release)
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/folder" "$work/net"
python3 "$repo/benches/sources_upstream.py" "$feeds" "$entries" "$ports" "$work/folder" >"$work/urls" &
server=$!
until grep -q '^ready$' "$work/urls" 2>/dev/null; do sleep 0.1; done
grep -v '^ready$' "$work/urls" >"$work/feeds.txt"
{
  echo 'state = "state.db"'
  echo 'out = "feeds"'
  n=0
  while read -r url; do
    printf '[[source]]\nid = "f%d"\nfeed = "%s"\nfulltext = false\n' "$n" "$url"
    n=$((n + 1))
  done <"$work/feeds.txt"
  printf '[fetch]\nconcurrency = %d\nper_host_delay_ms = 0\n' "$ports"
} >"$work/net/config.toml"
mkdir -p "$work/disk"
printf 'state = "state.db"\nout = "feeds"\n[[source]]\nid = "disk"\npath = "%s"\n' "$work/folder" >"$work/disk/config.toml"

measure() { # name, dir, now
  local name=$1 dir=$2 now=$3
  local t0 t1
  t0=$(date +%s.%N)
  (cd "$dir" && LOCALFEED_NOW=$now "$bin" -q run >/dev/null 2>"$work/err") || { cat "$work/err"; exit 1; }
  t1=$(date +%s.%N)
  printf '%-40s %6.2f s   load %s\n' "$name" "$(echo "$t1 - $t0" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
echo "$feeds feeds x $entries entries, $ports ports (hosts), concurrency $ports"
measure "network, cold" "$work/net" 2024-06-10T09:00:00+08:00
measure "network, all 304" "$work/net" 2024-06-10T11:00:00+08:00
measure "folder of the same feeds, cold" "$work/disk" 2024-06-10T09:00:00+08:00
measure "folder of the same feeds, unchanged" "$work/disk" 2024-06-10T11:00:00+08:00
t0=$(date +%s.%N)
xargs -P "$ports" -n 1 curl -s -o /dev/null <"$work/feeds.txt"
t1=$(date +%s.%N)
printf '%-40s %6.2f s   load %s\n' "curl, the same $feeds feeds ($ports at once)" "$(echo "$t1 - $t0" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "articles stored: $(sqlite3 "$work/net/state.db" 'select count(*) from articles' 2>/dev/null || echo '?')"
