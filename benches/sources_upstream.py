#!/usr/bin/env python3
"""A local upstream for benches/sources.sh: N generated RSS 2.0 feeds of M entries each,
written in our own words from a few templates, served on 127.0.0.1 over several ports
(each port a "host" to localfeed), with ETag and 304 Not Modified. Also writes every feed
as a file into a folder, for the same run from disk.

usage: sources_upstream.py FEEDS ENTRIES PORTS FOLDER   (prints the feed URLs, one a line,
then serves until killed)
"""

import http.server
import socketserver
import sys
import threading

TOWNS = ["递铺街道", "孝丰镇", "天子湖镇", "武康街道", "新市镇", "雉城街道"]
THINGS = ["便民服务中心", "社区食堂", "农村公路", "文化礼堂", "公交线路", "菜市场"]


def entry(feed, j):
    town = TOWNS[(feed + j) % len(TOWNS)]
    thing = THINGS[(feed * 7 + j) % len(THINGS)]
    title = f"{town}第{feed}批第{j}个{thing}项目完工"
    paras = [
        f"本报讯 {town}第{feed}批第{j}个{thing}项目日前完工，附近居民办事、出行更方便了。",
        f"这个项目从去年开始筹划，街道和村社干部多次上门听取意见，前后修改了{j % 5 + 2}次方案。",
        f"{town}有关负责人表示，接下来将继续做好后续管理，让{thing}真正成为群众家门口的好去处。",
        "不少居民说，项目完工以后，生活里的小麻烦少了，心里也更踏实了。",
    ]
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<item><title>{title}</title><guid isPermaLink=\"false\">bench-{feed}-{j}</guid>"
        f"<link>http://127.0.0.1/none/{feed}/{j}.html</link>"
        f"<pubDate>Mon, 10 Jun 2024 0{j % 10}:00:00 +0800</pubDate>"
        f"<description><![CDATA[{body}]]></description></item>"
    )


def feed(i, m):
    items = "".join(entry(i, j) for j in range(m))
    return (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
        f"<title>基准县报{i}</title><link>http://127.0.0.1/</link><description>bench</description>"
        f"{items}</channel></rss>"
    ).encode()


def main():
    n, m, ports, folder = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    feeds = {f"/feed/{i}.xml": feed(i, m) for i in range(n)}
    for path, body in feeds.items():
        with open(f"{folder}/{path.rsplit('/', 1)[1]}", "wb") as f:
            f.write(body)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            body = feeds.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = f"\"{hash(body) & 0xffffffff:x}\""
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    servers = [Server(("127.0.0.1", 0), Handler) for _ in range(ports)]
    for i in range(n):
        port = servers[i % ports].server_address[1]
        print(f"http://127.0.0.1:{port}/feed/{i}.xml", flush=True)
    print("ready", flush=True)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
