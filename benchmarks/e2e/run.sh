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
# keep-alive connections (idle_conns.py). Two more modes, not part of "all":
#   balance     weir, nginx and HAProxy balancing round robin over ORIGINS
#               origins (four by default), all on the load core
#   middleware  weir alone: no middleware, then jwt + rate_limit + access_log,
#               then each of the three alone (MW_VARIANTS)
#   middleware-pair
#               weir without middleware and weir with MW_PAIR, two gateways
#               on the proxy core at once, each loaded by its own wrk, in
#               ROUNDS rounds: both see the same machine at the same time
# See benchmarks/README.md for what every number means.
#
#   benchmarks/e2e/run.sh [all|throughput|idle|balance|middleware|middleware-pair]
#
# Environment (defaults in brackets):
#   DURATION      seconds of load per measurement [10]
#   WARMUP        seconds of load before each measurement, not counted [2]
#   CONNS         wrk connection counts [50 500]
#   TARGETS       throughput targets [direct relay weir nginx haproxy]
#   IDLE_TARGETS  idle-connection targets [weir nginx haproxy]
#   IDLE_CONNS    idle connections per proxy [10000]
#   BALANCE_TARGETS  balance targets [weir nginx haproxy]
#   ORIGINS       origins behind the proxies in the balance mode [4]
#   MW_VARIANTS   middleware rows, "+"-joined from jwt, rate_limit and
#                 access_log, or "none" [none jwt+rate_limit+access_log jwt
#                 rate_limit access_log]
#   MW_PAIR       the middleware-pair mode's variant [jwt+rate_limit+access_log]
#   ROUNDS        measured rounds of the middleware-pair mode [5]
#   MW_BASE       what the middleware-pair mode compares MW_PAIR with [none]
#   PAIR_GATEWAY  the middleware-pair mode's gateway binary for MW_PAIR (with
#                 MW_PAIR=$MW_BASE: two builds compared) [WEIR_GATEWAY]
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
BALANCE_TARGETS=${BALANCE_TARGETS:-weir nginx haproxy}
ORIGINS=${ORIGINS:-4}
MW_VARIANTS=${MW_VARIANTS:-none jwt+rate_limit+access_log jwt rate_limit access_log}
MW_PAIR=${MW_PAIR:-jwt+rate_limit+access_log}
ROUNDS=${ROUNDS:-5}
MW_BASE=${MW_BASE:-none}
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

case $MODE in all | throughput | idle | balance | middleware | middleware-pair) ;; *)
    echo "usage: $0 [all|throughput|idle|balance|middleware|middleware-pair]" >&2
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

# Header lines wrk and the readiness probe send with every request (the
# middleware mode's bearer token), as "Name: value" strings.
REQ_HEADERS=()

# http_head PORT [HEADER...]: one GET / with REQ_HEADERS or, when given, the
# HEADERs instead; prints the response head without CRs. Fails when nothing
# listens on PORT.
http_head() {
    local port=$1 line h
    shift
    local headers=("$@")
    if ((!$#)); then headers=("${REQ_HEADERS[@]+"${REQ_HEADERS[@]}"}"); fi
    { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
    {
        printf 'GET / HTTP/1.1\r\nHost: bench\r\n'
        for h in "${headers[@]+"${headers[@]}"}"; do printf '%s\r\n' "$h"; done
        printf '\r\n'
    } >&3
    while read -r -t 2 line <&3; do
        line=${line%$'\r'}
        [[ -n $line ]] || break
        echo "$line"
    done
    exec 3<&- 3>&-
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
        # Whole head first: a reader that stops early (head -n1) would make
        # the pipeline fail under pipefail.
        if line=$(http_head "$port") && [[ -n $line ]]; then
            line=${line%%$'\n'*}
            if [[ $line == "HTTP/1.1 200"* ]]; then return 0; fi
            note "$name answered '$line', not 200"
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

# start_origins N: N origins on the load core, on ports ORIGIN_PORTS (pids
# ORIGIN_PIDS); ORIGIN_PORT is the first, the one direct and relay use.
ORIGIN_PORTS=()
ORIGIN_PIDS=()
start_origins() {
    local i port
    for ((i = 1; i <= $1; i++)); do
        port=$(free_port)
        start "origin$i" "$LOAD_CPU" "$TMP/origin" "$port"
        ORIGIN_PORTS+=("$port")
        ORIGIN_PIDS+=("$STARTED")
        ready "$port" "$STARTED" "origin$i"
    done
    ORIGIN_PORT=${ORIGIN_PORTS[0]}
}

origin_ticks() {
    local pid total=0
    for pid in "${ORIGIN_PIDS[@]}"; do total=$((total + $(cpu_ticks "$pid"))); done
    echo "$total"
}

# The weir config's top-level "middleware" member with its trailing comma,
# or nothing (then the gateway runs no middleware at all).
WEIR_MIDDLEWARE=""

# fill TEMPLATE OUT PORT: writes a config with its placeholders filled in;
# @UPSTREAM_SERVERS@ becomes the list of origins in the template's syntax.
fill() {
    local port servers=() i=0 joined name=${1##*/}
    for port in "${ORIGIN_PORTS[@]}"; do
        i=$((i + 1))
        case $name in
        *nginx*) servers+=("server 127.0.0.1:$port;") ;;
        *haproxy*) servers+=("server origin$i 127.0.0.1:$port") ;;
        *weir*) servers+=("{ \"address\": \"127.0.0.1:$port\", \"weight\": 1 }") ;;
        esac
    done
    case $name in
    *nginx*) joined=$(printf '%s\n        ' "${servers[@]}") ;;
    *haproxy*) joined=$(printf '%s\n    ' "${servers[@]}") ;;
    *) joined=$(printf '%s,\n                                 ' "${servers[@]}") joined=${joined%,*} ;;
    esac
    python3 -c '
import sys
text = open(sys.argv[1]).read()
pairs = sys.argv[3:]
for key, value in zip(pairs[::2], pairs[1::2]):
    text = text.replace("@" + key + "@", value)
open(sys.argv[2], "w").write(text)' "$1" "$2" PORT "$3" DIR "$TMP" NOFILE "$NOFILE" \
        MAXCONN "$MAXCONN" UPSTREAM_SERVERS "$joined" MIDDLEWARE "$WEIR_MIDDLEWARE"
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
        # A config and a log per gateway: the middleware-pair mode runs two.
        fill "$HERE/weir.json.in" "$TMP/weir-$PROXY_PORT.json" "$PROXY_PORT"
        start "weir-$PROXY_PORT" "$PROXY_CPU" "$WEIR_GATEWAY" --config "$TMP/weir-$PROXY_PORT.json"
        target=weir-$PROXY_PORT
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
    PROXY_PID=$STARTED PROXY_NAME=$target
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

# load CONNS SECS [PORT]: wrk pinned next to the origin, at PROXY_PORT or
# PORT; bounded by DURATION plus a margin in case a proxy stops answering.
load() {
    local conns=$1 secs=$2 port=${3:-$PROXY_PORT}
    local args=() h
    for h in "${REQ_HEADERS[@]+"${REQ_HEADERS[@]}"}"; do args+=(-H "$h"); done
    run_job timeout $((secs + 30)) taskset -c "$LOAD_CPU" "${PRIO[@]+"${PRIO[@]}"}" \
        wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s --latency "${args[@]+"${args[@]}"}" \
        "http://127.0.0.1:$port/"
}

# ACCESS_LOG: a file the proxy logs one line per request to, or empty.
ACCESS_LOG=""

# log_lines: the lines in ACCESS_LOG once its writer has caught up (the count
# has not changed for 0.3 s; at most 5 s).
log_lines() {
    local n m i
    n=$(wc -l <"$ACCESS_LOG" 2>/dev/null || echo 0)
    for ((i = 0; i < 50; i++)); do
        sleep 0.1
        m=$(wc -l <"$ACCESS_LOG" 2>/dev/null || echo 0)
        if ((m == n && i >= 2)); then break; fi
        n=$m
    done
    echo "$n"
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

# read_wrk FILE: sets the caller's requests, rps, p50, p99 (ms) and errors
# from wrk's output; errors are socket errors (connect, read, write,
# timeout) plus non-2xx/3xx answers.
read_wrk() {
    requests=$(awk '/requests in/ {print $1}' "$1")
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$1")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$1")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$1")")
    errors=$(awk -F'[ ,]+' '/Socket errors/ {n += $5 + $7 + $9 + $11}
                            /Non-2xx/ {n += $NF} END {print n + 0}' "$1")
}

# measure LABEL CONNS: one row of a throughput table into $ROWS; with an
# ACCESS_LOG, also the lines logged during the measured run.
ROWS=""
measure() {
    local target=$1 conns=$2
    local out=$TMP/wrk-$target-$conns.txt
    local p0 p1 o0 o1 w0 w1 x0 x1 y0 y1 requests rps p50 p99 errors ticks rss other
    local l0=0 logged=-
    load "$conns" "$WARMUP" >/dev/null || note "$target c=$conns: warm-up load failed"
    if [[ -n $ACCESS_LOG ]]; then l0=$(log_lines); fi
    local each0=() each=() i
    for i in "${ORIGIN_PIDS[@]}"; do each0+=("$(cpu_ticks "$i")"); done
    p0=$(tree_ticks_or_zero "$PROXY_PID") o0=$(origin_ticks)
    children_ticks
    w0=$CHILD_TICKS x0=$(core_busy_ticks "$PROXY_CPU") y0=$(core_busy_ticks "$LOAD_CPU")
    load "$conns" "$DURATION" >"$out" || note "$target c=$conns: wrk failed or timed out"
    x1=$(core_busy_ticks "$PROXY_CPU") y1=$(core_busy_ticks "$LOAD_CPU")
    children_ticks
    w1=$CHILD_TICKS
    p1=$(tree_ticks_or_zero "$PROXY_PID") o1=$(origin_ticks)
    if [[ -n $ACCESS_LOG ]]; then logged=$(($(log_lines) - l0)); fi
    # With several origins, how the load was spread: each one's CPU ticks.
    if ((${#ORIGIN_PIDS[@]} > 1)); then
        for i in "${!ORIGIN_PIDS[@]}"; do each+=($(($(cpu_ticks "${ORIGIN_PIDS[i]}") - each0[i]))); done
        note "$target c=$conns: origin CPU ticks ${each[*]}"
    fi
    # Whatever else ran on each core meanwhile (other processes, kernel work
    # outside these processes), as "proxy core/load core": when it is large,
    # the row's req/s and latency are not trustworthy.
    other="$(((x1 - x0) - (p1 - p0)))/$(((y1 - y0) - (o1 - o0) - (w1 - w0)))"

    read_wrk "$out"
    if [[ -n $PROXY_PID ]] && ! kill -0 "$PROXY_PID" 2>/dev/null; then
        note "$target exited during the run; its log:"
        cat "$TMP/$PROXY_NAME.log" >&2
    fi
    if [[ -n $PROXY_PID ]]; then
        ticks=$((p1 - p0))
        rss=$(peak_rss_kib "$PROXY_PID")
    else
        ticks=- rss=-
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$conns" \
        "${requests:-0}" "${rps:-0}" "$p50" "$p99" "$ticks" "$CLK_TCK" "$rss" "$errors" \
        "$other" "$DURATION" "$logged" >>"$ROWS"
    note "$target c=$conns: ${rps:-0} req/s, p50 ${p50} ms, p99 ${p99} ms, errors $errors${ACCESS_LOG:+, logged $logged}"
    if ((errors)); then note "$target c=$conns: $errors errors or non-2xx answers: the row is not valid"; fi
    if [[ $logged != - ]] && ((logged < ${requests:-0})); then
        note "$target c=$conns: the access log has $((${requests:-0} - logged)) lines fewer than the requests wrk completed"
    fi
}

# set_capacity N: connections the proxies are configured for (nginx's
# worker_connections, HAProxy's maxconn), within the descriptor limit.
set_capacity() {
    MAXCONN=$1
    if ((2 * MAXCONN + 14 > NOFILE)); then MAXCONN=$(((NOFILE - 14) / 2)); fi
}

# run_rows TSV TARGET...: a fresh proxy per target and connection count,
# one measured row each into TSV.
run_rows() {
    local target conns
    ROWS=$1
    shift
    set_capacity 4096
    : >"$ROWS"
    for target in "$@"; do
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
}

run_throughput() {
    # Words of TARGETS are the targets.
    # shellcheck disable=SC2086
    run_rows "$TMP/throughput.tsv" $TARGETS
    echo
    echo "Throughput: ${DURATION} s per row, wrk -t1, keep-alive; proxy on core $PROXY_CPU," \
        "wrk and origin on core $LOAD_CPU${NICE:+, all at nice $NICE}."
    echo
    python3 "$HERE/table.py" throughput "$TMP/throughput.tsv"
}

run_balance() {
    # shellcheck disable=SC2086
    run_rows "$TMP/balance.tsv" $BALANCE_TARGETS
    echo
    echo "Balancing round robin over ${#ORIGIN_PORTS[@]} origins: ${DURATION} s per row, wrk -t1," \
        "keep-alive; proxy on core $PROXY_CPU, wrk and the origins on core $LOAD_CPU${NICE:+, all at nice $NICE}."
    echo
    python3 "$HERE/table.py" throughput "$TMP/balance.tsv"
}

# The middleware mode's JWT: HS256 over {"sub": "bench", "exp": in a day},
# signed with JWT_SECRET (34 bytes; HS256 requires at least 32).
JWT_SECRET=weir-benchmark-secret-0123456789ab
make_jwt() {
    python3 -c '
import base64, hashlib, hmac, json, sys, time
def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64(json.dumps({"sub": "bench", "exp": int(time.time()) + 86400}).encode())
mac = hmac.new(sys.argv[1].encode(), (head + "." + body).encode(), hashlib.sha256).digest()
print(head + "." + body + "." + b64(mac))' "$JWT_SECRET"
}

# middleware_json VARIANT LOG: the config's "middleware" member for a
# "+"-joined VARIANT, or nothing for "none". The rate is far above what one
# core can serve, so the limiter counts every request and refuses none. It
# keys on the token's sub claim; without jwt there are no claims (a key that
# lacks a part limits nothing), so alone it keys on the client address.
middleware_json() {
    local part entries=() key=ip
    [[ $1 == none ]] && return 0
    if [[ $1 == *jwt* ]]; then key=claim:sub; fi
    for part in ${1//+/ }; do
        case $part in
        jwt) entries+=("{ \"type\": \"jwt\", \"algorithms\": [\"HS256\"], \"secret\": \"$JWT_SECRET\" }") ;;
        rate_limit) entries+=("{ \"type\": \"rate_limit\", \"key\": \"$key\", \"rate_per_s\": 10000000 }") ;;
        access_log) entries+=("{ \"type\": \"access_log\", \"path\": \"$2\" }") ;;
        *)
            note "unknown middleware $part in MW_VARIANTS"
            return 1
            ;;
        esac
    done
    local IFS=,
    echo "\"middleware\": [ ${entries[*]} ],"
}

# check_middleware VARIANT: the gateway really runs what VARIANT names: a
# request without the token is refused (jwt), a request with it carries the
# limiter's RateLimit-Limit header (rate_limit).
check_middleware() {
    local head
    [[ $1 != none ]] || return 0
    if [[ $1 == *jwt* ]]; then
        head=$(http_head "$PROXY_PORT" "X-Probe: no-token")
        head=${head%%$'\n'*}
        [[ $head == "HTTP/1.1 401"* ]] || {
            note "$1: a request without a token got '$head', not 401"
            return 1
        }
    fi
    if [[ $1 == *rate_limit* ]]; then
        head=$(http_head "$PROXY_PORT")
        grep -qi '^ratelimit-limit:' <<<"$head" || {
            note "$1: no RateLimit-Limit header on the response"
            return 1
        }
    fi
}

# warm_page_cache: writes and deletes a file as large as the largest
# access log a row can write (150,000 lines/s of ~300 bytes for WARMUP +
# DURATION, at most half the available memory). On a virtual machine the
# first write of each guest page costs a hypervisor fault: measured here,
# page cache grew at 0.38 GB/s into pages never touched before against
# 4.8 GB/s into pages used before. A host that has run for a while has long
# touched its memory; without this, the access_log rows would measure the
# hypervisor's first touch, not the gateway's writes. Each row deletes its
# log once counted, so the next row reuses the same pages.
warm_page_cache() {
    local mib avail
    mib=$(((WARMUP + DURATION) * 150000 * 300 / 1048576 + 64))
    avail=$(awk '/^MemAvailable:/ {printf "%d", $2 / 2048}' /proc/meminfo)
    if ((mib > avail)); then mib=$avail; fi
    dd if=/dev/zero of="$TMP/page-cache-warmup" bs=1M count="$mib" status=none || true
    rm -f "$TMP/page-cache-warmup"
}

run_middleware() {
    local variant conns
    ROWS=$TMP/middleware.tsv
    set_capacity 4096
    : >"$ROWS"
    if [[ $MW_VARIANTS == *access_log* ]]; then warm_page_cache; fi
    # Every row sends the same bytes: the token also goes to the rows that
    # do not check it.
    REQ_HEADERS=("Authorization: Bearer $(make_jwt)")
    # `none` is measured first and again last at each connection count, and
    # the other rows are compared with the mean of the two: the rows run one
    # after another while the machine drifts, and the order showed (paired
    # runs at 500 connections, the order alternated: `none` first put the
    # three together at a median of +8.5 %, `none` second at +10.1 %).
    local variants=$MW_VARIANTS
    if [[ " $MW_VARIANTS " == *" none "* && $(wc -w <<<"$MW_VARIANTS") -gt 1 ]]; then
        variants="$MW_VARIANTS none"
    fi
    for conns in $CONNS; do
        for variant in $variants; do
            ACCESS_LOG=""
            if [[ $variant == *access_log* ]]; then ACCESS_LOG=$TMP/access-$variant-$conns.log; fi
            WEIR_MIDDLEWARE=$(middleware_json "$variant" "$ACCESS_LOG") || continue
            start_proxy weir || {
                note "weir with $variant did not start; row skipped"
                continue
            }
            if check_middleware "$variant"; then measure "$variant" "$conns"; fi
            stop_proxy
            if [[ -n $ACCESS_LOG && ${KEEP_TMP:-0} != 1 ]]; then rm -f "$ACCESS_LOG"; fi
        done
    done
    ACCESS_LOG="" WEIR_MIDDLEWARE=""
    echo
    echo "Middleware: weir, ${DURATION} s per row, wrk -t1, keep-alive; proxy on core $PROXY_CPU," \
        "wrk and origin on core $LOAD_CPU${NICE:+, all at nice $NICE}."
    echo
    python3 "$HERE/table.py" middleware "$ROWS"
}

# The middleware-pair mode: the rows of `middleware` follow each other while
# the machine drifts, and on a shared machine the drift between two rows is
# often wider than the cost being measured. Here the two gateways share the
# proxy core at the same time, each loaded by its own wrk (both on the load
# core, like the one origin they share), so both see the same machine. Each
# gets about half the core; CPU per request is what compares them.
PAIR_PORT=()
PAIR_PID=()

# measure_pair CONNS ROUND: one round, both gateways loaded at once; a row
# per gateway into ROWS, with the round as a 14th column.
measure_pair() {
    local conns=$1 round=$2 i jobs=() p0=() p1=() x0 x1 y0 y1 o0 o1 w0 w1 l0=0 logged=-
    local requests rps p50 p99 errors other names=("$MW_BASE" "$MW_PAIR")
    for i in 0 1; do
        load "$conns" "$WARMUP" "${PAIR_PORT[i]}" >/dev/null &
        jobs+=($!)
    done
    for i in "${jobs[@]}"; do wait "$i" || note "c=$conns: warm-up load failed"; done
    if [[ -n $ACCESS_LOG ]]; then l0=$(log_lines); fi
    for i in 0 1; do p0+=("$(cpu_ticks "${PAIR_PID[i]}")"); done
    o0=$(origin_ticks)
    children_ticks
    w0=$CHILD_TICKS x0=$(core_busy_ticks "$PROXY_CPU") y0=$(core_busy_ticks "$LOAD_CPU")
    jobs=()
    for i in 0 1; do
        load "$conns" "$DURATION" "${PAIR_PORT[i]}" >"$TMP/wrk-pair-$i-$conns-$round.txt" &
        jobs+=($!)
    done
    for i in "${jobs[@]}"; do wait "$i" || note "c=$conns: wrk failed or timed out"; done
    x1=$(core_busy_ticks "$PROXY_CPU") y1=$(core_busy_ticks "$LOAD_CPU")
    children_ticks
    w1=$CHILD_TICKS
    for i in 0 1; do p1+=("$(cpu_ticks "${PAIR_PID[i]}")"); done
    o1=$(origin_ticks)
    if [[ -n $ACCESS_LOG ]]; then logged=$(($(log_lines) - l0)); fi
    other="$(((x1 - x0) - (p1[0] - p0[0]) - (p1[1] - p0[1])))/$(((y1 - y0) - (o1 - o0) - (w1 - w0)))"
    for i in 0 1; do
        read_wrk "$TMP/wrk-pair-$i-$conns-$round.txt"
        if ! kill -0 "${PAIR_PID[i]}" 2>/dev/null; then note "${names[i]} exited during the run"; fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${names[i]}" "$conns" \
            "${requests:-0}" "${rps:-0}" "$p50" "$p99" "$((p1[i] - p0[i]))" "$CLK_TCK" \
            "$(peak_rss_kib "${PAIR_PID[i]}")" "$errors" "$other" "$DURATION" \
            "$([[ $i == 1 ]] && echo "$logged" || echo -)" "$round" >>"$ROWS"
        note "${names[i]} c=$conns round $round: ${rps:-0} req/s, $((p1[i] - p0[i])) ticks, errors $errors"
    done
}

run_middleware_pair() {
    local conns round i variant
    ROWS=$TMP/middleware-pair.tsv
    set_capacity 4096
    : >"$ROWS"
    if [[ "$MW_BASE $MW_PAIR" == *access_log* ]]; then warm_page_cache; fi
    REQ_HEADERS=("Authorization: Bearer $(make_jwt)")
    for conns in $CONNS; do
        PAIR_PORT=() PAIR_PID=() ACCESS_LOG=""
        for variant in "$MW_BASE" "$MW_PAIR"; do
            # The access log counted is the variant's (the base's is not).
            local log=$TMP/access-pair-${#PAIR_PID[@]}-$conns.log
            ACCESS_LOG=""
            if [[ $variant == *access_log* ]]; then ACCESS_LOG=$log; fi
            WEIR_MIDDLEWARE=$(middleware_json "$variant" "$log") || return 1
            if ((${#PAIR_PID[@]})); then
                WEIR_GATEWAY=${PAIR_GATEWAY:-$WEIR_GATEWAY} start_proxy weir || return 1
            else
                start_proxy weir || return 1
            fi
            check_middleware "$variant" || return 1
            PAIR_PORT+=("$PROXY_PORT") PAIR_PID+=("$PROXY_PID")
        done
        for ((round = 1; round <= ROUNDS; round++)); do measure_pair "$conns" "$round"; done
        for i in "${PAIR_PID[@]}"; do stop_pid "$i"; done
        PROXY_PID=""
        if [[ ${KEEP_TMP:-0} != 1 ]]; then rm -f "$TMP"/access-pair-*-"$conns".log; fi
    done
    ACCESS_LOG="" WEIR_MIDDLEWARE=""
    echo
    echo "Middleware pair: weir with $MW_BASE and with $MW_PAIR, both on core $PROXY_CPU at once," \
        "${DURATION} s per round, one wrk -t1 each and the origin on core $LOAD_CPU${NICE:+, all at nice $NICE}."
    echo
    python3 "$HERE/table.py" pair "$ROWS"
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
if [[ $MODE == all || $MODE == idle ]] && ((2 * (IDLE_CONNS + 900) + 14 > NOFILE)); then
    fit=$(((NOFILE - 14) / 2 - 900))
    fit=$((fit / 1000 * 1000))
    note "descriptor limit $NOFILE: $fit idle connections instead of $IDLE_CONNS"
    IDLE_CONNS=$fit
fi
# The middleware modes measure weir alone.
if [[ $MODE == middleware* ]] && ! have_target weir; then exit 1; fi
TMP=$(mktemp -d /tmp/weir-e2e.XXXXXX)
build_tools
if [[ $MODE == balance ]]; then start_origins "$ORIGINS"; else start_origins 1; fi
note "origins on 127.0.0.1:${ORIGIN_PORTS[*]}; $(nproc) cores; kernel $(uname -r); load average $(cut -d" " -f1-3 /proc/loadavg)"
case $MODE in
all)
    run_throughput
    run_idle
    ;;
throughput) run_throughput ;;
idle) run_idle ;;
balance) run_balance ;;
middleware) run_middleware ;;
middleware-pair) run_middleware_pair ;;
esac
