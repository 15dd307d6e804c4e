// SIGTERM drains: livegate takes no new work, answers every buy it already took, closes the
// WebSockets with 1001 "going away" after what was queued for them, and exits within
// http.drain_ms. Real processes: redis-server and livegate; a viewer bursts buys and the test
// sends SIGTERM in the middle of the burst. Afterwards Redis holds exactly the acknowledged
// orders: nothing taken was left unanswered and nothing unanswered was sold.

#include <hiredis/hiredis.h>
#include <signal.h>

#include <thread>

#include "livegate_fixture.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int kBurst = 40;

const std::string kBroadcast = R"(  - id: orchard
    title: Drain test sale
    source: {type: test, width: 320, height: 180, fps: 15, video_bitrate_kbps: 300}
    products:
      - {sku: socks, title: Socks, price_cents: 700, stock: 1000, max_per_order: 1}
)";
const std::string kExtra =
    "http:\n  drain_ms: 4000\nchat:\n  frames_per_second: 2000\n  frames_burst: 2000\n"
    "  buys_per_second: 0\n  ip_buys_per_second: 0\n";  // one buyer bursting on 127.0.0.1

long long redis_integer(int port, const std::string& command) {
  redisContext* c = redisConnect("127.0.0.1", port);
  if (!c || c->err) return -1;
  auto* r = static_cast<redisReply*>(redisCommand(c, command.c_str()));
  long long v = -1;
  if (r && r->type == REDIS_REPLY_INTEGER) v = r->integer;
  if (r && r->type == REDIS_REPLY_STRING) v = std::atoll(r->str);
  if (r) freeReplyObject(r);
  redisFree(c);
  return v;
}

}  // namespace

TEST(Drain, SigtermAnswersEveryBuyTakenSaysGoingAwayAndExits) {
  RedisServer redis;
  ASSERT_TRUE(redis.start());
  LivegateServer server(redis.port(), kBroadcast, kExtra);
  ASSERT_TRUE(server.start()) << server.log();

  WsClient buyer;
  ASSERT_TRUE(buyer.connect(server.port(), "/ws/orchard")) << buyer.error();
  buyer.send_text(json{{"type", "hello"}, {"name", "Ann"}}.dump());
  ASSERT_FALSE(next_of_type(buyer, "welcome").is_null());

  for (int i = 0; i < kBurst; ++i) {
    buyer.send_text(json{{"type", "buy"}, {"sku", "socks"}, {"qty", 1}, {"key", "drain-key-" + std::to_string(i)}}.dump());
    if (i == kBurst / 2) {
      ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
    }
  }
  const auto signalled = std::chrono::steady_clock::now();

  int ok = 0;
  int errors = 0;
  while (auto text = buyer.receive(6s)) {
    const json frame = json::parse(*text, nullptr, false);
    if (frame.value("type", "") == "order") {
      EXPECT_EQ(frame.value("status", ""), "ok") << *text;
      ok += frame.value("status", "") == "ok";
    } else if (frame.value("type", "") == "error") {
      ++errors;  // a buy is never answered with an error while draining
    }
  }
  EXPECT_TRUE(buyer.closed());
  EXPECT_EQ(buyer.close_code(), 1001) << "going away";
  EXPECT_EQ(errors, 0);
  EXPECT_GT(ok, 0) << "the buys before the signal were answered";

  while (server.running() && std::chrono::steady_clock::now() - signalled < 12s) std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(server.running()) << "exits within drain_ms plus the media's stop";
  EXPECT_NE(server.log().find("drained"), std::string::npos) << server.log();
  EXPECT_NE(server.log().find("stopped cleanly"), std::string::npos) << server.log();

  // Exactly the acknowledged orders were sold: none taken was dropped, none dropped was sold.
  EXPECT_EQ(redis_integer(redis.port(), "XLEN lg:{orchard}:orders"), ok);
  EXPECT_EQ(redis_integer(redis.port(), "HGET lg:{orchard}:sold socks"), ok);
}
