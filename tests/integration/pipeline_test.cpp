// The HLS pipeline for real: GStreamer encodes, ffprobe reads what it wrote.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <sstream>

#include "livegate/streaming/broadcast_pipeline.h"
#include "livegate/streaming/plugin_check.h"
#include "livegate_fixture.h"

using namespace livegate;
using namespace livegate::testing;

namespace {

std::string run(const std::string& command) { return run_command(command); }

// "codec_type=video codec_name=h264 ..." per stream of a media file.
std::string probe_streams(const std::string& path) {
  return run("ffprobe -v error -show_entries stream=codec_type,codec_name,profile,width,height "
             "-of compact=p=0:nk=0 '" + path + "' 2>&1");
}

std::vector<std::string> segments_in(const std::string& playlist) {
  std::vector<std::string> out;
  std::istringstream in(playlist);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Plays the part of the broadcast: keeps the live playlist the pipeline's segments go into.
class Recorder : public streaming::BroadcastPipeline::Listener {
 public:
  explicit Recorder(const std::string& dir) : playlist(dir, 1, 6) { playlist.reset(); }
  void on_pipeline_state(const std::string&, streaming::PipelineState s) override { states.push_back(s); }
  void on_segment(const std::string&, size_t, streaming::PlaylistSegment segment) override {
    if (++segments == 1) first_segment = std::chrono::steady_clock::now();
    playlist.add(std::move(segment));
  }
  streaming::LivePlaylist playlist;
  std::vector<streaming::PipelineState> states;
  int segments = 0;
  std::chrono::steady_clock::time_point first_segment;
};

}  // namespace

TEST(Pipeline, RequiredGStreamerElementsArePresent) {
  auto missing = streaming::missing_elements();
  EXPECT_TRUE(missing.empty()) << "missing: " << (missing.empty() ? "" : missing[0]);
}

TEST(Pipeline, WritesAPlaylistOfH264AacSegments) {
  EventLoop loop;
  const std::string dir = make_temp_dir("livegate-hls");
  Recorder recorder(dir);
  streaming::TestSourceConfig source{.width = 640, .height = 360, .fps = 30,
                                     .video_bitrate_kbps = 800, .title = "Pipeline test 苹果"};
  streaming::HlsOutputConfig output{.dir = dir, .segment_seconds = 1, .ladder = {}, .segment_prefix = "t-"};
  streaming::BroadcastPipeline pipeline(loop, "pipe", source, output, recorder);
  const auto started = std::chrono::steady_clock::now();
  auto result = pipeline.start();
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(loop.run_until([&] { return recorder.segments >= 3; }, std::chrono::seconds(30)));
  const auto first_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            recorder.first_segment - started)
                            .count();
  std::printf("[ figures ] first playable 1 s segment %lld ms after pipeline start\n",
              static_cast<long long>(first_ms));
  EXPECT_EQ(pipeline.state(), streaming::PipelineState::live);
  pipeline.stop();
  recorder.playlist.end();

  const std::string playlist = read_file(dir + "/index.m3u8");
  EXPECT_NE(playlist.find("#EXT-X-PROGRAM-DATE-TIME:"), std::string::npos) << playlist;
  EXPECT_NE(playlist.find("#EXT-X-ENDLIST"), std::string::npos) << playlist;
  EXPECT_NE(playlist.find("#EXTM3U"), std::string::npos);
  EXPECT_NE(playlist.find("#EXT-X-TARGETDURATION:"), std::string::npos) << playlist;
  EXPECT_NE(playlist.find("#EXTINF:1.000,"), std::string::npos) << playlist;  // 1 s GOP = 1 s segment
  auto segments = segments_in(playlist);
  ASSERT_GE(segments.size(), 2u) << playlist;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const std::string streams = probe_streams(dir + "/" + seg);
    EXPECT_NE(streams.find("codec_name=h264"), std::string::npos) << seg << ": " << streams;
    EXPECT_NE(streams.find("codec_name=aac"), std::string::npos) << seg << ": " << streams;
    EXPECT_NE(streams.find("profile=Main"), std::string::npos) << seg << ": " << streams;
    EXPECT_NE(streams.find("width=640"), std::string::npos) << streams;
    // Each segment lasts about one target duration, so players can start and seek on it; the
    // last one was cut short by stop() and may be shorter.
    if (i + 1 == segments.size()) continue;
    const double duration = std::atof(
        run("ffprobe -v error -show_entries format=duration -of csv=p=0 '" + dir + "/" + seg + "'").c_str());
    EXPECT_EQ(run("ffmpeg -v error -i '" + dir + "/" + seg + "' -f null - 2>&1"), "") << seg << " does not decode alone";
    EXPECT_GT(duration, 0.5) << seg;
    EXPECT_LT(duration, 1.6) << seg;
  }
  std::filesystem::remove_all(dir);
}

using ServedHls = LivegateFixture;

TEST_F(ServedHls, LivegateServesThePlaylistAndSegmentsWithTheRightTypes) {
  std::string playlist, headers;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (http_get(server->port(), "/live/orchard/index.m3u8", &playlist, &headers) == 200 &&
        segments_in(playlist).size() >= 2) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  auto segments = segments_in(playlist);
  ASSERT_GE(segments.size(), 2u) << playlist;
  EXPECT_NE(headers.find("content-type: application/vnd.apple.mpegurl"), std::string::npos) << headers;
  EXPECT_NE(headers.find("cache-control: no-cache"), std::string::npos) << headers;

  std::string segment, seg_headers;
  ASSERT_EQ(http_get(server->port(), "/live/orchard/" + segments[0], &segment, &seg_headers), 200);
  EXPECT_NE(seg_headers.find("content-type: video/mp2t"), std::string::npos) << seg_headers;
  const std::string local = make_temp_dir("livegate-seg") + "/seg.ts";
  std::ofstream(local, std::ios::binary) << segment;
  std::shared_ptr<void> cleanup(nullptr, [&](void*) { std::filesystem::remove_all(std::filesystem::path(local).parent_path()); });
  const std::string streams = probe_streams(local);
  EXPECT_NE(streams.find("codec_name=h264"), std::string::npos) << streams;
  EXPECT_NE(streams.find("codec_name=aac"), std::string::npos) << streams;

  // The broadcast reports itself live once media flows.
  std::string body;
  http_get(server->port(), "/api/broadcasts/orchard", &body);
  EXPECT_EQ(nlohmann::json::parse(body)["state"], "live");
}
