#!/usr/bin/env bash
# End-to-end benchmark: `localfeed run` against the naive Python pipeline of
# ../shared/bench/e2e (cpca + feedgen) on the same generated inboxes, alternating, with
# ../shared/bench/e2e/measure.py (GNU time, median of N runs, fresh output each run).
#
#   benches/e2e/run.sh [PAGES...]        default: 1000 10000
#
# Needs: python3, npm (first use: derives the gazetteer for the page generator),
# GNU time (apt-get install time), and a release build (built here).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
E2E=$ROOT/../shared/bench/e2e
RUNS=${RUNS:-3}
WORK=${WORK:-$(mktemp -d)}
command -v /usr/bin/time >/dev/null || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
cargo build --release -q
VENV=$(bash "$E2E/setup.sh")
for pages in "${@:-1000 10000}"; do
  for n in $pages; do
    inbox=$WORK/inbox-$n
    [ -d "$inbox" ] || python3 "$E2E/make_pages.py" --pages "$n" --seed 1 --gb18030-share 0.1 --out "$inbox" >/dev/null
    echo "## $n pages"
    echo "### localfeed"
    python3 "$E2E/measure.py" --inbox "$inbox" --runs "$RUNS" -- \
      "$ROOT/target/release/localfeed" -q --config "$ROOT/benches/e2e/config.toml" run --inbox {inbox} --out {out} --state {state}
    echo "### peer (cpca + feedgen)"
    python3 "$E2E/measure.py" --inbox "$inbox" --runs "$RUNS" -- \
      "$VENV/bin/python" "$E2E/peer_pipeline.py" --inbox {inbox} --out {out}
  done
done
