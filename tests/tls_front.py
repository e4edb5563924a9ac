#!/usr/bin/env python3
"""A TLS front for tests of implicit TLS (smtps://): accepts TLS connections on 127.0.0.1
and relays the decrypted bytes to a plain TCP port (the smtp-sink), both ways.

usage: tls_front.py --cert PEM --key PEM --to PORT --ready-file PATH
Writes "127.0.0.1 PORT" to the ready file once it listens.
"""
import argparse
import os
import socket
import ssl
import threading


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(conn, ctx, port):
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError):
        conn.close()
        return
    upstream = socket.create_connection(("127.0.0.1", port))
    threading.Thread(target=pipe, args=(upstream, tls), daemon=True).start()
    pipe(tls, upstream)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--to", type=int, required=True)
    ap.add_argument("--ready-file", required=True)
    args = ap.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    tmp = args.ready_file + ".part"
    with open(tmp, "w") as f:
        f.write("127.0.0.1 %d\n" % listener.getsockname()[1])
    os.replace(tmp, args.ready_file)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, ctx, args.to), daemon=True).start()


if __name__ == "__main__":
    main()
