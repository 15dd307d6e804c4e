// The hub's part of a graceful shutdown: take no new work, let what is queued reach the
// viewers, then say "going away" so the pages reconnect to another node.
#include "connection.h"
#include "livegate/common/log.h"

namespace livegate::chat {

void Hub::begin_drain() {
  if (draining_) return;
  draining_ = true;
  log("chat")->info("draining: {} connections, no new work taken", connections_.size());
}

void Hub::refuse_while_draining(Connection& c, const ClientMessage& message) {
  // A buy gets no answer: its page keeps the click pending and sends it again, with the same
  // idempotency key, after it reconnects; an error would settle the click and lose it.
  if (std::holds_alternative<Buy>(message)) return;
  send_error(c, {"going_away", "this server is restarting, reconnecting", {}, 1000});
}

void Hub::close_all(int code, const std::string& reason) {
  for (auto& [id, c] : connections_) close_after_drain(*c, code, reason);
}

}  // namespace livegate::chat
