#pragma once
// A real redis-server and a real livegate with the seller API and chat tokens on (a seller
// token and a JWT secret) and one sale, "orchard": what the auth and hostile-input tests share.

#include <algorithm>
#include <cctype>

#include "livegate/server/chat_tokens.h"
#include "livegate_fixture.h"

namespace livegate::testing {

using nlohmann::json;
using namespace std::chrono_literals;


inline constexpr const char* kSeller = "seller-token-for-trust-tests-01";
inline constexpr const char* kSecret = "jwt-secret-for-trust-tests-0123456789abcdef";

inline const char* kOrchard = R"(  - id: orchard
    title: Orchard trust
    source: {type: none}
    products:
      - {sku: honeycrisp-10lb, title: Honeycrisp 10 lb, price_cents: 3499, stock: 500, max_per_order: 5}
)";

// A JWT as another system with the secret would mint it.
inline std::string jwt(const std::string& role, const std::string& room, int64_t ttl = 600,
                const std::string& secret = kSecret) {
  livegate::server::TokenClaims c;
  c.user = role.substr(0, 1) + "-test-" + room;
  c.name = "Test " + role;
  c.role = role;
  c.room = room;
  c.expires_at = livegate::server::unix_seconds() + ttl;
  return livegate::server::issue_token(secret, c);
}

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The value of a response header ("" when absent); names are compared case-insensitively.
inline std::string header(const std::string& headers, const std::string& name) {
  const std::string h = lower(headers);
  const size_t at = h.find("\r\n" + lower(name) + ":");
  if (at == std::string::npos) return {};
  size_t start = at + name.size() + 3;
  while (start < headers.size() && headers[start] == ' ') ++start;
  const size_t end = headers.find("\r\n", start);
  return headers.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class Trust : public ::testing::Test {
 protected:
  virtual std::string extra_yaml() const {
    return std::string("auth:\n  seller_token: ") + kSeller + "\n  jwt_secret: " + kSecret + "\n";
  }
  virtual std::string http_yaml() const { return {}; }
  virtual std::string media_yaml() const { return {}; }

  void SetUp() override {
    ASSERT_TRUE(redis.start());
    server = std::make_unique<LivegateServer>(redis.port(), kOrchard, extra_yaml(), http_yaml(), media_yaml());
    ASSERT_TRUE(server->start()) << server->log();
  }
  void TearDown() override {
    if (HasFailure()) std::fprintf(stderr, "--- livegate log ---\n%s\n", server->log().c_str());
    server->stop();
  }

  int call(const std::string& method, const std::string& path, const std::string& bearer,
           const std::string& body = {}, json* answer = nullptr, std::vector<std::string> headers = {}) {
    headers.push_back("Content-Type: application/json");
    if (!bearer.empty()) headers.push_back("Authorization: Bearer " + bearer);
    std::string out;
    const int status = http_request(server->port(), method, path, body, headers, &out);
    if (answer) *answer = json::parse(out, nullptr, false);
    return status;
  }

  std::unique_ptr<WsClient> join(const json& hello, json* first = nullptr) {
    auto c = std::make_unique<WsClient>();
    EXPECT_TRUE(c->connect(server->port(), "/ws/orchard")) << c->error();
    c->send_text(hello.dump());
    auto m = c->receive_until(
        [](const std::string& text) {
          auto j = json::parse(text, nullptr, false);
          return j.is_object() && (j.value("type", "") == "welcome" || j.value("type", "") == "error");
        },
        5s);
    if (first) *first = m ? json::parse(*m) : json();
    return c;
  }

  RedisServer redis;
  std::unique_ptr<LivegateServer> server;
};

inline const std::string kProduct = R"({"sku":"gala","title":"Gala","price_cents":1999,"stock":5})";


}  // namespace livegate::testing
