// Redis stops for 10 s and comes back, with livegate running throughout (real processes). While
// it is away, a buy gets a clear "try again" error carrying its key and is never acknowledged,
// chat says it is unavailable, and the viewer's WebSocket stays open; once Redis is back the same
// connection chats and buys again without livegate being restarted, and Redis holds exactly the
// acknowledged orders.

#include <hiredis/hiredis.h>

#include <functional>
#include <thread>

#include "livegate_fixture.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

long long orders_in_redis(int port) {
  redisContext* c = redisConnect("127.0.0.1", port);
  if (!c || c->err) return -1;
  auto* r = static_cast<redisReply*>(redisCommand(c, "XLEN lg:{orchard}:orders"));
  const long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
  if (r) freeReplyObject(r);
  redisFree(c);
  return n;
}

bool redis_up_for(int port) {
  std::string body;
  return http_get(port, "/healthz", &body) == 200 && json::parse(body, nullptr, false).value("redis", "") == "up";
}

// The next frame that is an order ack or an error (chat and other events skipped).
json next_answer(WsClient& c, std::chrono::milliseconds timeout = 5s) {
  auto text = c.receive_until([](const std::string& t) {
    const auto type = json::parse(t, nullptr, false).value("type", "");
    return type == "order" || type == "error";
  }, timeout);
  return text ? json::parse(*text) : json();
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return pred();
}

std::unique_ptr<WsClient> viewer(int port, const std::string& name) {
  auto c = std::make_unique<WsClient>();
  EXPECT_TRUE(c->connect(port, "/ws/orchard")) << c->error();
  c->send_text(json{{"type", "hello"}, {"name", name}}.dump());
  EXPECT_FALSE(next_of_type(*c, "welcome").is_null()) << name << " got no welcome";
  return c;
}

}  // namespace

TEST(RedisOutage, BuysAreRefusedWhileRedisIsAwayAndEverythingWorksAfterItReturns) {
  // AOF on, as the embedded Redis runs: what Redis acknowledged is still there after its restart.
  RedisServer redis(RedisOptions{.appendonly = true, .appendfsync = "always"});
  ASSERT_TRUE(redis.start());
  auto server = std::make_unique<LivegateServer>(redis.port(), kTestBroadcast);
  ASSERT_TRUE(server->start()) << server->log();
  auto ann = viewer(server->port(), "Ann");
  ann->send_text(json{{"type", "buy"}, {"sku", "honeycrisp-10lb"}, {"qty", 1}, {"key", "before-outage"}}.dump());
  ASSERT_EQ(next_answer(*ann).value("status", ""), "ok");

  redis.stop();
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until([&] { return !redis_up_for(server->port()); }, 5s));

  ann->send_text(json{{"type", "buy"}, {"sku", "honeycrisp-10lb"}, {"qty", 1}, {"key", "during-outage"}}.dump());
  const json refused = next_answer(*ann);
  EXPECT_EQ(refused.value("type", ""), "error") << refused.dump();
  EXPECT_EQ(refused.value("code", ""), "unavailable") << refused.dump();
  EXPECT_EQ(refused.value("key", ""), "during-outage") << "the page can tell which click to offer again";
  EXPECT_NE(refused.value("message", "").find("try again"), std::string::npos) << refused.dump();

  ann->send_text(json{{"type", "chat"}, {"text", "anyone there?"}}.dump());
  EXPECT_EQ(next_answer(*ann).value("code", ""), "unavailable");
  EXPECT_EQ(http_get(server->port(), "/healthz"), 200) << "livegate itself stays alive";

  std::this_thread::sleep_until(stopped + 10s);
  EXPECT_FALSE(ann->closed()) << "the viewer's connection outlives the outage";
  ASSERT_TRUE(redis.start());
  ASSERT_TRUE(wait_until([&] { return redis_up_for(server->port()); }, 15s)) << "livegate reconnects by itself";

  // The same click again (same key) and a new one: both are orders now, each exactly once.
  ann->send_text(json{{"type", "buy"}, {"sku", "honeycrisp-10lb"}, {"qty", 1}, {"key", "during-outage"}}.dump());
  EXPECT_EQ(next_answer(*ann).value("status", ""), "ok");
  ann->send_text(json{{"type", "chat"}, {"text", "back again"}}.dump());
  EXPECT_FALSE(next_event(*ann, "chat").is_null()) << "chat works again on the same connection";
  auto bo = viewer(server->port(), "Bo");
  bo->send_text(json{{"type", "buy"}, {"sku", "honeycrisp-10lb"}, {"qty", 1}, {"key", "after-outage"}}.dump());
  EXPECT_EQ(next_answer(*bo).value("status", ""), "ok");
  EXPECT_EQ(orders_in_redis(redis.port()), 3) << "before, the retried click, after: nothing else";
  if (HasFailure()) std::fprintf(stderr, "--- livegate log ---\n%s\n", server->log().c_str());
}
