// Redis stops for 10 s and comes back, with livegate running throughout (real processes). While
// it is away, a buy gets a clear "try again" error carrying its key and is never acknowledged,
// and the viewer's WebSocket stays open; once Redis is back the same connection chats and buys
// again without livegate being restarted, and Redis holds exactly the acknowledged orders.
// Chat keeps going on each node meanwhile (lines shown there at once, held, up to a limit) and
// resyncs when Redis returns: every node's viewers end up with every line, once, under the
// stream's ids, and the stream has each line once, in the order each node's viewers said them.

#include <hiredis/hiredis.h>

#include <algorithm>
#include <functional>
#include <map>
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

// Prints the nodes' logs when the test failed, however it ended (an ASSERT returns early).
struct LogsOnFailure {
  std::vector<LivegateServer*> nodes;
  ~LogsOnFailure() {
    if (!::testing::Test::HasFailure()) return;
    for (auto* n : nodes) std::fprintf(stderr, "--- livegate log ---\n%s\n", n->log().c_str());
  }
};

}  // namespace

TEST(RedisOutage, BuysAreRefusedWhileRedisIsAwayAndEverythingWorksAfterItReturns) {
  // AOF on, as the embedded Redis runs: what Redis acknowledged is still there after its restart.
  RedisServer redis(RedisOptions{.appendonly = true, .appendfsync = "always"});
  ASSERT_TRUE(redis.start());
  auto server = std::make_unique<LivegateServer>(redis.port(), kTestBroadcast);
  ASSERT_TRUE(server->start()) << server->log();
  LogsOnFailure logs{{server.get()}};
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
  const json held = next_event(*ann, "chat");
  ASSERT_TRUE(held.is_object()) << "no chat line came back during the outage";
  EXPECT_EQ(held.value("text", ""), "anyone there?") << "the room on this node still talks";
  EXPECT_TRUE(held.value("pending", false)) << held.dump();
  EXPECT_EQ(http_get(server->port(), "/healthz"), 200) << "livegate itself stays alive";

  // A viewer arriving now cannot be welcomed (the room's state is in Redis): they are told to
  // try again, and their connection stays open for another hello.
  auto cal = std::make_unique<WsClient>();
  ASSERT_TRUE(cal->connect(server->port(), "/ws/orchard")) << cal->error();
  const std::string cal_hello = json{{"type", "hello"}, {"name", "Cal"}}.dump();
  cal->send_text(cal_hello);
  const json not_yet = next_answer(*cal);
  EXPECT_EQ(not_yet.value("code", ""), "unavailable") << not_yet.dump();

  std::this_thread::sleep_until(stopped + 10s);
  EXPECT_FALSE(cal->closed()) << "the newcomer's connection waits for the outage to end";
  EXPECT_FALSE(ann->closed()) << "the viewer's connection outlives the outage";
  ASSERT_TRUE(redis.start());
  ASSERT_TRUE(wait_until([&] { return redis_up_for(server->port()); }, 15s)) << "livegate reconnects by itself";
  // The held line is written by itself, and comes back under its stream id.
  const json written = next_event(*ann, "chat", 10s);
  ASSERT_TRUE(written.is_object()) << "the held line did not come back written";
  EXPECT_EQ(written.value("replaces", ""), held.value("id", "")) << written.dump();
  EXPECT_EQ(written.value("text", ""), "anyone there?");
  // The newcomer's second hello (what the page sends after its backoff) gets them in, with the
  // line said during the outage in their history.
  cal->send_text(cal_hello);
  const json cal_welcome = next_of_type(*cal, "welcome");
  ASSERT_TRUE(cal_welcome.is_object()) << "no welcome for the second hello";
  bool has_held_line = false;
  for (const auto& l : cal_welcome["room"]["chat"]) has_held_line |= l.value("text", "") == "anyone there?";
  EXPECT_TRUE(has_held_line) << cal_welcome.dump();

  // The same click again (same key) and a new one: both are orders now, each exactly once.
  ann->send_text(json{{"type", "buy"}, {"sku", "honeycrisp-10lb"}, {"qty", 1}, {"key", "during-outage"}}.dump());
  EXPECT_EQ(next_answer(*ann).value("status", ""), "ok");
  ann->send_text(json{{"type", "chat"}, {"text", "back again"}}.dump());
  const json back = next_event(*ann, "chat");
  EXPECT_EQ(back.value("text", ""), "back again") << "chat works again on the same connection";
  EXPECT_FALSE(back.value("pending", false));
  auto bo = viewer(server->port(), "Bo");
  bo->send_text(json{{"type", "buy"}, {"sku", "honeycrisp-10lb"}, {"qty", 1}, {"key", "after-outage"}}.dump());
  EXPECT_EQ(next_answer(*bo).value("status", ""), "ok");
  EXPECT_EQ(orders_in_redis(redis.port()), 3) << "before, the retried click, after: nothing else";
}

namespace {

// Chat events a reader gets until `done` says the collection is complete (or the time is up).
std::vector<json> chat_until(WsClient& c, const std::function<bool(const std::vector<json>&)>& done,
                             std::chrono::milliseconds timeout) {
  std::vector<json> got;
  c.receive_until([&](const std::string& text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object() || j.value("type", "") != "batch") return false;
    for (auto& e : j["events"]) {
      if (e.value("type", "") == "chat") got.push_back(e);
    }
    return done(got);
  }, timeout);
  return got;
}

// Stream-id lines (not held ones) by text.
std::map<std::string, std::vector<std::string>> written_ids(const std::vector<json>& lines) {
  std::map<std::string, std::vector<std::string>> by_text;
  for (const auto& l : lines) {
    if (!l.value("pending", false)) by_text[l.value("text", "")].push_back(l.value("id", ""));
  }
  return by_text;
}

std::vector<std::string> stream_texts(int port) {
  redisContext* c = redisConnect("127.0.0.1", port);
  std::vector<std::string> texts;
  if (!c || c->err) return texts;
  auto* r = static_cast<redisReply*>(redisCommand(c, "XRANGE lg:{orchard}:chat - +"));
  for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; ++i) {
    const redisReply* fields = r->element[i]->element[1];
    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
      if (std::string(fields->element[f]->str) == "text") texts.emplace_back(fields->element[f + 1]->str);
    }
  }
  if (r) freeReplyObject(r);
  redisFree(c);
  return texts;
}

}  // namespace

TEST(RedisOutage, ChatGoesOnOnEachNodeAndEveryLineReachesEveryoneOnceAfterwards) {
  RedisServer redis(RedisOptions{.appendonly = true, .appendfsync = "always"});
  ASSERT_TRUE(redis.start());
  // Roomy budgets (every test client is 127.0.0.1); a node holds at most 3 lines.
  const std::string chat =
      "chat:\n  messages_per_minute: 6000\n  messages_burst: 200\n  ip_messages_per_minute: 0\n"
      "  outage_held_lines: 3\n";
  std::vector<std::unique_ptr<LivegateServer>> nodes;
  for (int i = 0; i < 2; ++i) {
    nodes.push_back(std::make_unique<LivegateServer>(redis.port(), kTestBroadcast, chat));
    ASSERT_TRUE(nodes.back()->start()) << nodes.back()->log();
  }
  LogsOnFailure logs{{nodes[0].get(), nodes[1].get()}};
  auto ann = viewer(nodes[0]->port(), "Ann");  // says things on node 0
  auto cy = viewer(nodes[0]->port(), "Cy");    // reads on node 0
  auto bo = viewer(nodes[1]->port(), "Bo");    // says things on node 1
  auto dee = viewer(nodes[1]->port(), "Dee");  // reads on node 1
  ann->send_text(json{{"type", "chat"}, {"text", "before"}}.dump());
  ASSERT_EQ(next_event(*dee, "chat").value("text", ""), "before");
  ASSERT_EQ(next_event(*cy, "chat").value("text", ""), "before");

  redis.stop();
  const auto stopped = std::chrono::steady_clock::now();
  for (auto& n : nodes) ASSERT_TRUE(wait_until([&] { return !redis_up_for(n->port()); }, 5s));

  for (const char* text : {"a1", "a2", "a3"}) ann->send_text(json{{"type", "chat"}, {"text", text}}.dump());
  bo->send_text(json{{"type", "chat"}, {"text", "b1"}}.dump());
  // Node 0's readers see node 0's lines at once, marked pending under local ids.
  auto on_cy = chat_until(*cy, [](const auto& got) { return got.size() >= 3; }, 5s);
  ASSERT_EQ(on_cy.size(), 3u);
  std::map<std::string, std::string> local_ids;  // text -> the id node 0 showed it under
  for (const auto& l : on_cy) {
    EXPECT_TRUE(l.value("pending", false)) << l.dump();
    EXPECT_TRUE(l.value("id", "").starts_with("l-")) << l.dump();
    local_ids[l.value("text", "")] = l.value("id", "");
  }
  const json b1 = next_event(*dee, "chat");
  EXPECT_EQ(b1.value("text", ""), "b1");
  EXPECT_TRUE(b1.value("pending", false));
  EXPECT_NE(b1.value("id", ""), local_ids["a1"]) << "local ids differ between nodes";
  // The fourth line on node 0 is past its limit: a clear error instead.
  ann->send_text(json{{"type", "chat"}, {"text", "a4"}}.dump());
  const json full = next_answer(*ann);
  EXPECT_EQ(full.value("code", ""), "unavailable") << full.dump();

  std::this_thread::sleep_until(stopped + 10s);
  ASSERT_TRUE(redis.start());

  // Every reader ends up with a1..a3 and b1 under stream ids, once each: node 0's readers get
  // node 0's lines as replacements of the ids they know and b1 as new; node 1's the other way.
  const auto all_written = [](const std::vector<json>& got) {
    auto ids = written_ids(got);
    return ids.contains("a1") && ids.contains("a2") && ids.contains("a3") && ids.contains("b1");
  };
  const auto after_cy = chat_until(*cy, all_written, 20s);
  const auto after_dee = chat_until(*dee, all_written, 20s);
  for (const auto* got : {&after_cy, &after_dee}) {
    const auto ids = written_ids(*got);
    for (const char* text : {"a1", "a2", "a3", "b1"}) {
      if (!ids.contains(text)) {
        ADD_FAILURE() << text << " never arrived under a stream id";
        continue;
      }
      EXPECT_EQ(ids.at(text).size(), 1u) << text << " arrived more than once";
    }
    EXPECT_FALSE(ids.contains("a4"));
  }
  for (const auto& l : after_cy) {
    if (l.value("text", "").starts_with("a")) {
      EXPECT_EQ(l.value("replaces", ""), local_ids[l.value("text", "")]);
    }
  }
  EXPECT_EQ(written_ids(after_cy), written_ids(after_dee)) << "the same stream ids on both nodes";

  // In Redis: each line once, node 0's in the order they were said.
  const auto texts = stream_texts(redis.port());
  std::vector<std::string> a_lines;
  for (const auto& t : texts) {
    if (t.starts_with("a")) a_lines.push_back(t);
  }
  EXPECT_EQ(a_lines, (std::vector<std::string>{"a1", "a2", "a3"}));
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "b1"), 1);
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "before"), 1);

  // A newcomer's history has them; new lines flow between the nodes as before.
  json welcome;
  auto eve = std::make_unique<WsClient>();
  ASSERT_TRUE(eve->connect(nodes[1]->port(), "/ws/orchard"));
  eve->send_text(json{{"type", "hello"}, {"name", "Eve"}}.dump());
  welcome = next_of_type(*eve, "welcome");
  std::vector<std::string> history;
  for (const auto& l : welcome["room"]["chat"]) history.push_back(l.value("text", ""));
  for (const char* text : {"a1", "a2", "a3", "b1"}) {
    EXPECT_NE(std::find(history.begin(), history.end(), text), history.end()) << text;
  }
  ann->send_text(json{{"type", "chat"}, {"text", "after"}}.dump());
  EXPECT_EQ(next_event(*dee, "chat", 10s).value("text", ""), "after");
  std::string metrics;
  http_get(nodes[0]->port(), "/metrics", &metrics);
  EXPECT_NE(metrics.find("livegate_chat_held_lines 0"), std::string::npos) << "nothing left held";
}
