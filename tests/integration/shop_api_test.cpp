// The shop through real livegate nodes sharing one real redis-server: the seller's REST API
// (catalog, import, deals, pins, dashboard) with its errors, and what viewers on every node see.

#include <atomic>
#include <map>

#include "chat_room_fixture.h"
#include "livegate/common/redis_keys.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

class Shop : public ChatRoomFixture {
 protected:
  int nodes() const override { return 2; }

  // A REST call; returns {status, parsed body}.
  std::pair<int, json> api(const std::string& method, const std::string& path, const std::string& body = {},
                           bool seller = true, const std::string& content_type = "application/json",
                           int node = 0) {
    std::vector<std::string> headers = {"Content-Type: " + content_type};
    if (seller) headers.push_back("Authorization: Bearer " + std::string(kSellerToken));
    std::string out;
    const int status = http_request(port(node), method, "/api/broadcasts/orchard" + path, body, headers, &out);
    return {status, json::parse(out, nullptr, false)};
  }

  std::string redis_cli(const std::string& args) {
    std::string out = run_command("redis-cli -p " + std::to_string(redis.port()) + " " + args);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }
};

}  // namespace

TEST_F(Shop, SellerEditsTheCatalogAndViewersOnEveryNodeSeeIt) {
  json welcome;
  auto viewer = guest("Ann", &welcome, 1);
  ASSERT_EQ(welcome["room"]["products"].size(), 1u);
  EXPECT_GT(welcome["room"]["now"].get<int64_t>(), 0);
  EXPECT_DOUBLE_EQ(welcome["room"]["cny_per_usd"].get<double>(), 7.1);

  auto [created, fuji] = api("POST", "/products",
                             R"({"sku":"fuji-5lb","title":"Fuji 5 lb","title_zh":"富士苹果","price_cents":1899,"stock":40,"per_buyer":4,"max_per_order":2})");
  ASSERT_EQ(created, 201) << fuji;
  EXPECT_EQ(fuji["stock"], 40);
  EXPECT_EQ(fuji["price_cny_fen"], 13483);
  json event = next_event(*viewer, "product");
  EXPECT_EQ(event["sku"], "fuji-5lb");
  EXPECT_EQ(event["product"]["title_zh"], "富士苹果");

  EXPECT_EQ(api("POST", "/products", R"({"sku":"fuji-5lb","title":"Again","price_cents":1})").first, 409);
  auto [bad, why] = api("POST", "/products", R"({"sku":"pear","title":"Pear","price_cents":-3})");
  EXPECT_EQ(bad, 400);
  EXPECT_EQ(why["error"], "price_cents must be between 1 and 100000000");
  EXPECT_EQ(api("POST", "/products", "{not json").first, 400);
  EXPECT_EQ(api("POST", "/products", R"({"sku":"pear","title":"Pear","price_cents":100})", false).first, 401);
  EXPECT_EQ(api("PUT", "/products/pear", R"({"title":"Pear","price_cents":100})").first, 404);
  EXPECT_EQ(api("PUT", "/products/fuji-5lb", R"({"sku":"other","title":"x","price_cents":100})").first, 400);

  auto [changed, price] = api("PUT", "/products/fuji-5lb", R"({"title":"Fuji 5 lb","price_cents":1699,"per_buyer":4,"max_per_order":2})");
  ASSERT_EQ(changed, 200) << price;
  EXPECT_EQ(price["stock"], 40);  // no stock given: unchanged
  EXPECT_EQ(next_event(*viewer, "product")["product"]["price_cents"], 1699);

  // Viewers buy at the new price; the per-order and per-buyer limits come from Redis.
  viewer->send_text(R"({"type":"buy","sku":"fuji-5lb","qty":3,"key":"fuji-key-1"})");
  json e = next_of_type(*viewer, "error");
  EXPECT_EQ(e["code"], "bad_qty");
  EXPECT_EQ(e["key"], "fuji-key-1");
  for (int i = 0; i < 2; ++i) {
    viewer->send_text(json{{"type", "buy"}, {"sku", "fuji-5lb"}, {"qty", 2}, {"key", "fuji-ok-" + std::to_string(i)}}.dump());
    EXPECT_EQ(next_of_type(*viewer, "order")["status"], "ok");
  }
  viewer->send_text(R"({"type":"buy","sku":"fuji-5lb","qty":1,"key":"fuji-key-3"})");
  EXPECT_EQ(next_of_type(*viewer, "error")["code"], "limit_reached");
  EXPECT_EQ(redis_cli("GET 'lg:{orchard}:gmv'"), std::to_string(4 * 1699));

  auto [removed, gone] = api("DELETE", "/products/fuji-5lb");
  EXPECT_EQ(removed, 200) << gone;
  EXPECT_TRUE(next_event(*viewer, "product")["product"].is_null());
  auto [listed, list] = api("GET", "/products", {}, false);
  ASSERT_EQ(listed, 200);
  EXPECT_EQ(list["products"].size(), 1u);
  EXPECT_EQ(api("GET", "/products", {}, false, "application/json", 1).second, list);  // same on node B
}

TEST_F(Shop, ImportIsAllOrNothing) {
  const std::string good = "sku,title,title_zh,price_cents,stock\n"
                           "gala-crate,\"Gala crate, 24 apples\",嘎啦苹果礼盒,4999,10\n"
                           "honeycrisp-10lb,Honeycrisp 10 lb,蜜脆苹果,3299,\n";
  auto [status, body] = api("POST", "/products/import", good, true, "text/csv; charset=utf-8");
  ASSERT_EQ(status, 200) << body;
  EXPECT_EQ(body["imported"], 2);
  auto [listed, list] = api("GET", "/products", {}, false);
  ASSERT_EQ(list["products"].size(), 2u);
  EXPECT_EQ(list["products"][0]["price_cents"], 3299);  // updated in place, stock kept
  EXPECT_EQ(list["products"][0]["stock"], 20);
  EXPECT_EQ(list["products"][1]["title"], "Gala crate, 24 apples");

  auto [bad, why] = api("POST", "/products/import", "sku,title,price_cents\nfuji,Fuji,100\npear,Pear,abc\n", true,
                        "text/csv");
  EXPECT_EQ(bad, 400);
  EXPECT_EQ(why["error"], "row 3: price_cents must be a whole number");
  EXPECT_EQ(api("GET", "/products", {}, false).second["products"].size(), 2u);  // fuji not added
}

TEST_F(Shop, TwoNodesSellTheSameFlashDealExactlyOnce) {
  auto [created, deal] = api("POST", "/deals",
                             R"({"sku":"honeycrisp-10lb","price_cents":2499,"stock":15,"per_buyer":0,"duration_seconds":60})");
  ASSERT_EQ(created, 201) << deal;
  const std::string id = deal["deal"]["id"];
  EXPECT_EQ(deal["deal"]["ends_at"].get<int64_t>() - deal["deal"]["starts_at"].get<int64_t>(), 60000);

  // 10 buyers on each node, 3 clicks each at once: 60 clicks race for 15 deal units.
  std::vector<std::unique_ptr<WsClient>> buyers;
  json welcome;
  for (int i = 0; i < 20; ++i) buyers.push_back(join({{"guest", "deal-buyer-secret-" + std::to_string(i)}}, &welcome, i % 2));
  ASSERT_EQ(welcome["room"]["deals"].size(), 1u);
  EXPECT_EQ(welcome["room"]["deals"][0]["remaining"], 15);
  for (size_t i = 0; i < buyers.size(); ++i) {
    for (int k = 0; k < 3; ++k) {
      buyers[i]->send_text(json{{"type", "buy"}, {"sku", "honeycrisp-10lb"}, {"qty", 1}, {"deal", id},
                                {"key", "deal-" + std::to_string(i) + "-" + std::to_string(k)}}
                               .dump());
    }
  }
  std::map<std::string, int> outcomes;
  for (auto& b : buyers) {
    for (int k = 0; k < 3; ++k) {
      auto text = b->receive_until(
          [](const std::string& t) {
            return t.find("\"type\":\"order\"") != std::string::npos ||
                   t.find("\"type\":\"error\"") != std::string::npos;
          },
          10s);
      json reply = text ? json::parse(*text) : json::object();
      outcomes[reply.value("status", reply.value("code", "none")) + "/" + reply.value("reason", "")]++;
    }
  }
  EXPECT_EQ(outcomes["ok/"], 15);
  EXPECT_EQ(outcomes["sold_out/deal_sold_out"], 45);
  EXPECT_EQ(redis_cli("HGET 'lg:{orchard}:deal:left' " + id), "0");
  EXPECT_EQ(redis_cli("HGET 'lg:{orchard}:stock' honeycrisp-10lb"), "5");
  EXPECT_EQ(redis_cli("HGET 'lg:{orchard}:sold' honeycrisp-10lb"), "15");
  EXPECT_EQ(redis_cli("XLEN 'lg:{orchard}:orders'"), "15");
  EXPECT_EQ(redis_cli("GET 'lg:{orchard}:gmv'"), std::to_string(15 * 2499));

  // Ending it: later deal clicks are refused by Redis, whoever's clock says otherwise.
  auto [ended, over] = api("POST", "/deals/" + id + "/end", {}, true, "application/json", 1);
  EXPECT_EQ(ended, 200) << over;
  buyers[0]->send_text(json{{"type", "buy"}, {"sku", "honeycrisp-10lb"}, {"deal", id}, {"key", "late-deal-key"}}.dump());
  EXPECT_EQ(next_of_type(*buyers[0], "error")["code"], "deal_ended");
  EXPECT_EQ(api("POST", "/deals", R"({"sku":"honeycrisp-10lb","price_cents":2499,"stock":1,"duration_seconds":5})").first, 400);
  EXPECT_EQ(api("POST", "/deals", R"({"sku":"honeycrisp-10lb","price_cents":3499,"stock":1,"duration_seconds":30})").first, 400);
  EXPECT_EQ(api("POST", "/deals/d99/end").first, 404);
  EXPECT_EQ(api("POST", "/deals/x1/end").first, 404);
}

TEST_F(Shop, PinsCarryTheMediaTimeToEveryNodeAndTheReplay) {
  auto staff = moderator();
  auto viewer = guest("Bo", nullptr, 1);
  staff->send_text(R"({"type":"pin","sku":"honeycrisp-10lb"})");
  json pin = next_event(*viewer, "pin");
  EXPECT_EQ(pin["sku"], "honeycrisp-10lb");
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(pin["media_ms"].get<double>(), static_cast<double>(now_ms), 5000.0);
  json welcome;
  auto late = guest("Cy", &welcome);
  EXPECT_EQ(welcome["room"]["pinned"], "honeycrisp-10lb");
  EXPECT_EQ(welcome["room"]["pin"]["media_ms"], pin["media_ms"]);

  staff->send_text(R"({"type":"pin","sku":"no-such-apple"})");
  EXPECT_EQ(next_of_type(*staff, "error")["code"], "unknown_sku");
  viewer->send_text(R"({"type":"pin","sku":"honeycrisp-10lb"})");
  EXPECT_EQ(next_of_type(*viewer, "error")["code"], "forbidden");

  // The studio pins what its preview shows: an explicit program date-time.
  auto [status, body] = api("POST", "/pins", json{{"sku", nullptr}, {"media_ms", now_ms - 8000}}.dump());
  ASSERT_EQ(status, 200) << body;
  EXPECT_EQ(next_event(*viewer, "pin")["media_ms"], now_ms - 8000);
  EXPECT_EQ(api("POST", "/pins", R"({"sku":"honeycrisp-10lb","media_ms":12})").first, 400);
  auto [listed, timeline] = api("GET", "/pins", {}, false, "application/json", 1);
  ASSERT_EQ(listed, 200);
  ASSERT_EQ(timeline["pins"].size(), 2u);
  EXPECT_EQ(timeline["pins"][0]["sku"], "honeycrisp-10lb");
  EXPECT_TRUE(timeline["pins"][1]["sku"].is_null());
}

TEST_F(Shop, DashboardCountsTapsClicksAndOrders) {
  auto ann = join({{"guest", "dashboard-ann-secret"}});
  ann->send_text(R"({"type":"tap","sku":"honeycrisp-10lb"})");
  ann->send_text(R"({"type":"buy","sku":"honeycrisp-10lb","qty":2,"key":"dash-key-1"})");
  ASSERT_EQ(next_of_type(*ann, "order")["status"], "ok");
  EXPECT_EQ(api("GET", "/stats", {}, false).first, 401);
  auto [status, stats] = api("GET", "/stats");
  ASSERT_EQ(status, 200) << stats;
  EXPECT_EQ(stats["gmv_cents"], 2 * 3499);
  EXPECT_EQ(stats["units"]["honeycrisp-10lb"], 2);
  EXPECT_EQ(stats["funnel"]["tapped"], 1);
  EXPECT_EQ(stats["funnel"]["clicked"], 1);
  EXPECT_EQ(stats["funnel"]["bought"], 1);
  EXPECT_GE(stats["viewers"].get<int>(), 1);
  ASSERT_FALSE(stats["minutes"].empty());
  EXPECT_EQ(stats["minutes"].back()["orders"], 1);
}
