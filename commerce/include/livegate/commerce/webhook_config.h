#pragma once
// How orders are pushed to the seller's system (webhooks:) and the retry policy that follows
// from it. Pure functions, so the policy is testable without a network.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace livegate::commerce {

struct WebhookConfig {
  std::string url;               // http:// or https://; empty = webhooks off
  std::string secret;            // HMAC-SHA256 key of x-livegate-signature, >= 16 characters
  int timeout_ms = 5000;         // one attempt: connect, send, response headers and body
  int max_attempts = 8;          // per round; then the order stays pending (see claim_idle_ms)
  int backoff_initial_ms = 500;  // wait after the first failure, doubled after each next one ...
  int backoff_max_ms = 60000;    // ... up to this
  size_t batch = 32;             // orders a node holds in delivery at once (all broadcasts)
  int poll_interval_ms = 500;    // how often each broadcast's stream is asked for new orders
  // An order left unacknowledged this long by its consumer (a node that died, or a round that
  // gave up) is claimed by a live node and delivered again. Must exceed one whole round.
  int claim_idle_ms = 300000;

  bool enabled() const { return !url.empty(); }
};

struct WebhookConfigProblem {
  std::string key;  // "url", "secret", ...
  std::string message;
};

// What number ranges alone do not catch: the URL's scheme and host, the secret's length, and
// claim_idle_ms against the longest round. Nothing is checked while the url is empty.
std::optional<WebhookConfigProblem> validate_webhook_config(const WebhookConfig& config);

// The wait after failed attempt `failed_attempt` (1-based): initial * 2^(n-1), at most
// backoff_max_ms, then "equal jitter": scaled into [d/2, d] by jitter01 in [0, 1], so nodes that
// failed together do not retry together, and the wait never exceeds the schedule.
std::chrono::milliseconds backoff_delay(const WebhookConfig& config, int failed_attempt,
                                        double jitter01);

// The longest one round of max_attempts can take: every attempt timing out, every wait at its
// longest. A node must not claim an order another node may still be retrying.
std::chrono::milliseconds longest_round(const WebhookConfig& config);

}  // namespace livegate::commerce
