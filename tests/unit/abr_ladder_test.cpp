#include "livegate/streaming/abr_ladder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "livegate/streaming/live_output.h"

using namespace livegate::streaming;

TEST(AbrLadder, RungSizesFollowTheSourceAspectAndNeverUpscale) {
  auto size = [](int w, int h, int par_n, int par_d, int target) {
    const Size s = scaled_size(w, h, par_n, par_d, target);
    return std::to_string(s.width) + "x" + std::to_string(s.height);
  };
  EXPECT_EQ(size(1920, 1080, 1, 1, 720), "1280x720");
  EXPECT_EQ(size(1920, 1080, 1, 1, 480), "854x480");   // 853.3, rounded to even
  EXPECT_EQ(size(1920, 1080, 1, 1, 360), "640x360");
  EXPECT_EQ(size(640, 360, 1, 1, 240), "426x240");     // 426.7 -> 426 (even)
  EXPECT_EQ(size(640, 360, 1, 1, 1080), "640x360");    // no upscaling
  EXPECT_EQ(size(1080, 1920, 1, 1, 720), "406x720");   // portrait phone video
  EXPECT_EQ(size(720, 576, 16, 15, 576), "768x576");   // anamorphic PAL SD: square pixels out
  EXPECT_EQ(size(641, 361, 1, 1, 720), "640x360");     // odd source: even rung
  EXPECT_EQ(size(0, 0, 1, 1, 720), "0x0");
}

TEST(AbrLadder, CodecStringsFromCapsNames) {
  EXPECT_EQ(avc_codecs("main", "3.1"), "avc1.4d401f,mp4a.40.2");
  EXPECT_EQ(avc_codecs("main", "4"), "avc1.4d4028,mp4a.40.2");
  EXPECT_EQ(avc_codecs("high", "4.1"), "avc1.640029,mp4a.40.2");
  EXPECT_EQ(avc_codecs("constrained-baseline", "3"), "avc1.42c01e,mp4a.40.2");
  EXPECT_EQ(avc_codecs("main", ""), "avc1.4d401f,mp4a.40.2");
}

TEST(AbrLadder, Presets) {
  EXPECT_EQ(rendition_preset("720p"), (Rendition{"720p", 720, 2800}));
  EXPECT_FALSE(rendition_preset("720"));
}

TEST(AbrLadder, MasterPlaylistListsEveryRungWithBandwidthResolutionCodecsAndRate) {
  const std::vector<Rendition> ladder = {{"720p", 720, 2800}, {"360p", 360, 800}};
  const std::vector<RenditionFormat> formats = {{1280, 720, 30, 1, "avc1.4d401f,mp4a.40.2"},
                                                {640, 360, 30000, 1001, "avc1.4d401e,mp4a.40.2"}};
  // 2 s segments, 600 ms VBV: peak video 1.3x the target.
  EXPECT_EQ(render_master_playlist(ladder, formats, 128, 2),
            "#EXTM3U\n"
            "#EXT-X-VERSION:3\n"
            "#EXT-X-INDEPENDENT-SEGMENTS\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=3768000,AVERAGE-BANDWIDTH=2928000,RESOLUTION=1280x720,"
            "CODECS=\"avc1.4d401f,mp4a.40.2\",FRAME-RATE=30.000\n"
            "720p/index.m3u8\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=1168000,AVERAGE-BANDWIDTH=928000,RESOLUTION=640x360,"
            "CODECS=\"avc1.4d401e,mp4a.40.2\",FRAME-RATE=29.970\n"
            "360p/index.m3u8\n");
  // A variable-rate source has no FRAME-RATE to state.
  const std::string vfr = render_master_playlist({ladder[1]}, {{640, 360, 0, 1, "avc1.4d401e,mp4a.40.2"}}, 128, 2);
  EXPECT_EQ(vfr.find("FRAME-RATE"), std::string::npos) << vfr;
}

namespace {
class LiveOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = (std::filesystem::temp_directory_path() / ("lg-output-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void segment(LiveOutput& out, size_t rung, const std::string& name) {
    std::ofstream(out.segment_dir(rung) + "/" + name) << "ts";
    out.add(rung, {name, 2.0, 1795400000000, false});
  }
  std::string dir;
};
}  // namespace

TEST_F(LiveOutputTest, WithoutALadderItIsThePassthroughLayout) {
  LiveOutput out(dir, 2, 3, 2);
  out.reset();
  EXPECT_FALSE(out.abr());
  EXPECT_EQ(out.segment_dir(0), dir);
  segment(out, 0, "a.ts");
  EXPECT_NE(read(dir + "/index.m3u8").find("a.ts"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out.master_path()));
}

TEST_F(LiveOutputTest, ARungPerFolderAndAMasterOnceEveryRungIsKnown) {
  std::ofstream(dir + "/index.m3u8") << "#EXTM3U\n";  // left by an earlier passthrough run
  std::ofstream(dir + "/old.ts") << "ts";
  LiveOutput out(dir, 2, 3, 2, {{"360p", 360, 800}, {"180p", 180, 250}}, 128);
  out.reset();
  EXPECT_FALSE(std::filesystem::exists(dir + "/index.m3u8"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/old.ts"));
  EXPECT_EQ(out.segment_dir(1), dir + "/180p");

  out.set_format(0, {640, 360, 15, 1, "avc1.4d401e,mp4a.40.2"});
  EXPECT_FALSE(std::filesystem::exists(out.master_path())) << "a partial ladder must not be published";
  out.set_format(1, {320, 180, 15, 1, "avc1.4d400d,mp4a.40.2"});
  const std::string master = read(out.master_path());
  EXPECT_NE(master.find("RESOLUTION=640x360"), std::string::npos) << master;
  EXPECT_NE(master.find("180p/index.m3u8"), std::string::npos) << master;

  segment(out, 0, "a0.ts");
  segment(out, 1, "a0.ts");
  out.mark_discontinuity();  // a new source: every rung's next segment says so
  segment(out, 0, "b0.ts");
  segment(out, 1, "b0.ts");
  for (const char* rung : {"/360p", "/180p"}) {
    const std::string p = read(dir + rung + "/index.m3u8");
    EXPECT_NE(p.find("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-11-23T02:13:20.000Z\n#EXTINF:2.000,\nb0.ts"),
              std::string::npos) << p;
  }
  EXPECT_EQ(out.segments().size(), 2u);  // the top rung's
  out.end();
  EXPECT_TRUE(out.ended());
  EXPECT_NE(read(dir + "/180p/index.m3u8").find("#EXT-X-ENDLIST"), std::string::npos);
}
