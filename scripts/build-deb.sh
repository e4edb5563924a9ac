#!/usr/bin/env bash
# Builds the Debian package: the release binary, then the assets it generates from its own
# command-line definitions (man pages, bash/zsh/fish completions, so they cannot drift from
# the binary), the packaged config (scripts/packaged-config.py), then `cargo deb` (needs
# cargo-deb: `cargo install cargo-deb --version 3.8.0 --locked`). Prints the .deb's path.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
BIN=target/release/localfeed
ASSETS=target/deb-assets
rm -rf "$ASSETS"
mkdir -p "$ASSETS/man" "$ASSETS/completions"
python3 scripts/packaged-config.py config.toml > "$ASSETS/config.toml"
"$BIN" manpage --dir "$ASSETS/man"
gzip -9n "$ASSETS"/man/*.1
"$BIN" completions bash > "$ASSETS/completions/localfeed.bash"
"$BIN" completions zsh > "$ASSETS/completions/_localfeed"
"$BIN" completions fish > "$ASSETS/completions/localfeed.fish"
cargo deb --no-build --quiet --output target/debian/ 2>&1 >&2
ls target/debian/localfeed_*.deb | tail -1
