// MP4 recording end to end: ffmpeg publishes over RTMP, drops, the grace period (3 s in tests)
// ends the broadcast; the MP4 files in <root>/recordings/<id>/ must match the HLS replay, one
// file per source (publisher, then slate). media.record_mp4_minutes is at its default (10).

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

#include "ingest_fixture.h"

using namespace livegate::testing;

namespace {

using Mp4Recording = IngestFixture;

// One timeline of an HLS playlist (a new one after each discontinuity): the sum of its EXTINF
// values and its segment URIs.
struct Timeline {
  double extinf = 0;
  std::vector<std::string> segments;
};

std::vector<Timeline> timelines(const std::string& playlist) {
  std::vector<Timeline> out(1);
  std::istringstream in(playlist);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#EXT-X-DISCONTINUITY", 0) == 0 && line.find("SEQUENCE") == std::string::npos) {
      out.emplace_back();
    } else if (line.rfind("#EXTINF:", 0) == 0) {
      out.back().extinf += std::atof(line.c_str() + 8);
    } else if (!line.empty() && line[0] != '#') {
      out.back().segments.push_back(line);
    }
  }
  return out;
}

// A media file's timeline over all its streams, in seconds: the earliest start and the latest
// end (start + duration) of any stream.
struct Span {
  double start = 1e18, end = -1e18;
  double length() const { return end - start; }
};
Span media_span(const std::string& path) {
  const std::string out = run("ffprobe -v error -show_entries stream=start_time,duration -of csv=p=0 '" + path +
                              "' 2>&1");
  Span span;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    double start = 0, duration = 0;
    if (std::sscanf(line.c_str(), "%lf,%lf", &start, &duration) != 2) continue;
    span.start = std::min(span.start, start);
    span.end = std::max(span.end, start + duration);
  }
  return span;
}

// The MP4s of a broadcast in the order they were started (by the -<n>.mp4 counter).
std::vector<std::string> mp4_files(const std::string& dir) {
  std::vector<std::pair<int, std::string>> found;
  const std::regex name(R"(ingest-\d{8}-\d{6}-(\d+)\.mp4)");
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::smatch m;
    const std::string file = e.path().filename();
    if (std::regex_match(file, m, name)) found.emplace_back(std::stoi(m[1]), e.path());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [n, path] : found) out.push_back(path);
  return out;
}

}  // namespace

TEST_F(Mp4Recording, PublishDropEndLeavesMp4sMatchingTheReplay) {
  ChildProcess& publisher = publish(kKey, 60);
  std::string vod;
  ASSERT_TRUE(wait_for(
      [&] {
        return http_get(server->port(), "/vod/ingest/index.m3u8", &vod) == 200 &&
               segments_in(vod).size() >= 5;
      },
      std::chrono::seconds(30)));
  publisher.kill_hard();
  ASSERT_TRUE(wait_for([&] { return state_of("ingest") == "ended"; }, std::chrono::seconds(20)));
  ASSERT_TRUE(wait_log("(broadcast ended)", std::chrono::seconds(10)));  // the last file is closed

  ASSERT_EQ(http_get(server->port(), "/vod/ingest/index.m3u8", &vod), 200);
  const auto runs = timelines(vod);
  const auto files = mp4_files(server->media_root() + "/recordings/ingest");
  ASSERT_EQ(files.size(), runs.size()) << vod;  // publisher, then slate: one file each
  ASSERT_EQ(files.size(), 2u) << vod;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string probe =
        run("ffprobe -v error -show_entries stream=codec_name -of csv=p=0 '" + files[i] + "' 2>&1");
    const std::string errors = run("ffmpeg -v error -i '" + files[i] + "' -f null - 2>&1");
    // The replay's own media: from the first segment's earliest timestamp (audio or video) to
    // the last segment's latest end, the span the MP4 remuxed from those segments covers. Both
    // streams count: the MP4 starts both tracks at the earlier of the two, so when the video
    // starts after the audio (the slate's does, by a frame on a quick machine and by up to
    // 0.25 s under ASan) its first frame is stretched back over that lead. (A sum of durations, EXTINF or probed, leaves
    // out the gaps a loaded encoder leaves between frames, which the MP4's timeline keeps; it is
    // printed, not compared.)
    ASSERT_FALSE(runs[i].segments.empty());
    const std::string dir = server->media_root() + "/vod/ingest/";
    const double replay = media_span(dir + runs[i].segments.back()).end - media_span(dir + runs[i].segments.front()).start;
    const double duration = media_span(files[i]).length();
    std::printf("[ figures ] %s: %.3f s as MP4, %.3f s in the HLS replay's segments (EXTINF %.3f s)\n",
                std::filesystem::path(files[i]).filename().c_str(), duration, replay, runs[i].extinf);
    EXPECT_NE(probe.find("h264"), std::string::npos) << probe;
    EXPECT_NE(probe.find("aac"), std::string::npos) << probe;
    // Within two video frames (ffprobe estimates the duration of a TS segment's last packet).
    EXPECT_NEAR(duration, replay, 0.1) << files[i];
    EXPECT_EQ(errors, "") << files[i];
  }
  EXPECT_GE(runs[0].extinf, 4.5);  // the publisher's part is the first file
}
