#!/usr/bin/env bash
# Chat fan-out: N WebSocket viewers in one room, K of them chatting at R lines/s each, so every
# line goes to all N (N*K*R deliveries/s offered). The same load (tests/bench/chat_load) runs
# against livegate (+ redis-server), a Node `ws` broadcast server and a socket.io server with the
# Redis adapter (tests/bench/peers/), one after the other. Prints a markdown table.
# Loopback only, free ports, bounded in time; every process is stopped at the end.
#   tests/bench/chat_fanout.sh                              # 10,000 viewers, 200 x 0.5 lines/s
#   CONNECTIONS=2000 DURATION=5 tests/bench/chat_fanout.sh  # a quick try
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS="${CONNECTIONS:-10000}"
CHATTERS="${CHATTERS:-200}"
RATE="${RATE:-0.5}"             # per chatter; a per-user limit of ~1 line/s is coming
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-5}"
PROCESSES="${PROCESSES:-1}"     # load processes (see "load tool CPU" in the table)
CONNECT_RATE="${CONNECT_RATE:-1000}"
CONNECT_TIMEOUT="${CONNECT_TIMEOUT:-90}"
SERVERS="${SERVERS:-livegate ws socketio}"
LOAD=build/tests/bench/chat_load

source tests/bench/lib.sh

[ -x "$LOAD" ] && [ -x build/livegate ] || { echo "chat_fanout: build first (scripts/build)" >&2; exit 1; }
[ -d node_modules/ws ] && [ -d node_modules/socket.io ] || { echo "chat_fanout: needs npm ci (scripts/setup)" >&2; exit 1; }
# 10,000 sockets in one server process (and one load process): raise the soft limit to the hard.
ulimit -n "$(ulimit -Hn)"

wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on $1" >&2; return 1; }
stop() { kill "$1" 2>/dev/null || true; for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

# run_load name port pid protocol first_address: the load tool's JSON in $WORK/name.json
run_load() {
  echo "$1: $(cut -d' ' -f1-3 /proc/loadavg) load average before" >&2
  timeout $((CONNECT_TIMEOUT + ${WARMUP%.*} + ${DURATION%.*} + 120)) "$LOAD" --json --port "$2" \
    --protocol "$4" --room bench --connections "$CONNECTIONS" --chatters "$CHATTERS" --rate "$RATE" \
    --duration "$DURATION" --warmup "$WARMUP" --connect-rate "$CONNECT_RATE" \
    --connect-timeout "$CONNECT_TIMEOUT" --processes "$PROCESSES" --first-address "$5" \
    --server-pid "$3" --aux-pid "$REDIS_PID" > "$WORK/$1.json" || true
  cut -d' ' -f1-3 /proc/loadavg > "$WORK/$1.loadavg"
}

start_redis
REDIS_PID=${PIDS[-1]}
wait_port "$REDIS_PORT"
ADDR=0  # each server gets its own loopback source addresses: no TIME_WAIT left from the last

for server in $SERVERS; do
  case $server in
    livegate)
      livegate_config '' \
        '  - {id: bench, title: Chat fan-out bench, stream_key: "", source: {type: none}}'
      ./build/livegate --config "$WORK/livegate.yaml" > "$WORK/livegate.log" 2>&1 &
      PID=$!; PIDS+=($PID)
      wait_http "http://127.0.0.1:$HTTP_PORT/healthz"
      run_load livegate "$HTTP_PORT" "$PID" livegate "$ADDR" ;;
    ws)
      PORT=$(free_port)
      node tests/bench/peers/ws_server.mjs "$PORT" > "$WORK/ws.log" 2>&1 &
      PID=$!; PIDS+=($PID)
      wait_port "$PORT"
      run_load ws "$PORT" "$PID" livegate "$ADDR" ;;
    socketio)
      PORT=$(free_port)
      node tests/bench/peers/socketio_server.mjs "$PORT" "$REDIS_PORT" > "$WORK/socketio.log" 2>&1 &
      PID=$!; PIDS+=($PID)
      wait_port "$PORT"
      run_load socketio "$PORT" "$PID" socketio "$ADDR" ;;
    *) echo "chat_fanout: unknown server $server" >&2; exit 1 ;;
  esac
  stop "$PID"
  ADDR=$((ADDR + CONNECTIONS / 100 + 10))
  redis-cli -p "$REDIS_PORT" flushall >/dev/null  # each server starts with an empty history
done

OFFERED=$(awk -v k="$CHATTERS" -v r="$RATE" 'BEGIN{printf "%g", k*r}')
echo "### Chat fan-out: $CONNECTIONS viewers in one room, $CHATTERS chatters x $RATE lines/s = $OFFERED lines/s offered ($(awk -v n="$CONNECTIONS" -v o="$OFFERED" 'BEGIN{printf "%d", n*o}') deliveries/s), ${DURATION} s after ${WARMUP} s warm-up"
echo
echo "| server | connected | connect errors | closed by server | lines sent/s | deliveries/s | delivered | p50 ms | p99 ms | max ms | RSS KiB per idle connection | peak RSS MiB | server CPU % | redis CPU % | deliveries per server+redis CPU-second | load tool CPU % |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
label() { case $1 in livegate) echo "livegate (hub, 100 ms batches, Redis XADD+PUBLISH)";; ws) echo "Node ws (broadcast per line)";; socketio) echo "socket.io 4 + Redis adapter";; esac; }
for server in $SERVERS; do
  f="$WORK/$server.json"
  if [ ! -s "$f" ]; then echo "| $(label "$server") | failed: no result | | | | | | | | | | | | | | |"; continue; fi
  jq -r --arg name "$(label "$server")" '
    def cpu: (.server.cpu_pct // 0) + (.aux_cpu_pct // 0);
    "| \($name) | \(.connections_established)/\(.connections_requested) | \(.connect_errors) | \(.closes_by_server) | \(.messages_sent_per_s) | \(.deliveries_per_s | floor) | \(.delivery_ratio * 100 | floor) % | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.latency_ms.max) | \(.server.rss_kib_per_idle_connection) | \(.server.rss_kib_peak / 1024 | floor) | \(.server.cpu_pct) | \(.aux_cpu_pct) | \(if cpu > 0 then (.deliveries_per_s / cpu * 100 | floor) else "n/a" end) | \(.load_tool.cpu_pct_total) |"' "$f"
done
echo
ratio() {  # field a b: a/b of a jq expression over two result files
  [ -s "$WORK/$2.json" ] && [ -s "$WORK/$3.json" ] || { echo "n/a"; return; }
  jq -rn --slurpfile a "$WORK/$2.json" --slurpfile b "$WORK/$3.json" \
    "def v(x): x | $1; if v(\$b[0]) > 0 then (v(\$a[0]) / v(\$b[0]) * 100 | round / 100) else \"n/a\" end"
}
EFF='.deliveries_per_s / (((.server.cpu_pct // 0) + (.aux_cpu_pct // 0)) | if . > 0 then . else 1 end)'
for peer in ws socketio; do
  case " $SERVERS " in *" livegate "*) ;; *) break ;; esac
  case " $SERVERS " in *" $peer "*) ;; *) continue ;; esac
  echo "- livegate / $(label "$peer"): deliveries/s **$(ratio .deliveries_per_s livegate "$peer")x**, deliveries per CPU-second **$(ratio "$EFF" livegate "$peer")x**, p99 latency $(ratio .latency_ms.p99 livegate "$peer")x"
done
echo
echo "Load average (1/5/15 min) at the end of each run: $(for s in $SERVERS; do printf '%s %s; ' "$s" "$(cat "$WORK/$s.loadavg" 2>/dev/null)"; done)"
echo "Goals (issue 5): 10,000 connections on one node; >= 1,000,000 deliveries/s; p99 < 250 ms; >= 3x Node ws and >= 10x socket.io at the same load."
for s in $SERVERS; do
  [ -s "$WORK/$s.json" ] && jq -c --arg s "$s" '{server: $s, connect_error_kinds, close_codes, error_frames, connect_seconds, min_connection_deliveries, max_connection_deliveries, received_mib_per_s}' "$WORK/$s.json" >&2
done
