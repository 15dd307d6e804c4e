#!/usr/bin/env bash
# Time from "the publisher starts" to "the live playlist lists a segment viewers can fetch":
# livegate (RTMP -> FLV demux -> MPEG-TS segments + own playlist) against nginx-rtmp's HLS
# (the classic RTMP server, Debian's libnginx-mod-rtmp), same publisher, same 1 s segments,
# several trials each, medians compared. Loopback only; every process is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
TRIALS="${TRIALS:-5}"
source tests/bench/lib.sh

NGINX_RTMP=/usr/lib/nginx/modules/ngx_rtmp_module.so
[ -f "$NGINX_RTMP" ] || { echo "first_segment: needs nginx + libnginx-mod-rtmp (scripts/setup)" >&2; exit 1; }

make_clip "$WORK/clip.flv" 10 2500 30

now_ms() { date +%s%3N; }
# Milliseconds from starting a publisher to a playlist file (arg 2) naming a .ts segment.
time_to_segment() {  # rtmp_url playlist_path
  local start end
  rm -f "$2"
  start=$(now_ms)
  ffmpeg -hide_banner -loglevel error -re -i "$WORK/clip.flv" -c copy -f flv "$1" >/dev/null 2>&1 &
  local pub=$!
  PIDS+=($pub)
  for _ in $(seq 1 1500); do  # at most 15 s
    if [ -f "$2" ] && grep -q '\.ts' "$2" 2>/dev/null; then break; fi
    sleep 0.01
  done
  end=$(now_ms)
  kill "$pub" 2>/dev/null || true; wait "$pub" 2>/dev/null || true
  echo $((end - start))
}
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# --- livegate: one broadcast waiting for a publisher; each trial is a fresh publish after the
# previous broadcast ended (grace 1 s, no fallback), so every trial starts a new timeline.
start_redis
livegate_config ', segment_seconds: 1, reconnect_grace_seconds: 1' \
  '  - {id: first, title: First segment, stream_key: bench-first-key, source: {type: none}}'
./build/livegate --config "$WORK/livegate.yaml" > "$WORK/livegate.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$HTTP_PORT/healthz"
LG=()
for _ in $(seq 1 "$TRIALS"); do
  LG+=("$(time_to_segment "rtmp://127.0.0.1:$RTMP_PORT/live/bench-first-key" "$WORK/media/live/first/index.m3u8")")
  sleep 2.5  # the broadcast ends (grace 1 s) before the next trial
done

# --- peer: nginx-rtmp with HLS, 1 s fragments; a fresh stream name per trial.
NGX_PORT=$(free_port)
mkdir -p "$WORK/nginx/hls"
cat > "$WORK/nginx/nginx.conf" <<NGINX
load_module $NGINX_RTMP;
daemon off;
master_process off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 64; }
rtmp {
  server {
    listen 127.0.0.1:$NGX_PORT;
    application live {
      live on;
      hls on;
      hls_path $WORK/nginx/hls;
      hls_fragment 1s;
      hls_playlist_length 6s;
    }
  }
}
NGINX
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
PIDS+=($!)
sleep 0.5
NG=()
for i in $(seq 1 "$TRIALS"); do
  NG+=("$(time_to_segment "rtmp://127.0.0.1:$NGX_PORT/live/trial$i" "$WORK/nginx/hls/trial$i.m3u8")")
done

LG_MED=$(printf '%s\n' "${LG[@]}" | median)
NG_MED=$(printf '%s\n' "${NG[@]}" | median)
RATIO=$(awk -v l="$LG_MED" -v n="$NG_MED" 'BEGIN{ if (n > 0) printf "%.2f", l/n; else print "n/a"}')
echo "### Publish to first playable segment (720p30, keyframe every 1 s, 1 s segments, $TRIALS trials)"
echo
echo "| | median | trials (ms) |"
echo "|---|---|---|"
echo "| livegate | ${LG_MED} ms | ${LG[*]} |"
echo "| nginx-rtmp (HLS) | ${NG_MED} ms | ${NG[*]} |"
echo "| **ratio livegate / nginx-rtmp** | **${RATIO}** | |"
echo
echo "Measured from starting \`ffmpeg -re -i clip.flv -c copy -f flv rtmp://...\` to the playlist"
echo "file naming a segment (10 ms polling). Goal: livegate not slower than nginx-rtmp (ratio <= 1)."
