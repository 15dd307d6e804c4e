// Acknowledged orders survive crashes. Real processes: a redis-server with AOF on (fsync always,
// as the embedded Redis runs by default) and a livegate node; buyers click over WebSocket, each
// click with its own idempotency key, while one of the two is killed with SIGKILL mid-burst and
// started again. Afterwards, in Redis: every acknowledged order is in the orders stream exactly
// once (matched by its key, with the order id the buyer was given), no sku is oversold and
// stock + sold still equals the initial stock. Then the buyers retry every key that was not
// acknowledged and some that were, as the same guests: acknowledged keys come back `duplicate`
// with their original order id, the others become at most one order each.

#include <hiredis/hiredis.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "livegate_fixture.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kRoom = "flash";
constexpr const char* kScarce = "scarce-lamp";   // sells out during the burst
constexpr const char* kPlenty = "plenty-socks";  // never sells out
constexpr int64_t kScarceStock = 60;
constexpr int64_t kPlentyStock = 100000;

const std::string kBroadcast = std::string("  - id: ") + kRoom + R"(
    title: Flash sale under fire
    source: {type: none}
    products:
      - {sku: scarce-lamp, title: Scarce lamp, price_cents: 2500, stock: 60, max_per_order: 1}
      - {sku: plenty-socks, title: Plenty socks, price_cents: 700, stock: 100000, max_per_order: 1}
)";
// Buyers click faster than a person: lift the per-connection frame limits out of the way.
const std::string kChat =
    "chat:\n  frames_per_second: 2000\n  frames_burst: 2000\n  errors_per_minute: 100000\n"
    "  buys_per_second: 0\n  ip_buys_per_second: 0\n";  // a load test: every buyer is on 127.0.0.1

struct Answer {
  std::string status;    // ok | sold_out | duplicate, or "error"
  std::string order_id;  // ok and duplicate
  std::string code;      // error frames: unavailable, ...
};

// A buyer: one guest (a stable secret, so the same user id after reconnecting) and its clicks.
class Buyer {
 public:
  Buyer(int index, std::string test) : index_(index), test_(std::move(test)) {}

  std::string secret() const { return test_ + "-buyer-" + std::to_string(index_) + "-secret"; }
  const std::string& user_id() const { return user_id_; }

  // Connects and says hello as this guest, again and again as a browser would while the node
  // or its Redis is coming back (the welcome needs Redis); false when no welcome came in 10 s.
  bool join(int port) {
    const auto deadline = Clock::now() + 10s;
    while (Clock::now() < deadline) {
      client_ = std::make_unique<WsClient>();
      if (client_->connect(port, std::string("/ws/") + kRoom)) {
        client_->send_text(json{{"type", "hello"}, {"guest", secret()}, {"name", "Buyer"}}.dump());
        const json first = next_of_type(*client_, "welcome", 2s);
        if (!first.is_null()) {
          const std::string id = first["user"]["id"];
          if (!user_id_.empty() && id != user_id_) return false;  // the same guest every time
          user_id_ = id;
          return true;
        }
      }
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  // Clicks `clicks` new keys, alternating the two skus, one every `pace`, with at most `window`
  // unanswered; counts ok acks in acked_ok. Ends when every click is answered, the connection
  // closes or the deadline passes.
  void burst(int clicks, int window, std::chrono::microseconds pace, std::atomic<int>& acked_ok,
             Clock::time_point deadline) {
    std::set<std::string> open;
    int next = 0;
    auto next_send = Clock::now();
    while (Clock::now() < deadline && !client_->closed()) {
      if (next < clicks && static_cast<int>(open.size()) < window && Clock::now() >= next_send) {
        const std::string key = test_ + "-b" + std::to_string(index_) + "-k" + std::to_string(next);
        const std::string sku = next % 2 ? kPlenty : kScarce;
        sku_of[key] = sku;
        sent.push_back(key);
        open.insert(key);
        ++next;
        next_send += pace;
        if (!send_buy(key, sku)) break;
        continue;
      }
      if (next >= clicks && open.empty()) break;
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_send - Clock::now());
      if (next >= clicks || static_cast<int>(open.size()) >= window) wait = 200ms;
      const auto text = client_->receive(std::clamp(wait, 1ms, 200ms));
      if (!text) continue;
      std::string key;
      Answer a;
      if (!parse_answer(*text, key, a)) continue;
      if (!open.erase(key)) continue;
      first[key] = a;
      if (a.status == "ok") ++acked_ok;
    }
  }

  // Sends each key once more (with its sku) and waits for its answer; a retry answered
  // `unavailable` (Redis not back yet) is sent again after a pause, until the deadline.
  std::map<std::string, Answer> retry(const std::vector<std::string>& keys,
                                      Clock::time_point deadline) {
    std::map<std::string, Answer> answers;
    for (const auto& key : keys) {
      while (Clock::now() < deadline) {
        if (!send_buy(key, sku_of.at(key))) return answers;
        Answer a;
        std::string got;
        const auto text = client_->receive_until(
            [&](const std::string& t) { return parse_answer(t, got, a) && got == key; }, 5s);
        if (!text) return answers;
        if (a.status == "error" && a.code == "unavailable") {
          std::this_thread::sleep_for(200ms);
          continue;
        }
        answers[key] = a;
        break;
      }
    }
    return answers;
  }

  std::vector<std::string> sent;              // keys clicked in the burst, in order
  std::map<std::string, std::string> sku_of;  // key -> sku
  std::map<std::string, Answer> first;        // the burst's answers by key

 private:
  bool send_buy(const std::string& key, const std::string& sku) {
    return client_->send_text(json{{"type", "buy"}, {"sku", sku}, {"qty", 1}, {"key", key}}.dump());
  }

  // An order frame, or an error frame about a buy; false for anything else.
  static bool parse_answer(const std::string& text, std::string& key, Answer& a) {
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("key") || !j["key"].is_string()) return false;
    key = j["key"];
    const std::string type = j.value("type", "");
    if (type == "order") {
      a.status = j.value("status", "");
      a.order_id = j["order_id"].is_string() ? j["order_id"].get<std::string>() : "";
      return true;
    }
    if (type == "error") {
      a.status = "error";
      a.code = j.value("code", "");
      return true;
    }
    return false;
  }

  int index_;
  std::string test_;
  std::string user_id_;
  std::unique_ptr<WsClient> client_;
};

struct StreamOrder {
  std::string id, key, sku, user;
};

// Reads Redis directly (hiredis, blocking): what the orders stream and the tally hold.
class RedisView {
 public:
  explicit RedisView(int port) : c_(redisConnect("127.0.0.1", port)) {}
  ~RedisView() {
    if (c_) redisFree(c_);
  }
  bool ok() const { return c_ && !c_->err; }

  std::vector<StreamOrder> orders() {
    std::vector<StreamOrder> out;
    const std::string key = std::string("lg:{") + kRoom + "}:orders";
    auto* r = static_cast<redisReply*>(redisCommand(c_, "XRANGE %s - +", key.c_str()));
    if (!r) return out;
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; ++i) {
      const redisReply* entry = r->element[i];
      StreamOrder o;
      o.id.assign(entry->element[0]->str, entry->element[0]->len);
      const redisReply* fields = entry->element[1];
      for (size_t f = 0; f + 1 < fields->elements; f += 2) {
        const std::string name(fields->element[f]->str, fields->element[f]->len);
        const std::string value(fields->element[f + 1]->str, fields->element[f + 1]->len);
        if (name == "key") o.key = value;
        if (name == "sku") o.sku = value;
        if (name == "user") o.user = value;
      }
      out.push_back(o);
    }
    freeReplyObject(r);
    return out;
  }

  int64_t hget(const std::string& what, const std::string& field) {
    const std::string key = std::string("lg:{") + kRoom + "}:" + what;
    auto* r = static_cast<redisReply*>(redisCommand(c_, "HGET %s %s", key.c_str(), field.c_str()));
    int64_t v = -1;
    if (r && r->type == REDIS_REPLY_STRING) v = std::stoll(std::string(r->str, r->len));
    if (r) freeReplyObject(r);
    return v;
  }

 private:
  redisContext* c_;
};

class BuyFaults : public ::testing::Test {
 protected:
  static constexpr int kBuyers = 8;
  static constexpr int kClicks = 150;  // per buyer
  static constexpr int kWindow = 4;    // unanswered clicks per buyer

  void SetUp() override {
    ASSERT_TRUE(redis.start()) << "redis-server did not start";
    server = std::make_unique<LivegateServer>(redis.port(), kBroadcast, kChat);
    ASSERT_TRUE(server->start()) << server->log();
  }
  void TearDown() override {
    if (HasFailure()) std::fprintf(stderr, "--- livegate log ---\n%s\n", server->log().c_str());
    server->stop();
  }

  void make_buyers(const std::string& test) {
    for (int i = 0; i < kBuyers; ++i) {
      buyers.push_back(std::make_unique<Buyer>(i, test));
      ASSERT_TRUE(buyers.back()->join(server->port())) << "buyer " << i << " got no welcome";
    }
  }

  // Every buyer bursts in its own thread; `crash` runs once `ok_before_crash` orders were
  // acknowledged (so clicks are still flowing), then the threads finish their bursts.
  void burst_and_crash(int ok_before_crash, const std::function<void()>& crash) {
    std::atomic<int> acked_ok{0};
    const auto deadline = Clock::now() + 15s;
    std::vector<std::thread> threads;
    for (auto& b : buyers) {
      threads.emplace_back(
          [&, b = b.get()] { b->burst(kClicks, kWindow, 2ms, acked_ok, deadline); });
    }
    while (acked_ok < ok_before_crash && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
    const int at_crash = acked_ok;
    crash();
    for (auto& t : threads) t.join();
    int sent = 0, answered = 0, unavailable = 0;
    for (auto& b : buyers) {
      sent += static_cast<int>(b->sent.size());
      answered += static_cast<int>(b->first.size());
      for (const auto& [key, a] : b->first) unavailable += a.code == "unavailable";
    }
    std::printf(
        "[ figures ] crash after %d ok acks; %d clicks sent, %d answered (%d ok, %d "
        "unavailable), %d never answered\n",
        at_crash, sent, answered, acked_ok.load(), unavailable, sent - answered);
    EXPECT_GE(at_crash, ok_before_crash) << "the burst never got going";
    EXPECT_LT(at_crash, kBuyers * kClicks) << "the crash came after the burst, not in it";
  }

  // What Redis holds agrees with what buyers were told, and the tally adds up.
  void check_redis(const std::string& when) {
    SCOPED_TRACE(when);
    RedisView view(redis.port());
    ASSERT_TRUE(view.ok());
    std::map<std::string, std::vector<StreamOrder>> by_key;
    std::map<std::string, int64_t> per_sku;
    for (const auto& o : view.orders()) {
      by_key[o.key].push_back(o);
      per_sku[o.sku]++;
    }
    std::map<std::string, const Buyer*> owner;
    for (const auto& b : buyers) {
      for (const auto& k : b->sent) owner[k] = b.get();
    }
    for (const auto& [key, list] : by_key) {
      EXPECT_EQ(list.size(), 1u) << "key " << key << " became " << list.size() << " orders";
      ASSERT_TRUE(owner.contains(key)) << "an order nobody clicked: " << key;
      EXPECT_EQ(list.front().user, owner[key]->user_id()) << key;
    }
    for (const auto& b : buyers) {
      for (const auto& [key, a] : b->first) {
        if (a.status != "ok") continue;
        ASSERT_TRUE(by_key.contains(key)) << "acknowledged order " << key << " (" << a.order_id
                                          << ") is not in the orders stream";
        EXPECT_EQ(by_key[key].front().id, a.order_id) << key;
      }
    }
    for (const auto& [sku, initial] :
         {std::pair{kScarce, kScarceStock}, std::pair{kPlenty, kPlentyStock}}) {
      const int64_t stock = view.hget("stock", sku);
      const int64_t sold = view.hget("sold", sku);
      EXPECT_GE(stock, 0) << sku;
      EXPECT_EQ(stock + sold, initial) << sku;
      EXPECT_EQ(sold, per_sku[sku]) << sku << ": sold and the orders stream disagree";
    }
  }

  // Every buyer (reconnected as the same guest) retries its unacknowledged keys and every
  // third acknowledged one; checks the answers against the first ones and the stream.
  void retry_and_check(int port) {
    const auto deadline = Clock::now() + 20s;
    size_t retried_acked = 0, retried_open = 0;
    std::map<std::string, size_t> open_outcomes;  // status of the retried unacknowledged keys
    for (auto& b : buyers) {
      std::vector<std::string> keys;
      int acked_seen = 0;
      for (const auto& key : b->sent) {
        auto it = b->first.find(key);
        const bool acked = it != b->first.end() && it->second.status != "error";
        if (!acked || acked_seen++ % 3 == 0) keys.push_back(key);
      }
      ASSERT_TRUE(b->join(port)) << "a buyer could not come back as the same guest";
      const auto answers = b->retry(keys, deadline);
      ASSERT_EQ(answers.size(), keys.size()) << "retries went unanswered";
      for (const auto& [key, again] : answers) {
        auto it = b->first.find(key);
        const bool acked = it != b->first.end() && it->second.status != "error";
        if (acked && it->second.status == "ok") {
          ++retried_acked;
          EXPECT_EQ(again.status, "duplicate") << key;
          EXPECT_EQ(again.order_id, it->second.order_id) << key << ": a retry got a new order id";
        } else if (acked) {
          ++retried_acked;  // sold_out before: the key made no order, the retry may find none again
          EXPECT_NE(again.status, "error") << key;
        } else {
          ++retried_open;
          EXPECT_TRUE(again.status == "ok" || again.status == "duplicate" ||
                      again.status == "sold_out")
              << key << " -> " << again.status << " " << again.code;
          ++open_outcomes[again.status];
          // Committed before the crash (duplicate) or now (ok): either way one order, checked
          // below.
          if (again.status == "ok" || again.status == "duplicate")
            b->first[key] = {"ok", again.order_id, ""};
        }
      }
    }
    std::printf(
        "[ figures ] retried %zu acknowledged keys and %zu unacknowledged: %zu ok, %zu "
        "duplicate (committed before the crash), %zu sold_out\n",
        retried_acked, retried_open, open_outcomes["ok"], open_outcomes["duplicate"],
        open_outcomes["sold_out"]);
    EXPECT_GT(retried_acked, 0u);
    check_redis("after the retries");
  }

  RedisServer redis{RedisOptions{.appendonly = true, .appendfsync = "always"}};
  std::unique_ptr<LivegateServer> server;
  std::vector<std::unique_ptr<Buyer>> buyers;
};

}  // namespace

TEST_F(BuyFaults, NodeKilledMidBurstLosesNoAcknowledgedOrder) {
  make_buyers("nodekill");
  burst_and_crash(200, [&] { server->kill_hard(); });
  ASSERT_TRUE(server->start()) << server->log();
  check_redis("after the node restarted");
  retry_and_check(server->port());
}

TEST_F(BuyFaults, RedisKilledMidBurstLosesNoAcknowledgedOrder) {
  make_buyers("rediskill");
  burst_and_crash(200, [&] {
    redis.kill_hard();
    std::this_thread::sleep_for(300ms);  // clicks meanwhile are answered `unavailable`
    ASSERT_TRUE(redis.start()) << "redis-server did not come back with its AOF";
  });
  check_redis("after redis restarted");
  // The node reconnects by itself (backoff up to 2 s); retries answered `unavailable` until then
  // are sent again.
  retry_and_check(server->port());
  const std::string log = server->log();
  size_t connects = 0;
  for (size_t at = 0; (at = log.find("redis-commands connected to", at)) != std::string::npos;
       ++at) {
    ++connects;
  }
  EXPECT_GE(connects, 2u) << "the node never reconnected to the restarted Redis";
}
