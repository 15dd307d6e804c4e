#!/usr/bin/env bash
# Keeps chat_load from rotting (ctest, label integration): 50 viewers in a real livegate room,
# 5 of them chatting for 2 s; every connection must be welcomed and chat must arrive.
#   tests/bench/chat_load_smoke.sh [chat_load] [livegate]
set -euo pipefail
cd "$(dirname "$0")/../.."
LOAD="${1:-build/tests/bench/chat_load}"
LIVEGATE="${2:-build/livegate}"
source tests/bench/lib.sh

start_redis
livegate_config '' \
  '  - {id: smoke, title: chat_load smoke, stream_key: "", source: {type: none}}'
"$LIVEGATE" --config "$WORK/livegate.yaml" > "$WORK/livegate.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$HTTP_PORT/healthz"
timeout 60 "$LOAD" --json --port "$HTTP_PORT" --room smoke --connections 50 --chatters 5 --rate 1 \
  --warmup 0.5 --duration 2 --connect-timeout 10 --server-pid "${PIDS[-1]}" > "$WORK/result.json"
if jq -e '.connections_established == 50 and .connect_errors == 0 and .deliveries > 0
          and .messages_sent > 0 and .latency_ms.samples > 0' "$WORK/result.json" >/dev/null; then
  jq -c '{connections_established, deliveries_per_s, latency_ms: .latency_ms.p99}' "$WORK/result.json"
  echo "chat_load smoke: 1 passed, 0 failed"
else
  cat "$WORK/result.json" "$WORK/livegate.log"
  echo "chat_load smoke: 0 passed, 1 failed"
  exit 1
fi
