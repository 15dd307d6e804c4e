#include "livegate/streaming/live_playlist.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace livegate::streaming;

namespace {
class LivePlaylistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = (std::filesystem::temp_directory_path() / ("lg-playlist-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  void add(LivePlaylist& p, const std::string& name, double duration = 2.0) {
    std::ofstream(dir + "/" + name) << "ts";
    p.add({name, duration, 1795400000000 + static_cast<int64_t>(count++) * 2000, false});
  }
  std::string file() {
    std::ifstream in(dir + "/index.m3u8");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir;
  int count = 0;
};
}  // namespace

TEST_F(LivePlaylistTest, SlidingWindowCountsMediaSequenceAndDeletesLate) {
  LivePlaylist p(dir, 2, 3, 2);
  p.reset();
  for (int i = 0; i < 7; ++i) add(p, "a-" + std::to_string(i) + ".ts");
  EXPECT_EQ(p.media_sequence(), 4u);
  const std::string text = file();
  EXPECT_NE(text.find("#EXT-X-MEDIA-SEQUENCE:4\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("a-3.ts"), std::string::npos);
  EXPECT_NE(text.find("a-6.ts"), std::string::npos);
  EXPECT_NE(text.find("#EXTINF:2.000,"), std::string::npos);
  EXPECT_NE(text.find("#EXT-X-PROGRAM-DATE-TIME:2026-11-23T"), std::string::npos) << text;
  // Two retired segments stay for late readers; older ones are gone.
  EXPECT_TRUE(std::filesystem::exists(dir + "/a-3.ts"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/a-2.ts"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/a-1.ts"));
}

TEST_F(LivePlaylistTest, SourceChangesAreDiscontinuitiesNotRestarts) {
  LivePlaylist p(dir, 2, 3, 2);
  p.reset();
  p.mark_discontinuity();  // the very first segment needs none
  add(p, "fallback-0.ts");
  add(p, "fallback-1.ts");
  p.mark_discontinuity();
  add(p, "publisher-0.ts");
  std::string text = file();
  EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME"), text.find("#EXT-X-DISCONTINUITY\n"));
  EXPECT_LT(text.find("fallback-1.ts"), text.find("#EXT-X-DISCONTINUITY\n"));
  EXPECT_LT(text.find("#EXT-X-DISCONTINUITY\n"), text.find("publisher-0.ts"));
  add(p, "publisher-1.ts");
  add(p, "publisher-2.ts");
  add(p, "publisher-3.ts");  // the discontinuity slid out: players must be told it happened
  text = file();
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY-SEQUENCE:1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY\n"), std::string::npos);
}

TEST_F(LivePlaylistTest, EndListAndTargetDuration) {
  LivePlaylist p(dir, 2, 6);
  p.reset();
  add(p, "x-0.ts", 2.0);
  add(p, "x-1.ts", 3.4);  // a long GOP from a publisher: TARGETDURATION must cover it
  p.end();
  add(p, "x-2.ts");  // nothing after the end
  const std::string text = file();
  EXPECT_NE(text.find("#EXT-X-TARGETDURATION:3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#EXT-X-ENDLIST\n"), std::string::npos);
  EXPECT_EQ(text.find("x-2.ts"), std::string::npos);
}
