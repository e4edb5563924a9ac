#!/bin/sh
# Checks every feed localfeed published under OUTDIR with the project's real checkers:
# ../shared/tools/check-feed (spec and W3C rules, XML, Atom schema, feedparser: zero errors
# allowed) and ../shared/tools/reader-check (newsboat, sfeed and feedparser fetch each feed
# over HTTP on 127.0.0.1). Exits non-zero when either fails or when OUTDIR holds no feed.
#
# usage: scripts/check-feeds.sh OUTDIR
# env:   LOCALFEED_TOOLS  folder of the checkers (default: ../shared/tools beside the repo)
#        CHECK_FEEDS_SKIP_READERS=1  run check-feed only (quick; for unit tests)
set -eu

if [ "$#" -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1
HERE=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${LOCALFEED_TOOLS:-$HERE/../shared/tools}
if [ ! -x "$TOOLS/check-feed" ] || [ ! -x "$TOOLS/reader-check" ]; then
    echo "check-feeds: checkers not found in $TOOLS" >&2
    exit 2
fi

LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT
find "$OUT" -type f \( -name rss.xml -o -name atom.xml -o -name feed.json \
    -o -name '*.rss.xml' -o -name '*.atom.xml' \) | LC_ALL=C sort > "$LIST"
COUNT=$(wc -l < "$LIST")
if [ "$COUNT" -eq 0 ]; then
    echo "check-feeds: no feeds under $OUT" >&2
    exit 1
fi
echo "check-feeds: $COUNT feed documents under $OUT"

status=0
# check-feed takes many files at once; xargs keeps command lines short.
if ! tr '\n' '\0' < "$LIST" | xargs -0 -n 200 "$TOOLS/check-feed" --quiet; then
    echo "check-feeds: check-feed found errors" >&2
    status=1
fi
if [ "${CHECK_FEEDS_SKIP_READERS:-0}" != 1 ]; then
    if ! tr '\n' '\0' < "$LIST" | xargs -0 -n 200 "$TOOLS/reader-check" --show 0 --dir "$OUT"; then
        echo "check-feeds: reader-check failed" >&2
        status=1
    fi
fi
if [ "$status" -eq 0 ]; then
    echo "check-feeds: all $COUNT feed documents passed"
fi
exit "$status"
