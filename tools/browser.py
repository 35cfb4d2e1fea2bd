"""The headless Chromium the project drives, and the local server it reads a built site from.

The site check (``tests/site/check_site.py``) and the printed book (``tools/print_book.py``) use
both. Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``), driven through Playwright.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Root runs need --no-sandbox; the networking switches stop Chromium's own background traffic
# (updates, sync, QUIC probes), which on this closed network only piles up refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Locate the Chromium binary to drive.

    Returns
    -------
    str or None
        The absolute path of ``$CHROMIUM`` (default ``/usr/bin/chromium``), or None if it is
        not an executable.
    """
    return shutil.which(os.environ.get("CHROMIUM", DEFAULT_CHROMIUM))


class QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that does not log each request to stderr."""

    def log_message(self, fmt: str, *args: Any) -> None:
        """Drop the message."""


class QuietServer(ThreadingHTTPServer):
    """Threaded HTTP server that does not print tracebacks of dropped connections."""

    # The browsers open a connection per file, several at once; the default backlog of 5
    # overflows, and a connection refused that way is retried only a second or more later.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Drop the error.

        The browser drops connections it no longer needs; a real failure shows up as a failed
        request on the page, which is reported there with its URL.
        """


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve a directory on 127.0.0.1 from a background thread.

    Parameters
    ----------
    root : Path
        The directory to serve.

    Yields
    ------
    str
        The origin of the server, such as ``http://127.0.0.1:40123``.
    """
    handler = partial(QuietHandler, directory=str(root))
    with QuietServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            thread.join()
