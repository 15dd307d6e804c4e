#include "livegate/commerce/webhook_config.h"

#include <glib.h>

#include <algorithm>
#include <cmath>

namespace livegate::commerce {

std::optional<WebhookConfigProblem> validate_webhook_config(const WebhookConfig& c) {
  if (!c.enabled()) return std::nullopt;
  GUri* uri = g_uri_parse(c.url.c_str(), G_URI_FLAGS_NONE, nullptr);
  const char* scheme = uri ? g_uri_get_scheme(uri) : nullptr;
  const char* host = uri ? g_uri_get_host(uri) : nullptr;
  const bool web = scheme && (g_ascii_strcasecmp(scheme, "http") == 0 ||
                              g_ascii_strcasecmp(scheme, "https") == 0);
  const bool has_host = host && *host;
  if (uri) g_uri_unref(uri);
  if (!web || !has_host) {
    return WebhookConfigProblem{"url", "must be an http:// or https:// URL with a host (got '" +
                                           c.url + "'), or empty to turn webhooks off"};
  }
  if (c.secret.size() < 16) {
    return WebhookConfigProblem{"secret",
                                "must be at least 16 characters when webhooks.url is set "
                                "(receivers verify x-livegate-signature with it)"};
  }
  const auto round = longest_round(c);
  if (std::chrono::milliseconds(c.claim_idle_ms) <= round) {
    return WebhookConfigProblem{
        "claim_idle_ms",
        "must be longer than one delivery round (max_attempts x timeout_ms + "
        "backoff waits = " +
            std::to_string(round.count()) +
            " ms), or a node would take over orders another is still retrying"};
  }
  return std::nullopt;
}

std::chrono::milliseconds backoff_delay(const WebhookConfig& c, int failed_attempt,
                                        double jitter01) {
  const int doublings = std::clamp(failed_attempt - 1, 0, 40);  // 2^40 ms: past any max
  const double full =
      std::min(static_cast<double>(c.backoff_initial_ms) * std::ldexp(1.0, doublings),
               static_cast<double>(c.backoff_max_ms));
  const double j = std::clamp(jitter01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(full / 2 + full / 2 * j));
}

std::chrono::milliseconds longest_round(const WebhookConfig& c) {
  std::chrono::milliseconds total(static_cast<int64_t>(c.max_attempts) * c.timeout_ms);
  for (int n = 1; n < c.max_attempts; ++n) total += backoff_delay(c, n, 1.0);
  return total;
}

}  // namespace livegate::commerce
