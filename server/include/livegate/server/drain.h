#pragma once
// A graceful stop (SIGTERM, SIGINT): take no new work, hand every buy already taken its answer,
// close the WebSockets with 1001 "going away" once what was queued for them is written, then
// quit the loop (the media is finished after it). Bounded: whatever is left at the deadline is
// dropped with a log line. A second signal quits at once.

#include <chrono>
#include <functional>

#include "livegate/chat/hub.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/common/event_loop.h"

namespace livegate::server {

class Drain {
 public:
  // on_start: e.g. mark the node not ready for the load balancer.
  Drain(EventLoop& loop, chat::Hub& hub, const commerce::OrderDesk& orders,
        std::chrono::milliseconds limit, std::function<void()> on_start = {});

  void start();
  bool started() const { return started_; }

 private:
  bool tick();

  EventLoop& loop_;
  chat::Hub& hub_;
  const commerce::OrderDesk& orders_;
  std::chrono::milliseconds limit_;
  std::function<void()> on_start_;
  bool started_ = false;
  bool closing_ = false;
  std::chrono::steady_clock::time_point deadline_;
  Timer timer_;
};

}  // namespace livegate::server
