# Helpers the benchmark scripts share (sourced, not run). Sourcing it makes $WORK (a scratch
# directory) and $PIDS (processes to stop); both are cleaned up when the script exits.

WORK="$(mktemp -d /tmp/livegate-bench-XXXXXX)"
PIDS=()
bench_cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap bench_cleanup EXIT

# A 1280x720@30 H.264 + AAC clip for publishers: make_clip file seconds video_kbps gop_frames
make_clip() {
  echo "preparing a $2 s 1280x720@30 H.264 $3 kb/s (keyframe every $4 frames) + AAC clip" >&2
  ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 \
    -t "$2" -c:v libx264 -preset veryfast -b:v "$3k" -g "$4" -pix_fmt yuv420p -c:a aac -b:a 128k -f flv "$1"
}

# Publishes $WORK/clip.flv to an RTMP URL in real time, looped, in the background.
publish() {  # url
  ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$WORK/clip.flv" -c copy -f flv "$1" \
    >/dev/null 2>&1 &
  PIDS+=($!)
}

# A free TCP port on loopback.
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null ||
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# CPU seconds (user + system) a process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

# Waits (at most 10 s) until the URL answers 2xx.
wait_http() { for _ in $(seq 1 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

# A throwaway redis-server on a free loopback port: sets REDIS_PORT and REDIS_PID, stopped at
# exit. Extra arguments override the defaults (later options win), e.g.
#   start_redis --appendonly yes --appendfsync always --dir "$WORK/aof"
start_redis() {
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" "$@" >/dev/null &
  REDIS_PID=$!
  PIDS+=($REDIS_PID)
}

# Writes $WORK/livegate.yaml for a loopback livegate on free ports (sets HTTP_PORT, RTMP_PORT)
# against start_redis's server:
#   livegate_config '<media: settings>' '<broadcasts list, YAML>' ['<more top-level YAML>']
livegate_config() {
  HTTP_PORT=$(free_port); RTMP_PORT=$(free_port)
  cat > "$WORK/livegate.yaml" <<YAML
http: {bind: 127.0.0.1, port: $HTTP_PORT, web_root: web-player}
ingest: {rtmp_bind: 127.0.0.1, rtmp_port: $RTMP_PORT, srt_enabled: false, whip_enabled: false}
redis: {embedded: false, host: 127.0.0.1, port: $REDIS_PORT}
media: {root: $WORK/media, record: false$1}
log: {level: warn}
${3:-}
broadcasts:
$2
YAML
}
