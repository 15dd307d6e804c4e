#pragma once
// Who is watching, across all nodes. Each node reports its own viewer count per room into one
// Redis hash (node id -> count and expiry); a report answers the sum over nodes still reporting,
// so a crashed node drops out after node_ttl without anyone cleaning up after it. Expiry is judged
// by the Redis clock inside the script, so node clocks don't matter. Unique viewers over the whole
// broadcast are a HyperLogLog (about 0.81 % standard error; exact in practice below ~50 keys).

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "livegate/common/redis_client.h"

namespace livegate::chat {

struct PresenceLimits {
  // A node that stops reporting drops out of the sum after this. Report well inside it (every
  // node_ttl / 3 or so) so one slow round trip does not make a live node blink out.
  std::chrono::seconds node_ttl{15};
};

struct PresenceCount {
  int64_t viewers = 0;  // connected now, summed over live nodes
  int64_t unique = 0;   // HyperLogLog estimate of distinct viewers over the whole broadcast
};

class Presence {
 public:
  using ReportCallback = std::function<void(PresenceCount, const std::string& error)>;
  using DoneCallback = std::function<void(const std::string& error)>;

  // node_id must be unique per process sharing the Redis (e.g. host:pid or a configured name) and
  // stable for the process's life. Callbacks never refer to the Presence object, so it may be
  // destroyed with calls in flight; errors are "unavailable" (detail in the log).
  Presence(RedisClient& commands, std::string node_id, PresenceLimits limits = {});

  // Adds stable viewer keys (user id from a token, or the guest id the browser keeps) to the
  // room's HyperLogLog; adding a key again changes nothing. The caller batches (e.g. the joins of
  // one report period). Fire and forget: a failure is only logged, the estimate is best effort.
  void add_unique(const std::string& room, const std::vector<std::string>& viewer_keys);

  // Stores this node's count for the room (negative counts as 0) valid for node_ttl, drops the
  // fields of nodes whose time ran out, and answers the total over live nodes and the unique
  // estimate, all in one script call. On error the count is zero and error is "unavailable".
  void report(const std::string& room, int64_t local_count, ReportCallback cb);

  // This node leaves the room (shutdown, room closed): its field is removed at once, so the others
  // stop counting its viewers without waiting for node_ttl. cb is optional.
  void leave(const std::string& room, DoneCallback cb = {});

  const std::string& node_id() const { return node_id_; }

 private:
  RedisClient& commands_;
  std::string node_id_;
  PresenceLimits limits_;
};

}  // namespace livegate::chat
