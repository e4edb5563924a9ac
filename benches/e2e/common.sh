# Sourced by the e2e scripts (side_by_side.sh, publish_vs_raw.sh) after their arguments:
# the repository root as the current folder, the work folder on tmpfs ($WORK), the
# configuration, the 10,000-page inbox (made on first use) and this build of localfeed
# (copied to $S/localfeed-this).
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
S=${WORK:-/dev/shm/localfeed-e2e}; mkdir -p "$S"
C=$ROOT/benches/e2e/config.toml; IN=$S/inbox-10000; E2E=$ROOT/../shared/bench/e2e
[ -d "$IN" ] || python3 "$E2E/make_pages.py" --pages 10000 --seed 1 --gb18030-share 0.1 --out "$IN" >/dev/null
cargo build --release -q
cp target/release/localfeed "$S/localfeed-this"
export LOCALFEED_NOW=2026-12-01T09:00:00+08:00
