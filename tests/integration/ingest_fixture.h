#pragma once
// A real redis-server, a real livegate with one broadcast that waits for a publisher, and ffmpeg
// as the publisher: what the ingest tests share.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <thread>

#include "livegate_fixture.h"

namespace livegate::testing {

inline constexpr const char* kKey = "it-stream-key-0123";

inline const char* kRtmpBroadcast = R"(  - id: ingest
    title: Ingest test
    stream_key: it-stream-key-0123
    source: {type: none}
)";

inline std::string run(const std::string& command) { return run_command(command); }

inline std::vector<std::string> segments_in(const std::string& playlist) {
  std::vector<std::string> out;
  std::istringstream in(playlist);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

inline int connect_port(int port) { return connect_loopback(port, std::chrono::seconds(5)); }

// Reads until the server closes; true if it closed within the receive timeout.
inline bool server_closes(int fd) {
  char buf[8192];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
}

class IngestFixture : public ::testing::Test {
 protected:
  virtual std::string broadcasts_yaml() const { return kRtmpBroadcast; }
  virtual std::string extra_yaml() const { return {}; }

  void SetUp() override {
    ASSERT_TRUE(redis.start());
    server = std::make_unique<LivegateServer>(redis.port(), broadcasts_yaml(), extra_yaml());
    ASSERT_TRUE(server->start()) << server->log();
    log_dir = make_temp_dir("livegate-ffmpeg");
  }
  void TearDown() override {
    if (HasFailure()) std::fprintf(stderr, "--- livegate log ---\n%s\n", server->log().c_str());
    for (auto& p : publishers) p->stop();
    server->stop();
    std::filesystem::remove_all(log_dir);
  }

  std::string url(const std::string& key) const {
    return "rtmp://127.0.0.1:" + std::to_string(server->rtmp_port()) + "/live/" + key;
  }

  // ffmpeg publishing a 320x180@15 test pattern with a tone, H.264 + AAC, in real time (no tone,
  // no audio track at all, with with_audio false).
  ChildProcess& publish(const std::string& key, int seconds, const std::string& video_codec = "libx264",
                        bool with_audio = true) {
    publishers.push_back(std::make_unique<ChildProcess>());
    std::vector<std::string> argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                                     "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15"};
    if (with_audio) {
      for (const char* a : {"-f", "lavfi", "-i", "sine=frequency=440"}) argv.push_back(a);
    }
    for (const std::string& a : {std::string("-t"), std::to_string(seconds), std::string("-c:v"), video_codec}) {
      argv.push_back(a);
    }
    if (video_codec == "libx264") {
      for (const char* a : {"-preset", "veryfast", "-tune", "zerolatency", "-g", "15", "-pix_fmt", "yuv420p"}) argv.push_back(a);
    }
    for (const char* a : {"-c:a", "aac"}) if (with_audio) argv.push_back(a);
    for (const char* a : {"-f", "flv"}) argv.push_back(a);
    argv.push_back(url(key));
    publishers.back()->start(argv, log_dir + "/ffmpeg-" + std::to_string(publishers.size()) + ".log");
    return *publishers.back();
  }

  std::string state_of(const std::string& id) const {
    std::string body;
    http_get(server->port(), "/api/broadcasts/" + id, &body);
    auto j = nlohmann::json::parse(body, nullptr, false);
    return j.is_object() ? j.value("state", "") : "";
  }

  std::string playlist_of(const std::string& id) const {
    std::string body;
    http_get(server->port(), "/live/" + id + "/index.m3u8", &body);
    return body;
  }

  static bool wait_for(const std::function<bool()>& pred, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // Once broadcast `id` lists two segments (within `timeout`), its first one saved as
  // log_dir/<name>; empty (and a test failure) if it did not get there.
  std::string first_of_two_segments(const std::string& id, const std::string& name, std::chrono::seconds timeout) {
    std::string playlist;
    wait_for([&] { return segments_in(playlist = playlist_of(id)).size() >= 2; }, timeout);
    const auto segments = segments_in(playlist);
    std::string segment;
    if (segments.size() < 2 || http_get(server->port(), "/live/" + id + "/" + segments[0], &segment) != 200) {
      ADD_FAILURE() << "no two segments of " << id << " within " << timeout.count() << " s:\n" << playlist;
      return {};
    }
    const std::string file = log_dir + "/" + name;
    std::ofstream(file, std::ios::binary) << segment;
    return file;
  }

  bool wait_log(const std::string& needle, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (server->log().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  RedisServer redis;
  std::unique_ptr<LivegateServer> server;
  std::vector<std::unique_ptr<ChildProcess>> publishers;
  std::string log_dir;
};

}  // namespace livegate::testing
