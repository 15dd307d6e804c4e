#!/usr/bin/env bash
# CPU per RTMP passthrough stream: livegate (RTMP in -> FLV demux -> MPEG-TS segments + live
# playlist) against the ffmpeg CLI doing the same job (RTMP listen -> copy -> HLS), with the
# same publishers (ffmpeg -c copy of a pre-encoded 720p30 2.5 Mb/s clip, looped, in real time).
# Prints a markdown table. Loopback only; every process is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
STREAMS="${STREAMS:-4}"
WARMUP="${WARMUP:-8}"
MEASURE="${MEASURE:-20}"

source tests/bench/lib.sh

make_clip "$WORK/clip.flv" 20 2500 60

# --- livegate ---
start_redis
HTTP_PORT=$(free_port); RTMP_PORT=$(free_port)
{
  echo "http: {bind: 127.0.0.1, port: $HTTP_PORT, web_root: web-player}"
  echo "ingest: {rtmp_bind: 127.0.0.1, rtmp_port: $RTMP_PORT, srt_enabled: false}"
  echo "redis: {embedded: false, host: 127.0.0.1, port: $REDIS_PORT}"
  echo "media: {root: $WORK/media, segment_seconds: 2}"
  echo "log: {level: warn}"
  echo "broadcasts:"
  for i in $(seq 1 "$STREAMS"); do
    echo "  - {id: bench-$i, title: Bench $i, stream_key: bench-stream-key-$i, source: {type: none}}"
  done
} > "$WORK/livegate.yaml"
./build/livegate --config "$WORK/livegate.yaml" > "$WORK/livegate.log" 2>&1 &
LG=$!
PIDS+=($LG)
wait_http "http://127.0.0.1:$HTTP_PORT/healthz"
for i in $(seq 1 "$STREAMS"); do publish "rtmp://127.0.0.1:$RTMP_PORT/live/bench-stream-key-$i"; done
sleep "$WARMUP"
A=$(cpu_seconds $LG); sleep "$MEASURE"; B=$(cpu_seconds $LG)
LG_PCT=$(awk -v a="$A" -v b="$B" -v t="$MEASURE" -v n="$STREAMS" 'BEGIN{printf "%.2f", (b-a)/t*100/n}')
LIVE=$(curl -s "http://127.0.0.1:$HTTP_PORT/api/broadcasts" | grep -o '"state":"live"' | wc -l)
kill $LG; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; PIDS=(); sleep 1

# --- peer: ffmpeg CLI, one RTMP listener + HLS muxer per stream ---
PEERS=()
for i in $(seq 1 "$STREAMS"); do
  PORT=$(free_port)
  mkdir -p "$WORK/peer-$i"
  ffmpeg -hide_banner -loglevel error -listen 1 -i "rtmp://127.0.0.1:$PORT/live/key" -c copy \
    -f hls -hls_time 2 -hls_list_size 6 -hls_flags delete_segments "$WORK/peer-$i/index.m3u8" >/dev/null 2>&1 &
  PEERS+=($!); PIDS+=($!)
  sleep 0.3
  publish "rtmp://127.0.0.1:$PORT/live/key"
done
sleep "$WARMUP"
A=0; for p in "${PEERS[@]}"; do A=$(awk -v a="$A" -v c="$(cpu_seconds "$p")" 'BEGIN{print a+c}'); done
sleep "$MEASURE"
B=0; for p in "${PEERS[@]}"; do B=$(awk -v a="$B" -v c="$(cpu_seconds "$p")" 'BEGIN{print a+c}'); done
FF_PCT=$(awk -v a="$A" -v b="$B" -v t="$MEASURE" -v n="$STREAMS" 'BEGIN{printf "%.2f", (b-a)/t*100/n}')
RATIO=$(awk -v l="$LG_PCT" -v f="$FF_PCT" 'BEGIN{ if (f > 0) printf "%.2f", l/f; else print "n/a"}')

echo "### RTMP passthrough to HLS, CPU per stream ($STREAMS streams of 720p30 2.5 Mb/s, ${MEASURE} s after ${WARMUP} s warm-up)"
echo
echo "| server | % of one core per stream | ratio to ffmpeg CLI |"
echo "|---|---|---|"
echo "| livegate (RTMP listener + flvdemux + mpegtsmux + multifilesink + live playlist; $LIVE/$STREAMS live) | $LG_PCT | $RATIO |"
echo "| ffmpeg CLI (-listen 1, -c copy, -f hls) | $FF_PCT | 1.00 |"
echo
echo "Goal (issue 4): < 2 % of a core per passthrough stream."
