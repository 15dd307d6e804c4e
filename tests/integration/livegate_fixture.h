#pragma once
// A real redis-server and a real livegate process with one small test broadcast.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>

#include "processes.h"
#include "ws_client.h"

namespace livegate::testing {

inline const char* kTestBroadcast = R"(  - id: orchard
    title: Orchard test sale
    seller: Test Orchard
    source: {type: test, width: 320, height: 180, fps: 15, video_bitrate_kbps: 300}
    products:
      - {sku: honeycrisp-10lb, title: Honeycrisp 10 lb, price_cents: 3499, stock: 20, max_per_order: 5}
      - {sku: gala-crate, title: Gala crate, price_cents: 4999, stock: 1, max_per_order: 2}
)";

// Helpers for reading what a viewer receives; free functions so every fixture can use them.
// The next frame of the given type (frames of other types are skipped).
inline nlohmann::json next_of_type(WsClient& c, const std::string& type,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto m = c.receive_until(
      [&](const std::string& text) {
        auto j = nlohmann::json::parse(text, nullptr, false);
        return j.is_object() && j.value("type", "") == type;
      },
      timeout);
  return m ? nlohmann::json::parse(*m) : nlohmann::json();
}

// The next n batched events of the given type, however they were split into batches.
inline std::vector<nlohmann::json> collect_events(WsClient& c, const std::string& type, size_t n,
                                                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  std::vector<nlohmann::json> found;
  c.receive_until(
      [&](const std::string& text) {
        auto j = nlohmann::json::parse(text, nullptr, false);
        if (!j.is_object() || j.value("type", "") != "batch") return false;
        for (auto& e : j["events"]) {
          if (e.value("type", "") == type) found.push_back(e);
        }
        return found.size() >= n;
      },
      timeout);
  return found;
}

// The next batched event of the given type (null when none came in time).
inline nlohmann::json next_event(WsClient& c, const std::string& type,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto found = collect_events(c, type, 1, timeout);
  return found.empty() ? nlohmann::json() : found.front();
}

class LivegateFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis.start());
    server = std::make_unique<LivegateServer>(redis.port(), kTestBroadcast);
    ASSERT_TRUE(server->start()) << server->log();
  }
  void TearDown() override {
    if (HasFailure()) std::fprintf(stderr, "--- livegate log ---\n%s\n", server->log().c_str());
    server->stop();
  }

  // A viewer that said hello and got its welcome.
  std::unique_ptr<WsClient> viewer(const std::string& name, nlohmann::json* welcome = nullptr,
                                   const std::string& resume_from = {}) {
    auto c = std::make_unique<WsClient>();
    EXPECT_TRUE(c->connect(server->port(), "/ws/orchard")) << c->error();
    nlohmann::json hello = {{"type", "hello"}, {"name", name}};
    if (!resume_from.empty()) hello["resume_from"] = resume_from;
    c->send_text(hello.dump());
    auto w = next_of_type(*c, "welcome");
    EXPECT_FALSE(w.is_null()) << name << " got no welcome";
    if (welcome) *welcome = w;
    return c;
  }

  RedisServer redis;
  std::unique_ptr<LivegateServer> server;
};

}  // namespace livegate::testing
