#!/usr/bin/env bash
# Keeps buy_load honest (ctest, label integration): 20 buyers clicking for 2 s in a real livegate
# room whose product has 300 in stock, so it sells out under the load. Every connection must be
# welcomed, every click answered, and Redis must agree with the acks: stock >= 0,
# stock + sold = 300, orders in the stream = ok acks = sold.
#   tests/bench/buy_load_smoke.sh [buy_load] [livegate]
set -euo pipefail
cd "$(dirname "$0")/../.."
LOAD="${1:-build/tests/bench/buy_load}"
LIVEGATE="${2:-build/livegate}"
source tests/bench/lib.sh

start_redis
livegate_config '' '  - id: smoke
    title: buy_load smoke
    stream_key: ""
    source: {type: none}
    products:
      - {sku: smoke-sku, title: Smoke item, price_cents: 100, stock: 300}' \
  'chat: {frames_per_second: 100000, frames_burst: 100000, buys_per_second: 0, ip_buys_per_second: 0, ip_messages_per_minute: 0}'
"$LIVEGATE" --config "$WORK/livegate.yaml" > "$WORK/livegate.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$HTTP_PORT/healthz"
timeout 60 "$LOAD" --json --port "$HTTP_PORT" --room smoke --sku smoke-sku --connections 20 \
  --in-flight 2 --warmup 0.5 --duration 2 --connect-timeout 10 --server-pid "${PIDS[-1]}" \
  > "$WORK/result.json"
R() { redis-cli -p "$REDIS_PORT" "$@"; }
jq --argjson stock "$(R hget 'lg:{smoke}:stock' smoke-sku)" --argjson sold "$(R hget 'lg:{smoke}:sold' smoke-sku)" \
  --argjson orders "$(R xlen 'lg:{smoke}:orders')" \
  '. + {redis: {stock: $stock, sold: $sold, orders: $orders}}' "$WORK/result.json" > "$WORK/checked.json"
if jq -e '.connections_established == 20 and .unanswered == 0 and .errors == 0 and .unknown_key == 0
          and .acks.ok > 0 and .acks.sold_out > 0 and .latency_ms.samples > 0
          and .redis.stock >= 0 and .redis.stock + .redis.sold == 300
          and .redis.orders == .acks.ok and .redis.sold == .acks.ok' "$WORK/checked.json" >/dev/null; then
  jq -c '{orders_per_s, acks, latency_ms: .latency_ms.p99, redis}' "$WORK/checked.json"
  echo "buy_load smoke: 1 passed, 0 failed"
else
  cat "$WORK/checked.json" "$WORK/livegate.log"
  echo "buy_load smoke: 0 passed, 1 failed"
  exit 1
fi
