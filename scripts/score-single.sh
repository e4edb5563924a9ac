#!/usr/bin/env bash
# Scores a folder of single-article files (.md, .html, .txt) with pages/ and gold/ in the
# corpus format. score-extract's --cmd mode opens only pages/NAME.txt, so each file is
# extracted here into a temporary predictions folder, under the name of its gold file, and
# scored with --predictions.
# Usage (from anywhere): bash scripts/score-single.sh DIR [BIN] [score-extract options]
#   e.g. bash scripts/score-single.sh tests/fixtures/heldout3-single target/release/localfeed
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:?usage: score-single.sh DIR [BIN] [score-extract options]}
BIN=${2:-target/release/localfeed}
shift $(( $# < 2 ? $# : 2 ))
PRED=$(mktemp -d)
trap 'rm -rf "$PRED"' EXIT
for page in "$DIR"/pages/*; do
  name=$(basename "$page")
  "$BIN" extract --format json "$page" > "$PRED/${name%.*}.json"
done
../shared/tools/score-extract --corpus "$DIR" --predictions "$PRED" "$@"
