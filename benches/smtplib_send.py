#!/usr/bin/env python3
"""Peer for the digest send benchmark: sends the .eml files of a folder over one SMTP
connection with Python's smtplib, in name order, and prints the seconds it took.

usage: smtplib_send.py PORT FOLDER
"""
import pathlib
import smtplib
import sys
import time


def main() -> None:
    port = int(sys.argv[1])
    files = sorted(pathlib.Path(sys.argv[2]).glob("*.eml"))
    messages = [(f.stem + "@example.net", f.read_bytes()) for f in files]
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for rcpt, data in messages:
            smtp.sendmail("digest@news.example.org", [rcpt], data)
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
