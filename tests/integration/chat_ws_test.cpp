// Two real WebSocket viewers against a real livegate and redis-server.

#include "livegate/common/stream_id.h"

#include "livegate_fixture.h"

using namespace livegate::testing;
using nlohmann::json;

using ChatWs = LivegateFixture;

TEST_F(ChatWs, WelcomeHasTheRoomSnapshot) {
  json welcome;
  auto a = viewer("Ann", &welcome);
  EXPECT_EQ(welcome["user"]["name"], "Ann");
  EXPECT_EQ(welcome["user"]["role"], "viewer");
  EXPECT_EQ(welcome["room"]["broadcast"]["id"], "orchard");
  EXPECT_EQ(welcome["room"]["broadcast"]["hls"], "/live/orchard/index.m3u8");
  EXPECT_EQ(welcome["room"]["products"].size(), 2u);
  EXPECT_EQ(welcome["room"]["stock"]["honeycrisp-10lb"], 20);
  EXPECT_EQ(welcome["room"]["sold"]["honeycrisp-10lb"], 0);
  EXPECT_GE(welcome["room"]["viewers"].get<int>(), 1);
}

TEST_F(ChatWs, ChatFromOneViewerReachesTheOtherWithAStreamId) {
  auto a = viewer("Ann");
  auto b = viewer("Bo");
  const std::string text = "Are the Honeycrisp crisp? 脆吗？ <b>bold</b>";
  a->send_text(json{{"type", "chat"}, {"text", text}}.dump());
  json line = next_event(*b, "chat");
  ASSERT_FALSE(line.is_null());
  EXPECT_EQ(line["text"], text);
  EXPECT_EQ(line["user"]["name"], "Ann");
  EXPECT_TRUE(livegate::parse_stream_id(line["id"].get<std::string>()));  // "<ms>-<seq>"
  // The sender gets its own line too, with the same id.
  EXPECT_EQ(next_event(*a, "chat")["id"], line["id"]);
}

TEST_F(ChatWs, LateJoinerGetsHistoryAndResumeGetsExactlyTheMissedLines) {
  auto a = viewer("Ann");
  for (int i = 0; i < 3; ++i) {
    a->send_text(json{{"type", "chat"}, {"text", "line " + std::to_string(i)}}.dump());
  }
  std::vector<std::string> ids;
  for (const auto& e : collect_events(*a, "chat", 3)) ids.push_back(e["id"]);
  ASSERT_EQ(ids.size(), 3u);
  json welcome;
  auto late = viewer("Late", &welcome);
  ASSERT_EQ(welcome["room"]["chat"].size(), 3u);
  EXPECT_EQ(welcome["room"]["chat"][0]["text"], "line 0");  // oldest first
  EXPECT_EQ(welcome["room"]["chat"][2]["id"], ids[2]);

  json resumed;
  auto back = viewer("Back", &resumed, ids[0]);
  ASSERT_EQ(resumed["room"]["chat"].size(), 2u);
  EXPECT_EQ(resumed["room"]["chat"][0]["id"], ids[1]);
  EXPECT_EQ(resumed["room"]["chat"][1]["id"], ids[2]);
}

TEST_F(ChatWs, BuyGivesTheBuyerAnOrderAndEveryoneTheStock) {
  auto a = viewer("Ann");
  auto b = viewer("Bo");
  a->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":2,"key":"ws-buy-0001"})");
  json order = next_of_type(*a, "order");
  ASSERT_FALSE(order.is_null());
  EXPECT_EQ(order["status"], "ok");
  EXPECT_EQ(order["key"], "ws-buy-0001");
  EXPECT_EQ(order["remaining"], 18);
  EXPECT_TRUE(order["order_id"].is_string());
  json stock = next_event(*b, "stock");
  EXPECT_EQ(stock["sku"], "honeycrisp-10lb");
  EXPECT_EQ(stock["remaining"], 18);
  EXPECT_EQ(stock["sold"], 2);

  // The retried key: same order, nothing taken twice.
  a->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":2,"key":"ws-buy-0001"})");
  json again = next_of_type(*a, "order");
  EXPECT_EQ(again["status"], "duplicate");
  EXPECT_EQ(again["order_id"], order["order_id"]);

  // Last unit of the crate, then sold out.
  a->send_text(R"({"type":"buy","sku":"gala-crate","qty":1,"key":"ws-buy-0002"})");
  EXPECT_EQ(next_of_type(*a, "order")["status"], "ok");
  b->send_text(R"({"type":"buy","sku":"gala-crate","qty":1,"key":"ws-buy-0003"})");
  json sold_out = next_of_type(*b, "order");
  EXPECT_EQ(sold_out["status"], "sold_out");
  EXPECT_EQ(sold_out["remaining"], 0);

  std::string body;
  ASSERT_EQ(http_get(server->port(), "/api/broadcasts/orchard", &body), 200);
  json api = json::parse(body);
  EXPECT_EQ(api["orders"], 2);
  EXPECT_EQ(api["gmv_cents"], 2 * 3499 + 4999);
  EXPECT_EQ(api["products"][0]["stock"], 18);
  EXPECT_EQ(api["products"][0]["sold"], 2);
}

TEST_F(ChatWs, BadFramesGetErrorsAndTheConnectionStaysUsable) {
  auto a = viewer("Ann");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{oops", "bad_json"},
      {R"({"type":"dance"})", "unknown_type"},
      {R"({"type":"chat","text":""})", "empty"},
      {R"({"type":"chat","text":")" + std::string(501, 'x') + "\"}", "too_long"},
      {R"({"type":"buy","sku":"pear","qty":1,"key":"bad-sku-01"})", "unknown_sku"},
      {R"({"type":"buy","sku":"honeycrisp-10lb","qty":0,"key":"bad-qty-01"})", "bad_qty"},
      {R"({"type":"buy","sku":"honeycrisp-10lb","qty":6,"key":"bad-qty-02"})", "bad_qty"},
      {R"({"type":"buy","sku":"honeycrisp-10lb","qty":1})", "bad_key"},
      {R"({"type":"hello"})", "already_welcomed"},
      {std::string(9000, ' '), "too_large"},
  };
  for (const auto& [frame, code] : cases) {
    ASSERT_TRUE(a->send_text(frame));
    json e = next_of_type(*a, "error");
    EXPECT_EQ(e["code"], code) << frame.substr(0, 80);
    EXPECT_TRUE(e["message"].is_string());
  }
  a->send_text(R"({"type":"ping"})");
  EXPECT_FALSE(next_of_type(*a, "pong").is_null());
  // Nothing was sold by any of that.
  std::string body;
  http_get(server->port(), "/api/broadcasts/orchard", &body);
  EXPECT_EQ(json::parse(body)["orders"], 0);
}

TEST_F(ChatWs, ChatBeforeHelloIsRefused) {
  WsClient c;
  ASSERT_TRUE(c.connect(server->port(), "/ws/orchard"));
  c.send_text(R"({"type":"chat","text":"hi"})");
  EXPECT_EQ(next_of_type(c, "error")["code"], "hello_first");
}

TEST_F(ChatWs, UnknownBroadcastIsRefused) {
  WsClient c;
  ASSERT_TRUE(c.connect(server->port(), "/ws/no-such-sale"));
  EXPECT_EQ(next_of_type(c, "error")["code"], "unknown_broadcast");
  EXPECT_FALSE(c.receive(std::chrono::seconds(5)));
  EXPECT_EQ(c.close_code(), 4404);
  std::string body;
  EXPECT_EQ(http_get(server->port(), "/api/broadcasts/no-such-sale", &body), 404);
  EXPECT_EQ(json::parse(body)["error"], "no broadcast with id 'no-such-sale'");
}

TEST_F(ChatWs, ViewerCountFollowsConnections) {
  auto a = viewer("Ann");
  {
    auto b = viewer("Bo");
    json v = next_event(*a, "viewers");
    while (!v.is_null() && v["count"] != 2) v = next_event(*a, "viewers");
    EXPECT_EQ(v["count"], 2);
    b->close();
  }
  json v = next_event(*a, "viewers");
  while (!v.is_null() && v["count"] != 1) v = next_event(*a, "viewers");
  EXPECT_EQ(v["count"], 1) << "socket closed " << a->closed() << ", close code " << a->close_code();
}

TEST_F(ChatWs, HttpRoutesAndErrors) {
  std::string body, headers;
  EXPECT_EQ(http_get(server->port(), "/healthz", &body), 200);
  EXPECT_EQ(json::parse(body)["redis"], "up");
  EXPECT_EQ(http_get(server->port(), "/api/broadcasts", &body), 200);
  EXPECT_EQ(json::parse(body)["broadcasts"][0]["id"], "orchard");
  EXPECT_EQ(http_get(server->port(), "/api/nope", &body), 404);
  EXPECT_TRUE(json::parse(body).contains("error"));
  EXPECT_EQ(http_get(server->port(), "/live/orchard/../../etc/passwd", &body), 404);
  EXPECT_EQ(http_get(server->port(), "/live/other/index.m3u8", &body), 404);
  EXPECT_EQ(http_get(server->port(), "/watch/no-such-sale", &body), 404);
  EXPECT_EQ(http_get(server->port(), "/watch/orchard", &body, &headers), 200);
  EXPECT_NE(headers.find("content-type: text/html"), std::string::npos);
  // A path longer than the small-string buffer (a dangling view once served 404 here).
  EXPECT_EQ(http_get(server->port(), "/assets/js/room-socket.js", &body, &headers), 200);
  EXPECT_NE(headers.find("content-type: text/javascript"), std::string::npos);
  EXPECT_EQ(http_get(server->port(), "/assets/node_modules/hls.js/package.json", &body), 404);
  EXPECT_EQ(http_get(server->port(), "/vendor/hls.min.js", &body, &headers), 200);
}
