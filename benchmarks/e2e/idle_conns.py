#!/usr/bin/env python3
"""Memory that a running proxy spends on idle keep-alive client connections.

Opens COUNT connections to the proxy and leaves them idle, then sends one GET
on each (a few at a time, so the proxy needs only a few origin connections)
and leaves them idle again. The proxy's resident memory (VmRSS summed over the
process and its children, e.g. nginx's master and worker) is read before,
after connecting, and after the requests; the differences divided by COUNT
are the KiB each idle connection costs, without and with a request served.
Kernel socket buffers are not in RSS and are not counted.

  idle_conns.py --name NAME --port PORT --pid PID [--count 10000] [--timeout 120]

Prints a human summary on stderr and one tab-separated row on stdout:
NAME COUNT BASE_KIB CONNECTED_KIB REQUESTED_KIB STILL_OPEN (KiB columns are
"-" when a phase did not finish within the time limit).
"""
import argparse
import os
import resource
import selectors
import socket
import sys
import time

REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: weir-idle-bench\r\n\r\n"
# Requests in flight at once: enough to be quick, few enough that every proxy
# serves them through a handful of pooled origin connections.
WINDOW = 64
CONNECT_BATCH = 256


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def process_tree(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass  # the process ended meanwhile
    return pids


def rss_kib(pid):
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def fd_count(pid):
    total = 0
    for p in process_tree(pid):
        try:
            total += len(os.listdir(f"/proc/{p}/fd"))
        except OSError:
            pass
    return total


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, need))
            return
        except (ValueError, OSError):
            need = hard  # not root: go as far as the hard limit allows
    if soft == resource.RLIM_INFINITY or soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


def settle(pid, deadline, quiet_s=0.5):
    """Waits until the proxy's RSS stops moving (or the deadline), so that
    work still queued in the proxy is not missed."""
    last = rss_kib(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = rss_kib(pid)
        if now == last:
            return now
        last = now
    return last


def open_connections(port, pid, count, deadline):
    """Connects in batches and waits for the proxy to accept each batch (its
    descriptor count grows by one per connection), so that the listen
    backlog never overflows and every connection is really held by the
    proxy when its memory is read."""
    socks = []
    base_fds = fd_count(pid)
    sel = selectors.DefaultSelector()
    while len(socks) < count and time.monotonic() < deadline:
        batch = []
        for _ in range(min(CONNECT_BATCH, count - len(socks))):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            sel.register(s, selectors.EVENT_WRITE)
            batch.append(s)
        pending = len(batch)
        while pending and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=0.5):
                sel.unregister(key.fileobj)
                pending -= 1
        errors = [s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) for s in batch]
        if pending or any(errors):
            why = "timed out" if pending else os.strerror(next(e for e in errors if e))
            log(f"connect {why} after {len(socks)} connections")
            for key in list(sel.get_map().values()):
                sel.unregister(key.fileobj)
            for s in batch:
                s.close()
            return socks
        socks.extend(batch)
        # Bounded per batch too: a proxy that keeps other descriptors busy
        # must not stall the run, it only makes this wait less exact.
        accept_deadline = min(deadline, time.monotonic() + 5)
        while fd_count(pid) < base_fds + len(socks) and time.monotonic() < accept_deadline:
            time.sleep(0.01)
    return socks


def response_complete(buf):
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    head = buf[:head_end].decode("latin-1").lower()
    body = len(buf) - head_end - 4
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip() == "content-length":
            return body >= int(value)
        if name.strip() == "transfer-encoding" and "chunked" in value:
            return buf.endswith(b"0\r\n\r\n")
    return True  # no body framing on a 200 to GET is unusual; take the head


def one_request_each(socks, deadline):
    """Sends one GET on every connection, at most WINDOW in flight. Returns
    the number of 200 responses."""
    sel = selectors.DefaultSelector()
    bufs = {}
    ok = 0
    nxt = 0
    while (nxt < len(socks) or bufs) and time.monotonic() < deadline:
        while nxt < len(socks) and len(bufs) < WINDOW:
            s = socks[nxt]
            nxt += 1
            s.send(REQUEST)  # small enough for an empty socket buffer
            bufs[s] = b""
            sel.register(s, selectors.EVENT_READ)
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            data = s.recv(65536)
            bufs[s] += data
            if not data or response_complete(bufs[s]):
                if bufs[s].startswith(b"HTTP/1.1 200"):
                    ok += 1
                sel.unregister(s)
                del bufs[s]
    return ok


def still_open(socks):
    """Counts connections the proxy has not closed (no EOF pending)."""
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    closed = len(sel.select(timeout=0.2))
    sel.close()
    return len(socks) - closed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True, help="the proxy's (main) process")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole run")
    args = ap.parse_args()
    deadline = time.monotonic() + args.timeout
    raise_nofile(args.count + 1024)

    # A first exchange on a throw-away connection, so that lazily created
    # state (origin pool, buffers, first allocator arenas) is in the baseline.
    with socket.create_connection(("127.0.0.1", args.port), timeout=5) as s:
        s.sendall(REQUEST)
        buf = b""
        while not response_complete(buf):
            data = s.recv(65536)
            if not data:
                break
            buf += data
    base = settle(args.pid, deadline)
    log(f"{args.name}: base RSS {base} KiB")

    connected = requested = "-"
    socks = open_connections(args.port, args.pid, args.count, deadline)
    if len(socks) == args.count:
        connected = settle(args.pid, deadline)
        log(f"{args.name}: {len(socks)} connected, RSS {connected} KiB, "
            f"{(connected - base) / len(socks):.2f} KiB/conn")
        ok = one_request_each(socks, deadline)
        if ok == len(socks):
            requested = settle(args.pid, deadline)
            log(f"{args.name}: {ok} answered, RSS {requested} KiB, "
                f"{(requested - base) / len(socks):.2f} KiB/conn")
        else:
            log(f"{args.name}: only {ok} of {len(socks)} requests answered with 200")
    else:
        log(f"{args.name}: only {len(socks)} of {args.count} connections within the time limit")

    open_after = still_open(socks)
    for s in socks:
        s.close()
    print(f"{args.name}\t{args.count}\t{base}\t{connected}\t{requested}\t{open_after}")


if __name__ == "__main__":
    main()
