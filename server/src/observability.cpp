#include "livegate/server/observability.h"

#include <nlohmann/json.hpp>

namespace livegate::server {

std::vector<std::string> Readiness::reasons() const {
  std::vector<std::string> why;
  for (const RedisClient* r : redis_) {
    if (!r->connected()) {
      why.emplace_back("redis");
      break;
    }
  }
  if (!listening_) why.emplace_back("http");
  for (const auto& [id, b] : broadcasts_.all()) {
    if (b.media_failed()) why.push_back("pipeline:" + id);
  }
  if (draining_) why.emplace_back("draining");
  return why;
}

void handle_metrics(const ObserveDeps& deps, Respond respond) {
  if (!deps.metrics) return respond(json_error(404, "metrics are not enabled"));
  HttpResponse r;
  r.content_type = Metrics::kContentType;
  r.headers.emplace_back("cache-control", "no-store");
  r.body = deps.metrics->text();
  respond(std::move(r));
}

void handle_readyz(const ObserveDeps& deps, Respond respond) {
  if (!deps.readiness) return respond(json_error(404, "readiness is not wired"));
  const auto reasons = deps.readiness->reasons();
  HttpResponse r = reasons.empty()
                       ? json_response(200, nlohmann::json{{"status", "ready"}})
                       : json_response(503, nlohmann::json{{"status", "not_ready"}, {"reasons", reasons}});
  r.headers.emplace_back("cache-control", "no-store");
  respond(std::move(r));
}

Respond counting_status(Metrics* metrics, Respond respond) {
  if (!metrics) return respond;
  return [metrics, respond = std::move(respond)](HttpResponse r) {
    metrics->count_http(r.status);
    respond(std::move(r));
  };
}

}  // namespace livegate::server
