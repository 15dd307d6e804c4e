// RTMP ingest for real: ffmpeg publishes to livegate, ffprobe reads the HLS that comes out.

#include "ingest_fixture.h"

using namespace livegate::testing;
using nlohmann::json;

namespace {
using RtmpIngest = IngestFixture;
}  // namespace

TEST_F(RtmpIngest, FfmpegPublishesAndViewersGetH264AacHls) {
  const auto started = std::chrono::steady_clock::now();
  publish(kKey, 20);
  std::string playlist;
  wait_for([&] { return segments_in(playlist = playlist_of("ingest")).size() >= 2; }, std::chrono::seconds(20));
  auto segments = segments_in(playlist);
  ASSERT_GE(segments.size(), 2u) << playlist;
  std::printf("[ figures ] RTMP publish to 2 playable segments: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - started)
                                         .count()));
  std::string segment;
  ASSERT_EQ(http_get(server->port(), "/live/ingest/" + segments[0], &segment), 200);
  const std::string file = log_dir + "/seg.ts";
  std::ofstream(file, std::ios::binary) << segment;
  const std::string streams = run("ffprobe -v error -show_entries stream=codec_name,width -of compact=p=0 '" + file + "' 2>&1");
  EXPECT_NE(streams.find("codec_name=h264"), std::string::npos) << streams;
  EXPECT_NE(streams.find("codec_name=aac"), std::string::npos) << streams;
  EXPECT_NE(streams.find("width=320"), std::string::npos) << streams;  // passed through, not re-encoded
  // Each segment decodes on its own, without the ones before it: a viewer joining live starts
  // mid-playlist (SPS/PPS in every segment, no PES cut across a segment boundary).
  for (size_t i = 1; i < segments.size(); ++i) {
    std::string later;
    ASSERT_EQ(http_get(server->port(), "/live/ingest/" + segments[i], &later), 200);
    const std::string alone = log_dir + "/alone.ts";
    std::ofstream(alone, std::ios::binary) << later;
    EXPECT_EQ(run("ffmpeg -v error -i '" + alone + "' -f null - 2>&1"), "") << segments[i];
    EXPECT_NE(run("ffprobe -v error -show_entries stream=width -of csv=p=0 '" + alone + "' 2>&1").find("320"),
              std::string::npos)
        << segments[i] << " has no SPS";
  }
  std::string body;
  http_get(server->port(), "/api/broadcasts/ingest", &body);
  json api = json::parse(body);
  EXPECT_EQ(api["state"], "live");
  EXPECT_EQ(api["source"], "publisher");
  // Input probing from the publisher's own stream: -g 15 at 15 fps is a 1 s keyframe interval.
  const json& in = api["ingest"];
  EXPECT_EQ(in["video_codec"], "h264");
  EXPECT_EQ(in["audio_codec"], "aac");
  EXPECT_EQ(in["width"], 320);
  EXPECT_EQ(in["height"], 180);
  EXPECT_EQ(in["keyframe_interval_ms"], 1000);
  EXPECT_EQ(in["dropped_video_frames"], 0) << "a 300 kb/s stream must never back up a passthrough pipeline";
  EXPECT_EQ(in["dropped_audio_frames"], 0);
  EXPECT_NEAR(in["fps"].get<double>(), 15, 3);
  EXPECT_GT(in["bitrate_kbps"].get<int>(), 10);
  EXPECT_TRUE(wait_log("broadcast ingest: publisher connected", std::chrono::seconds(1)));

  // The thumbnail, made with the FFmpeg libraries from the first segment's keyframe.
  std::string jpeg, headers;
  const auto thumb_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (http_get(server->port(), "/live/ingest/thumb.jpg", &jpeg, &headers) != 200 &&
         std::chrono::steady_clock::now() < thumb_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GT(jpeg.size(), 1000u);
  EXPECT_EQ(static_cast<uint8_t>(jpeg[0]), 0xFF);
  EXPECT_EQ(static_cast<uint8_t>(jpeg[1]), 0xD8);
  EXPECT_NE(headers.find("content-type: image/jpeg"), std::string::npos);
  const std::string thumb = log_dir + "/thumb.jpg";
  std::ofstream(thumb, std::ios::binary) << jpeg;
  const std::string probe = run("ffprobe -v error -show_entries stream=codec_name,width,height -of compact=p=0 '" + thumb + "' 2>&1");
  EXPECT_NE(probe.find("codec_name=mjpeg"), std::string::npos) << probe;
  EXPECT_NE(probe.find("width=320"), std::string::npos) << probe;
}

// Video waits for the audio before the segmenter, so the first segment has both tracks
// (start_together.h); a publisher with no audio track must not wait for one for ever.
TEST_F(RtmpIngest, AVideoOnlyPublisherGoesLiveWithoutAudio) {
  publish(kKey, 15, "libx264", /*with_audio=*/false);
  const std::string file = first_of_two_segments("ingest", "video-only.ts", std::chrono::seconds(20));
  ASSERT_FALSE(file.empty());
  const std::string streams = run("ffprobe -v error -show_entries stream=codec_name -of compact=p=0 '" + file + "' 2>&1");
  EXPECT_NE(streams.find("codec_name=h264"), std::string::npos) << streams;
  EXPECT_EQ(run("ffmpeg -v error -i '" + file + "' -f null - 2>&1"), "") << "the first segment decodes";
}

// Audio 0.3 s behind the video and a keyframe only every 4 s (OBS's default is 2 s, some
// encoders' longer): while video waits for its next keyframe the audio must not pile up in the
// muxer, or the demuxer blocks and that keyframe never comes (found in review: no segment in 30 s).
TEST_F(RtmpIngest, LateAudioAndALongKeyframeIntervalStillGoLive) {
  publishers.push_back(std::make_unique<ChildProcess>());
  publishers.back()->start({"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                            "testsrc=size=320x180:rate=15", "-itsoffset", "0.3", "-f", "lavfi", "-i",
                            "sine=frequency=440", "-t", "16", "-c:v", "libx264", "-preset", "veryfast", "-tune",
                            "zerolatency", "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", url(kKey)},
                           log_dir + "/ffmpeg-late-audio.log");
  const std::string file = first_of_two_segments("ingest", "late-audio.ts", std::chrono::seconds(25));
  ASSERT_FALSE(file.empty());
  const std::string packets = run("ffprobe -v error -count_packets -show_entries stream=codec_name,nb_read_packets "
                                  "-of compact=p=0 '" + file + "' 2>&1");
  EXPECT_NE(packets.find("codec_name=h264"), std::string::npos) << packets;
  EXPECT_NE(packets.find("codec_name=aac"), std::string::npos) << packets;
  EXPECT_EQ(packets.find("nb_read_packets=0"), std::string::npos) << "a track without packets: " << packets;
}

TEST_F(RtmpIngest, WrongKeyIsRefusedAndLogged) {
  ChildProcess& p = publish("not-the-right-key-999", 5);
  EXPECT_TRUE(wait_log("publish refused: unknown stream key", std::chrono::seconds(10)));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (p.running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(p.running()) << "ffmpeg kept publishing with a wrong key";
  EXPECT_EQ(http_get(server->port(), "/live/ingest/index.m3u8"), 404);
}

TEST_F(RtmpIngest, SecondPublisherOnALiveKeyIsRefused) {
  publish(kKey, 20);
  ASSERT_TRUE(wait_log("broadcast ingest: publisher connected", std::chrono::seconds(10)));
  publish(kKey, 5);
  EXPECT_TRUE(wait_log("broadcast ingest: second publisher refused", std::chrono::seconds(10)));
}

TEST_F(RtmpIngest, UnsupportedCodecIsDisconnectedWithAReason) {
  publish(kKey, 10, "flv");  // Sorenson H.263: FLV can carry it, HLS cannot
  EXPECT_TRUE(wait_log("is not H.264", std::chrono::seconds(10)));
  EXPECT_TRUE(wait_log("publisher left", std::chrono::seconds(10)));
}

TEST_F(RtmpIngest, TruncatedHandshakeIsClosedAfterTheTimeout) {
  // Half a C1, then silence: the slot must come back (rtmp_handshake_timeout_ms is 2 s here).
  int fd = connect_port(server->rtmp_port());
  ASSERT_GE(fd, 0);
  std::string half(700, '\x01');
  half[0] = 3;
  send(fd, half.data(), half.size(), MSG_NOSIGNAL);
  const auto sent = std::chrono::steady_clock::now();
  EXPECT_TRUE(server_closes(fd));  // the receive timeout is 5 s
  const auto waited = std::chrono::steady_clock::now() - sent;
  EXPECT_GE(waited, std::chrono::milliseconds(1500));
  close(fd);
  EXPECT_TRUE(wait_log("did not start publishing in time", std::chrono::seconds(2)));
  EXPECT_EQ(http_get(server->port(), "/healthz"), 200);
}

TEST_F(RtmpIngest, HostileBytesCloseTheConnectionNotTheServer) {
  {
    int fd = connect_port(server->rtmp_port());
    ASSERT_GE(fd, 0);
    const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    send(fd, http.data(), http.size(), MSG_NOSIGNAL);
    EXPECT_TRUE(server_closes(fd));
    close(fd);
  }
  {
    // A valid handshake, then a chunk that announces a 100 MB message.
    int fd = connect_port(server->rtmp_port());
    std::string c0c1(1537, '\x01');
    c0c1[0] = 3;
    send(fd, c0c1.data(), c0c1.size(), MSG_NOSIGNAL);
    std::string s(3073, '\0');
    size_t got = 0;
    while (got < s.size()) {
      ssize_t n = recv(fd, s.data() + got, s.size() - got, 0);
      ASSERT_GT(n, 0);
      got += static_cast<size_t>(n);
    }
    std::string c2(1536, '\x02');
    send(fd, c2.data(), c2.size(), MSG_NOSIGNAL);
    // fmt 0 on chunk stream 3: timestamp 0, length 0xFFFFFF (16 MB, over the 8 MB limit),
    // type 9 (video), message stream 1.
    const std::string evil("\x03\x00\x00\x00\xff\xff\xff\x09\x01\x00\x00\x00", 12);
    send(fd, evil.data(), evil.size(), MSG_NOSIGNAL);
    EXPECT_TRUE(server_closes(fd));
    close(fd);
  }
  EXPECT_TRUE(wait_log("over the limit", std::chrono::seconds(5)));
  EXPECT_EQ(http_get(server->port(), "/healthz"), 200);
  // And a real publisher still gets through afterwards.
  publish(kKey, 10);
  EXPECT_TRUE(wait_log("broadcast ingest: publisher connected", std::chrono::seconds(10)));
}

namespace {
uint64_t media_sequence_of(const std::string& playlist) {
  auto pos = playlist.find("#EXT-X-MEDIA-SEQUENCE:");
  return pos == std::string::npos ? 0 : std::stoull(playlist.substr(pos + 22));
}
}  // namespace

TEST_F(RtmpIngest, DropShowsSlateReconnectResumesGraceEndsTheBroadcast) {
  auto state = [&] { return state_of("ingest"); };
  auto playlist = [&] { return playlist_of("ingest"); };
  EXPECT_EQ(state(), "waiting");
  WsClient viewer;
  ASSERT_TRUE(viewer.connect(server->port(), "/ws/ingest"));
  viewer.send_text(R"({"type":"hello"})");

  ChildProcess& first = publish(kKey, 60);
  ASSERT_TRUE(wait_for([&] { return segments_in(playlist()).size() >= 2; }, std::chrono::seconds(20)));
  EXPECT_EQ(state(), "live");
  const uint64_t seq_live = media_sequence_of(playlist());

  first.kill_hard();  // the seller's uplink dies
  const auto dropped = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_for([&] { return state() == "reconnecting"; }, std::chrono::seconds(5)));
  bool told = false;  // the viewer hears it too (after the earlier "live")
  for (int i = 0; i < 5 && !told; ++i) told = next_event(viewer, "state", std::chrono::seconds(5))["state"] == "reconnecting";
  EXPECT_TRUE(told);
  ASSERT_TRUE(wait_for([&] { return playlist().find("#EXT-X-DISCONTINUITY\n") != std::string::npos; },
                       std::chrono::seconds(5)));
  std::printf("[ figures ] publisher drop -> slate segment listed: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - dropped).count()));
  EXPECT_GE(media_sequence_of(playlist()), seq_live);  // the timeline went on, it did not restart

  publish(kKey, 60);  // back within the grace period
  ASSERT_TRUE(wait_log("publisher reconnected, resuming", std::chrono::seconds(10)));
  ASSERT_TRUE(wait_for([&] { return state() == "live"; }, std::chrono::seconds(15)));
  EXPECT_GE(media_sequence_of(playlist()), seq_live);

  publishers.back()->kill_hard();  // and gone for good: grace is 3 s in tests
  ASSERT_TRUE(wait_for([&] { return state() == "ended"; }, std::chrono::seconds(15)));
  EXPECT_NE(playlist().find("#EXT-X-ENDLIST"), std::string::npos);

  // The replay: every segment since the start, as a finished playlist players open as VOD.
  std::string body;
  http_get(server->port(), "/api/broadcasts/ingest", &body);
  EXPECT_EQ(json::parse(body)["hls"], "/vod/ingest/index.m3u8");
  std::string vod;
  ASSERT_EQ(http_get(server->port(), "/vod/ingest/index.m3u8", &vod), 200);
  EXPECT_NE(vod.find("#EXT-X-PLAYLIST-TYPE:EVENT"), std::string::npos) << vod;
  EXPECT_NE(vod.find("#EXT-X-MEDIA-SEQUENCE:0"), std::string::npos) << vod;
  EXPECT_NE(vod.find("#EXT-X-DISCONTINUITY"), std::string::npos) << vod;
  EXPECT_NE(vod.find("#EXT-X-ENDLIST"), std::string::npos) << vod;
  const auto vod_segments = segments_in(vod);
  EXPECT_GT(vod_segments.size(), segments_in(playlist()).size());
  for (const auto& seg : vod_segments) {
    EXPECT_EQ(http_get(server->port(), "/vod/ingest/" + seg), 200) << seg;
  }
  const std::string duration = run("ffprobe -v error -show_entries format=duration -of csv=p=0 "
                                   "'http://127.0.0.1:" + std::to_string(server->port()) +
                                   "/vod/ingest/index.m3u8' 2>&1");
  std::printf("[ figures ] replay of %zu segments, ffprobe duration %s", vod_segments.size(), duration.c_str());
  EXPECT_GT(std::atof(duration.c_str()), 5.0) << duration;
}

// SRT: the same broadcast and key, MPEG-TS over SRT instead of FLV over RTMP.
TEST_F(RtmpIngest, SrtCallerWithStreamIdPublishes) {
  publishers.push_back(std::make_unique<ChildProcess>());
  const std::string srt_url = "srt://127.0.0.1:" + std::to_string(server->srt_port()) +
                              "?streamid=" + kKey + "&latency=120000";
  publishers.back()->start({"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                            "testsrc=size=320x180:rate=15", "-f", "lavfi", "-i", "sine=frequency=440",
                            "-t", "20", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
                            "-g", "15", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "mpegts", srt_url},
                           log_dir + "/ffmpeg-srt.log");
  std::string playlist;
  wait_for([&] { return segments_in(playlist = playlist_of("ingest")).size() >= 2; }, std::chrono::seconds(20));
  auto segments = segments_in(playlist);
  ASSERT_GE(segments.size(), 2u) << playlist;
  std::string segment;
  ASSERT_EQ(http_get(server->port(), "/live/ingest/" + segments[0], &segment), 200);
  const std::string file = log_dir + "/srt-seg.ts";
  std::ofstream(file, std::ios::binary) << segment;
  const std::string streams = run("ffprobe -v error -show_entries stream=codec_name,width -of compact=p=0 '" + file + "' 2>&1");
  EXPECT_NE(streams.find("codec_name=h264"), std::string::npos) << streams;
  EXPECT_NE(streams.find("codec_name=aac"), std::string::npos) << streams;
  EXPECT_TRUE(wait_log("[srt] broadcast ingest: publisher connected", std::chrono::seconds(1)));
  // Probing reads the MPEG-TS too: codecs from the PMT, size from the SPS, frames from PES.
  std::string body;
  http_get(server->port(), "/api/broadcasts/ingest", &body);
  const json in = json::parse(body)["ingest"];
  EXPECT_GT(in["bitrate_kbps"].get<int>(), 10);
  EXPECT_EQ(in["video_codec"], "h264") << in.dump();
  EXPECT_EQ(in["audio_codec"], "aac") << in.dump();
  EXPECT_EQ(in["width"], 320) << in.dump();
  EXPECT_EQ(in["height"], 180) << in.dump();
  EXPECT_NEAR(in["fps"].get<double>(), 15, 3) << in.dump();
  EXPECT_EQ(in["keyframe_interval_ms"], 1000) << in.dump();
  EXPECT_EQ(in["dropped_packets"], 0) << "loopback loses nothing: " << in.dump();
  EXPECT_TRUE(in.contains("rtt_ms")) << in.dump();
}

TEST_F(RtmpIngest, SrtCallerWithWrongStreamIdIsRejectedInTheHandshake) {
  publishers.push_back(std::make_unique<ChildProcess>());
  ChildProcess& p = *publishers.back();
  p.start({"ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15",
           "-t", "5", "-c:v", "libx264", "-f", "mpegts",
           "srt://127.0.0.1:" + std::to_string(server->srt_port()) + "?streamid=wrong-key-000000"},
          log_dir + "/ffmpeg-srt-wrong.log");
  EXPECT_TRUE(wait_log("caller refused in the handshake: unknown stream key", std::chrono::seconds(10)));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (p.running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(p.running());
  EXPECT_EQ(http_get(server->port(), "/live/ingest/index.m3u8"), 404);
}
