// Presence against a real redis-server: per-node counts summed over live nodes, a silent node
// dropping out after its ttl, leave at once, and the HyperLogLog of unique viewers.

#include "livegate/chat/presence.h"

#include <chrono>
#include <string>
#include <vector>

#include "livegate/common/redis_keys.h"
#include "redis_fixture.h"

using namespace livegate;
using namespace livegate::chat;
using livegate::testing::RedisFixture;

namespace {

constexpr const char* kRoom = "keynote";

struct Reported {
  PresenceCount count;
  std::string error;
};

class PresenceTest : public RedisFixture {
 protected:
  Reported report(Presence& node, int64_t local_count) {
    Reported out;
    bool done = false;
    node.report(kRoom, local_count, [&](PresenceCount c, const std::string& error) {
      out = {c, error};
      done = true;
    });
    EXPECT_TRUE(loop.run_until([&] { return done; }, std::chrono::seconds(5)));
    return out;
  }
  std::string leave(Presence& node) {
    std::string out = "not called";
    node.leave(kRoom, [&](const std::string& error) { out = error; });
    EXPECT_TRUE(loop.run_until([&] { return out != "not called"; }, std::chrono::seconds(5)));
    return out;
  }
  void idle(std::chrono::milliseconds how_long) {
    loop.run_until([] { return false; }, how_long);
  }
};

std::vector<std::string> viewer_keys(const std::string& prefix, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

}  // namespace

TEST_F(PresenceTest, TwoNodesSum) {
  auto other = connect_client("node-b");
  Presence a(*redis, "node-a"), b(*other, "node-b");
  EXPECT_EQ(report(a, 3).count.viewers, 3);
  EXPECT_EQ(report(b, 5).count.viewers, 8);
  EXPECT_EQ(report(a, 4).count.viewers, 9);  // a report replaces the node's count, never adds
  Reported r = report(b, 0);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.count.viewers, 4);
  Presence elsewhere(*redis, "node-a");
  EXPECT_EQ(report(elsewhere, 1).count.viewers, 1);  // same node id: the same field
}

TEST_F(PresenceTest, ANodeThatStopsReportingDropsOutAfterItsTtl) {
  const PresenceLimits short_ttl{.node_ttl = std::chrono::seconds(1)};
  Presence a(*redis, "node-a", short_ttl), b(*redis, "node-b", short_ttl);
  ASSERT_EQ(report(a, 3).count.viewers, 3);
  ASSERT_EQ(report(b, 5).count.viewers, 8);
  // b keeps reporting well inside its ttl; a goes silent (crashed, no leave).
  for (int i = 0; i < 4; ++i) {
    idle(std::chrono::milliseconds(400));
    report(b, 5);
  }
  EXPECT_EQ(report(b, 5).count.viewers, 5);
  EXPECT_EQ(sync({"HEXISTS", keys::viewers(kRoom), "node-a"}), "0");  // cleaned, not just skipped

  // When every node goes silent the hash expires with its last field.
  const auto pttl = std::stoll(sync({"PTTL", keys::viewers(kRoom)}));
  EXPECT_GT(pttl, 0);
  EXPECT_LE(pttl, 1000);
  idle(std::chrono::milliseconds(1200));
  EXPECT_EQ(sync({"EXISTS", keys::viewers(kRoom)}), "0");
}

TEST_F(PresenceTest, ANodeWithALongerTtlKeepsTheHashAlive) {
  Presence slow(*redis, "slow", {.node_ttl = std::chrono::seconds(30)});
  Presence fast(*redis, "fast", {.node_ttl = std::chrono::seconds(1)});
  ASSERT_EQ(report(slow, 2).count.viewers, 2);
  ASSERT_EQ(report(fast, 1).count.viewers, 3);
  // fast's report must not shorten the hash's life below slow's field.
  EXPECT_GT(std::stoll(sync({"PTTL", keys::viewers(kRoom)})), 20000);
}

TEST_F(PresenceTest, LeaveRemovesTheNodeAtOnce) {
  Presence a(*redis, "node-a"), b(*redis, "node-b");
  ASSERT_EQ(report(a, 3).count.viewers, 3);
  ASSERT_EQ(report(b, 5).count.viewers, 8);
  EXPECT_EQ(leave(a), "");
  EXPECT_EQ(sync({"HEXISTS", keys::viewers(kRoom), "node-a"}), "0");
  EXPECT_EQ(report(b, 5).count.viewers, 5);
  EXPECT_EQ(leave(a), "");  // leaving twice is harmless
  a.leave(kRoom);           // and the callback is optional
  EXPECT_EQ(leave(b), "");
  EXPECT_EQ(sync({"HLEN", keys::viewers(kRoom)}), "0");
}

TEST_F(PresenceTest, UniquesCountDistinctKeys) {
  Presence a(*redis, "node-a"), b(*redis, "node-b");
  // A small set is exact, however often and from however many nodes a key is added.
  a.add_unique(kRoom, viewer_keys("user:", 0, 12));
  b.add_unique(kRoom, viewer_keys("user:", 6, 20));
  a.add_unique(kRoom, viewer_keys("user:", 0, 20));
  a.add_unique(kRoom, {});
  EXPECT_EQ(report(a, 1).count.unique, 20);

  // 5000 distinct keys in one call (sent as several PFADDs), within 2 %.
  a.add_unique(kRoom, viewer_keys("guest:", 0, 5000));
  const int64_t estimate = report(a, 1).count.unique;
  EXPECT_NEAR(static_cast<double>(estimate), 5020.0, 5020.0 * 0.02);
  std::printf("[ figures ] HyperLogLog estimate for 5020 distinct viewers: %lld\n",
              static_cast<long long>(estimate));
  // Uniques belong to the broadcast, not to a node: leaving keeps them.
  leave(a);
  EXPECT_EQ(report(b, 0).count.unique, estimate);
}

TEST_F(PresenceTest, CountsAreNeverNegative) {
  Presence a(*redis, "node-a"), b(*redis, "node-b");
  EXPECT_EQ(report(a, -5).count.viewers, 0);
  EXPECT_EQ(sync({"HGET", keys::viewers(kRoom), "node-a"}).substr(0, 2), "0:");
  // A field that does not parse (another version, a hand edit) is dropped, not summed.
  sync({"HSET", keys::viewers(kRoom), "broken", "-7:99999999999999"});
  sync({"HSET", keys::viewers(kRoom), "garbage", "lots"});
  EXPECT_EQ(report(b, 2).count.viewers, 2);
  EXPECT_EQ(sync({"HEXISTS", keys::viewers(kRoom), "broken"}), "0");
  EXPECT_EQ(sync({"HEXISTS", keys::viewers(kRoom), "garbage"}), "0");
}

TEST_F(PresenceTest, RedisDownGivesUnavailable) {
  Presence a(*redis, "node-a");
  ASSERT_EQ(report(a, 1).error, "");
  redis_server.stop();
  ASSERT_TRUE(loop.run_until([&] { return !redis->connected(); }, std::chrono::seconds(5)));
  a.add_unique(kRoom, {"user:1"});  // best effort: no crash, nothing to report
  Reported r = report(a, 1);
  EXPECT_EQ(r.error, "unavailable");
  EXPECT_EQ(r.count.viewers, 0);
  EXPECT_EQ(leave(a), "unavailable");
}
