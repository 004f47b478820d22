"""Start the floor (`bench.floor_app`): a bare Flask-SocketIO server on gevent that writes what
Satu Pintu writes per ticket and per call and emits the same board events, nothing more.

Run: `.venv/bin/python -m bench.floor_server --port 8001 --db /tmp/floor.db [--config FILE]`
(FILE: a station's config.yaml, for its services' prefixes, counters and time zone).
"""

from __future__ import annotations

import argparse
import socket
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--config", type=Path, default=None)
    args = parser.parse_args()
    from gevent import monkey

    monkey.patch_all()  # before Flask, sqlite3's threads and sockets are imported
    from gevent import pywsgi

    from bench.floor_app import create_app

    class NoDelayHandler(pywsgi.WSGIHandler):
        """Answers leave at once: no Nagle wait for a kept-alive client's delayed ACK (the
        product's server sets the same)."""

        def __init__(self, sock: socket.socket, *rest: Any, **named: Any) -> None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().__init__(sock, *rest, **named)

    app = create_app(args.db, args.config)
    print(f"floor on http://{args.host}:{args.port}/", flush=True)
    pywsgi.WSGIServer(
        (args.host, args.port), app, handler_class=NoDelayHandler, log=None
    ).serve_forever()


if __name__ == "__main__":
    main()
