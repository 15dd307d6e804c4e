// ABR for real: ffmpeg publishes 640x360 over RTMP into a broadcast with a three-rung ladder;
// ffprobe checks every rung's segments, the master playlist lists them, and the rungs cut their
// segments on the same frames (what lets a player switch between them).

#include <cmath>
#include <map>

#include "ingest_fixture.h"

using namespace livegate::testing;
using nlohmann::json;

namespace {

// The top rung asks for 480 lines of a 360-line source: it must come out at 360 (no upscaling).
// type none: the slate after a drop is encoded into the same rungs, at this size.
const char* kAbrBroadcast = R"(  - id: abr
    title: ABR test
    stream_key: it-stream-key-0123
    source: {type: none, width: 640, height: 360, fps: 15}
    abr: [240p, {name: top, height: 480, video_bitrate_kbps: 600}, {name: low, height: 180, video_bitrate_kbps: 150}]
)";

const std::vector<std::string> kRungs = {"top", "240p", "low"};

class Abr : public IngestFixture {
 protected:
  std::string broadcasts_yaml() const override { return kAbrBroadcast; }

  // ffmpeg: 640x360@15 test pattern + tone, H.264 (1 s GOP) + AAC, in real time.
  ChildProcess& publish_360p(int seconds) {
    publishers.push_back(std::make_unique<ChildProcess>());
    publishers.back()->start({"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                              "testsrc=size=640x360:rate=15", "-f", "lavfi", "-i", "sine=frequency=440", "-t",
                              std::to_string(seconds), "-c:v", "libx264", "-preset", "veryfast", "-tune",
                              "zerolatency", "-g", "15", "-pix_fmt", "yuv420p", "-b:v", "600k", "-c:a", "aac",
                              "-f", "flv", url(kKey)},
                             log_dir + "/ffmpeg-" + std::to_string(publishers.size()) + ".log");
    return *publishers.back();
  }

  std::string get(const std::string& path) const {
    std::string body;
    return http_get(server->port(), path, &body) == 200 ? body : std::string();
  }

  // segment name -> EXTINF duration
  static std::map<std::string, double> durations(const std::string& playlist) {
    std::map<std::string, double> out;
    std::istringstream in(playlist);
    double duration = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("#EXTINF:", 0) == 0) duration = std::atof(line.c_str() + 8);
      if (!line.empty() && line[0] != '#') out[line] = duration;
    }
    return out;
  }

  std::string save(const std::string& rung, const std::string& segment) {
    const std::string file = log_dir + "/" + rung + "-" + segment;
    std::ofstream(file, std::ios::binary) << get("/live/abr/" + rung + "/" + segment);
    return file;
  }
};

}  // namespace

TEST_F(Abr, PublisherIsEncodedIntoAlignedRungsListedInTheMasterPlaylist) {
  const auto started = std::chrono::steady_clock::now();
  ChildProcess& publisher = publish_360p(40);
  ASSERT_TRUE(wait_for(
      [&] {
        for (const auto& r : kRungs) {
          if (segments_in(get("/live/abr/" + r + "/index.m3u8")).size() < 4) return false;
        }
        return !get("/live/abr/master.m3u8").empty();
      },
      std::chrono::seconds(30)));
  std::printf("[ figures ] RTMP publish to 4 segments in each of 3 rungs: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - started).count()));

  // The API points players at the master playlist; it lists the rungs, highest first.
  json api = json::parse(get("/api/broadcasts/abr"));
  EXPECT_EQ(api["hls"], "/live/abr/master.m3u8");
  EXPECT_EQ(api["state"], "live");
  const std::string master = get("/live/abr/master.m3u8");
  EXPECT_EQ(segments_in(master), (std::vector<std::string>{"top/index.m3u8", "240p/index.m3u8", "low/index.m3u8"}))
      << master;
  for (const char* expected : {"RESOLUTION=640x360", "RESOLUTION=426x240", "RESOLUTION=320x180",
                               "AVERAGE-BANDWIDTH=728000", "CODECS=\"avc1.4d40", "FRAME-RATE=15.000"}) {
    EXPECT_NE(master.find(expected), std::string::npos) << expected << " in\n" << master;
  }
  EXPECT_EQ(http_get(server->port(), "/live/abr/index.m3u8"), 404) << "no passthrough playlist beside the ladder";

  // Every rung: H.264 at its height (the top one not upscaled) and the publisher's AAC.
  const std::map<std::string, int> heights = {{"top", 360}, {"240p", 240}, {"low", 180}};
  for (const auto& r : kRungs) {
    const auto segs = segments_in(get("/live/abr/" + r + "/index.m3u8"));
    ASSERT_FALSE(segs.empty()) << r;
    const std::string file = save(r, segs[1]);
    const std::string streams = run("ffprobe -v error -show_entries stream=codec_name,height,profile "
                                    "-of compact=p=0 '" + file + "' 2>&1");
    EXPECT_NE(streams.find("codec_name=h264|profile=Main|height=" + std::to_string(heights.at(r))), std::string::npos)
        << r << ": " << streams;
    EXPECT_NE(streams.find("codec_name=aac"), std::string::npos) << r << ": " << streams;
  }

  // Aligned: the same segments (same names: one pipeline run), the same durations, and each
  // starting with a keyframe at the same timestamp in every rung.
  publisher.stop();  // its EOS ends the run; all rungs close their last segment
  ASSERT_TRUE(wait_for([&] { return state_of("abr") == "reconnecting"; }, std::chrono::seconds(10)));
  std::map<std::string, std::map<std::string, double>> lists;
  for (const auto& r : kRungs) lists[r] = durations(get("/live/abr/" + r + "/index.m3u8"));
  size_t compared = 0;
  for (const auto& [segment, duration] : lists["top"]) {
    if (segment.find("-2-") == std::string::npos && segment.find("-1-") == std::string::npos) continue;
    for (const auto& r : {"240p", "low"}) {
      ASSERT_TRUE(lists[r].contains(segment)) << r << " lacks " << segment;
      EXPECT_NEAR(lists[r][segment], duration, 0.001) << r << " " << segment;
    }
    std::vector<std::string> first_frames;  // "pts_time,flags" of each rung's first video packet
    for (const auto& r : kRungs) {
      std::istringstream out(run("ffprobe -v error -select_streams v -read_intervals %+#1 -show_entries "
                                 "packet=pts_time,flags -of csv=p=0 '" + save(r, segment) + "' 2>&1"));
      std::string line;
      while (std::getline(out, line) && line.empty()) {
      }
      first_frames.push_back(line);
    }
    EXPECT_EQ(first_frames[0], first_frames[1]) << segment;
    EXPECT_EQ(first_frames[0], first_frames[2]) << segment;
    EXPECT_NE(first_frames[0].find(",K"), std::string::npos) << segment << " does not start on a keyframe";
    compared++;
  }
  EXPECT_GE(compared, 4u);
  std::printf("[ figures ] %zu segments compared across 3 rungs: same durations, keyframe-aligned\n", compared);
  // And on the rungs' own keyframe clock: segments of media.segment_seconds (1 s here), all but
  // a run's last. A keyframe asked of the encoders once made them ignore that clock (4 s segments).
  size_t on_time = 0, listed = 0;
  for (const auto& [segment, duration] : lists["top"]) {
    ++listed;
    if (std::abs(duration - 1.0) < 0.15) ++on_time;
  }
  EXPECT_GE(on_time + 2, listed) << "segments of about 1 s: " << on_time << " of " << listed;

  // The slate after the drop runs through the same ladder: a discontinuity in every rung.
  for (const auto& r : kRungs) {
    ASSERT_TRUE(wait_for([&] { return get("/live/abr/" + r + "/index.m3u8").find("#EXT-X-DISCONTINUITY\n") !=
                                      std::string::npos; },
                         std::chrono::seconds(10)))
        << r;
  }
  EXPECT_EQ(segments_in(get("/live/abr/master.m3u8")).size(), 3u);

  // The replay and the thumbnail come from the top rung.
  const auto vod = segments_in(get("/vod/abr/index.m3u8"));
  ASSERT_FALSE(vod.empty());
  const std::string vod_file = log_dir + "/vod.ts";
  std::ofstream(vod_file, std::ios::binary) << get("/vod/abr/" + vod.front());
  EXPECT_NE(run("ffprobe -v error -show_entries stream=height -of csv=p=0 '" + vod_file + "'").find("360"),
            std::string::npos);
  const std::string thumb = get("/live/abr/thumb.jpg");
  ASSERT_GT(thumb.size(), 1000u);
}
