// Auth and abuse limits (issue 8) against a real livegate and redis-server: roles over REST (seller
// token, admin/seller/viewer/expired/wrong-room JWTs), anonymous viewer modes over a real
// WebSocket, per-address rate limits, header-size limit, max_broadcasts, security headers, CORS.

#include "trust_fixture.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

// Seller JWTs act on their own broadcast only; admins and the operator's token on all.
TEST_F(Trust, RestAcceptsSellerAndAdminJwtsForTheRightRoom) {
  json a;
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", jwt("seller", "orchard"), {}, &a), 200) << a.dump();
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", jwt("seller", ""), {}, &a), 200) << a.dump();
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", jwt("admin", ""), {}, &a), 200) << a.dump();
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", kSeller, {}, &a), 200) << a.dump();
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/products", jwt("seller", "orchard"), kProduct, &a), 201)
      << a.dump();
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/stats", jwt("seller", "orchard"), {}, &a), 200) << a.dump();
  EXPECT_EQ(call("GET", "/api/ingest", jwt("seller", "orchard"), {}, &a), 200) << a.dump();

  // Wrong room, wrong role: 403 with a JSON error.
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", jwt("seller", "pears"), {}, &a), 403);
  EXPECT_TRUE(a.contains("error"));
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/products", jwt("seller", "pears"), kProduct, &a), 403);
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", jwt("viewer", "orchard"), {}, &a), 403);
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/end", jwt("moderator", "orchard"), {}, &a), 403);
  EXPECT_TRUE(a.contains("error"));
  // Expired, signed with another secret, garbage: 401 with a JSON error.
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", jwt("seller", "orchard", -10), {}, &a), 401);
  EXPECT_NE(a.value("error", "").find("expired"), std::string::npos) << a.dump();
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders",
                 jwt("admin", "", 600, "another-secret-0123456789abcdefghijkl"), {}, &a),
            401);
  EXPECT_TRUE(a.contains("error"));
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", "aaa.bbb.ccc", {}, &a), 401);
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", "", {}, &a), 401);
  EXPECT_EQ(call("GET", "/api/broadcasts/orchard/orders", "not-the-seller-token-at-all", {}, &a), 403);
}

TEST_F(Trust, CreatingBroadcastsAndTokensNeedsTheRightRole) {
  json a;
  const std::string pears = R"({"id":"pears","title":"Pears","source":{"type":"none"}})";
  EXPECT_EQ(call("POST", "/api/broadcasts", jwt("seller", ""), pears, &a), 403) << a.dump();
  EXPECT_EQ(call("POST", "/api/broadcasts", jwt("seller", "pears"), pears, &a), 403) << a.dump();
  ASSERT_EQ(call("POST", "/api/broadcasts", jwt("admin", ""), pears, &a), 201) << a.dump();
  EXPECT_EQ(a.value("stream_key", "").size(), 24u);
  ASSERT_EQ(call("POST", "/api/broadcasts", kSeller, R"({"id":"plums","title":"Plums","source":{"type":"none"}})",
                 &a),
            201)
      << a.dump();

  // A seller issues chat tokens for their own room, not for others; nobody mints admins here.
  const std::string mod = R"({"role":"moderator","name":"Mia"})";
  ASSERT_EQ(call("POST", "/api/broadcasts/orchard/tokens", jwt("seller", "orchard"), mod, &a), 201) << a.dump();
  std::string why;
  auto claims = livegate::server::verify_token(kSecret, a.value("token", ""), "orchard",
                                               livegate::server::unix_seconds(), &why);
  ASSERT_TRUE(claims) << why;
  EXPECT_EQ(claims->role, "moderator");
  EXPECT_EQ(call("POST", "/api/broadcasts/pears/tokens", jwt("seller", "orchard"), mod, &a), 403);
  EXPECT_EQ(call("POST", "/api/broadcasts/pears/tokens", jwt("admin", ""), mod, &a), 201) << a.dump();
  EXPECT_EQ(call("POST", "/api/broadcasts/pears/tokens", kSeller, R"({"role":"admin","name":"Eve"})", &a), 400);

  // An admin JWT works in the chat too, as staff.
  json welcome;
  auto admin = join({{"type", "hello"}, {"token", jwt("admin", "")}}, &welcome);
  EXPECT_EQ(welcome["type"], "welcome") << welcome.dump();
  EXPECT_EQ(welcome["user"]["role"], "admin");
}

// Stream keys are kept only as hashes: no GET shows a key, and the config's key is not in memory
// in a form any answer could leak.
TEST_F(Trust, NoApiShowsAStreamKey) {
  json a;
  ASSERT_EQ(call("POST", "/api/broadcasts", kSeller,
                 R"({"id":"pears","title":"Pears","source":{"type":"none"},"stream_key":"pears-key-0123456789"})", &a),
            201)
      << a.dump();
  EXPECT_EQ(a.value("stream_key", ""), "pears-key-0123456789");  // answered once, to the creator
  for (const std::string path : {"/api/broadcasts", "/api/broadcasts/pears", "/api/broadcasts/orchard"}) {
    std::string body;
    ASSERT_EQ(http_get(server->port(), path, &body), 200) << path;
    EXPECT_EQ(body.find("pears-key-0123456789"), std::string::npos) << path << ": " << body;
    EXPECT_EQ(body.find("stream_key"), std::string::npos) << path << ": " << body;
  }
  // The same key again is refused (compared by hash).
  EXPECT_EQ(call("POST", "/api/broadcasts", kSeller,
                 R"({"id":"plums","title":"Plums","source":{"type":"none"},"stream_key":"pears-key-0123456789"})",
                 &a),
            409);
}

namespace {
class TrustMaxBroadcasts : public Trust {
 protected:
  std::string media_yaml() const override { return "  max_broadcasts: 2\n"; }
};
}  // namespace

TEST_F(TrustMaxBroadcasts, CreatingPastTheLimitIs507) {
  json a;
  ASSERT_EQ(call("POST", "/api/broadcasts", kSeller, R"({"id":"pears","title":"Pears","source":{"type":"none"}})", &a),
            201)
      << a.dump();
  EXPECT_EQ(call("POST", "/api/broadcasts", kSeller, R"({"id":"plums","title":"Plums","source":{"type":"none"}})", &a),
            507);
  EXPECT_NE(a.value("error", "").find("max_broadcasts"), std::string::npos) << a.dump();
  EXPECT_EQ(http_get(server->port(), "/api/broadcasts/plums"), 404);
  EXPECT_EQ(http_get(server->port(), "/healthz"), 200);
}

// auth.anonymous: chat (today's guests), read_only, off.
namespace {
class AnonymousReadOnly : public Trust {
 protected:
  std::string extra_yaml() const override { return Trust::extra_yaml() + "  anonymous: read_only\n"; }
};
class AnonymousOff : public Trust {
 protected:
  std::string extra_yaml() const override { return Trust::extra_yaml() + "  anonymous: off\n"; }
};
}  // namespace

TEST_F(Trust, AnonymousChatLetsGuestsChat) {
  json welcome;
  auto guest = join({{"type", "hello"}, {"name", "Gus"}}, &welcome);
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
  guest->send_text(R"({"type":"chat","text":"hello as a guest"})");
  EXPECT_EQ(next_event(*guest, "chat")["text"], "hello as a guest");
}

TEST_F(AnonymousReadOnly, GuestsWatchButMustLogInToTakePart) {
  json welcome;
  auto guest = join({{"type", "hello"}, {"name", "Gus"}}, &welcome);
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
  EXPECT_FALSE(welcome["room"]["products"].empty());
  for (const std::string frame : {R"({"type":"chat","text":"hi"})", R"({"type":"ask","text":"why?"})",
                                  R"({"type":"vote","question":"q1"})"}) {
    guest->send_text(frame);
    json e = next_of_type(*guest, "error");
    EXPECT_EQ(e["code"], "login_required") << frame;
  }
  guest->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":1,"key":"ro-buy-0001"})");
  json e = next_of_type(*guest, "error");
  EXPECT_EQ(e["code"], "login_required");
  EXPECT_EQ(e["key"], "ro-buy-0001");

  // A viewer with a token takes part, and the guest reads it: events still reach guests.
  auto ann = join({{"type", "hello"}, {"token", jwt("viewer", "orchard")}}, &welcome);
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
  ann->send_text(R"({"type":"chat","text":"signed in"})");
  EXPECT_EQ(next_event(*guest, "chat")["text"], "signed in");
  ann->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":1,"key":"ro-buy-0002"})");
  EXPECT_EQ(next_of_type(*ann, "order")["status"], "ok");
  EXPECT_FALSE(guest->closed());
}

TEST_F(AnonymousOff, AHelloWithoutAValidTokenIsRefusedWith4401) {
  json first;
  auto guest = join({{"type", "hello"}, {"name", "Gus"}}, &first);
  EXPECT_EQ(first["type"], "error");
  EXPECT_EQ(first["code"], "login_required");
  EXPECT_FALSE(guest->receive(5s));
  EXPECT_EQ(guest->close_code(), 4401);

  auto forged = join({{"type", "hello"}, {"token", jwt("viewer", "orchard", 600, "forged-secret-0123456789abcdefghij")}},
                     &first);
  EXPECT_EQ(first["code"], "bad_token");
  EXPECT_FALSE(forged->receive(5s));
  EXPECT_EQ(forged->close_code(), 4401);

  json welcome;
  auto ann = join({{"type", "hello"}, {"token", jwt("viewer", "orchard")}}, &welcome);
  EXPECT_EQ(welcome["type"], "welcome") << welcome.dump();
}

// Per-user and per-address budgets: every client here is on 127.0.0.1.
namespace {
class TrustRates : public Trust {
 protected:
  std::string extra_yaml() const override {
    return Trust::extra_yaml() +
           "chat:\n  messages_per_minute: 6000\n  messages_burst: 100\n  ip_messages_per_minute: 6\n"
           "  ip_messages_burst: 3\n  buys_per_second: 0.2\n  buys_burst: 2\n  ip_buys_per_second: 0.2\n"
           "  ip_buys_burst: 4\n";
  }
};
}  // namespace

TEST_F(TrustRates, BuysArePacedPerUserAndPerAddress) {
  json welcome;
  auto ann = join({{"type", "hello"}, {"name", "Ann"}}, &welcome);
  ASSERT_EQ(welcome["type"], "welcome");
  // Ann's own burst is 2 buys.
  for (int i = 0; i < 2; ++i) {
    ann->send_text(json{{"type", "buy"}, {"sku", "honeycrisp-10lb"}, {"qty", 1}, {"key", "rate-ann-" + std::to_string(i) + "xx"}}.dump());
    EXPECT_EQ(next_of_type(*ann, "order")["status"], "ok");
  }
  ann->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":1,"key":"rate-ann-2xx"})");
  json e = next_of_type(*ann, "error");
  EXPECT_EQ(e["code"], "rate_limited");
  EXPECT_EQ(e["key"], "rate-ann-2xx");
  EXPECT_GT(e.value("retry_after_ms", 0), 0);

  // The address's burst is 4: two more users get one each, then the address is out.
  auto bob = join({{"type", "hello"}, {"name", "Bob"}}, &welcome);
  auto cat = join({{"type", "hello"}, {"name", "Cat"}}, &welcome);
  bob->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":1,"key":"rate-bob-0xx"})");
  EXPECT_EQ(next_of_type(*bob, "order")["status"], "ok");
  bob->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":1,"key":"rate-bob-1xx"})");
  EXPECT_EQ(next_of_type(*bob, "order")["status"], "ok");
  cat->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":1,"key":"rate-cat-0xx"})");
  e = next_of_type(*cat, "error");
  EXPECT_EQ(e["code"], "rate_limited") << "Cat has her own budget left, but the address has not";
  EXPECT_GT(e.value("retry_after_ms", 0), 0);
  // It refills: after the wait, Cat buys.
  EXPECT_LE(e.value("retry_after_ms", 0), 5001);
  std::this_thread::sleep_for(std::chrono::milliseconds(e.value("retry_after_ms", 5000) + 50));
  cat->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":1,"key":"rate-cat-1xx"})");
  EXPECT_EQ(next_of_type(*cat, "order")["status"], "ok");
}

TEST_F(TrustRates, MessagesArePacedPerAddress) {
  json welcome;
  std::vector<std::unique_ptr<WsClient>> users;
  for (int i = 0; i < 4; ++i) {
    users.push_back(join({{"type", "hello"}, {"name", "u" + std::to_string(i)}}, &welcome));
    ASSERT_EQ(welcome["type"], "welcome");
  }
  for (int i = 0; i < 3; ++i) users[i]->send_text(R"({"type":"chat","text":"one line"})");
  EXPECT_EQ(collect_events(*users[3], "chat", 3).size(), 3u);
  users[3]->send_text(R"({"type":"chat","text":"one line too many"})");
  json e = next_of_type(*users[3], "error");
  EXPECT_EQ(e["code"], "rate_limited");
  EXPECT_GT(e.value("retry_after_ms", 0), 0);
}

TEST_F(Trust, OversizedHeadersAreRefusedWithoutHarm) {
  std::string body;
  const int status = http_request(server->port(), "GET", "/api/broadcasts", {},
                                  {"X-Filler: " + std::string(20000, 'a')}, &body);
  EXPECT_TRUE(status == 431 || status == 400 || status == 0) << status << " " << body;
  EXPECT_EQ(http_get(server->port(), "/healthz"), 200);
  EXPECT_EQ(http_request(server->port(), "GET", "/api/broadcasts", {}, {"X-Filler: " + std::string(2000, 'a')}),
            200);
}

// Security headers on pages, CORS on the API.
namespace {
class TrustCors : public Trust {
 protected:
  std::string http_yaml() const override {
    return "  cors_origins: [https://shop.example]\n  embed_origins: [https://blog.example]\n";
  }
};
}  // namespace

TEST_F(Trust, PagesCarryTheirSecurityPolicies) {
  std::string headers;
  ASSERT_EQ(http_get(server->port(), "/watch/orchard", nullptr, &headers), 200);
  const std::string csp = header(headers, "content-security-policy");
  for (const char* part : {"script-src 'self'", "style-src 'self'", "img-src 'self' https: data:",
                           "media-src 'self' blob:", "connect-src 'self' ws: wss:", "worker-src 'self' blob:",
                           "frame-ancestors 'none'"}) {
    EXPECT_NE(csp.find(part), std::string::npos) << part << " in " << csp;
  }
  EXPECT_EQ(header(headers, "referrer-policy"), "strict-origin-when-cross-origin");
  EXPECT_EQ(header(headers, "x-content-type-options"), "nosniff");
  EXPECT_NE(header(headers, "permissions-policy").find("camera=()"), std::string::npos);

  ASSERT_EQ(http_get(server->port(), "/embed/orchard", nullptr, &headers), 200);
  // Framable by any site (no frame-ancestors at all: "*" would refuse opaque-origin hosts).
  EXPECT_FALSE(header(headers, "content-security-policy").empty());
  EXPECT_EQ(header(headers, "content-security-policy").find("frame-ancestors"), std::string::npos);
  for (const char* page : {"/studio", "/golive"}) {
    ASSERT_EQ(http_get(server->port(), page, nullptr, &headers), 200) << page;
    EXPECT_NE(header(headers, "permissions-policy").find("camera=(self)"), std::string::npos) << page;
    EXPECT_NE(header(headers, "permissions-policy").find("microphone=(self)"), std::string::npos) << page;
    EXPECT_NE(header(headers, "content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
  }
  ASSERT_EQ(http_get(server->port(), "/", nullptr, &headers), 200);
  EXPECT_FALSE(header(headers, "content-security-policy").empty());
  EXPECT_EQ(http_get(server->port(), "/watch/nope", nullptr, &headers), 404);
  EXPECT_FALSE(header(headers, "content-security-policy").empty());

  // Same-origin only by default: no CORS header on seller calls, public reads open to all.
  json a;
  std::string body;
  ASSERT_EQ(http_request(server->port(), "GET", "/api/broadcasts/orchard/orders", {},
                         {"Origin: https://evil.example", std::string("Authorization: Bearer ") + kSeller}, &body,
                         &headers),
            200);
  EXPECT_EQ(header(headers, "access-control-allow-origin"), "");
  ASSERT_EQ(http_request(server->port(), "GET", "/api/broadcasts", {}, {"Origin: https://evil.example"}, &body,
                         &headers),
            200);
  EXPECT_EQ(header(headers, "access-control-allow-origin"), "*");
  ASSERT_EQ(http_request(server->port(), "GET", "/embed.js", {}, {"Origin: https://evil.example"}, &body, &headers),
            200);
  EXPECT_EQ(header(headers, "access-control-allow-origin"), "*");
  // The video plays in another site's own player too (the playlist may not be written yet: the
  // header comes with whatever the answer is).
  http_request(server->port(), "GET", "/live/orchard/index.m3u8", {}, {"Origin: https://evil.example"}, &body,
               &headers);
  EXPECT_EQ(header(headers, "access-control-allow-origin"), "*");
  http_request(server->port(), "GET", "/vod/orchard/index.m3u8", {}, {"Origin: https://evil.example"}, &body,
               &headers);
  EXPECT_EQ(header(headers, "access-control-allow-origin"), "*");
  EXPECT_EQ(http_request(server->port(), "OPTIONS", "/api/broadcasts/orchard/products", {},
                         {"Origin: https://evil.example", "Access-Control-Request-Method: POST"}, &body, &headers),
            204);  // a public read path: the preflight allows reads only
  EXPECT_EQ(header(headers, "access-control-allow-methods").find("POST"), std::string::npos);
  EXPECT_EQ(http_request(server->port(), "OPTIONS", "/api/broadcasts/orchard/orders", {},
                         {"Origin: https://evil.example", "Access-Control-Request-Method: GET"}, &body, &headers),
            403);
}

TEST_F(TrustCors, ListedOriginsMayCallTheApi) {
  std::string body, headers;
  ASSERT_EQ(http_request(server->port(), "OPTIONS", "/api/broadcasts/orchard/products", {},
                         {"Origin: https://shop.example", "Access-Control-Request-Method: POST",
                          "Access-Control-Request-Headers: authorization, content-type"},
                         &body, &headers),
            204);
  EXPECT_EQ(header(headers, "access-control-allow-origin"), "https://shop.example");
  EXPECT_NE(header(headers, "access-control-allow-methods").find("POST"), std::string::npos);
  EXPECT_NE(lower(header(headers, "access-control-allow-headers")).find("authorization"), std::string::npos);
  ASSERT_EQ(http_request(server->port(), "POST", "/api/broadcasts/orchard/products", kProduct,
                         {"Origin: https://shop.example", "Content-Type: application/json",
                          "Authorization: Bearer " + jwt("seller", "orchard")},
                         &body, &headers),
            201)
      << body;
  EXPECT_EQ(header(headers, "access-control-allow-origin"), "https://shop.example");
  ASSERT_EQ(http_request(server->port(), "GET", "/api/broadcasts/orchard/orders", {},
                         {"Origin: https://other.example", std::string("Authorization: Bearer ") + kSeller}, &body,
                         &headers),
            200);
  EXPECT_EQ(header(headers, "access-control-allow-origin"), "");
  ASSERT_EQ(http_get(server->port(), "/embed/orchard", nullptr, &headers), 200);
  EXPECT_NE(header(headers, "content-security-policy").find("frame-ancestors https://blog.example"),
            std::string::npos);
}
