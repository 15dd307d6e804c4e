#!/usr/bin/env bash
# CPU of one ABR ladder (720p/480p/360p from a 720p30 publisher): livegate (RTMP listener ->
# flvdemux -> one avdec_h264 -> tee -> per rung videoscale + x264enc -> mpegtsmux segments,
# rung playlists, master.m3u8) against the ffmpeg CLI doing the same job (RTMP listen -> one
# decode -> split -> scale -> libx264 per rung -> HLS with a master playlist). Both run at the
# same time, each fed the same pre-encoded clip by its own `ffmpeg -re -c copy` publisher, and
# are measured over the same window (/proc/<pid>/stat), so load from elsewhere hits both alike.
# Same x264 settings on both sides: veryfast, zerolatency, Main, no B-frames, CBR with a 600 ms
# VBV buffer, a keyframe every 2 s and no scene cuts, threads auto; bilinear scaling on both.
# Prints a markdown table. Loopback only; every process is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
WARMUP="${WARMUP:-10}"
MEASURE="${MEASURE:-30}"
source tests/bench/lib.sh

HEIGHTS=(720 480 360)
KBPS=(2800 1400 800)  # livegate's presets of the same names

make_clip "$WORK/clip.flv" 30 3000 60

# --- livegate ---
start_redis
# max_files: keep the first segment (x264's SEI)
livegate_config ', segment_seconds: 2, max_files: 1000' \
  '  - {id: abr, title: ABR bench, stream_key: bench-abr-key-1234, source: {type: none}, abr: [720p, 480p, 360p]}'
./build/livegate --config "$WORK/livegate.yaml" > "$WORK/livegate.log" 2>&1 &
LG=$!
PIDS+=($LG)
wait_http "http://127.0.0.1:$HTTP_PORT/healthz"

# --- peer: ffmpeg CLI, one decode, split, scale, three libx264 encodes, HLS + master ---
FF_PORT=$(free_port)
mkdir -p "$WORK/ffmpeg"
FILTER="[0:v]split=3[s0][s1][s2]"
MAPS=()
for i in 0 1 2; do
  FILTER+=";[s$i]scale=-2:${HEIGHTS[$i]}:flags=bilinear[v$i]"
  MAPS+=(-map "[v$i]" -map 0:a -b:v:$i "${KBPS[$i]}k" -maxrate:v:$i "${KBPS[$i]}k"
         -bufsize:v:$i "$((KBPS[$i] * 6 / 10))k")
done
FF_CMD=(ffmpeg -hide_banner -loglevel error -listen 1 -i "rtmp://127.0.0.1:$FF_PORT/live/key"
  -filter_complex "$FILTER" "${MAPS[@]}"
  -c:v libx264 -preset veryfast -tune zerolatency -profile:v main -bf 0 -g 60 -keyint_min 60 -sc_threshold 0
  -c:a copy -f hls -hls_time 2 -hls_list_size 6 -hls_flags independent_segments
  -master_pl_name master.m3u8 -var_stream_map "v:0,a:0 v:1,a:1 v:2,a:2" "$WORK/ffmpeg/%v/index.m3u8")
"${FF_CMD[@]}" > "$WORK/ffmpeg.log" 2>&1 &
FF=$!
PIDS+=($FF)
sleep 0.5

publish "rtmp://127.0.0.1:$RTMP_PORT/live/bench-abr-key-1234"
publish "rtmp://127.0.0.1:$FF_PORT/live/key"
sleep "$WARMUP"
LOAD=$(cut -d' ' -f1 /proc/loadavg)
count_segments() { find "$1" -name '*.ts' -newer "$WORK/mark" | wc -l; }
touch "$WORK/mark"
LA=$(cpu_seconds $LG); FA=$(cpu_seconds $FF)
sleep "$MEASURE"
LB=$(cpu_seconds $LG); FB=$(cpu_seconds $FF)
LOAD_END=$(cut -d' ' -f1 /proc/loadavg)
LG_SEGS=$(count_segments "$WORK/media/live/abr"); FF_SEGS=$(count_segments "$WORK/ffmpeg")
DROPPED=$(curl -s "http://127.0.0.1:$HTTP_PORT/api/broadcasts/abr" | grep -o '"dropped_video_frames":[0-9]*' | cut -d: -f2)
LG_PCT=$(awk -v a="$LA" -v b="$LB" -v t="$MEASURE" 'BEGIN{printf "%.1f", (b-a)/t*100}')
FF_PCT=$(awk -v a="$FA" -v b="$FB" -v t="$MEASURE" 'BEGIN{printf "%.1f", (b-a)/t*100}')
RATIO=$(awk -v l="$LG_PCT" -v f="$FF_PCT" 'BEGIN{ if (f > 0) printf "%.2f", l/f; else print "n/a"}')
# The x264 settings each side really used, from the SEI x264 writes into a stream's first frame.
x264_opts() { { ffmpeg -v error -i "$1" -map 0:v -c copy -frames:v 1 -f h264 - | strings | grep -m1 -o 'options: .*' | tr ' ' '\n' |
  grep -E '^(threads|lookahead_threads|sliced_threads|bframes|keyint|keyint_min|scenecut|rc|bitrate|vbv_maxrate|vbv_bufsize|subme|me|ref|trellis|rc_lookahead|mbtree)=' |
  tr '\n' ' '; } || true; }
LG_X264=$(x264_opts "$(ls "$WORK"/media/live/abr/720p/*.ts | head -1)")
FF_X264=$(x264_opts "$(ls "$WORK"/ffmpeg/0/*.ts | head -1)")

echo "### ABR ladder 720p/480p/360p (2800/1400/800 kb/s) from one 720p30 RTMP publisher, CPU (${MEASURE} s after ${WARMUP} s warm-up, both at once)"
echo
echo "| server | % of one core | segments written in the window | ratio to ffmpeg CLI |"
echo "|---|---|---|---|"
echo "| livegate (flvdemux, avdec_h264, tee, lgswscale + x264enc per rung, mpegtsmux, playlists; ${DROPPED:-?} frames dropped) | $LG_PCT | $LG_SEGS | $RATIO |"
echo "| ffmpeg CLI (-listen 1, split, scale flags=bilinear, libx264 x3, -f hls master) | $FF_PCT | $FF_SEGS | 1.00 |"
echo
echo "Load average $LOAD at the start of the window, $LOAD_END at the end ($(nproc) cores)."
echo "x264 as used, livegate 720p: \`$LG_X264\`"
echo "x264 as used, ffmpeg 720p: \`$FF_X264\`"
echo
echo "Goal (issue 4): livegate / ffmpeg <= 1.05."
