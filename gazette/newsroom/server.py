"""Running the production WSGI server in the foreground."""

from __future__ import annotations

import os
import subprocess
import sys


def run_server(
    *, host: str, port: int, workers: int | None = None, background_worker: bool = True
) -> None:
    """Serve gazette.wsgi with granian: a compiled HTTP server, several times faster than
    runserver and safe to expose. Static files come from WhiteNoise inside the app.

    The page cache's sweeper runs beside it as a child process (`gazette cache sweep`),
    not as a thread: granian forks its workers, and a thread holding a lock (the import
    lock, a database's) at that moment would leave a worker waiting for it forever.
    The background worker (`gazette worker`: scheduled publishing, tasks) runs the same
    way unless ``background_worker`` is False (`gazette serve --no-worker`, for installs
    that run `gazette worker` on their own)."""
    from django.conf import settings
    from django.db import connections
    from granian import Granian
    from granian.constants import Interfaces

    children: list[subprocess.Popen] = []
    if settings.configured:  # always under `gazette serve`; not for bench's constant app
        # No connection opened here (by `gazette demo`, say) may be shared with the workers.
        connections.close_all()
        # Fragments follow purges too: the sweeper runs with either cache on.
        if settings.GAZETTE_PAGE_CACHE or settings.GAZETTE_FRAGMENT_CACHE:
            children.append(subprocess.Popen([sys.executable, "-m", "gazette", "cache", "sweep"]))
        if background_worker:
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gazette", "worker", f"--parent-pid={os.getpid()}"]
                )
            )
    print(f"Gazette is serving at http://{host}:{port}/ (press Ctrl+C to stop)", flush=True)
    try:
        Granian(
            "gazette.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers or os.cpu_count() or 1,
            # Few Python threads per worker: the work is CPU-bound, and more threads only
            # fight over the GIL (granian warns of its default of hundreds).
            blocking_threads=2,
            log_access=False,
        ).serve()
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
