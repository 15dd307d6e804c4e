#include "livegate/server/drain.h"

#include "livegate/common/log.h"

namespace livegate::server {

namespace {
constexpr auto kTick = std::chrono::milliseconds(20);
}

Drain::Drain(EventLoop& loop, chat::Hub& hub, const commerce::OrderDesk& orders,
             std::chrono::milliseconds limit, std::function<void()> on_start)
    : loop_(loop), hub_(hub), orders_(orders), limit_(limit), on_start_(std::move(on_start)) {}

void Drain::start() {
  if (started_) {
    log("server")->warn("second signal: stopping now");
    return loop_.quit();
  }
  started_ = true;
  deadline_ = std::chrono::steady_clock::now() + limit_;
  log("server")->info("shutting down: draining for at most {} ms", limit_.count());
  if (on_start_) on_start_();
  hub_.begin_drain();
  if (tick()) timer_ = loop_.every(kTick, [this] { return tick(); });
}

// One look at what is left; false when done (the loop is told to quit).
bool Drain::tick() {
  if (!closing_ && orders_.in_flight() == 0) {
    closing_ = true;  // every buy taken has its answer queued: now "going away"
    hub_.close_all(chat::kCloseGoingAway, "going away");
  }
  if (closing_ && hub_.connections() == 0) {
    log("server")->info("drained");
    loop_.quit();
    return false;
  }
  if (std::chrono::steady_clock::now() >= deadline_) {
    log("server")->warn("drain time is up: {} buys unanswered, {} connections still open",
                        orders_.in_flight(), hub_.connections());
    loop_.quit();
    return false;
  }
  return true;
}

}  // namespace livegate::server
