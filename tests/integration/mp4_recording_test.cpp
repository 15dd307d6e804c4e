// MP4 recording end to end: ffmpeg publishes over RTMP, drops, the grace period (3 s in tests)
// ends the broadcast; the MP4 files in <root>/recordings/<id>/ must match the HLS replay, one
// file per source (publisher, then slate). media.record_mp4_minutes is at its default (10).

#include <algorithm>
#include <filesystem>
#include <regex>

#include "ingest_fixture.h"

using namespace livegate::testing;

namespace {

using Mp4Recording = IngestFixture;

// Seconds of media per timeline of an HLS playlist (a new one after each discontinuity).
std::vector<double> timelines(const std::string& playlist) {
  std::vector<double> out{0};
  std::istringstream in(playlist);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#EXT-X-DISCONTINUITY", 0) == 0 && line.find("SEQUENCE") == std::string::npos) {
      out.push_back(0);
    } else if (line.rfind("#EXTINF:", 0) == 0) {
      out.back() += std::atof(line.c_str() + 8);
    }
  }
  return out;
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
        run("ffprobe -v error -show_entries format=duration:stream=codec_name -of csv=p=0 '" +
            files[i] + "' 2>&1");
    const std::string errors = run("ffmpeg -v error -i '" + files[i] + "' -f null - 2>&1");
    const double duration =
        std::atof(probe.substr(probe.rfind('\n', probe.size() - 2) + 1).c_str());
    std::printf("[ figures ] %s: %.3f s as MP4, %.3f s in the HLS replay\n",
                std::filesystem::path(files[i]).filename().c_str(), duration, runs[i]);
    EXPECT_NE(probe.find("h264"), std::string::npos) << probe;
    EXPECT_NE(probe.find("aac"), std::string::npos) << probe;
    EXPECT_NEAR(duration, runs[i], 0.3) << files[i];
    EXPECT_EQ(errors, "") << files[i];
  }
  EXPECT_GE(runs[0], 4.5);  // the publisher's part is the first file
}
