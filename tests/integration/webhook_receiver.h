#pragma once
// A tiny real HTTP server for webhook tests: a thread accepting on 127.0.0.1, one request per
// connection (it answers "Connection: close"), recording every request and answering what the
// test's responder says. Stop and start it again to play a receiver that goes down and comes
// back on the same port.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace livegate::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point at;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct ReceiverReply {
  int status = 200;
  // Held this long before answering (to outlast the sender's timeout).
  std::chrono::milliseconds delay{0};
};

class WebhookReceiver {
 public:
  using Responder = std::function<ReceiverReply(const ReceivedRequest&, size_t index)>;

  WebhookReceiver() = default;
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;
  ~WebhookReceiver() { stop(); }

  // Listens on a free port the first time, on the same port after a stop().
  bool start();
  void stop();
  int port() const { return port_; }
  std::string url(const std::string& path = "/hooks/orders") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // index counts every request received so far, from 0. Default: 200 to everything.
  void set_responder(Responder responder);
  std::vector<ReceivedRequest> requests() const;
  // Waits until at least n requests have arrived.
  bool wait_for(size_t n, std::chrono::milliseconds timeout) const;

 private:
  void serve();
  void handle(int fd);

  int port_ = 0;
  int listen_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<ReceivedRequest> requests_;
  Responder responder_;
};

}  // namespace livegate::testing
