// Order webhooks end to end: a real livegate (one or two nodes), a real redis-server, orders from
// the real buy script, and a small real HTTP receiver in the test that records what arrives.
// Timings are shortened by config (100 ms polls, 100-400 ms backoff, 1 s timeout, 4 s takeover).

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <thread>

#include "order_fixture.h"
#include "webhook_receiver.h"

using namespace livegate;
using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kSecret = "test-webhook-secret-0123";

// An independent HMAC-SHA256 (OpenSSL), as a receiver would compute it.
std::string expected_signature(const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::strlen(kSecret)),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  std::string hex = "sha256=";
  char byte[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof(byte), "%02x", mac[i]);
    hex += byte;
  }
  return hex;
}

std::string webhooks_yaml(const std::string& url, const std::string& node,
                          int claim_idle_ms = 4000) {
  return std::string("auth:\n  seller_token: ") + kSellerToken + "\nchat:\n  node_id: " + node +
         "\nwebhooks:\n  url: " + url + "\n  secret: " + kSecret +
         "\n  timeout_ms: 1000\n  max_attempts: 3\n  backoff_initial_ms: 100\n"
         "  backoff_max_ms: 400\n  batch: 8\n  poll_interval_ms: 100\n  claim_idle_ms: " +
         std::to_string(claim_idle_ms) + "\n";
}

class OrderWebhooksTest : public OrderFixture {
 protected:
  void BeforeLivegate() override { ASSERT_TRUE(receiver.start()); }
  std::string extra_yaml() const override { return webhooks_yaml(receiver.url(), "node-a"); }

  // Requests that carried this order id.
  std::vector<ReceivedRequest> for_order(const std::string& id) {
    std::vector<ReceivedRequest> out;
    for (auto& r : receiver.requests()) {
      if (r.header("x-livegate-order-id") == id) out.push_back(r);
    }
    return out;
  }
  bool wait_requests(size_t n, std::chrono::milliseconds timeout) {
    return wait_until([&] { return receiver.requests().size() >= n; }, timeout);
  }
  bool wait_acked(const std::string& broadcast = "orchard",
                  std::chrono::milliseconds timeout = 5s) {
    return wait_until([&] { return pending(broadcast) == 0; }, timeout);
  }

  WebhookReceiver receiver;
};

}  // namespace

TEST_F(OrderWebhooksTest, EveryOrderArrivesSignedAndIsAcknowledged) {
  const auto ids = buy({"ann", "Bob, \"the buyer\"", "carla"});
  ASSERT_TRUE(wait_requests(3, 10s));
  ASSERT_TRUE(wait_acked());
  std::this_thread::sleep_for(500ms);  // nothing more comes once acknowledged
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  std::set<std::string> delivered;
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/hooks/orders");
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.header("x-livegate-signature"), expected_signature(r.body)) << r.body;
    EXPECT_EQ(r.header("x-livegate-delivery-attempt"), "1");
    EXPECT_EQ(r.header("x-livegate-broadcast"), "orchard");
    auto body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body["type"], "order");
    EXPECT_EQ(body["broadcast"], "orchard");
    EXPECT_EQ(body["order"]["id"], r.header("x-livegate-order-id"));
    EXPECT_EQ(body["order"]["sku"], kSku);
    EXPECT_EQ(body["order"]["qty"], 1);
    EXPECT_EQ(body["order"]["amount_cents"], kPriceCents);
    EXPECT_TRUE(body["order"]["ts"].is_number_integer());
    delivered.insert(body["order"]["id"]);
  }
  EXPECT_EQ(delivered, std::set<std::string>(ids.begin(), ids.end()));
  const auto bob = for_order(ids[1]);
  ASSERT_EQ(bob.size(), 1u);
  EXPECT_EQ(json::parse(bob[0].body)["order"]["user"], "Bob, \"the buyer\"");
  // A signature over anything else than the exact body does not match.
  EXPECT_NE(bob[0].header("x-livegate-signature"), expected_signature(bob[0].body + "\n"));
}

TEST_F(OrderWebhooksTest, TwoFailuresThenSuccessIsDeliveredOnTheThirdAttempt) {
  receiver.set_responder(
      [](const ReceivedRequest&, size_t i) { return ReceiverReply{i < 2 ? 500 : 200}; });
  const auto id = buy_one();
  ASSERT_TRUE(wait_requests(3, 10s));
  ASSERT_TRUE(wait_acked());
  std::this_thread::sleep_for(500ms);
  const auto attempts = for_order(id);
  ASSERT_EQ(attempts.size(), 3u);
  for (size_t i = 0; i < attempts.size(); ++i) {
    EXPECT_EQ(attempts[i].header("x-livegate-delivery-attempt"), std::to_string(i + 1));
    EXPECT_EQ(attempts[i].body, attempts[0].body);  // the same signed bytes every time
    EXPECT_EQ(attempts[i].header("x-livegate-signature"), expected_signature(attempts[i].body));
  }
  // Backoff with equal jitter: at least half of 100 ms, then half of 200 ms.
  EXPECT_GE(attempts[1].at - attempts[0].at, 50ms);
  EXPECT_GE(attempts[2].at - attempts[1].at, 100ms);
  EXPECT_EQ(receiver.requests().size(), 3u);
}

TEST_F(OrderWebhooksTest, AReceiverThatDoesNotAnswerInTimeIsRetried) {
  receiver.set_responder([](const ReceivedRequest&, size_t i) {
    return i == 0 ? ReceiverReply{200, 1500ms} : ReceiverReply{200};  // timeout_ms is 1000
  });
  const auto id = buy_one();
  ASSERT_TRUE(wait_requests(2, 10s));
  ASSERT_TRUE(wait_acked());
  const auto attempts = for_order(id);
  ASSERT_GE(attempts.size(), 2u);
  EXPECT_EQ(attempts[1].header("x-livegate-delivery-attempt"), "2");
  EXPECT_NE(server->log().find("no answer within 1000 ms"), std::string::npos);
}

TEST_F(OrderWebhooksTest, AReceiverThatWasDownGetsTheOrderOnceItIsBack) {
  receiver.stop();
  const auto id = buy_one();
  ASSERT_TRUE(wait_until(
      [&] { return server->log().find("order " + id + " attempt 1 failed") != std::string::npos; },
      5s))
      << "livegate did not try the receiver while it was down";
  EXPECT_EQ(pending(), 1);
  ASSERT_TRUE(receiver.start());  // same port
  // Within the round if it is still running, else in the next round after claim_idle_ms.
  ASSERT_TRUE(wait_until([&] { return !for_order(id).empty(); }, 15s));
  ASSERT_TRUE(wait_acked());
}

TEST_F(OrderWebhooksTest, AfterMaxAttemptsTheOrderStaysPendingAndIsSentAgainLater) {
  auto healthy = std::make_shared<std::atomic<bool>>(
      false);  // outlives the test body: the receiver thread reads it
  receiver.set_responder(
      [healthy](const ReceivedRequest&, size_t) { return ReceiverReply{*healthy ? 200 : 503}; });
  const auto id = buy_one();
  ASSERT_TRUE(wait_requests(3, 10s));
  std::this_thread::sleep_for(1s);  // the round is over (3 attempts); the next starts after ~4 s
  EXPECT_EQ(for_order(id).size(), 3u);
  EXPECT_EQ(pending(), 1);
  EXPECT_NE(server->log().find("order " + id + " not delivered after 3 attempts"),
            std::string::npos);

  *healthy = true;
  ASSERT_TRUE(wait_until([&] { return for_order(id).size() >= 4; }, 15s));
  EXPECT_EQ(for_order(id)[3].header("x-livegate-delivery-attempt"), "1");  // a new round
  ASSERT_TRUE(wait_acked());
}

TEST_F(OrderWebhooksTest, AnOrderPendingAcrossARestartIsDeliveredAfterIt) {
  receiver.set_responder([](const ReceivedRequest&, size_t) { return ReceiverReply{500}; });
  const auto id = buy_one();
  ASSERT_TRUE(wait_requests(1, 10s));
  server->stop();
  EXPECT_EQ(pending(), 1);
  receiver.set_responder([](const ReceivedRequest&, size_t) { return ReceiverReply{200}; });
  const size_t before = for_order(id).size();
  ASSERT_TRUE(server->start()) << server->log();
  // Same node id: it re-sends its own pending orders at start, without waiting for claim_idle_ms.
  ASSERT_TRUE(wait_until([&] { return for_order(id).size() > before; }, 5s));
  ASSERT_TRUE(wait_acked());
  EXPECT_NE(server->log().find("re-sending 1 orders still pending for 'node-a'"),
            std::string::npos);
}

TEST_F(OrderWebhooksTest, ADeadNodesPendingOrderIsTakenOver) {
  server->stop();
  const auto id = buy_one();
  // A node that read the order and died before delivering it.
  with_reply({"XREADGROUP", "GROUP", "webhooks", "dead-node", "COUNT", "10", "STREAMS",
              keys::orders("orchard"), ">"},
             [](RedisReply r) { ASSERT_TRUE(r.is_array()); });
  EXPECT_EQ(pending(), 1);
  const auto taken_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(server->start()) << server->log();
  ASSERT_TRUE(wait_until([&] { return !for_order(id).empty(); }, 15s));
  EXPECT_GE(std::chrono::steady_clock::now() - taken_at, 3500ms);  // not before claim_idle_ms
  ASSERT_TRUE(wait_acked());
  // The dead consumer, idle and with nothing pending, is removed from the group.
  auto consumers = [&] {
    std::string names;
    with_reply({"XINFO", "CONSUMERS", keys::orders("orchard"), "webhooks"},
               [&](RedisReply r) {
                 for (RedisReply consumer : r) names += consumer[1].string() + " ";
               });
    return names;
  };
  EXPECT_TRUE(wait_until([&] { return consumers().find("dead-node") == std::string::npos; }, 15s))
      << consumers();
  EXPECT_NE(consumers().find("node-a"), std::string::npos);
}

TEST_F(OrderWebhooksTest, BroadcastsCreatedThroughTheApiAreWatchedToo) {
  std::string answer;
  const std::string body =
      R"({"id":"pears","title":"Pears","source":{"type":"none"},)"
      R"("products":[{"sku":"honeycrisp-10lb","title":"H","price_cents":3499,"stock":100}]})";
  ASSERT_EQ(http_request(server->port(), "POST", "/api/broadcasts", body,
                         {"Content-Type: application/json",
                          std::string("Authorization: Bearer ") + kSellerToken},
                         &answer),
            201)
      << answer;
  open_shop("pears");
  const auto id = buy_one("pear-fan", "pears");
  ASSERT_TRUE(wait_until([&] { return !for_order(id).empty(); }, 10s));
  EXPECT_EQ(for_order(id)[0].header("x-livegate-broadcast"), "pears");
  ASSERT_TRUE(wait_acked("pears"));
}

// Two nodes share Redis and the receiver: the consumer group gives each order to one of them.
TEST_F(OrderWebhooksTest, TwoNodesDeliverEachOrderOnce) {
  LivegateServer second(redis_server.port(), shop_yaml("orchard"),
                        webhooks_yaml(receiver.url(), "node-b"));
  ASSERT_TRUE(second.start()) << second.log();
  std::vector<std::string> users;
  for (int i = 0; i < 40; ++i) users.push_back("u" + std::to_string(i));
  std::vector<std::string> ids;
  for (int round = 0; round < 4; ++round) {  // spread over time so both nodes poll in between
    auto some =
        buy(std::vector<std::string>(users.begin() + round * 10, users.begin() + round * 10 + 10));
    ids.insert(ids.end(), some.begin(), some.end());
    std::this_thread::sleep_for(150ms);
  }
  ASSERT_TRUE(wait_requests(40, 15s));
  ASSERT_TRUE(wait_acked());
  std::this_thread::sleep_for(500ms);
  std::map<std::string, int> count;
  for (const auto& r : receiver.requests()) count[r.header("x-livegate-order-id")]++;
  EXPECT_EQ(count.size(), 40u);
  for (const auto& id : ids) EXPECT_EQ(count[id], 1) << id;
  second.stop();
}

namespace {

// Several broadcasts on one node share the batch; a takeover scan only every 15 s here, so the
// second broadcast's orders can only come through its own polls.
class OrderWebhooksSeveralBroadcasts : public OrderWebhooksTest {
 protected:
  std::string broadcasts_yaml() const override { return shop_yaml("orchard") + shop_yaml("pears"); }
  std::string extra_yaml() const override { return webhooks_yaml(receiver.url(), "node-a", 60000); }
};

}  // namespace

TEST_F(OrderWebhooksSeveralBroadcasts, EveryBroadcastGetsItsShareOfTheBatch) {
  open_shop("pears");
  // A steady trickle on the first broadcast keeps its reads going on every tick.
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(buy_one("o" + std::to_string(i), "orchard"));
    ids.push_back(buy_one("p" + std::to_string(i), "pears"));
    std::this_thread::sleep_for(50ms);
  }
  auto all_arrived = [&] {
    return std::all_of(ids.begin(), ids.end(),
                       [&](const std::string& id) { return !for_order(id).empty(); });
  };
  ASSERT_TRUE(wait_until(all_arrived, 5s));
  EXPECT_TRUE(wait_acked("orchard"));
  EXPECT_TRUE(wait_acked("pears"));
}
