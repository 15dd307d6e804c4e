// Mp4Recorder with real segments: ffmpeg cuts H.264 (with B-frames) + AAC into 1 s MPEG-TS
// segments like the live ones, the recorder remuxes them, ffprobe and ffmpeg judge the MP4s.
// ffprobe's duration of a file includes the B-frame delay (2 frames, 0.133 s): the first frame
// is shown at its pts, as in the TS; the tolerance of 0.3 s covers it.

#include "livegate/streaming/mp4_recorder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "processes.h"

namespace livegate::testing {
namespace {

using streaming::Mp4Recorder;

std::string shell(const std::string& command) { return livegate::testing::run_command(command); }

struct SegmentFile {
  std::string path;
  double duration = 0;
};

// Cuts `seconds` of a test pattern and a tone into 1 s TS segments; durations from ffmpeg's list.
std::vector<SegmentFile> make_segments(const std::string& dir, const std::string& size,
                                       int seconds) {
  std::filesystem::create_directories(dir);
  shell("cd '" + dir + "' && ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc=size=" + size +
        ":rate=15 -f lavfi -i sine=frequency=440 -t " + std::to_string(seconds) +
        " -c:v libx264 -preset veryfast -g 15 -pix_fmt yuv420p -c:a aac -f segment -segment_time 1"
        " -segment_format mpegts -segment_list list.csv -segment_list_type csv seg%03d.ts 2>&1");
  std::vector<SegmentFile> out;
  std::ifstream list(dir + "/list.csv");
  for (std::string line; std::getline(list, line);) {
    std::istringstream fields(line);
    std::string name, start, end;
    std::getline(fields, name, ',');
    std::getline(fields, start, ',');
    std::getline(fields, end, ',');
    out.push_back({dir + "/" + name, std::stod(end) - std::stod(start)});
  }
  return out;
}

struct Probe {
  double duration = 0;
  std::string video, audio;
  int width = 0;
  long video_frames = 0;
  std::string decode_errors;
};

Probe probe(const std::string& file) {
  Probe p;
  auto j = nlohmann::json::parse(shell("ffprobe -v error -count_frames -show_entries "
                                       "format=duration:stream=codec_type,codec_name,"
                                       "width,nb_read_frames -of json '" +
                                       file + "'"),
                                 nullptr, false);
  if (!j.is_object()) return p;
  p.duration = std::stod(j["format"].value("duration", "0"));
  for (auto& s : j["streams"]) {
    if (s["codec_type"] == "video") {
      p.video = s["codec_name"];
      p.width = s.value("width", 0);
      p.video_frames = std::stol(s.value("nb_read_frames", "0"));
    } else if (s["codec_type"] == "audio") {
      p.audio = s["codec_name"];
    }
  }
  p.decode_errors = shell("ffmpeg -v error -i '" + file + "' -f null - 2>&1");
  return p;
}

double total(const std::vector<SegmentFile>& segs, size_t from = 0, size_t to = SIZE_MAX) {
  double sum = 0;
  for (size_t i = from; i < std::min(to, segs.size()); ++i) sum += segs[i].duration;
  return sum;
}

class Mp4RecorderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    media_ = new std::string(make_temp_dir("livegate-mp4-media"));
    small_ = new std::vector<SegmentFile>(make_segments(*media_ + "/small", "320x180", 6));
    large_ = new std::vector<SegmentFile>(make_segments(*media_ + "/large", "640x360", 3));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*media_);
    delete media_;
    delete small_;
    delete large_;
  }
  void SetUp() override {
    ASSERT_EQ(small_->size(), 6u);
    ASSERT_EQ(large_->size(), 3u);
    dir_ = make_temp_dir("livegate-mp4-out");
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  static std::string* media_;
  static std::vector<SegmentFile>* small_;
  static std::vector<SegmentFile>* large_;
  std::string dir_;
};
std::string* Mp4RecorderTest::media_ = nullptr;
std::vector<SegmentFile>* Mp4RecorderTest::small_ = nullptr;
std::vector<SegmentFile>* Mp4RecorderTest::large_ = nullptr;

TEST_F(Mp4RecorderTest, SegmentsBecomeOnePlayableMp4) {
  std::vector<std::string> files;
  {
    Mp4Recorder rec(dir_, "b1", std::chrono::seconds(600));
    for (const auto& s : *small_) rec.add_segment(s.path, s.duration);
    rec.finish();
    rec.drain();
    files = rec.finished_files();
  }
  ASSERT_EQ(files.size(), 1u);
  const std::string name = std::filesystem::path(files[0]).filename();
  EXPECT_EQ(name.rfind("b1-", 0), 0u) << name;
  EXPECT_EQ(name.substr(name.size() - 6), "-1.mp4") << name;
  EXPECT_EQ(name.size(), std::string("b1-20250101-120000-1.mp4").size()) << name;
  const Probe p = probe(files[0]);
  std::printf("[ figures ] %zu segments, %.3f s of TS -> MP4 %.3f s, %ld video frames\n",
              small_->size(), total(*small_), p.duration, p.video_frames);
  EXPECT_EQ(p.video, "h264");
  EXPECT_EQ(p.audio, "aac");
  EXPECT_NEAR(p.duration, total(*small_), 0.3);
  EXPECT_EQ(p.video_frames, 90);  // 6 s at 15 fps: every frame made it
  EXPECT_EQ(p.decode_errors, "");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/.spool"));  // every link was removed
}

TEST_F(Mp4RecorderTest, PlayableWhileBeingWritten) {
  Mp4Recorder rec(dir_, "b1", std::chrono::seconds(600));
  for (size_t i = 0; i < 3; ++i) rec.add_segment((*small_)[i].path, (*small_)[i].duration);
  rec.drain();  // written and flushed, not finished: as after a crash
  std::vector<std::filesystem::path> mp4s;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    if (e.path().extension() == ".mp4") mp4s.push_back(e.path());
  }
  ASSERT_EQ(mp4s.size(), 1u);
  EXPECT_TRUE(rec.finished_files().empty());
  const Probe p = probe(mp4s[0]);
  std::printf("[ figures ] open file after 3 segments (%.3f s): %.3f s readable\n",
              total(*small_, 0, 3), p.duration);
  EXPECT_EQ(p.video, "h264");
  EXPECT_NEAR(p.duration, total(*small_, 0, 3), 0.3);
  EXPECT_EQ(p.decode_errors, "");
}

TEST_F(Mp4RecorderTest, SplitsEveryFewSecondsOfMedia) {
  Mp4Recorder rec(dir_, "b1", std::chrono::seconds(2));
  for (const auto& s : *small_) rec.add_segment(s.path, s.duration);
  rec.finish();
  rec.drain();
  const auto files = rec.finished_files();
  ASSERT_EQ(files.size(), 3u);
  double sum = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const Probe p = probe(files[i]);
    std::printf("[ figures ] split file %zu: %.3f s\n", i + 1, p.duration);
    EXPECT_NEAR(p.duration, total(*small_, 2 * i, 2 * i + 2), 0.3) << files[i];
    EXPECT_EQ(p.audio, "aac");
    EXPECT_EQ(p.decode_errors, "") << files[i];
    EXPECT_NE(files[i].find("-" + std::to_string(i + 1) + ".mp4"), std::string::npos) << files[i];
    sum += p.duration;
  }
  EXPECT_NEAR(sum, total(*small_), 0.3);
}

TEST_F(Mp4RecorderTest, DiscontinuityStartsANewFileWithTheNewParameters) {
  Mp4Recorder rec(dir_, "b1", std::chrono::seconds(600));
  for (size_t i = 0; i < 3; ++i) rec.add_segment((*small_)[i].path, (*small_)[i].duration);
  rec.discontinuity();
  for (const auto& s : *large_) rec.add_segment(s.path, s.duration);
  rec.finish();
  rec.drain();
  const auto files = rec.finished_files();
  ASSERT_EQ(files.size(), 2u);
  const Probe a = probe(files[0]), b = probe(files[1]);
  EXPECT_EQ(a.width, 320);
  EXPECT_EQ(b.width, 640);
  EXPECT_NEAR(a.duration, total(*small_, 0, 3), 0.3);
  EXPECT_NEAR(b.duration, total(*large_), 0.3);
  EXPECT_EQ(a.decode_errors + b.decode_errors, "");
}

TEST_F(Mp4RecorderTest, CodecChangeWithoutDiscontinuityStillStartsANewFile) {
  Mp4Recorder rec(dir_, "b1", std::chrono::seconds(600));
  for (size_t i = 0; i < 3; ++i) rec.add_segment((*small_)[i].path, (*small_)[i].duration);
  for (const auto& s : *large_) rec.add_segment(s.path, s.duration);
  rec.finish();
  rec.drain();
  const auto files = rec.finished_files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(probe(files[0]).width, 320);
  const Probe b = probe(files[1]);
  EXPECT_EQ(b.width, 640);
  EXPECT_EQ(b.decode_errors, "");
}

TEST_F(Mp4RecorderTest, GarbageAndTruncatedSegmentsAreSkipped) {
  const std::string garbage = dir_ + "-garbage.ts";
  {
    std::ofstream out(garbage, std::ios::binary);
    for (int i = 0; i < 50000; ++i) out.put(static_cast<char>((i * 7919) & 0xff));
  }
  const std::string truncated = dir_ + "-truncated.ts";
  std::filesystem::copy_file((*small_)[3].path, truncated);
  std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) / 5);
  const std::string missing = dir_ + "-missing.ts";

  Mp4Recorder rec(dir_, "b1", std::chrono::seconds(600));
  const auto& s = *small_;
  rec.add_segment(s[0].path, s[0].duration);
  rec.add_segment(s[1].path, s[1].duration);
  rec.add_segment(garbage, 1.0);
  rec.add_segment(s[2].path, s[2].duration);
  rec.add_segment(truncated, s[3].duration);
  rec.add_segment(missing, 1.0);
  rec.add_segment(s[4].path, s[4].duration);
  rec.add_segment(s[5].path, s[5].duration);
  rec.finish();
  rec.drain();
  const auto files = rec.finished_files();
  ASSERT_EQ(files.size(), 3u);  // each bad segment cuts the file; nothing good is lost
  const double expected[] = {total(s, 0, 2), total(s, 2, 3), total(s, 4, 6)};
  for (size_t i = 0; i < files.size(); ++i) {
    const Probe p = probe(files[i]);
    std::printf("[ figures ] after bad segments, file %zu: %.3f s (expected %.3f)\n", i + 1,
                p.duration, expected[i]);
    EXPECT_NEAR(p.duration, expected[i], 0.3) << files[i];
    EXPECT_EQ(p.decode_errors, "") << files[i];
  }
  std::filesystem::remove(garbage);
  std::filesystem::remove(truncated);
}

TEST_F(Mp4RecorderTest, AFullQueueDropsAndCutsInsteadOfBlocking) {
  Mp4Recorder rec(dir_, "b1", std::chrono::seconds(600), /*max_queue=*/1);
  const auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < 3; ++round) {
    for (const auto& s : *small_) rec.add_segment(s.path, s.duration);
  }
  const auto queued_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
  rec.finish();
  rec.drain();
  const auto files = rec.finished_files();
  std::printf("[ figures ] 18 segments queued in %lld ms into a queue of 1: %zu files\n",
              static_cast<long long>(queued_ms), files.size());
  EXPECT_LT(queued_ms, 200);
  ASSERT_GE(files.size(), 1u);
  for (const auto& f : files) EXPECT_EQ(probe(f).decode_errors, "") << f;
}

TEST_F(Mp4RecorderTest, DestructorFinishesTheFile) {
  {
    Mp4Recorder rec(dir_, "b1", std::chrono::seconds(600));
    for (const auto& s : *small_) rec.add_segment(s.path, s.duration);
  }  // no finish(), no drain(): the destructor writes everything and closes
  std::vector<std::filesystem::path> mp4s;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    if (e.path().extension() == ".mp4") mp4s.push_back(e.path());
  }
  ASSERT_EQ(mp4s.size(), 1u);
  EXPECT_NEAR(probe(mp4s[0]).duration, total(*small_), 0.3);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/.spool"));
}

}  // namespace
}  // namespace livegate::testing
