"""The baseline for `make bench`: a WSGI app that answers every request with the same bytes
(the article page's body and headers, as Gazette's cache serves them), run by the same
server with the same settings as `gazette serve`.

    BENCH_CONSTANT_BODY=page.html BENCH_CONSTANT_HEADERS=headers.json \\
        python bench/constant_app.py --host 127.0.0.1 --port 8001 --workers 2

Nothing here touches Django: it is the most a Python WSGI app under granian can do, and so
the ceiling for Gazette's cached pages.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

_BODY = Path(os.environ["BENCH_CONSTANT_BODY"]).read_bytes()
_HEADERS = [
    (str(name), str(value))
    for name, value in json.loads(Path(os.environ["BENCH_CONSTANT_HEADERS"]).read_text())
] + [("Content-Length", str(len(_BODY)))]


def application(environ, start_response):
    start_response("200 OK", _HEADERS)
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [_BODY]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    # Gazette's own server function, with only the application swapped, so that the server,
    # its interface and every setting (workers, threads, logging) are exactly those of
    # `gazette serve`.
    import granian

    from gazette.newsroom import server

    real = granian.Granian

    def same_server(_target, **kwargs):
        return real("constant_app:application", **kwargs)

    granian.Granian = same_server
    server.run_server(host=args.host, port=args.port, workers=args.workers)


if __name__ == "__main__":
    main()
