#pragma once
// GET /metrics (Prometheus text from the one Metrics object) and GET /readyz (may this node take
// traffic now?). /healthz stays the liveness check: the process runs its loop.

#include <atomic>
#include <vector>

#include "livegate/common/metrics.h"
#include "livegate/common/redis_client.h"
#include "livegate/server/broadcast/broadcast_registry.h"
#include "livegate/server/http_server.h"

namespace livegate::server {

// Ready when: every Redis connection is up, the HTTP server listens, every broadcast that runs a
// pipeline of its own (a test source) has one that has not failed, and the node is not
// draining. A publisher's pipeline starting or a broadcast waiting for one does not count
// against it: readiness must not flap while sellers reconnect.
class Readiness {
 public:
  Readiness(const BroadcastRegistry& broadcasts, std::vector<const RedisClient*> redis)
      : broadcasts_(broadcasts), redis_(std::move(redis)) {}

  void set_listening(bool listening) { listening_ = listening; }
  // The shutdown path calls this first (SIGTERM drain): from then on /readyz answers 503 with
  // "draining" so load balancers stop sending viewers while the node finishes. Thread-safe.
  void set_draining() { draining_ = true; }
  bool draining() const { return draining_; }

  // Why the node is not ready ("redis", "http", "pipeline:<id>", "draining"); empty: ready.
  std::vector<std::string> reasons() const;

 private:
  const BroadcastRegistry& broadcasts_;
  std::vector<const RedisClient*> redis_;
  bool listening_ = false;
  std::atomic<bool> draining_{false};
};

struct ObserveDeps {
  const Metrics* metrics = nullptr;      // /metrics: 404 without
  const Readiness* readiness = nullptr;  // /readyz: 404 without
};

void handle_metrics(const ObserveDeps& deps, Respond respond);
void handle_readyz(const ObserveDeps& deps, Respond respond);

// Respond that also counts the response's status class in livegate_http_requests_total.
Respond counting_status(Metrics* metrics, Respond respond);

}  // namespace livegate::server
