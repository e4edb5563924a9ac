#!/usr/bin/env python3
"""Checks the HTML pages of a published folder: each parses without a single error under
html5lib's strict HTML5 parser (the WHATWG parsing algorithm: a stray or unclosed tag, a
bad attribute, a missing doctype are errors), declares `lang="zh-CN"` and a viewport, and
asks for nothing from another host (no script, stylesheet, image or frame outside the
site). Prints each failure with its file and exits 1 when there is one.

usage: scripts/check-html.py FOLDER [BASE_URL]
(BASE_URL: the site's own address; links to it are not external)
"""
import sys
from pathlib import Path
from urllib.parse import urlparse

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"
# attributes that make the browser fetch something by itself
FETCHING = [("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
            ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")]


def external(url, own_host):
    u = urlparse(url)
    return bool(u.netloc) and u.netloc != own_host


def check(path, own_host):
    problems = []
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    data = path.read_bytes()
    try:
        doc = parser.parse(data, transport_encoding="utf-8")
    except html5lib.html5parser.ParseError as e:
        line, col = parser.errors[0][0] if parser.errors else ("?", "?")
        return [f"{path}:{line}:{col}: not well-formed HTML5: {e}"]
    html = doc if doc.tag == f"{NS}html" else doc.find(f"{NS}html")
    if html is None or html.get("lang") != "zh-CN":
        problems.append(f'{path}: <html> lacks lang="zh-CN"')
    metas = doc.iter(f"{NS}meta")
    if not any(m.get("name") == "viewport" for m in metas):
        problems.append(f"{path}: no viewport <meta> (phones)")
    for tag, attr in FETCHING:
        for el in doc.iter(f"{NS}{tag}"):
            if el.get(attr) and external(el.get(attr), own_host):
                problems.append(f"{path}: <{tag} {attr}={el.get(attr)!r}> asks another host")
    for el in doc.iter(f"{NS}link"):
        rel = (el.get("rel") or "").split()
        if {"stylesheet", "icon", "preload", "prefetch"} & set(rel) and external(el.get("href") or "", own_host):
            problems.append(f"{path}: <link rel={el.get('rel')!r}> asks another host")
    return problems


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(sys.argv[1])
    own_host = urlparse(sys.argv[2]).netloc if len(sys.argv) == 3 else ""
    pages = sorted(root.rglob("*.html"))
    if not pages:
        print(f"{root}: no HTML pages", file=sys.stderr)
        return 1
    problems = [p for page in pages for p in check(page, own_host)]
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(pages)} pages checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
