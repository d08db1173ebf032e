#!/usr/bin/env python3
"""Turns the raw rows that run.sh collects into the Markdown tables that
benchmarks/README.md shows.

  table.py throughput ROWS.tsv   rows: target conns requests rps p50_ms p99_ms
                                       cpu_ticks clk_tck peak_rss_kib errors
                                       other_ticks duration_s logged_lines
                                       (other_ticks: "PROXY_CORE/LOAD_CORE";
                                       logged_lines "-" without an access log)
  table.py middleware ROWS.tsv   the same rows, one per middleware variant
  table.py pair ROWS.tsv         the same rows with a round number appended:
                                 per round, the base and the variant, measured
                                 at the same time on one core
  table.py idle ROWS.tsv         rows: target count base_kib connected_kib
                                       requested_kib open_after

Ratios are computed here, once every row exists: req/s against the origin
measured directly at the same connection count (a column only when there are
direct rows), and proxy CPU per request against the better (lower) of nginx
and HAProxy at the same connection count. The middleware table compares each
variant with the rows without middleware ("none", measured first and last)
at the same connection count: with the mean of the two. The pair table
compares the two gateways of each round, which shared the proxy core.
"""
import sys


def read_rows(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def num(text):
    return None if text in ("", "-") else float(text)


def fmt(value, spec, missing="—"):
    return missing if value is None else format(value, spec)


def parse(rows):
    parsed = []
    for (target, conns, requests, rps, p50, p99, ticks, clk_tck, rss, errors,
         other, duration, logged) in rows:
        requests = int(requests)
        # CPU time on each benchmark core that neither the proxy, the origin
        # nor wrk used, as the share of that core kept busy by others.
        other_cores = [max(0, int(t)) / int(clk_tck) / float(duration)
                       for t in other.split("/")]
        cpu_us = None
        if ticks != "-" and requests > 0:
            cpu_us = int(ticks) * 1e6 / int(clk_tck) / requests
        parsed.append(dict(target=target, conns=int(conns), rps=float(rps),
                           p50=num(p50), p99=num(p99), cpu_us=cpu_us,
                           rss=num(rss), errors=int(errors), other=other_cores,
                           requests=requests, logged=num(logged)))
    return parsed


def lines_per_request(r):
    """Access log lines the row gained per request wrk completed, or None."""
    return r["logged"] / r["requests"] if r["logged"] is not None and r["requests"] else None


def throughput(rows):
    parsed = parse(rows)
    direct = {r["conns"]: r["rps"] for r in parsed if r["target"] == "direct"}
    best_peer = {}
    for r in parsed:
        if r["target"] in ("nginx", "haproxy") and r["cpu_us"] is not None:
            best = best_peer.get(r["conns"])
            best_peer[r["conns"]] = r["cpu_us"] if best is None else min(best, r["cpu_us"])

    vs_direct_col = bool(direct)
    print("| target | conns | req/s" + (" | vs direct" if vs_direct_col else "")
          + " | p50 ms | p99 ms "
          "| proxy CPU µs/req | CPU vs best of nginx/HAProxy | peak RSS MiB | errors "
          "| other load, proxy/load core |")
    print("|---|---:|---:|" + ("---:|" if vs_direct_col else "")
          + "---:|---:|---:|---:|---:|---:|---:|")
    for r in sorted(parsed, key=lambda r: r["conns"]):
        d = direct.get(r["conns"])
        vs_direct = r["rps"] / d if d else None
        b = best_peer.get(r["conns"])
        vs_best = r["cpu_us"] / b if (b and r["cpu_us"] is not None) else None
        rss_mib = r["rss"] / 1024 if r["rss"] is not None else None
        direct_cell = f" {fmt(vs_direct, '.2f')} |" if vs_direct_col else ""
        print(f"| {r['target']} | {r['conns']} | {r['rps']:,.0f} |{direct_cell} "
              f"{fmt(r['p50'], '.3f')} | {fmt(r['p99'], '.3f')} | {fmt(r['cpu_us'], '.2f')} "
              f"| {fmt(vs_best, '.2f')} | {fmt(rss_mib, '.1f')} | {r['errors']} "
              f"| {r['other'][0]:.2f} / {r['other'][1]:.2f} |")


def middleware(rows):
    parsed = parse(rows)
    # The rows without middleware at a connection count (run.sh measures
    # one first and one last): the others are compared with their mean, and
    # each of them with that mean too, which shows the drift of the run.
    nones = {}
    for r in parsed:
        if r["target"] == "none":
            nones.setdefault(r["conns"], []).append(r)
    base = {}
    for conns, rs in nones.items():
        cpus = [r["cpu_us"] for r in rs if r["cpu_us"] is not None]
        base[conns] = dict(rps=sum(r["rps"] for r in rs) / len(rs),
                           cpu_us=sum(cpus) / len(cpus) if len(cpus) == len(rs) else None)
    print("| middleware | conns | req/s | throughput cost | proxy CPU µs/req "
          "| CPU cost | p99 ms | errors, non-2xx | access log lines per request "
          "| other load, proxy/load core |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in sorted(parsed, key=lambda r: r["conns"]):
        b = base.get(r["conns"])
        label = r["target"]
        if label == "none" and len(nones[r["conns"]]) > 1:
            label = "none, first" if r is nones[r["conns"]][0] else "none, last"
        rps_cost = cpu_cost = None
        if b and not (r["target"] == "none" and len(nones[r["conns"]]) == 1):
            rps_cost = (1 - r["rps"] / b["rps"]) * 100
            if r["cpu_us"] is not None and b["cpu_us"]:
                cpu_cost = (r["cpu_us"] / b["cpu_us"] - 1) * 100
        per_req = lines_per_request(r)
        print(f"| {label} | {r['conns']} | {r['rps']:,.0f} | {fmt(rps_cost, '+.1f')}"
              f"{'' if rps_cost is None else ' %'} | {fmt(r['cpu_us'], '.2f')} "
              f"| {fmt(cpu_cost, '+.1f')}{'' if cpu_cost is None else ' %'} "
              f"| {fmt(r['p99'], '.3f')} | {r['errors']} | {fmt(per_req, '.4f')} "
              f"| {r['other'][0]:.2f} / {r['other'][1]:.2f} |")


def median(values):
    v = sorted(values)
    n = len(v)
    return None if not n else (v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2)


def pair(rows):
    # Rows come in rounds: the base ("none" unless MW_BASE said otherwise),
    # then the variant (the same middleware when two builds are compared),
    # of one connection count.
    rounds = {}
    for row in rows:
        r = parse([row[:13]])[0]
        pr = rounds.setdefault((r["conns"], int(row[13])), {})
        pr["variant" if "base" in pr else "base"] = r
    if len(rows) > 1:
        print(f"Base: {rows[0][0]}. Variant: {rows[1][0]}.")
        print()
    print("| conns | round | req/s base | req/s variant | CPU µs/req base "
          "| CPU µs/req variant | core share base / variant | CPU cost "
          "| throughput cost, a core each | errors, non-2xx "
          "| access log lines per request | other load, proxy/load core |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    costs = {}
    for (conns, rnd), pr in sorted(rounds.items()):
        a, b = pr.get("base"), pr.get("variant")
        if not a or not b:
            continue
        cpu_cost = tput_cost = None
        if a["cpu_us"] and b["cpu_us"]:
            cpu_cost = (b["cpu_us"] / a["cpu_us"] - 1) * 100
            # What each would serve on a core of its own: req/s = 1 / CPU.
            tput_cost = (1 - a["cpu_us"] / b["cpu_us"]) * 100
            costs.setdefault(conns, []).append((cpu_cost, tput_cost))
        share = [r["cpu_us"] * r["requests"] / 1e6 / float(rows[0][11])
                 if r["cpu_us"] else 0 for r in (a, b)]
        per_req = lines_per_request(b)
        print(f"| {conns} | {rnd} | {a['rps']:,.0f} | {b['rps']:,.0f} "
              f"| {fmt(a['cpu_us'], '.2f')} | {fmt(b['cpu_us'], '.2f')} "
              f"| {share[0]:.2f} / {share[1]:.2f} | {fmt(cpu_cost, '+.1f')} % "
              f"| {fmt(tput_cost, '+.1f')} % | {a['errors']} / {b['errors']} "
              f"| {fmt(per_req, '.4f')} | {a['other'][0]:.2f} / {a['other'][1]:.2f} |")
    print()
    print("| conns | rounds | CPU cost, median | throughput cost, median (min … max) |")
    print("|---:|---:|---:|---:|")
    for conns, cs in sorted(costs.items()):
        t = [c[1] for c in cs]
        print(f"| {conns} | {len(cs)} | {median([c[0] for c in cs]):+.1f} % "
              f"| {median(t):+.1f} % ({min(t):+.1f} … {max(t):+.1f}) |")


def idle(rows):
    print("| target | idle conns | base RSS MiB | KiB/conn, connected only "
          "| KiB/conn, after one request | still open |")
    print("|---|---:|---:|---:|---:|---:|")
    for target, count, base, connected, requested, open_after in rows:
        n = int(count)
        base, connected, requested = num(base), num(connected), num(requested)
        per_conn = (connected - base) / n if (n and connected is not None) else None
        per_req = (requested - base) / n if (n and requested is not None) else None
        print(f"| {target} | {n:,} | {base / 1024:.1f} | {fmt(per_conn, '.2f')} "
              f"| {fmt(per_req, '.2f')} | {open_after} |")


def main():
    tables = {"throughput": throughput, "middleware": middleware, "pair": pair,
              "idle": idle}
    if len(sys.argv) != 3 or sys.argv[1] not in tables:
        sys.exit("usage: table.py throughput|middleware|pair|idle ROWS.tsv")
    tables[sys.argv[1]](read_rows(sys.argv[2]))


if __name__ == "__main__":
    main()
