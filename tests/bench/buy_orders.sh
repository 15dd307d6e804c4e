#!/usr/bin/env bash
# Buy-now throughput against the Redis ceiling, in one run on one Redis. For each AOF fsync
# policy (always, then everysec):
#   1. a fresh redis-server on a free port with AOF on (appendonly yes, that appendfsync);
#   2. its unpipelined EVALSHA ceiling: redis-benchmark -P 1 -c 50 calling a one-buy copy of the
#      buy script (below), each call a new key (__rand_int__); then, the same way, the real buy
#      script with 1 buy per call (a check of the copy) and with BATCH buys per call;
#   3. livegate on it with one broadcast whose product has 10 M in stock, and buy_load:
#      CONNECTIONS WebSocket buyers clicking (a) as fast as the acks allow, IN_FLIGHT unanswered
#      per connection, then at fixed total rates: (b) the goal, 2x the ceiling just measured
#      (RATE overrides), and (c) half of what (a) reached, for the latency of a load the node
#      carries (LOW_RATE overrides);
#   4. after each run, redis-cli checks: stock >= 0, stock + sold = initial, new XLEN of the
#      orders stream = ok acks.
# Prints a markdown table. Loopback only, free ports, bounded in time; everything is stopped.
#   tests/bench/buy_orders.sh                                   # 2,000 buyers, 10 s windows
#   CONNECTIONS=200 DURATION=3 FSYNC_MODES=always tests/bench/buy_orders.sh   # a quick try
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS="${CONNECTIONS:-2000}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
IN_FLIGHT="${IN_FLIGHT:-1}"          # closed-loop run: unanswered clicks per buyer
RATE="${RATE:-}"                     # fixed-rate run, clicks/s; empty: 2x the ceiling
LOW_RATE="${LOW_RATE:-}"             # second fixed-rate run; empty: half the closed-loop orders/s
RATE_IN_FLIGHT="${RATE_IN_FLIGHT:-4}"
FSYNC_MODES="${FSYNC_MODES:-always everysec}"
BENCH_REQUESTS="${BENCH_REQUESTS:-200000}"
BATCH="${BATCH:-64}"                 # buys per call in the batched Redis-only run (commerce.max_batch)
STOCK=10000000   # the most a product may hold (config limit)
LOAD=build/tests/bench/buy_load
ROOM=buybench
SKU=bench-sku
PRICE=3499

source tests/bench/lib.sh

[ -x "$LOAD" ] && [ -x build/livegate ] || { echo "buy_orders: build first (scripts/build)" >&2; exit 1; }
command -v redis-benchmark >/dev/null && command -v jq >/dev/null ||
  { echo "buy_orders: needs redis-benchmark (redis-tools) and jq" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"

wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on $1" >&2; return 1; }
stop() { kill "$1" 2>/dev/null || true; for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }
rcli() { redis-cli -p "$REDIS_PORT" "$@"; }

# One buy through the buy script, as one call. It mirrors commerce/src/buy_script.cpp's work for
# ONE click without a deal: the idempotency check on (user, key), the product's terms, stock and
# sold, the per-buyer limit, the stock decrement, sold, XADD of the order, HSET of the key, GMV,
# the dashboard counters and the stock event the real script writes once per call. Keep it in step
# with that file: the ratio below is only fair while both do the same work for one buy (the
# "real script, 1 buy per call" figure printed under the table is the check).
# KEYS: stock, sold, gmv, orders, idem, events, terms, bought, stats, clickers, buyers
# ARGV: key, sku, qty, user
ONE_BUY_LUA='
local stock_key, sold_key, gmv_key, orders_key, idem_key, events = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local terms_key, bought_key, stats_key, clickers_key, buyers_key = KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local key, sku, qty, user = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local minute = tostring(math.floor(now / 60000))
redis.call("HINCRBY", stats_key, "clicks", 1)
redis.call("HINCRBY", stats_key, "clicks:" .. minute, 1)
redis.call("PFADD", clickers_key, user)
local idem_field = user .. "|" .. key
local previous = redis.call("HGET", idem_key, idem_field)
local terms = redis.call("HGET", terms_key, sku)
local remaining = tonumber(redis.call("HGET", stock_key, sku)) or 0
local sold = tonumber(redis.call("HGET", sold_key, sku)) or 0
if previous then return {"duplicate", previous, remaining, sold, 0} end
if not terms then return {"unknown_sku", "", 0, 0, 0} end
local price, max_qty, per_buyer = string.match(terms, "^(%d+):(%d+):(%d+)$")
price, max_qty, per_buyer = tonumber(price), tonumber(max_qty), tonumber(per_buyer)
local buyer_field = sku .. "|" .. user
if qty == nil or qty < 1 or qty > max_qty then return {"bad_qty", "", remaining, sold, max_qty} end
if per_buyer > 0 then
  local had = tonumber(redis.call("HGET", bought_key, buyer_field)) or 0
  if had + qty > per_buyer then return {"limit_reached", "", remaining, sold, math.max(0, per_buyer - had)} end
end
if remaining < qty then return {"sold_out", "", remaining, sold, 0} end
remaining = redis.call("HINCRBY", stock_key, sku, -qty)
sold = redis.call("HINCRBY", sold_key, sku, qty)
if per_buyer > 0 then redis.call("HINCRBY", bought_key, buyer_field, qty) end
local id = redis.call("XADD", orders_key, "*", "key", key, "user", user, "sku", sku, "qty", qty,
                      "price_cents", price, "amount_cents", qty * price, "ts", now)
redis.call("HSET", idem_key, idem_field, id)
redis.call("INCRBY", gmv_key, qty * price)
redis.call("HINCRBY", stats_key, "orders:" .. minute, 1)
redis.call("HINCRBY", stats_key, "units:" .. minute, qty)
redis.call("HINCRBY", stats_key, "gmv:" .. minute, qty * price)
redis.call("PFADD", buyers_key, user)
redis.call("PUBLISH", events, cjson.encode({type = "stock", sku = sku, remaining = remaining, sold = sold}))
return {"ok", id, remaining, sold, 0}
'

# ceiling mode: redis-benchmark's EVALSHA calls/s into $WORK/ceiling-$mode, checked like a run.
ceiling() {
  local c='lg:{ceiling}'
  setup_sku "$c"
  local sha
  sha=$(rcli script load "$ONE_BUY_LUA")
  local calls0 usec0 cpu0
  calls0=$(script_calls); usec0=$(script_usec); cpu0=$(cpu_seconds "$REDIS_PID")
  redis-benchmark -p "$REDIS_PORT" -P 1 -c 50 -n "$BENCH_REQUESTS" -r 1000000000 --csv \
    evalsha "$sha" 11 "$c:stock" "$c:sold" "$c:gmv" "$c:orders" "$c:idem" "$c:events" "$c:terms" \
    "$c:bought" "$c:stats" "$c:clickers" "$c:buyers" \
    "bk__rand_int__" "$SKU" 1 "bu__rand_int__" > "$WORK/ceiling-$1.csv"
  # Second line, second column: requests per second.
  tail -n 1 "$WORK/ceiling-$1.csv" | cut -d, -f2 | tr -d '"' > "$WORK/ceiling-$1"
  awk -v u=$(($(script_usec) - usec0)) -v c=$(($(script_calls) - calls0)) \
    'BEGIN{printf "%.1f", c ? u / c : 0}' > "$WORK/ceiling-$1.usec"
  # Calls per second of Redis CPU: a figure the neighbours' load does not shrink.
  awk -v c=$(($(script_calls) - calls0)) -v a="$cpu0" -v b="$(cpu_seconds "$REDIS_PID")" \
    'BEGIN{printf "%d", (b > a) ? c / (b - a) : 0}' > "$WORK/ceiling-$1.eff"
  local stock sold xlen
  stock=$(rcli hget "$c:stock" "$SKU"); sold=$(rcli hget "$c:sold" "$SKU"); xlen=$(rcli xlen "$c:orders")
  if [ "$stock" -lt 0 ] || [ $((stock + sold)) -ne "$STOCK" ] || [ "$xlen" -ne "$sold" ]; then
    echo "buy_orders: the one-buy script broke its invariants: stock $stock sold $sold xlen $xlen" >&2
  fi
  echo "$1: EVALSHA ceiling $(cat "$WORK/ceiling-$1") calls/s ($xlen orders written, $(cat "$WORK/ceiling-$1.usec") us in Redis per call)" >&2
}

# batched mode batch: Redis alone running the real buy script (read from
# commerce/src/buy_script.cpp, so always the current one) with `batch` buys per call, as
# livegate's order desk sends them: the orders/s Redis could take if the WebSocket side kept up.
# With batch 1 it checks the one-buy copy above. Result in $WORK/batched-$mode-$batch.
batched() {
  local lua c="lg:{batched$2}"
  lua=$(awk '/buy_script\(\)/{f=1} f && /R"LUA\(/{p=1; sub(/.*R"LUA\(/,"")} p && /\)LUA"/{exit} p{print}' \
        commerce/src/buy_script.cpp)
  # The script runs with redis_now_ms() defined before it (commerce/src/redis_clock_lua.h).
  local clock
  clock=$(sed -n 's/^ *\(return \)\{0,1\}"\(.*\)\\n"\( +\)\{0,1\}$/\2/p' commerce/src/redis_clock_lua.h)
  echo "n/a" > "$WORK/batched-$1-$2"
  [ -n "$lua" ] && [ -n "$clock" ] || { echo "buy_orders: buy script or Redis clock not found in commerce/src" >&2; return; }
  lua="$clock"$'\n'"$lua"
  setup_sku "$c"
  local sha args=() calls0 usec0 xlen calls usec rps
  sha=$(rcli script load "$lua")
  # ARGV per buy: key, sku, qty, user, deal ('' = none); KEYS as buy_script_keys() lists them.
  for _ in $(seq 1 "$2"); do args+=("bb__rand_int__" "$SKU" 1 "bu__rand_int__" ""); done
  calls0=$(script_calls); usec0=$(script_usec)
  redis-benchmark -p "$REDIS_PORT" -P 1 -c 50 -n $(($2 > 1 ? BENCH_REQUESTS / 32 : BENCH_REQUESTS / 2)) \
    -r 1000000000 --csv evalsha "$sha" 13 "$c:stock" "$c:sold" "$c:gmv" "$c:orders" "$c:idem" \
    "$c:events" "$c:terms" "$c:bought" "$c:deal:terms" "$c:deal:left" "$c:stats" "$c:clickers" \
    "$c:buyers" "${args[@]}" > "$WORK/batched-$1-$2.csv"
  rps=$(tail -n 1 "$WORK/batched-$1-$2.csv" | cut -d, -f2 | tr -d '"')
  calls=$(($(script_calls) - calls0)); usec=$(($(script_usec) - usec0)); xlen=$(rcli xlen "$c:orders")
  # The script's argument layout may change under us: count only what became orders.
  if [ "$xlen" -lt $((calls * $2 * 9 / 10)) ]; then
    echo "buy_orders: the real buy script made $xlen orders from $calls calls of $2: layout changed?" >&2
    return
  fi
  awk -v r="$rps" -v b="$2" -v u="$usec" -v x="$xlen" \
    'BEGIN{printf "%d orders/s (%.1f us in Redis per buy)", r * b, u / x}' > "$WORK/batched-$1-$2"
  echo "$1: real script, $2 per call: $(cat "$WORK/batched-$1-$2")" >&2
}

# A product with stock STOCK and the terms the buy script reads (price:max_qty:per_buyer).
setup_sku() {
  rcli hset "$1:stock" "$SKU" "$STOCK" >/dev/null
  rcli hset "$1:sold" "$SKU" 0 >/dev/null
  rcli hset "$1:terms" "$SKU" "$PRICE:10:0" >/dev/null
}

# EVAL + EVALSHA calls the Redis has answered so far, and the microseconds it spent in them.
script_calls() { rcli info commandstats | awk -F'[:=,]' '/^cmdstat_eval(sha)?:/{n += $3} END{print n + 0}'; }
script_usec() { rcli info commandstats | awk -F'[:=,]' '/^cmdstat_eval(sha)?:/{n += $5} END{print n + 0}'; }

# run name buy_load-args...: the tool's JSON plus the Redis checks in $WORK/name.json
run_load() {
  local name=$1; shift
  local xlen0 calls0 usec0
  xlen0=$(rcli xlen "lg:{$ROOM}:orders"); calls0=$(script_calls); usec0=$(script_usec)
  echo "$name: $(cut -d' ' -f1-3 /proc/loadavg) load average before" >&2
  timeout $((60 + ${WARMUP%.*} + ${DURATION%.*} + 60)) "$LOAD" --json --port "$HTTP_PORT" \
    --room "$ROOM" --sku "$SKU" --connections "$CONNECTIONS" --duration "$DURATION" \
    --warmup "$WARMUP" --connect-rate 2000 --connect-timeout 60 --first-address "$ADDR" \
    --server-pid "$LIVEGATE_PID" --aux-pid "$REDIS_PID" "$@" > "$WORK/$name.load.json" || true
  ADDR=$((ADDR + CONNECTIONS / 100 + 10))  # fresh source addresses: no TIME_WAIT from the last run
  local stock sold xlen calls usec
  stock=$(rcli hget "lg:{$ROOM}:stock" "$SKU"); sold=$(rcli hget "lg:{$ROOM}:sold" "$SKU")
  xlen=$(rcli xlen "lg:{$ROOM}:orders"); calls=$(script_calls); usec=$(script_usec)
  jq --argjson stock "$stock" --argjson sold "$sold" --argjson initial "$STOCK" \
    --argjson new_orders $((xlen - xlen0)) --argjson calls $((calls - calls0)) \
    --argjson usec $((usec - usec0)) \
    --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
    '. + {redis: {stock: $stock, sold: $sold, initial: $initial, new_orders: $new_orders,
                  script_calls: $calls, script_usec: $usec},
          oversell_ok: ($stock >= 0 and $stock + $sold == $initial and $new_orders == .acks.ok),
          loadavg_after: $load}' "$WORK/$name.load.json" > "$WORK/$name.json" ||
    echo '{}' > "$WORK/$name.json"
}

ADDR=0
for mode in $FSYNC_MODES; do
  mkdir -p "$WORK/redis-$mode"
  start_redis --appendonly yes --appendfsync "$mode" --dir "$WORK/redis-$mode"
  wait_port "$REDIS_PORT"
  ceiling "$mode"
  batched "$mode" 1
  batched "$mode" "$BATCH"
  livegate_config '' "  - id: $ROOM
    title: Buy-now bench
    stream_key: \"\"
    source: {type: none}
    products:
      - {sku: $SKU, title: Bench item, price_cents: $PRICE, stock: $STOCK}" \
    'chat: {frames_per_second: 100000, frames_burst: 100000, buys_per_second: 0, ip_buys_per_second: 0, ip_messages_per_minute: 0}'
  ./build/livegate --config "$WORK/livegate.yaml" > "$WORK/livegate-$mode.log" 2>&1 &
  LIVEGATE_PID=$!; PIDS+=($LIVEGATE_PID)
  wait_http "http://127.0.0.1:$HTTP_PORT/healthz"
  run_load "$mode-max" --in-flight "$IN_FLIGHT"
  rate="${RATE:-$(awk -v c="$(cat "$WORK/ceiling-$mode")" 'BEGIN{printf "%d", 2 * c}')}"
  run_load "$mode-rate" --rate "$rate" --in-flight "$RATE_IN_FLIGHT"
  low="${LOW_RATE:-$(jq '(.orders_per_s // 0) / 2 | floor | if . < 1 then 1 else . end' "$WORK/$mode-max.json")}"
  run_load "$mode-low" --rate "$low" --in-flight "$RATE_IN_FLIGHT"
  stop "$LIVEGATE_PID"
  rcli info persistence | grep -E '^aof_delayed_fsync' > "$WORK/persistence-$mode" || true
  stop "$REDIS_PID"
done

echo "### Buy-now: $CONNECTIONS WebSocket buyers in one room, one product, 1 unit per click, ${DURATION} s after ${WARMUP} s warm-up; Redis 7 with AOF on"
echo
echo "| Redis appendfsync | run | buyers | clicks sent/s | orders acked/s (ok) | Redis EVALSHA ceiling, calls/s (redis-benchmark -P 1 -c 50) | ratio | buys per script call | us in Redis per buy (ceiling: per call) | ack p50 ms | p99 ms | max ms | errors | unanswered | stock >= 0, stock + sold = initial, new orders = ok acks | livegate CPU % | redis CPU % | load tool CPU % | livegate CPU us per order | orders per livegate+redis CPU-second (ceiling: calls per redis CPU-second) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for mode in $FSYNC_MODES; do
  ceil="$(cat "$WORK/ceiling-$mode" 2>/dev/null || echo 0)"
  ceil_usec="$(cat "$WORK/ceiling-$mode.usec" 2>/dev/null || echo 0)"
  ceil_eff="$(cat "$WORK/ceiling-$mode.eff" 2>/dev/null || echo 0)"
  for run in max rate low; do
    f="$WORK/$mode-$run.json"
    if [ ! -s "$f" ] || [ "$(jq 'has("orders_per_s")' "$f")" != true ]; then
      echo "| $mode | $run | failed: no result | | | | | | | | | | | | | | | | | |"; continue
    fi
    jq -r --arg mode "$mode" --arg run "$run" --argjson ceil "$ceil" --argjson ceil_usec "$ceil_usec" --argjson ceil_eff "$ceil_eff" '
      "| \($mode) | \(if $run == "rate" then "fixed \(.rate_offered) clicks/s (2x the ceiling), \(.in_flight) in flight" elif $run == "low" then "fixed \(.rate_offered) clicks/s (half the closed-loop rate), \(.in_flight) in flight" else "as fast as acks allow, \(.in_flight) in flight" end) | \(.connections_established)/\(.connections_requested) | \(.clicks_sent_per_s) | \(.orders_per_s) | \($ceil) | \(if $ceil > 0 then (.orders_per_s / $ceil * 100 | round / 100) else "n/a" end)x | \(if .redis.script_calls > 0 then ((.acks.ok + .acks.sold_out) / .redis.script_calls * 10 | round / 10) else "n/a" end) | \(if (.acks.ok + .acks.sold_out) > 0 then (.redis.script_usec / (.acks.ok + .acks.sold_out) * 10 | round / 10) else "n/a" end) (\($ceil_usec)) | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.latency_ms.max) | \(.errors) | \(.unanswered) | \(if .oversell_ok then "yes (stock \(.redis.stock), sold \(.redis.sold), +\(.redis.new_orders) orders)" else "**NO**: stock \(.redis.stock), sold \(.redis.sold), +\(.redis.new_orders) orders, \(.acks.ok) ok acks" end) | \(.server_cpu_pct) | \(.aux_cpu_pct) | \(.load_tool_cpu_pct) | \(if .orders_per_s > 0 then (.server_cpu_pct * 10000 / .orders_per_s | round) else "n/a" end) | \(if (.server_cpu_pct + .aux_cpu_pct) > 0 then (.orders_per_s * 100 / (.server_cpu_pct + .aux_cpu_pct) | round) else "n/a" end) (\($ceil_eff)) |"' "$f"
  done
done
echo
echo "Load average (1/5/15 min) after each run: $(for m in $FSYNC_MODES; do for r in max rate low; do printf '%s-%s %s; ' "$m" "$r" "$(jq -r '.loadavg_after // ""' "$WORK/$m-$r.json" 2>/dev/null)"; done; done)"
for mode in $FSYNC_MODES; do
  echo "- Redis alone, appendfsync $mode: one buy per call (the ceiling) $(cat "$WORK/ceiling-$mode" 2>/dev/null) calls/s, $(cat "$WORK/ceiling-$mode.usec" 2>/dev/null) us in Redis per call; the real buy script with 1 buy per call: $(cat "$WORK/batched-$mode-1" 2>/dev/null); with $BATCH buys per call: $(cat "$WORK/batched-$mode-$BATCH" 2>/dev/null)."
done
echo "Redis AOF writes postponed behind a slow fsync: $(for m in $FSYNC_MODES; do printf '%s %s; ' "$m" "$(cut -d: -f2 "$WORK/persistence-$m" 2>/dev/null | tr -d '\r')"; done)"
echo "Goals (issue 6): orders acked/s >= 2x the unpipelined EVALSHA ceiling (batching); 0 oversell; p99 ack < 50 ms."
for mode in $FSYNC_MODES; do
  for run in max rate low; do
    [ -s "$WORK/$mode-$run.json" ] && jq -c --arg r "$mode-$run" '{run: $r, acks, error_codes, errors_without_key, closes_by_server, connect_errors, unknown_key, skipped_busy, received_mib, batch_frames, redis}' "$WORK/$mode-$run.json" >&2
  done
done
