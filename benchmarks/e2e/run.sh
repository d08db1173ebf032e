#!/usr/bin/env bash
# End-to-end benchmark of weir against its peers, on loopback.
#
# One run measures, all against the same origin (origin.c):
#   direct   wrk straight at the origin: the physical limit of this machine
#   relay    a blind byte relay (relay.c): the practical floor for any proxy
#   weir     weir-gateway, 1 worker
#   nginx    1 worker, keep-alive reverse proxy (nginx.conf.in)
#   haproxy  1 thread, mode http, keep-alive, http-reuse always (haproxy.cfg.in)
# at each connection count in CONNS, then the memory each proxy spends on idle
# keep-alive connections (idle_conns.py). See benchmarks/README.md for what
# every number means.
#
#   benchmarks/e2e/run.sh [all|throughput|idle]
#
# Environment (defaults in brackets):
#   DURATION      seconds of load per measurement [10]
#   WARMUP        seconds of load before each measurement, not counted [2]
#   CONNS         wrk connection counts [50 500]
#   TARGETS       throughput targets [direct relay weir nginx haproxy]
#   IDLE_TARGETS  idle-connection targets [weir nginx haproxy]
#   IDLE_CONNS    idle connections per proxy [10000]
#   WEIR_GATEWAY  the gateway binary [build/examples/gateway/weir-gateway]
#   PROXY_CPU     core the proxy is pinned to [0]
#   LOAD_CPU      core wrk and the origin are pinned to [1]
#   NICE          nice value for the proxy, the origin and wrk, e.g. -20 on
#                 a machine where other work shares the two cores [unset]
#   KEEP_TMP=1    keep the temporary directory (configs, logs, raw wrk output)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MODE=${1:-all}
DURATION=${DURATION:-10}
DURATION=${DURATION%s}
WARMUP=${WARMUP:-2}
WARMUP=${WARMUP%s}
CONNS=${CONNS:-50 500}
TARGETS=${TARGETS:-direct relay weir nginx haproxy}
IDLE_TARGETS=${IDLE_TARGETS:-weir nginx haproxy}
IDLE_CONNS=${IDLE_CONNS:-10000}
WEIR_GATEWAY=${WEIR_GATEWAY:-$ROOT/build/examples/gateway/weir-gateway}
PROXY_CPU=${PROXY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
CLK_TCK=$(getconf CLK_TCK)
# On a shared machine a proxy that sleeps in epoll waits behind any busy
# process on its core at every wake-up, which can halve its req/s although
# its CPU per request hardly changes. A high priority (NICE=-20) for
# everything the benchmark runs removes most of that. Real-time scheduling
# would too, but its throttling (50 ms of every second on a saturated core)
# would show up in p99.
PRIO=()
if [[ -n ${NICE:-} ]]; then PRIO=(nice -n "$NICE"); fi

case $MODE in all | throughput | idle) ;; *)
    echo "usage: $0 [all|throughput|idle]" >&2
    exit 2
    ;;
esac

note() { echo "== $*" >&2; }

# --- tools ------------------------------------------------------------------

install_missing() {
    local missing=()
    command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
    command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v cc >/dev/null || missing+=(gcc)
    if ((${#missing[@]})); then
        note "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    # nginx and haproxy live in /usr/sbin, which a user's PATH may lack.
    export PATH="$PATH:/usr/sbin:/sbin"
}

# --- processes ----------------------------------------------------------------

PIDS=()
TMP=""

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    if [[ -n $TMP && ${KEEP_TMP:-0} != 1 ]]; then rm -rf "$TMP"; fi
    if [[ -n $TMP && ${KEEP_TMP:-0} == 1 ]]; then note "kept $TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop_pid PID: TERM, then KILL after 5 s, and forget it. Only a process
# that is still this shell's child is signalled, so a pid that ended and
# was reused by another process is left alone.
stop_pid() {
    local pid=$1 i kept=()
    for i in "${PIDS[@]}"; do [[ $i == "$pid" ]] || kept+=("$i"); done
    PIDS=("${kept[@]+"${kept[@]}"}")
    [[ $(awk '{sub(/.*\) /, ""); print $2}' /proc/"$pid"/stat 2>/dev/null) == "$$" ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# start NAME CPU CMD...: runs CMD pinned to CPU (and with PRIO) in the
# background, output to $TMP/NAME.log; the pid is left in STARTED (taskset
# and nice exec, so it is CMD's).
start() {
    local name=$1 cpu=$2
    shift 2
    taskset -c "$cpu" "${PRIO[@]+"${PRIO[@]}"}" "$@" >"$TMP/$name.log" 2>&1 &
    STARTED=$!
    PIDS+=("$STARTED")
}

# run_job CMD...: runs CMD to its end like a foreground command, but as a
# background job that the shell waits for, so that a TERM or INT reaches the
# trap at once instead of after CMD, and cleanup stops CMD too.
run_job() {
    local pid rc=0
    "$@" &
    pid=$!
    PIDS+=("$pid")
    wait "$pid" || rc=$?
    stop_pid "$pid"
    return "$rc"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ready PORT PID NAME: waits (at most 10 s) until PORT answers a GET with 200.
ready() {
    local port=$1 pid=$2 name=$3 i line
    for ((i = 0; i < 100; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            note "$name exited; its log:"
            cat "$TMP/$name.log" >&2
            return 1
        fi
        if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
            printf 'GET / HTTP/1.1\r\nHost: bench\r\n\r\n' >&3
            line=""
            read -r -t 2 line <&3 || true
            exec 3<&- 3>&-
            if [[ $line == "HTTP/1.1 200"* ]]; then return 0; fi
            note "$name answered '${line%$'\r'}', not 200"
            return 1
        fi
        sleep 0.1
    done
    note "$name did not listen on $port within 10 s"
    return 1
}

# The proxy and everything it forked (nginx's worker under its master).
tree_pids() {
    local pid=$1 child
    echo "$pid"
    # The children files hold space-separated pids: words are what is wanted.
    # shellcheck disable=SC2013
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do tree_pids "$child"; done
}

# utime + stime of the whole tree, in clock ticks (/proc/PID/stat fields 14
# and 15; the text after the last ')' starts at field 3, so they are its
# 12th and 13th words).
cpu_ticks() {
    local total=0 pid rest f
    for pid in $(tree_pids "$1"); do
        rest=$(cat /proc/"$pid"/stat 2>/dev/null) || continue
        read -r -a f <<<"${rest##*) }"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}

# Peak resident memory (VmHWM) summed over the tree, in KiB.
peak_rss_kib() {
    local total=0 pid kib
    for pid in $(tree_pids "$1"); do
        kib=$(awk '/^VmHWM:/ {print $2}' /proc/"$pid"/status 2>/dev/null) || continue
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}

# --- the origin, the proxies ----------------------------------------------------

build_tools() {
    note "building origin and relay"
    cc -O2 -o "$TMP/origin" "$HERE/origin.c"
    cc -O2 -o "$TMP/relay" "$HERE/relay.c"
}

start_origin() {
    ORIGIN_PORT=$(free_port)
    start origin "$LOAD_CPU" "$TMP/origin" "$ORIGIN_PORT"
    ORIGIN_PID=$STARTED
    ready "$ORIGIN_PORT" "$ORIGIN_PID" origin
}

# fill TEMPLATE OUT PORT: writes a config with its placeholders filled in.
fill() {
    sed -e "s|@PORT@|$3|g" -e "s|@ORIGIN_PORT@|$ORIGIN_PORT|g" -e "s|@DIR@|$TMP|g" \
        -e "s|@NOFILE@|$NOFILE|g" -e "s|@MAXCONN@|$MAXCONN|g" "$1" >"$2"
}

have_target() {
    case $1 in
    weir)
        [[ -x $WEIR_GATEWAY ]] || {
            note "skipping weir: no gateway binary at $WEIR_GATEWAY (set WEIR_GATEWAY)"
            return 1
        }
        ;;
    esac
}

# start_proxy TARGET: starts it on PROXY_CPU; sets PROXY_PORT and PROXY_PID.
# For "direct", PROXY_PORT is the origin's and PROXY_PID is empty.
start_proxy() {
    local target=$1
    PROXY_PID=""
    if [[ $target == direct ]]; then
        PROXY_PORT=$ORIGIN_PORT
        return 0
    fi
    PROXY_PORT=$(free_port)
    case $target in
    relay) start relay "$PROXY_CPU" "$TMP/relay" "$PROXY_PORT" "$ORIGIN_PORT" ;;
    weir)
        fill "$HERE/weir.json.in" "$TMP/weir.json" "$PROXY_PORT"
        start weir "$PROXY_CPU" "$WEIR_GATEWAY" --config "$TMP/weir.json"
        ;;
    nginx)
        fill "$HERE/nginx.conf.in" "$TMP/nginx.conf" "$PROXY_PORT"
        start nginx "$PROXY_CPU" nginx -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" -g 'daemon off;'
        ;;
    haproxy)
        fill "$HERE/haproxy.cfg.in" "$TMP/haproxy.cfg" "$PROXY_PORT"
        start haproxy "$PROXY_CPU" haproxy -db -f "$TMP/haproxy.cfg"
        ;;
    *)
        note "unknown target $target"
        return 1
        ;;
    esac
    PROXY_PID=$STARTED
    ready "$PROXY_PORT" "$PROXY_PID" "$target"
}

stop_proxy() {
    if [[ -n $PROXY_PID ]]; then stop_pid "$PROXY_PID"; fi
    PROXY_PID=""
}

# --- measurements ---------------------------------------------------------------

# Latency as wrk prints it (e.g. 250.00us, 1.20ms, 2.00s) to milliseconds.
to_ms() {
    awk -v t="$1" 'BEGIN {
        v = t + 0
        if (t ~ /us$/) v /= 1000; else if (t ~ /ms$/) v = v; else if (t ~ /m$/) v *= 60000; else if (t ~ /s$/) v *= 1000
        printf "%.3f", v }'
}

# wrk pinned next to the origin; bounded by DURATION plus a margin in case a
# proxy stops answering.
load() {
    local conns=$1 secs=$2
    run_job timeout $((secs + 30)) taskset -c "$LOAD_CPU" "${PRIO[@]+"${PRIO[@]}"}" \
        wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s --latency "http://127.0.0.1:$PROXY_PORT/"
}

# core_busy_ticks CPU: busy ticks (user, nice, system, irq, softirq, steal)
# of one core, from /proc/stat.
core_busy_ticks() {
    awk -v c="cpu$1" '$1 == c {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}

# children_ticks: sets CHILD_TICKS to the CPU ticks of this shell's finished
# children (wrk among them), from the `times` builtin, whose second line is
# "XmY.YYYs XmY.YYYs" (user, system). It must run in this shell, not in a
# $(...) subshell, which has children of its own.
children_ticks() {
    times >"$TMP/times.txt"
    CHILD_TICKS=$(awk -v hz="$CLK_TCK" 'NR == 2 {
        n = 0
        for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); n += (p[1] * 60 + p[2]) * hz }
        printf "%d", n }' "$TMP/times.txt")
}

tree_ticks_or_zero() { if [[ -n $1 ]]; then cpu_ticks "$1"; else echo 0; fi; }

# measure TARGET CONNS: one row of the throughput table into $TMP/throughput.tsv
measure() {
    local target=$1 conns=$2
    local out=$TMP/wrk-$target-$conns.txt
    local p0 p1 o0 o1 w0 w1 x0 x1 y0 y1 requests rps p50 p99 errors ticks rss other
    load "$conns" "$WARMUP" >/dev/null || note "$target c=$conns: warm-up load failed"
    p0=$(tree_ticks_or_zero "$PROXY_PID") o0=$(cpu_ticks "$ORIGIN_PID")
    children_ticks
    w0=$CHILD_TICKS x0=$(core_busy_ticks "$PROXY_CPU") y0=$(core_busy_ticks "$LOAD_CPU")
    load "$conns" "$DURATION" >"$out" || note "$target c=$conns: wrk failed or timed out"
    x1=$(core_busy_ticks "$PROXY_CPU") y1=$(core_busy_ticks "$LOAD_CPU")
    children_ticks
    w1=$CHILD_TICKS
    p1=$(tree_ticks_or_zero "$PROXY_PID") o1=$(cpu_ticks "$ORIGIN_PID")
    # Whatever else ran on each core meanwhile (other processes, kernel work
    # outside these processes), as "proxy core/load core": when it is large,
    # the row's req/s and latency are not trustworthy.
    other="$(((x1 - x0) - (p1 - p0)))/$(((y1 - y0) - (o1 - o0) - (w1 - w0)))"

    requests=$(awk '/requests in/ {print $1}' "$out")
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    # Socket errors (connect, read, write, timeout) plus non-2xx/3xx answers.
    errors=$(awk -F'[ ,]+' '/Socket errors/ {n += $5 + $7 + $9 + $11}
                            /Non-2xx/ {n += $NF} END {print n + 0}' "$out")
    if [[ -n $PROXY_PID ]] && ! kill -0 "$PROXY_PID" 2>/dev/null; then
        note "$target exited during the run; its log:"
        cat "$TMP/$target.log" >&2
    fi
    if [[ -n $PROXY_PID ]]; then
        ticks=$((p1 - p0))
        rss=$(peak_rss_kib "$PROXY_PID")
    else
        ticks=- rss=-
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$conns" \
        "${requests:-0}" "${rps:-0}" "$p50" "$p99" "$ticks" "$CLK_TCK" "$rss" "$errors" \
        "$other" "$DURATION" >>"$TMP/throughput.tsv"
    note "$target c=$conns: ${rps:-0} req/s, p50 ${p50} ms, p99 ${p99} ms, errors $errors"
}

# set_capacity N: connections the proxies are configured for (nginx's
# worker_connections, HAProxy's maxconn), within the descriptor limit.
set_capacity() {
    MAXCONN=$1
    if ((2 * MAXCONN + 14 > NOFILE)); then MAXCONN=$(((NOFILE - 14) / 2)); fi
}

run_throughput() {
    local target conns
    set_capacity 4096
    : >"$TMP/throughput.tsv"
    for target in $TARGETS; do
        have_target "$target" || continue
        for conns in $CONNS; do
            # A fresh proxy per row, so that peak RSS belongs to that row.
            start_proxy "$target" || {
                note "$target did not start; row skipped"
                continue
            }
            measure "$target" "$conns"
            stop_proxy
        done
    done
    echo
    echo "Throughput: ${DURATION} s per row, wrk -t1, keep-alive; proxy on core $PROXY_CPU," \
        "wrk and origin on core $LOAD_CPU${NICE:+, all at nice $NICE}."
    echo
    python3 "$HERE/table.py" throughput "$TMP/throughput.tsv"
}

run_idle() {
    local target
    # The idle clients, plus room for origin connections and the probe.
    set_capacity $((IDLE_CONNS + 900))
    : >"$TMP/idle.tsv"
    for target in $IDLE_TARGETS; do
        have_target "$target" || continue
        start_proxy "$target" || {
            note "$target did not start; row skipped"
            continue
        }
        run_job python3 "$HERE/idle_conns.py" --name "$target" --port "$PROXY_PORT" --pid "$PROXY_PID" \
            --count "$IDLE_CONNS" --timeout 120 >>"$TMP/idle.tsv" || note "$target: idle run failed"
        stop_proxy
    done
    echo
    echo "Idle keep-alive connections: RSS growth of the proxy per connection."
    echo
    python3 "$HERE/table.py" idle "$TMP/idle.tsv"
}

# --- main -------------------------------------------------------------------------

install_missing
# Every process started below inherits this: 10,000 idle clients plus their
# origin connections need more descriptors than the usual 1024. Without
# CAP_SYS_RESOURCE the hard limit is as far as it goes.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
NOFILE=$(ulimit -n)
# HAProxy needs two descriptors per connection it may hold (see
# haproxy.cfg.in); fewer idle clients than asked keeps every proxy measured
# at the same count, and KiB per connection hardly depends on the count.
if [[ $MODE != throughput ]] && ((2 * (IDLE_CONNS + 900) + 14 > NOFILE)); then
    fit=$(((NOFILE - 14) / 2 - 900))
    fit=$((fit / 1000 * 1000))
    note "descriptor limit $NOFILE: $fit idle connections instead of $IDLE_CONNS"
    IDLE_CONNS=$fit
fi
TMP=$(mktemp -d /tmp/weir-e2e.XXXXXX)
build_tools
start_origin
note "origin on 127.0.0.1:$ORIGIN_PORT; $(nproc) cores; kernel $(uname -r); load average $(cut -d" " -f1-3 /proc/loadavg)"
if [[ $MODE == all || $MODE == throughput ]]; then run_throughput; fi
if [[ $MODE == all || $MODE == idle ]]; then run_idle; fi
