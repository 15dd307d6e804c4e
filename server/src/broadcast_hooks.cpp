#include "livegate/server/broadcast_hooks.h"

#include <glib.h>

#include "livegate/common/log.h"

namespace livegate::server {

void BroadcastHooks::opening(const Broadcast& b, std::function<void(Result<void>)> ready) {
  catalog_.seed(b.id(), b.config().products, [ready = std::move(ready)](const std::string& error) {
    if (!error.empty())
      return ready(fail(ErrorCode::unavailable, "cannot open the shop: " + error));
    ready(ok());
  });
}

void BroadcastHooks::opened(const Broadcast& b) {
  if (b.config().has_shop()) orders_.open_shop(b.id());
  hub_.open_room(b.id());
  // Orders to the seller's system, at least once; several nodes share the work per broadcast.
  if (webhooks_) webhooks_->watch(b.id());
}

void BroadcastHooks::state_changed(const Broadcast& b) {
  hub_.publish_local(b.id(),
                     nlohmann::json{{"type", "state"}, {"state", state_name(b.state())}}.dump());
}

void BroadcastHooks::stream_key_changed(const Broadcast&) {
  if (refresh_keys_) refresh_keys_();
}

void BroadcastHooks::ended(const Broadcast& b) {
  log("streaming")
      ->info("broadcast {} ended after {} min on this node; {} viewers watching", b.id(),
             (g_get_real_time() / 1000 - b.opened_ms()) / 60000, hub_.viewers(b.id()));
}

}  // namespace livegate::server
