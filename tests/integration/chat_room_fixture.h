#pragma once
// One or more real livegate nodes sharing one real redis-server, with chat tokens on, for the
// moderation, limits, resume and multi-node tests. Subclasses change the chat config.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <vector>

#include "livegate_fixture.h"

namespace livegate::testing {

inline const char* kSellerToken = "seller-token-for-tests-0001";

class ChatRoomFixture : public ::testing::Test {
 protected:
  // The chat: section; defaults are roomy so tests not about limits never hit them.
  virtual std::string chat_yaml() const {
    return "chat:\n  messages_per_minute: 6000\n  messages_burst: 200\n  frames_burst: 400\n"
           "  frames_per_second: 200\n  blocked_words: [spam, 骗子]\n  presence_interval_ms: 300\n"
           "  ip_messages_per_minute: 0\n  buys_per_second: 0\n  ip_buys_per_second: 0\n";  // all on 127.0.0.1
  }
  virtual int nodes() const { return 1; }
  // More lines for the http: section (indented by two spaces).
  virtual std::string http_yaml() const { return {}; }

  void SetUp() override {
    ASSERT_TRUE(redis.start());
    const std::string extra = "auth:\n  seller_token: " + std::string(kSellerToken) +
                              "\n  jwt_secret: jwt-secret-for-tests-0123456789abcdef\n" + chat_yaml();
    const std::string broadcast = R"(  - id: orchard
    title: Orchard chat
    source: {type: none}
    products:
      - {sku: honeycrisp-10lb, title: Honeycrisp 10 lb, price_cents: 3499, stock: 20}
)";
    for (int i = 0; i < nodes(); ++i) {
      servers.push_back(std::make_unique<LivegateServer>(redis.port(), broadcast, extra, http_yaml()));
      ASSERT_TRUE(servers.back()->start()) << servers.back()->log();
    }
  }
  void TearDown() override {
    for (auto& s : servers) {
      if (HasFailure()) std::fprintf(stderr, "--- livegate log ---\n%s\n", s->log().c_str());
      s->stop();
    }
  }

  int port(int node = 0) const { return servers[node]->port(); }

  // A chat token from the seller API.
  std::string token(const std::string& role, const std::string& name) {
    std::string body;
    const int status = http_request(port(), "POST", "/api/broadcasts/orchard/tokens",
                                    nlohmann::json{{"role", role}, {"name", name}}.dump(),
                                    {"Authorization: Bearer " + std::string(kSellerToken)}, &body);
    EXPECT_EQ(status, 201) << body;
    auto j = nlohmann::json::parse(body, nullptr, false);
    return j.is_object() ? j.value("token", "") : "";
  }

  // A connection that sent this hello; *first gets the first reply (welcome or error).
  std::unique_ptr<WsClient> join(nlohmann::json hello, nlohmann::json* first = nullptr, int node = 0) {
    auto c = std::make_unique<WsClient>();
    EXPECT_TRUE(c->connect(port(node), "/ws/orchard")) << c->error();
    hello["type"] = "hello";
    c->send_text(hello.dump());
    auto reply = c->receive_until(
        [](const std::string& text) {
          auto j = nlohmann::json::parse(text, nullptr, false);
          return j.is_object() && (j["type"] == "welcome" || j["type"] == "error");
        },
        std::chrono::seconds(5));
    if (first) *first = reply ? nlohmann::json::parse(*reply) : nlohmann::json();
    return c;
  }

  std::unique_ptr<WsClient> guest(const std::string& name, nlohmann::json* welcome = nullptr, int node = 0) {
    return join({{"name", name}}, welcome, node);
  }
  std::unique_ptr<WsClient> moderator(nlohmann::json* welcome = nullptr) {
    return join({{"token", token("moderator", "Mia")}}, welcome);
  }

  // Sends a chat line and returns its id (as everyone receives it).
  std::string say(WsClient& c, const std::string& text) {
    c.send_text(nlohmann::json{{"type", "chat"}, {"text", text}}.dump());
    auto lines = collect_events(c, "chat", 1);
    return lines.empty() ? "" : lines.front()["id"].get<std::string>();
  }

  RedisServer redis;
  std::vector<std::unique_ptr<LivegateServer>> servers;
};

}  // namespace livegate::testing
