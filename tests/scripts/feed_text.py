#!/usr/bin/env python3
"""Reads feed files the way a reader does and reports page text that became markup.

usage: feed_text.py RSS ATOM JSON

RSS and Atom go through feedparser with sanitising off (what a reader that trusts the
feed sees); JSON Feed is read with the json module. Every value a reader renders as HTML
is parsed as HTML: a tag other than the few localfeed writes itself (p, em, strong, a) is
page text that became markup. Prints one JSON object: {"problems": [...], "texts": [...]}
where texts holds (format, field, text as a reader displays it).
"""

import html.parser
import json
import sys

import feedparser

OURS = {"p", "em", "strong", "a"}
HTML_TYPES = {"text/html", "application/xhtml+xml", "html", "xhtml"}


class Scan(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


problems = []
texts = []


def check(fmt, field, value, ctype):
    if ctype in HTML_TYPES:
        s = Scan()
        s.feed(value)
        s.close()
        bad = sorted({t for t in s.tags if t not in OURS})
        if bad:
            problems.append("%s %s: page text became the tags %s: %r" % (fmt, field, bad, value[:200]))
        text = "".join(s.text)
    else:
        text = value
    texts.append([fmt, field, text])


def main():
    rss, atom, jsonfeed = sys.argv[1:4]
    for fmt, path in (("rss", rss), ("atom", atom)):
        d = feedparser.parse(path, sanitize_html=False, resolve_relative_uris=False)
        if d.bozo:
            problems.append("%s: not well-formed: %s" % (fmt, d.bozo_exception))
        for e in d.entries:
            for key in ("title", "summary"):
                det = e.get(key + "_detail")
                if det is not None:
                    check(fmt, key, det.get("value", ""), det.get("type", ""))
            for c in e.get("content", []):
                check(fmt, "content", c.get("value", ""), c.get("type", ""))
    with open(jsonfeed, encoding="utf-8") as f:
        feed = json.load(f)
    for item in feed.get("items", []):
        for key in ("title", "summary", "content_text"):
            if key in item:
                check("json", key, item[key], "text/plain")
        if "content_html" in item:
            check("json", "content_html", item["content_html"], "text/html")
    print(json.dumps({"problems": problems, "texts": texts}, ensure_ascii=False))


main()
