#!/usr/bin/env python3
"""The config.toml the Debian package installs as /etc/localfeed/config.toml, made from the
repository's config.toml (so the two cannot drift): every comment and key kept, the paths
moved to where the package puts things, one source (/srv/localfeed/inbox), and no example
subscriber (a fresh install mails nobody).

Usage: scripts/packaged-config.py config.toml > packaged.toml
"""
import re
import sys

PATHS = {
    "state": '"/var/lib/localfeed/localfeed.db"',
    "out": '"/var/lib/localfeed/feeds"',
    "outbox_dir": '"/var/lib/localfeed/outbox"',
}


def main(path):
    out = []
    table = None
    sources = 0
    skipping = False
    for line in open(path, encoding="utf-8").read().split("\n"):
        head = re.match(r"^\s*\[\[?([a-z_]+)\]\]?\s*$", line)
        if head:
            table = head.group(1)
            if table == "source":
                sources += 1
            skipping = (table == "source" and sources > 1) or table == "subscriber"
            if table == "subscriber":
                out.append("# Subscribers: `localfeed subscribers add` or [[subscriber]] tables here;")
                out.append("# none in a fresh install.")
                out.append("# [[subscriber]]")
                continue
        # A second source's keys go; the comments and blank lines before the next table
        # are that table's.
        if skipping and (table == "subscriber" or not (line.startswith("#") or not line.strip())):
            continue
        key = re.match(r"^([a-z_]+)\s*=", line)
        if key:
            k = key.group(1)
            if k in PATHS and (table is None or k == "outbox_dir"):
                line = f"{k} = {PATHS[k]}"
            elif table == "source" and k == "id":
                line = 'id = "inbox"'
            elif table == "source" and k == "path":
                line = 'path = "/srv/localfeed/inbox"'
            elif table == "source" and k in ("publication", "home"):
                line = "# " + line
        out.append(line)
    text = "\n".join(out)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
