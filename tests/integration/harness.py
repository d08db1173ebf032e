"""Shared parts of the integration tests: real processes on 127.0.0.1.

Origin()           starts weir-test-origin on a free port.
Gateway(config)    starts weir-gateway with a config dict on a free port.
gateway_for(o)     a Gateway in front of one Origin, with overridable settings.
RawConn            a plain socket that speaks byte-exact HTTP/1.1 and parses
                   responses itself, for what http.client hides (framing,
                   pipelining, connection reuse).

The binaries come from the WEIR_GATEWAY and WEIR_ORIGIN environment variables
(meson's test() sets them). Every wait here is bounded in time.
"""

import copy
import json
import os
import select
import signal
import socket
import subprocess
import tempfile
import threading
import time
import zlib

WEIR_GATEWAY = os.environ.get("WEIR_GATEWAY", "")
WEIR_ORIGIN = os.environ.get("WEIR_ORIGIN", "")

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0  # the gateway drains for up to 5 s
IO_TIMEOUT_S = 10.0
PATTERN_PERIOD = 251  # the origin's body bytes are i % 251


def require_binary(name, path):
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError(f"{name} must name an executable (got {path!r}); run through meson test")


def free_port():
    """A port that was free a moment ago; Gateway retries if it is taken meanwhile."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pattern(offset, length):
    """The bytes the origin sends at [offset, offset + length) of a body."""
    start = offset % PATTERN_PERIOD
    reps = (start + length) // PATTERN_PERIOD + 1
    return (bytes(range(PATTERN_PERIOD)) * reps)[start:start + length]


def pattern_crc32(length, piece=1 << 20):
    crc = 0
    block = pattern(0, piece + PATTERN_PERIOD)
    done = 0
    while done < length:
        n = min(piece, length - done)
        start = done % PATTERN_PERIOD
        crc = zlib.crc32(block[start:start + n], crc)
        done += n
    return crc


def wait_for_port(port, deadline, proc=None):
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def wait_until(predicate, timeout=5.0):
    """Polls `predicate` every 50 ms until it holds or `timeout` seconds pass;
    its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def check_config(config):
    """Runs `weir-gateway --check` on `config` (a dict) written to a temporary
    file; the finished process, its stderr as text."""
    require_binary("WEIR_GATEWAY", WEIR_GATEWAY)
    with tempfile.TemporaryDirectory(prefix="weir-check-") as d:
        path = os.path.join(d, "config.json")
        with open(path, "w") as f:
            json.dump(config, f)
        return subprocess.run([WEIR_GATEWAY, "--check", path], capture_output=True, text=True,
                              timeout=30)


def read_json_lines(path, n, timeout=5.0):
    """The JSON lines of the file at `path` (an access log) once it holds at
    least n of them, or what it holds when `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path) as f:
                lines = [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            lines = []
        if len(lines) >= n or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def read_first_line(proc, timeout=START_TIMEOUT_S):
    """The first line a child prints on its piped stdout (with its newline),
    or what came before the deadline or end of file."""
    line = b""
    deadline = time.monotonic() + timeout
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            ch = os.read(proc.stdout.fileno(), 1)
            if not ch:
                break
            line += ch
    return line


class Origin:
    """weir-test-origin on a kernel-chosen port; `with Origin() as o: o.port`.
    Extra arguments go to the origin: `Origin("--host", "127.0.0.2", "--port",
    "8000")` listens there instead (`o.host`)."""

    def __init__(self, *extra_args):
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        args = self.extra_args
        self.host = args[args.index("--host") + 1] if "--host" in args[:-1] else "127.0.0.1"

    def __enter__(self):
        require_binary("WEIR_ORIGIN", WEIR_ORIGIN)
        self.proc = subprocess.Popen([WEIR_ORIGIN, "--port", "0", *self.extra_args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = read_first_line(self.proc)
        if not line.startswith(b"port="):
            self._stop()
            raise RuntimeError(f"origin did not report its port: {line!r}")
        self.port = int(line[5:])
        return self

    def stats(self):
        """{"connections_accepted", "connections_open", "requests"}; the probe's
        own connection and request are not counted."""
        with RawConn(self.port, host=self.host) as c:
            c.send(b"GET /stats HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n")
            return json.loads(c.read_response().body)

    def wait_connections_open(self, predicate, timeout=5.0):
        """Polls /stats until predicate(connections_open) holds; returns the last value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.stats()["connections_open"]
            if predicate(value) or time.monotonic() > deadline:
                return value
            time.sleep(0.05)

    def _stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT_S)
        if self.proc:
            self.proc.stdout.close()
            self.proc.stderr.close()

    def __exit__(self, *exc):
        crashed = self.proc.poll() is not None
        self._stop()
        if crashed and exc[0] is None:
            raise AssertionError(f"origin exited early with {self.proc.returncode}")
        return False


DEFAULT_LIMITS = {
    "max_header_bytes": 65536,
    "max_url_bytes": 8192,
    "max_headers": 100,
    "max_body_bytes": 10485760,
    "header_timeout_ms": 10000,
    "idle_timeout_ms": 60000,
}


def gateway_config(origin_port, **overrides):
    """The config of one gateway in front of one origin. `limits` overrides are
    merged into the defaults; `route` entries are merged into the single route;
    any other key replaces the top-level key."""
    cfg = {
        "workers": 1,
        "listeners": [{"name": "public", "address": "127.0.0.1", "port": 0}],
        "limits": dict(DEFAULT_LIMITS),
        "via": False,
        "upstreams": {
            "o": {
                "endpoints": [{"address": f"127.0.0.1:{origin_port}", "weight": 1}],
                "connect_timeout_ms": 1000,
                "idle_timeout_ms": 60000,
                "max_idle": 64,
            }
        },
        "routes": [{"name": "all", "match": {"prefix": "/"}, "upstream": "o", "timeout_ms": 30000}],
    }
    for key, value in overrides.items():
        if key == "limits":
            cfg["limits"].update(value)
        elif key == "route":
            cfg["routes"][0].update(value)
        elif key == "upstream":
            cfg["upstreams"]["o"].update(value)
        else:
            cfg[key] = copy.deepcopy(value)
    return cfg


def gateway_for(origin, **overrides):
    """A Gateway in front of `origin` (an Origin or a port number)."""
    port = origin if isinstance(origin, int) else origin.port
    return Gateway(gateway_config(port, **overrides))


class Gateway:
    """weir-gateway with `config` (a dict) on a free port. On exit it sends
    SIGTERM and fails if the gateway does not exit 0 within 10 s, died of a
    signal, or reported a sanitizer error."""

    def __init__(self, config):
        self.config = copy.deepcopy(config)
        self.proc = None
        self.port = None
        self.dir = None

    def __enter__(self):
        require_binary("WEIR_GATEWAY", WEIR_GATEWAY)
        self.dir = tempfile.TemporaryDirectory(prefix="weir-itest-")
        last_error = ""
        for _attempt in range(3):  # another process may grab the free port first
            self.port = free_port()
            self.config["listeners"][0]["port"] = self.port
            path = os.path.join(self.dir.name, "gateway.json")
            with open(path, "w") as f:
                json.dump(self.config, f, indent=2)
            self.stderr_path = os.path.join(self.dir.name, "stderr.txt")
            self.stdout_path = os.path.join(self.dir.name, "stdout.txt")
            with open(self.stderr_path, "wb") as err, open(self.stdout_path, "wb") as out:
                self.proc = subprocess.Popen([WEIR_GATEWAY, "--config", path], stdout=out, stderr=err)
            deadline = time.monotonic() + START_TIMEOUT_S
            if wait_for_port(self.port, deadline, self.proc):
                return self
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT_S)
                last_error = "did not accept connections within 10 s"
            else:
                last_error = f"exited with {self.proc.returncode}"
            last_error += f"\nconfig: {json.dumps(self.config)}\nstderr:\n{self.stderr_text()}"
            if "in use" not in self.stderr_text().lower():
                break
        self.dir.cleanup()
        raise RuntimeError(f"gateway did not start: {last_error}")

    @property
    def pid(self):
        return self.proc.pid

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS line")

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def wait_fd_count(self, predicate, timeout=5.0):
        """Polls the open fd count until predicate(count) holds; returns the last count."""
        deadline = time.monotonic() + timeout
        while True:
            count = self.fd_count()
            if predicate(count) or time.monotonic() > deadline:
                return count
            time.sleep(0.05)

    def alive(self):
        return self.proc.poll() is None

    def write_config(self, config):
        """Replaces the config file atomically (for a reload by SIGHUP)."""
        path = os.path.join(self.dir.name, "gateway.json")
        with open(path + ".tmp", "w") as f:
            json.dump(config, f)
        os.replace(path + ".tmp", path)

    def __exit__(self, exc_type, exc, tb):
        problems = []
        if self.proc.poll() is not None:
            problems.append(f"gateway exited during the test with {self.proc.returncode}")
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT_S)
                problems.append("gateway did not exit within 10 s of SIGTERM")
            else:
                if self.proc.returncode != 0:
                    problems.append(f"gateway exited with {self.proc.returncode} after SIGTERM")
        text = self.stderr_text()
        for marker in ("AddressSanitizer", "LeakSanitizer", "ThreadSanitizer", "runtime error:"):
            if marker in text:
                problems.append(f"stderr holds {marker!r}")
        self.dir.cleanup()
        if problems and exc_type is None:
            raise AssertionError("; ".join(problems) + "\nstderr:\n" + text[-8000:])
        return False


class Response:
    def __init__(self, version, status, reason, headers, body, raw_head):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers  # [(name, value)] in arrival order
        self.body = body
        self.raw_head = raw_head

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.headers} body[{len(self.body)}]={self.body[:200]!r}>"


class ConnectionClosed(Exception):
    pass


class RawConn:
    """A client socket with its own HTTP/1.1 response parser."""

    def __init__(self, port, timeout=IO_TIMEOUT_S, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.timeout = timeout

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _recv(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionClosed(f"closed with {len(self.buf)} bytes pending: {self.buf[:200]!r}")
        self.buf += chunk

    def _take(self, n):
        while len(self.buf) < n:
            self._recv()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_exact(self, n):
        return self._take(n)

    def _line(self):
        while b"\r\n" not in self.buf:
            if len(self.buf) > 1 << 20:
                raise ValueError("line too long")
            self._recv()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_head(self):
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > 1 << 20:
                raise ValueError("head too long")
            self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        version, status, *reason = lines[0].decode("latin-1").split(" ", 2) + [""]
        if not version.startswith("HTTP/1.") or len(status) != 3 or not status.isdigit():
            raise ValueError(f"malformed status line {lines[0]!r}")
        headers = []
        for line in lines[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name, value.strip()))
        return version, int(status), reason[0] if reason else "", headers, head

    def read_response(self, method="GET", keep_1xx=False, max_body=None):
        """Reads one response (skipping 1xx interim ones unless keep_1xx).
        The body is framed per RFC 9112 6.3."""
        while True:
            version, status, reason, headers, head = self.read_head()
            if 100 <= status < 200 and status != 101 and not keep_1xx:
                continue
            break
        resp = Response(version, status, reason, headers, b"", head)
        te = resp.header("transfer-encoding")
        cl = resp.header("content-length")
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return resp
        if te is not None:
            if te.lower() != "chunked":
                raise ValueError(f"unexpected transfer-encoding {te!r}")
            parts = []
            while True:
                part = self.read_chunk()
                if not part:
                    break
                parts.append(part)
            resp.body = b"".join(parts)
        elif cl is not None:
            resp.body = self._take(int(cl))
        else:
            resp.body = self.read_until_close(max_body)
        return resp

    def read_chunk(self):
        """The data of the next chunk of a chunked body, b"" for the last one
        (its trailer section is consumed too)."""
        size = int(self._line().split(b";")[0], 16)
        if size == 0:
            while self._line() != b"":
                pass
            return b""
        data = self._take(size)
        if self._take(2) != b"\r\n":
            raise ValueError("chunk not followed by CRLF")
        return data

    def read_until_close(self, limit=None):
        """Everything until EOF (a reset also ends it); bounded by the socket timeout."""
        data, self.buf = self.buf, b""
        while limit is None or len(data) < limit:
            try:
                chunk = self.sock.recv(1 << 20)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
        return data

    def wait_closed(self, timeout):
        """True if the peer closes (FIN or RST) within timeout, ignoring any
        bytes that arrive first; False if it stays open."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.sock.settimeout(left)
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True
        finally:
            self.sock.settimeout(self.timeout)


class RssMonitor:
    """Samples a gateway's VmRSS every 10 ms in a thread; `.peak_kib`."""

    def __init__(self, gateway):
        self.gateway = gateway
        self.peak_kib = gateway.rss_kib()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop_event.wait(0.01):
            try:
                self.peak_kib = max(self.peak_kib, self.gateway.rss_kib())
            except (OSError, RuntimeError):
                return

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(5)
        return False


def exchange(port, data, method="GET", timeout=IO_TIMEOUT_S):
    """One request on a fresh connection; returns the parsed response."""
    with RawConn(port, timeout) as c:
        c.send(data)
        return c.read_response(method)


def is_gateway_error(resp, status):
    """A response the gateway made itself: the status and the JSON error body."""
    if resp.status != status:
        return False
    try:
        body = resp.json()
    except ValueError:
        return False
    return isinstance(body, dict) and "error" in body and "request_id" in body
