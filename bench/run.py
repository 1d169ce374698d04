"""Gazette's load benchmark: how fast is an article page when a story goes viral?

    make bench                     # 10 s per target; the table goes to bench/results/
    make bench-smoke               # 1 s per target: proves the whole thing still works (CI)
    .venv/bin/python bench/run.py --help

Everything runs on loopback (127.0.0.1, free ports) in a fresh temporary data directory
with `gazette demo --no-serve` content, one target at a time, and is stopped at the end
whatever happens. The targets, all answering the same article page:

  Gazette, cached      `gazette serve` (granian), the page from Gazette's page cache
  constant WSGI app    the same server and settings returning the same bytes (the ceiling)
  edge                 nginx with deploy/nginx-edge.conf serving Gazette's pagecache file
  nginx, static file   nginx serving a copy of the same page from disk (the ceiling)
  Gazette, uncached    `gazette serve` with GAZETTE_PAGE_CACHE=0
  WordPress            only with --wordpress and an article URL (it is never installed)

Load comes from wrk (/usr/bin/wrk, --latency), or a small Python load generator when wrk
is missing. bench/README.md says how to read the table.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
EDGE_CONF = ROOT / "deploy" / "nginx-edge.conf"
NGINX = "/usr/sbin/nginx"
WRK = "/usr/bin/wrk"
WORDPRESS = Path("/usr/share/wordpress")
VENV_BIN = Path(sys.executable).parent
GAZETTE = str(VENV_BIN / "gazette") if (VENV_BIN / "gazette").exists() else "gazette"
EDGE_HIT = "EDGE-HIT"  # the X-Cache value deploy/nginx-edge.conf adds to pages it serves

# The environment a child gets: the caller's, less anything that would point Gazette at
# another database, data directory or settings module (never the operator's real site).
_SCRUBBED = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "SECRET_KEY_FILE")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Processes ------------------------------------------------------------------------


class Processes:
    """Every process the benchmark starts, each in its own process group, so that a stop
    takes its workers too; stop_all() runs at the end whatever happens."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(
        self, name: str, argv: list[str], env: dict[str, str], stop_signal=signal.SIGTERM
    ) -> subprocess.Popen:
        out = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        proc.stop_signal = stop_signal  # type: ignore[attr-defined]
        self.running.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 15) -> None:
        if proc.poll() is None:
            _signal_group(proc.pid, getattr(proc, "stop_signal", signal.SIGTERM))
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait(5)
        # Workers that outlived their parent are still in its group.
        _signal_group(proc.pid, signal.SIGKILL)
        self.running = [(n, p) for n, p in self.running if p is not proc]

    def stop_all(self) -> None:
        for _name, proc in reversed(list(self.running)):
            try:
                self.stop(proc, timeout=5)
            except Exception as exc:  # noqa: BLE001 - keep stopping the others
                print(f"bench: could not stop pid {proc.pid}: {exc}", file=sys.stderr)

    def log_tail(self, name: str, lines: int = 15) -> str:
        try:
            text = (self.logs / f"{name}.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- HTTP -------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def fetch(url: str, *, method: str = "GET", timeout: float = 10, headers=None) -> Reply:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(
            method, parts.path + (f"?{parts.query}" if parts.query else ""), None, headers or {}
        )
        response = conn.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        conn.close()


def get(url: str, **kwargs) -> Reply:
    """fetch(), for checks: a request that fails or hangs is a failure that says which."""
    try:
        return fetch(url, **kwargs)
    except (OSError, http.client.HTTPException) as exc:
        raise RuntimeError(
            f"GET {url}: {exc or type(exc).__name__} (a worker not answering?)"
        ) from exc


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with code {proc.returncode} before answering")
        try:
            fetch(url, method="HEAD", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"did not answer {url} within {timeout:.0f} s")


# --- Load -------------------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad_status: int  # answers other than 2xx/3xx (wrk) or other than 200 (Python)
    socket_errors: int  # connect, read and write errors, and timeouts
    timeouts: int  # requests not answered within 10 s: a failure
    tool: str


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def parse_wrk(output: str) -> Load:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise RuntimeError(f"could not read wrk's report:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Load(
        rps=float(rps.group(1)),
        p50_ms=_ms(*p50.groups()),
        p99_ms=_ms(*p99.groups()),
        requests=int(total.group(1)),
        bad_status=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(n) for n in sock.groups()) if sock else 0,
        timeouts=int(sock.group(4)) if sock else 0,
        tool="wrk",
    )


def run_wrk(url: str, *, seconds: int, connections: int, threads: int) -> Load:
    argv = [
        WRK,
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        url,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def run_python_load(url: str, *, seconds: int, connections: int, max_requests: int) -> Load:
    """The fallback when wrk is missing: one thread and one keep-alive connection per
    simulated client, for `seconds` or `max_requests` in all, whichever comes first. The
    GIL makes it far slower than wrk, so it understates fast servers: compare its numbers
    only with each other."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    bad = [0] * connections
    errors = [0] * connections
    timeouts = [0] * connections
    budget = threading.Semaphore(max_requests)
    start = threading.Event()
    deadline = [0.0]

    def client(i: int) -> None:
        conn = None
        start.wait()
        while time.monotonic() < deadline[0] and budget.acquire(blocking=False):
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            began = time.perf_counter()
            try:
                conn.request("GET", target)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors[i] += 1
                timeouts[i] += isinstance(exc, TimeoutError)
                conn.close()
                conn = None
                continue
            latencies[i].append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                bad[i] += 1
            if response.will_close:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    workers = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(connections)]
    for worker in workers:
        worker.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.set()
    for worker in workers:
        worker.join(seconds + 30)
    elapsed = max(time.monotonic() - began, 1e-9)
    samples = sorted(x for per_client in latencies for x in per_client)
    if not samples:
        raise RuntimeError("no request was answered")
    return Load(
        rps=len(samples) / elapsed,
        p50_ms=_percentile(samples, 50),
        p99_ms=_percentile(samples, 99),
        requests=len(samples),
        bad_status=sum(bad),
        socket_errors=sum(errors),
        timeouts=sum(timeouts),
        tool="python",
    )


def _percentile(ordered: list[float], pct: float) -> float:
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


# --- nginx ------------------------------------------------------------------------------

NGINX_MAIN = """\
# Generated by bench/run.py: a private nginx on loopback, nothing shared with the system's.
daemon off;
master_process on;
worker_processes {workers};
{user}
pid {dir}/nginx.pid;
lock_file {dir}/nginx.lock;
error_log {dir}/error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    server_tokens off;
    # Which requests reached Gazette ($upstream_addr is "-" for those nginx served alone).
    log_format bench '$status $upstream_addr $body_bytes_sent "$request"';
    access_log {dir}/access.log bench buffer=256k;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;

    include {dir}/site.conf;
}}
"""

NGINX_STATIC_SITE = """\
server {{
    listen 127.0.0.1:{port};
    server_name 127.0.0.1 localhost;
    root {root};
    charset utf-8;
    location / {{
        try_files $uri $uri/index.html =404;
    }}
}}
"""


def edge_site_conf(data_dir: Path, port: int, gazette_port: int) -> str:
    """deploy/nginx-edge.conf made to run here: its data directory, upstream, host name and
    listen lines swapped for the benchmark's, its port-80 server and TLS lines dropped.
    Everything else, the page-cache logic, is the deployed file's, line for line."""
    text = EDGE_CONF.read_text()
    for placeholder in ("/var/lib/gazette", "server 127.0.0.1:8000;", "news.example.com"):
        if placeholder not in text:
            raise RuntimeError(f"{EDGE_CONF}: placeholder {placeholder!r} not found")
    text = text.replace("/var/lib/gazette", str(data_dir))
    text = text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{gazette_port};")
    text = text.replace("server_name news.example.com;", "server_name 127.0.0.1 localhost;")
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    listened = False
    while i < len(lines):
        line = lines[i]
        stripped = line.split("#", 1)[0].strip()
        if stripped == "server {" and _block_listens_on_80(lines, i):
            i = _block_end(lines, i) + 1
            continue
        if stripped.startswith("listen ") and "443" in stripped:
            if not listened:
                indent = line[: len(line) - len(line.lstrip())]
                out.append(f"{indent}listen 127.0.0.1:{port};")
                listened = True
            i += 1
            continue
        if stripped.startswith("ssl_"):
            i += 1
            continue
        out.append(line)
        i += 1
    if not listened:
        raise RuntimeError(f"{EDGE_CONF}: no `listen 443` line to replace")
    return "\n".join(out) + "\n"


def _block_end(lines: list[str], start: int) -> int:
    depth = 0
    for j in range(start, len(lines)):
        code = lines[j].split("#", 1)[0]
        depth += code.count("{") - code.count("}")
        if depth == 0:
            return j
    raise RuntimeError(f"{EDGE_CONF}: unbalanced braces")


def _block_listens_on_80(lines: list[str], start: int) -> bool:
    body = lines[start : _block_end(lines, start) + 1]
    return any(re.match(r"\s*listen\s+(\[::\]:)?80\s*;", line) for line in body)


def start_nginx(procs: Processes, name: str, base: Path, site: str, workers: int):
    directory = base / name
    directory.mkdir()
    (directory / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the temp dir
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_MAIN.format(workers=workers, user=user, dir=directory))
    argv = [NGINX, "-p", str(directory), "-e", str(directory / "error.log"), "-c", str(conf)]
    check = subprocess.run([*argv, "-t"], capture_output=True, text=True, timeout=30, check=False)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t refused {conf}:\n{check.stderr}")
    return procs.start(name, argv, os.environ.copy(), stop_signal=signal.SIGQUIT), directory


def nginx_log_counts(directory: Path) -> tuple[int, int]:
    """(requests logged, of which passed to Gazette), from a stopped nginx's access log."""
    total = upstream = 0
    try:
        lines = (directory / "access.log").read_text().splitlines()
    except OSError:
        return 0, 0
    for line in lines:
        fields = line.split(" ", 2)
        if len(fields) >= 2:
            total += 1
            upstream += fields[1] != "-"
    return total, upstream


# --- The benchmark ----------------------------------------------------------------------


@dataclass
class Result:
    key: str
    label: str
    load: Load | None = None
    ok: bool = False
    skipped: bool = False
    note: str = ""


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="gazette-bench-"))
        self.tmp.chmod(0o755)  # nginx's workers read the data directory
        self.data = self.tmp / "data"
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.procs = Processes(self.logs)
        self.results: dict[str, Result] = {}
        self.checks: list[str] = []
        self.path = args.path
        self.page: Reply | None = None
        self.use_wrk = args.loader == "wrk" or (args.loader == "auto" and os.access(WRK, os.X_OK))
        self.has_nginx = os.access(NGINX, os.X_OK)
        self.loadavg = _loadavg()

    # Environment ---------------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("GAZETTE_") and k not in _SCRUBBED
        }
        env.update(
            GAZETTE_DATA_DIR=str(self.data),
            DJANGO_SETTINGS_MODULE="gazette.settings",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            GAZETTE_DEBUG="0",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def gazette(self, *args: str, timeout: float = 300, **extra: str) -> str:
        done = subprocess.run(
            [GAZETTE, *args],
            cwd=ROOT,
            env=self.env(**extra),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"gazette {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start_gazette(self, name: str, **extra: str) -> tuple[subprocess.Popen, str]:
        port = free_port()
        proc = self.procs.start(
            name,
            [
                GAZETTE,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(self.args.workers),
            ],
            self.env(**extra),
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + "/", proc)
        except RuntimeError as exc:
            raise RuntimeError(f"{name}: {exc}\n{self.procs.log_tail(name)}") from exc
        return proc, base

    # Load ----------------------------------------------------------------------------

    def measure(self, result: Result, url: str) -> None:
        args = self.args
        # Every worker must answer before the load starts: each request is a new connection,
        # which the kernel hands to any of the server's workers.
        for _ in range(4 * args.workers):
            reply = get(url)
            if reply.status != 200:
                raise RuntimeError(f"GET {url} answered {reply.status} before the run")
        if args.warmup:
            # Unmeasured: every worker thread opens its database connection and fills its
            # caches, as it has long done on a site that is up.
            self.load(url, args.warmup)
        load = result.load = self.load(url, args.seconds)
        problems = []
        if load.requests == 0:
            problems.append("no request answered")
        if load.bad_status:
            problems.append(f"{load.bad_status} answers not 200")
        if load.timeouts:
            problems.append(f"{load.timeouts} requests not answered within 10 s")
        if load.socket_errors > load.timeouts:
            problems.append(f"{load.socket_errors - load.timeouts} connection errors")
        after = get(url)
        if after.status != 200:
            problems.append(f"after the run: status {after.status}")
        result.ok = not (
            load.requests == 0 or load.bad_status or load.timeouts or after.status != 200
        )
        result.note = "; ".join(filter(None, [result.note, *problems]))
        log(
            f"{result.label}: {load.rps:,.0f} req/s, p50 {load.p50_ms:.2f} ms, "
            f"p99 {load.p99_ms:.2f} ms ({load.requests} requests"
            + (f"; {'; '.join(problems)}" if problems else "")
            + ")"
        )

    def load(self, url: str, seconds: int) -> Load:
        args = self.args
        if self.use_wrk:
            return run_wrk(url, seconds=seconds, connections=args.connections, threads=args.threads)
        return run_python_load(
            url, seconds=seconds, connections=args.connections, max_requests=args.max_requests
        )

    def target(self, key: str, label: str, run) -> None:
        """Run one target; a failure is recorded in its row and the others still run."""
        result = self.results[key] = Result(key, label)
        try:
            run(result)
        except Exception as exc:  # noqa: BLE001 - reported in the table and the exit code
            result.ok = False
            # The table gets the first line; the log gets all of it (a server's last words).
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            result.note = "; ".join(filter(None, [result.note, f"FAILED: {first_line}"]))
            log(f"{label}: FAILED: {exc}")

    # Targets -------------------------------------------------------------------------

    def setup(self) -> None:
        log(f"temporary directory {self.tmp}")
        log("gazette demo --no-serve (a fresh site with the sample content)...")
        began = time.monotonic()
        self.gazette("demo", "--no-serve", "--port", "8000", GAZETTE_DEBUG="1")
        log(f"  ready in {time.monotonic() - began:.1f} s")

    def run_cached_and_edge(self) -> None:
        proc, base = None, ""

        def cached(result: Result) -> None:
            nonlocal proc, base
            proc, base = self.start_gazette("gazette-cached")
            if not self.path:
                self.path = self.discover_article(base)
            url = base + self.path
            first = get(url)
            if first.status != 200:
                raise RuntimeError(f"{self.path} answered {first.status}")
            hit = get(url)
            if hit.status != 200 or hit.header("X-Cache") != "HIT":
                raise RuntimeError(
                    f"second request: status {hit.status}, X-Cache {hit.header('X-Cache')}"
                    " (expected 200 and HIT)"
                )
            self.page = hit
            self.checks.append(
                f"Gazette, cached: first request X-Cache {first.header('X-Cache')}, "
                f"then {hit.header('X-Cache')}; {len(hit.body)} bytes"
            )
            self.measure(result, url)
            after = get(url)
            if after.header("X-Cache") != "HIT":
                result.ok = False
                result.note += f"; after the run X-Cache {after.header('X-Cache')}"

        self.target("cached", "Gazette, cached (granian)", cached)
        if proc is None or self.page is None:
            self.skip("edge", "Edge: nginx serving the pagecache", "needs the cached Gazette")
            if proc is not None:
                self.procs.stop(proc)
            return
        if not self.has_nginx:
            self.skip("edge", "Edge: nginx serving the pagecache", f"no {NGINX}")
            self.procs.stop(proc)
            return

        def edge(result: Result) -> None:
            gazette_port = urlsplit(base).port
            port = free_port()
            site = edge_site_conf(self.data, port, gazette_port)
            nginx, directory = start_nginx(
                self.procs, "nginx-edge", self.tmp, site, self.args.workers
            )
            url = f"http://127.0.0.1:{port}{self.path}"
            wait_until_up(f"http://127.0.0.1:{port}/", nginx)
            try:
                self.edge_checks(url, proc, result)
                self.measure(result, url)
                after = get(url)
                if after.header("X-Cache") != EDGE_HIT:
                    result.ok = False
                    result.note += f"; after the run X-Cache {after.header('X-Cache')}"
            finally:
                self.procs.stop(nginx)
            total, upstream = nginx_log_counts(directory)
            self.checks.append(
                f"Edge: nginx logged {total} requests, {upstream} of them passed to Gazette "
                "(the warm-up and purge checks; the load test ran with Gazette stopped)"
            )

        try:
            self.target("edge", "Edge: nginx serving the pagecache", edge)
        finally:
            self.procs.stop(proc)

    def edge_checks(self, url: str, gazette: subprocess.Popen, result: Result) -> None:
        """The page comes from nginx without Gazette, and a purge sends nginx back to it."""
        first = get(url)
        if first.status != 200:
            raise RuntimeError(f"first request through nginx answered {first.status}")
        # The page is already in the pagecache (the cached target put it there): purge it,
        # so that the warm-up really goes through nginx's fallback to Gazette.
        self.gazette("cache", "purge", "--all", timeout=60)
        missed = get(url)
        warmed = get(url)
        if missed.status != 200 or missed.header("X-Cache") != "MISS":
            raise RuntimeError(
                "after `gazette cache purge --all` the page was not rendered afresh by "
                f"Gazette (status {missed.status}, X-Cache {missed.header('X-Cache')}; "
                "expected 200 and MISS)"
            )
        if warmed.status != 200 or warmed.header("X-Cache") != EDGE_HIT:
            raise RuntimeError(
                f"the request after the warm-up was not served by nginx from the pagecache "
                f"(status {warmed.status}, X-Cache {warmed.header('X-Cache')})"
            )
        if warmed.body != missed.body:
            result.note = "edge body differs from Gazette's"
        gz = get(url, headers={"Accept-Encoding": "gzip"})
        self.checks.append(
            f"Edge: after `gazette cache purge --all` the next request fell back to Gazette "
            f"(X-Cache {missed.header('X-Cache')}), the one after came from nginx "
            f"(X-Cache {warmed.header('X-Cache')}, Content-Type {warmed.header('Content-Type')}"
            f", gzip: Content-Encoding {gz.header('Content-Encoding')}, "
            f"{len(gz.body)} bytes)"
        )
        self.procs.stop(gazette)
        alone = get(url)
        if alone.status != 200 or alone.header("X-Cache") != EDGE_HIT:
            raise RuntimeError(
                f"with Gazette stopped nginx answered {alone.status} "
                f"(X-Cache {alone.header('X-Cache')})"
            )
        self.checks.append("Edge: with Gazette stopped, nginx still answered 200 (EDGE-HIT)")

    def run_uncached(self, key: str = "uncached", **env: str) -> None:
        """Gazette without its page cache: every request rendered by Django. With
        GAZETTE_FRAGMENT_CACHE=0 too ("cold"), nothing is kept rendered between requests."""

        def uncached(result: Result) -> None:
            proc, base = self.start_gazette(f"gazette-{key}", GAZETTE_PAGE_CACHE="0", **env)
            try:
                if not self.path:  # the cached target failed before finding it
                    self.path = self.discover_article(base)
                url = base + self.path
                reply = get(url)
                if reply.status != 200 or reply.header("X-Cache"):
                    raise RuntimeError(
                        f"status {reply.status}, X-Cache {reply.header('X-Cache')} "
                        "(expected 200 without X-Cache)"
                    )
                if self.page is None:  # the same bytes, for the baselines
                    self.page = reply
                self.measure(result, url)
            finally:
                self.procs.stop(proc)

        labels = {
            "uncached": "Gazette, uncached (GAZETTE_PAGE_CACHE=0)",
            "cold": "Gazette, uncached, no fragments (… GAZETTE_FRAGMENT_CACHE=0)",
        }
        self.target(key, labels[key], uncached)

    def run_constant(self) -> None:
        def constant(result: Result) -> None:
            body = self.tmp / "constant-body.html"
            headers = self.tmp / "constant-headers.json"
            body.write_bytes(self.page.body)
            kept = [
                (k, v)
                for k, v in self.page.headers
                if k.lower() not in ("date", "server", "content-length")
            ]
            headers.write_text(json.dumps(kept))
            port = free_port()
            env = self.env(
                # No page cache: `gazette serve` would start its cache sweeper, which is the
                # app's business, not the server's.
                GAZETTE_PAGE_CACHE="0",
                BENCH_CONSTANT_BODY=str(body),
                BENCH_CONSTANT_HEADERS=str(headers),
                PYTHONPATH=os.pathsep.join(
                    filter(None, [str(BENCH), os.environ.get("PYTHONPATH", "")])
                ),
            )
            proc = self.procs.start(
                "constant",
                [
                    sys.executable,
                    str(BENCH / "constant_app.py"),
                    "--port",
                    str(port),
                    "--workers",
                    str(self.args.workers),
                ],
                env,
            )
            try:
                url = f"http://127.0.0.1:{port}{self.path}"
                try:
                    wait_until_up(url, proc)
                except RuntimeError as exc:
                    raise RuntimeError(f"{exc}\n{self.procs.log_tail('constant')}") from exc
                reply = get(url)
                if reply.status != 200 or reply.body != self.page.body:
                    raise RuntimeError(f"status {reply.status}, or not the article's bytes")
                self.measure(result, url)
            finally:
                self.procs.stop(proc)

        if self.page is None:
            self.skip("constant", "Constant WSGI response (granian)", "needs the article page")
        else:
            self.target("constant", "Constant WSGI response (granian)", constant)

    def run_nginx_static(self) -> None:
        label = "nginx, static file"

        def static(result: Result) -> None:
            root = self.tmp / "static-site"
            page = root / self.path.strip("/") / "index.html"
            page.parent.mkdir(parents=True)
            page.write_bytes(self.page.body)
            port = free_port()
            site = NGINX_STATIC_SITE.format(port=port, root=root)
            nginx, _directory = start_nginx(
                self.procs, "nginx-static", self.tmp, site, self.args.workers
            )
            try:
                url = f"http://127.0.0.1:{port}{self.path}"
                wait_until_up(url, nginx)
                reply = get(url)
                if reply.status != 200 or reply.body != self.page.body:
                    raise RuntimeError(f"status {reply.status}, or not the article's bytes")
                self.measure(result, url)
            finally:
                self.procs.stop(nginx)

        if self.page is None:
            self.skip("static", label, "needs the article page")
        elif not self.has_nginx:
            self.skip("static", label, f"no {NGINX}")
        else:
            self.target("static", label, static)

    def run_wordpress(self) -> None:
        label = "WordPress"
        if not self.args.wordpress:
            self.skip("wordpress", label, "not measured (--wordpress)")
            return
        if not WORDPRESS.is_dir():
            self.skip("wordpress", label, f"not measured: no {WORDPRESS}")
            return
        if not self.args.wordpress_url:
            self.skip(
                "wordpress",
                label,
                f"not measured: {WORDPRESS} is there, but this script does not set up "
                "WordPress (database, PHP-FPM); give --wordpress-url of a running article",
            )
            return

        def wordpress(result: Result) -> None:
            url = self.args.wordpress_url
            host = urlsplit(url).hostname
            if host not in ("127.0.0.1", "localhost"):
                raise RuntimeError("--wordpress-url must be on loopback")
            reply = get(url)
            if reply.status != 200:
                raise RuntimeError(f"{url} answered {reply.status}")
            result.note = f"{url}, {len(reply.body)} bytes"
            self.measure(result, url)

        self.target("wordpress", label, wordpress)

    def skip(self, key: str, label: str, note: str) -> None:
        self.results[key] = Result(key, label, skipped=True, note=note)
        log(f"{label}: skipped ({note})")

    def discover_article(self, base: str) -> str:
        """The front page's top story: the first link to /<section>/<slug>/."""
        home = get(base + "/")
        for path in re.findall(r'href="(/[a-z0-9-]+/[a-z0-9-]+/)"', home.body.decode()):
            if not path.startswith(
                ("/tags/", "/authors/", "/admin/", "/static/", "/media/", "/feed/", "/api/")
            ):
                log(f"article: {path}")
                return path
        raise RuntimeError("no article link on the front page")

    def run(self) -> int:
        self.loadavg = _loadavg()
        self.setup()
        self.run_cached_and_edge()
        self.run_uncached()
        self.run_uncached("cold", GAZETTE_FRAGMENT_CACHE="0")
        self.run_constant()
        self.run_nginx_static()
        self.run_wordpress()
        return 0 if all(r.ok or r.skipped for r in self.results.values()) else 1

    # Report --------------------------------------------------------------------------

    def ratio(self, top: str, bottom: str) -> float | None:
        a, b = self.results.get(top), self.results.get(bottom)
        if a and b and a.ok and b.ok and a.load and b.load and b.load.rps:
            return a.load.rps / b.load.rps
        return None

    def table(self) -> str:
        def goal(value: float | None, target: float, what: str) -> str:
            if value is None:
                return f"{what}: n/a (goal ≥ {target:g})"
            verdict = "met" if value >= target else "NOT met"
            return f"{what} = {value:.2f} (goal ≥ {target:g}: {verdict})"

        def cold_ratio(value: float | None) -> str:
            shown = "n/a" if value is None else f"{value:.2f}"
            return f"cold / WordPress = {shown} (every part rendered again: for information)"

        ratios = {
            "cached": goal(self.ratio("cached", "constant"), 0.8, "cached / constant"),
            "constant": "baseline for Gazette, cached",
            "edge": goal(self.ratio("edge", "static"), 0.8, "edge / nginx static"),
            "static": "baseline for edge",
            "uncached": goal(self.ratio("uncached", "wordpress"), 10, "uncached / WordPress"),
            "cold": cold_ratio(self.ratio("cold", "wordpress")),
            "wordpress": "baseline for Gazette, uncached",
        }
        order = ["cached", "constant", "edge", "static", "uncached", "cold", "wordpress"]
        rows = [
            "| target | requests/s | p50 ms | p99 ms | ratio | notes |",
            "| --- | ---: | ---: | ---: | --- | --- |",
        ]
        for key in order:
            result = self.results.get(key)
            if result is None:
                continue
            if result.load and not result.skipped:
                load = result.load
                cells = [f"{load.rps:,.0f}", f"{load.p50_ms:.2f}", f"{load.p99_ms:.2f}"]
            else:
                cells = ["–", "–", "–"]
            note = result.note or ("" if result.ok or result.skipped else "failed")
            if not result.ok and not result.skipped and not note.startswith("FAILED"):
                note = "FAILED: " + note
            note = " ".join(note.split()).replace("|", "\\|")
            rows.append(f"| {result.label} | {' | '.join(cells)} | {ratios[key]} | {note} |")
        return "\n".join(rows)

    def settings_lines(self) -> list[str]:
        args = self.args
        if self.use_wrk:
            tool = _version([WRK, "-v"], r"^(wrk \S+)") or "wrk"
            tool += f", {min(args.threads, args.connections)} threads"
        else:
            tool = (
                "the Python load generator"
                + (" (no wrk)" if args.loader == "auto" else "")
                + ", one thread per connection: it is the bottleneck, so its numbers say"
                " little about the servers"
            )
        size = len(self.page.body) if self.page else 0
        nginx = _version([NGINX, "-v"], r"(nginx/[\d.]+)") or "nginx"
        return [
            f"- machine: {os.cpu_count()} CPUs (nproc {_nproc()}), {_cpu_model()}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
            f"- load: {tool}; {args.connections} connections, {args.seconds} s per target "
            f"after {args.warmup} s unmeasured, on the same machine as the servers (loopback)",
            f"- servers: granian {_granian_version()} with {args.workers} workers (Gazette and "
            f"the constant app alike); {nginx} with {args.workers} worker processes",
            f"- page: {self.path or '?'} ({size} bytes, no compression asked for)",
            f"- load average (1 min) before the benchmark: {self.loadavg} "
            "(other work on the machine skews the numbers)",
            f"- Gazette: {_git_describe()}, SQLite, `gazette demo` content",
        ]

    def markdown(self, started: dt.datetime) -> str:
        lines = [
            f"# Gazette benchmark, {started:%Y-%m-%d %H:%M} UTC",
            "",
            *self.settings_lines(),
            "",
            self.table(),
            "",
            "Checks:",
            "",
            *(f"- {check}" for check in self.checks),
            "",
            "Made with `make bench` (bench/run.py); bench/README.md says how to read it.",
            "",
        ]
        return "\n".join(lines)


def _loadavg() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def _nproc() -> str:
    try:
        return str(len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return str(os.cpu_count())


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _version(argv: list[str], pattern: str) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    found = re.search(pattern, done.stdout + done.stderr)
    return found.group(1) if found else None


def _granian_version() -> str:
    try:
        from importlib.metadata import version

        return version("granian")
    except Exception:  # noqa: BLE001
        return "?"


def _git_describe() -> str:
    if not shutil.which("git"):
        return "unknown commit"
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except OSError:
        return "unknown commit"
    if not head:
        return "unknown commit"
    return f"commit {head}" + (" with uncommitted changes" if dirty else "")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load-test Gazette's article page against nginx and a constant WSGI app.",
    )
    parser.add_argument("--seconds", type=int, default=10, help="load per target (default 10)")
    parser.add_argument("--connections", type=int, default=64, help="default 64")
    parser.add_argument(
        "--warmup", type=int, default=2, help="unmeasured load before each run (default 2 s)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="granian workers and nginx worker processes (default: one per CPU)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="1-second runs with few connections: proves the benchmark works (CI)",
    )
    parser.add_argument(
        "--loader",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator (default: wrk when installed)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=200_000,
        help="bound for the Python load generator (default 200000)",
    )
    parser.add_argument("--path", help="the page to load (default: the front page's top story)")
    parser.add_argument(
        "--wordpress",
        action="store_true",
        help=f"also measure WordPress (needs {WORDPRESS} and --wordpress-url)",
    )
    parser.add_argument(
        "--wordpress-url", help="a WordPress article on loopback, e.g. http://127.0.0.1:8080/?p=1"
    )
    parser.add_argument(
        "--results",
        type=Path,
        help="where to write the Markdown table (default bench/results; none with --smoke)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory (data, logs, nginx configs)",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.seconds, args.connections, args.warmup = 1, 8, 0
        args.max_requests = min(args.max_requests, 20_000)
    if args.results is None and not args.smoke:
        args.results = BENCH / "results"
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    if args.seconds < 1 or args.connections < 1 or args.threads < 1 or args.workers < 1:
        parser.error("--seconds, --connections, --threads and --workers must be at least 1")
    if args.loader == "wrk" and not os.access(WRK, os.X_OK):
        parser.error(f"--loader wrk: no {WRK}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    bench = Bench(args)

    def cleanup() -> None:
        bench.procs.stop_all()
        if not args.keep:
            shutil.rmtree(bench.tmp, ignore_errors=True)

    atexit.register(cleanup)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        status = bench.run()
    except Exception as exc:  # noqa: BLE001 - the set-up failed: say so, clean up, exit 1
        log(f"FAILED: {exc}")
        status = 1
    finally:
        bench.procs.stop_all()
    if bench.results:
        report = bench.markdown(started)
        print()
        print("\n".join(bench.settings_lines()))
        print()
        print(bench.table())
        print()
        for check in bench.checks:
            print(f"- {check}")
        if args.results:
            args.results.mkdir(parents=True, exist_ok=True)
            out = args.results / f"{started:%Y-%m-%d-%H%M}.md"
            out.write_text(report)
            print(f"\nwritten to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if args.keep:
        print(f"kept {bench.tmp}")
    print("bench: " + ("all targets answered 200" if status == 0 else "FAILED"), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
