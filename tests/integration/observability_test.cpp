// GET /metrics and GET /readyz of a real livegate with a real redis-server: the figures move
// when a viewer connects, chats and buys, the text is Prometheus exposition format, and
// readiness follows Redis going away and coming back while liveness (/healthz) stays up.

#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "livegate_fixture.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// "name{labels}" -> value of every sample; fails the test on a line that is not exposition format.
std::map<std::string, double> parse_exposition(const std::string& text) {
  static const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (\S+)( -?\d+)?$)");
  static const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      EXPECT_TRUE(std::regex_match(line, comment)) << "bad comment line: " << line;
      continue;
    }
    std::smatch m;
    if (!std::regex_match(line, m, sample)) {
      ADD_FAILURE() << "not a sample line: " << line;
      continue;
    }
    const std::string value = m[5].str();
    double v = 0;
    if (value == "+Inf") {
      v = std::numeric_limits<double>::infinity();
    } else if (value == "-Inf") {
      v = -std::numeric_limits<double>::infinity();
    } else if (value == "NaN") {
      v = std::numeric_limits<double>::quiet_NaN();
    } else {
      size_t used = 0;
      v = std::stod(value, &used);
      EXPECT_EQ(used, value.size()) << "bad value in: " << line;
    }
    out[m[1].str() + m[2].str()] = v;
  }
  return out;
}

class Observability : public LivegateFixture {
 protected:
  std::map<std::string, double> scrape(std::string* headers = nullptr) {
    std::string body;
    EXPECT_EQ(http_get(server->port(), "/metrics", &body, headers), 200);
    return parse_exposition(body);
  }

  // /readyz until it answers `status` (or the time is up); returns the last status and body.
  std::pair<int, json> readyz_until(int status, std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::pair<int, json> last;
    do {
      std::string body;
      last.first = http_get(server->port(), "/readyz", &body);
      last.second = json::parse(body, nullptr, false);
      if (last.first == status) break;
      std::this_thread::sleep_for(100ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return last;
  }
};

}  // namespace

TEST_F(Observability, MetricsMoveWhenAViewerChatsAndBuys) {
  std::string headers;
  auto before = scrape(&headers);
  EXPECT_NE(headers.find("text/plain; version=0.0.4"), std::string::npos) << headers;
  // Every bounded series is there from the start, at zero.
  for (const char* result : {"ok", "duplicate", "sold_out", "limit", "invalid", "failed"}) {
    const std::string key = std::string("livegate_orders_total{result=\"") + result + "\"}";
    ASSERT_TRUE(before.contains(key)) << key;
    EXPECT_EQ(before[key], 0) << key;
  }
  EXPECT_EQ(before["livegate_chat_rooms"], 1);
  EXPECT_EQ(before["livegate_ws_connections"], 0);
  EXPECT_GT(before["livegate_redis_command_duration_seconds_count"], 0);  // catalog seeded at start

  auto ann = viewer("Ann");
  ann->send_text(R"({"type":"chat","text":"is the \"Gala\" crate fresh?"})");
  EXPECT_EQ(next_event(*ann, "chat")["text"], "is the \"Gala\" crate fresh?");
  ann->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":1,"key":"metrics-1"})");
  EXPECT_EQ(next_of_type(*ann, "order")["status"], "ok");
  ann->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":1,"key":"metrics-1"})");
  EXPECT_EQ(next_of_type(*ann, "order")["status"], "duplicate");
  ann->send_text(R"({"type":"buy","sku":"gala-crate","qty":2,"key":"metrics-2"})");
  EXPECT_FALSE(next_of_type(*ann, "order")["status"].is_null());  // sold out: stock 1

  auto after = scrape();
  EXPECT_EQ(after["livegate_ws_connections"], 1);
  EXPECT_GE(after["livegate_chat_messages_received_total"] - before["livegate_chat_messages_received_total"], 5)
      << "hello, chat and three buys";
  EXPECT_GE(after["livegate_chat_frames_sent_total"] - before["livegate_chat_frames_sent_total"], 5)
      << "welcome, a batch and three orders";
  EXPECT_EQ(after["livegate_orders_total{result=\"ok\"}"], 1);
  EXPECT_EQ(after["livegate_orders_total{result=\"duplicate\"}"], 1);
  EXPECT_EQ(after["livegate_orders_total{result=\"sold_out\"}"], 1);
  EXPECT_GE(after["livegate_buy_batch_size_count"], 3);
  EXPECT_GE(after["livegate_chat_batch_events_count"], 1);
  EXPECT_GT(after["livegate_redis_command_duration_seconds_count"],
            before["livegate_redis_command_duration_seconds_count"]);
  EXPECT_GE(after["livegate_http_requests_total{code=\"2xx\"}"], 1);  // the first scrape
  EXPECT_EQ(after["livegate_chat_slow_consumers_closed_total"], 0);

  std::string body;
  EXPECT_EQ(http_get(server->port(), "/api/broadcasts/nope", &body), 404);
  EXPECT_EQ(scrape()["livegate_http_requests_total{code=\"4xx\"}"], 1);

  ann->close();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (scrape()["livegate_ws_connections"] != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(scrape()["livegate_ws_connections"], 0);
}

TEST_F(Observability, ReadyzFollowsRedisWhileHealthzStaysUp) {
  auto [ready, body] = readyz_until(200);
  ASSERT_EQ(ready, 200) << body.dump();
  EXPECT_EQ(body["status"], "ready");

  redis.stop();
  auto [down, why] = readyz_until(503);
  ASSERT_EQ(down, 503) << why.dump();
  EXPECT_EQ(why["status"], "not_ready");
  EXPECT_NE(std::find(why["reasons"].begin(), why["reasons"].end(), "redis"), why["reasons"].end())
      << why.dump();
  std::string health;
  EXPECT_EQ(http_get(server->port(), "/healthz", &health), 200);
  EXPECT_EQ(json::parse(health)["redis"], "down");

  ASSERT_TRUE(redis.start());
  auto [back, again] = readyz_until(200);
  EXPECT_EQ(back, 200) << again.dump();
  EXPECT_EQ(again["status"], "ready");
  EXPECT_EQ(http_get(server->port(), "/healthz"), 200);
}
