#include "livegate/streaming/whip_server.h"

#include <random>

#include "livegate/common/log.h"

namespace livegate::streaming {

namespace {
// Session resources are capabilities (whoever knows one can DELETE it): unguessable.
std::string new_resource_id() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) id += kHex[rd() % 16];
  return id;
}

WhipServer::Answer failure(int status, std::string error) {
  WhipServer::Answer a;
  a.status = status;
  a.error = std::move(error);
  return a;
}
}  // namespace

WhipServer::WhipServer(EventLoop& loop, WhipServerConfig config, Callbacks callbacks)
    : loop_(loop), config_(std::move(config)), callbacks_(std::move(callbacks)) {
  watchdog_ = loop_.every(std::chrono::seconds(1), [this] {
    check_media();
    return true;
  });
}

WhipServer::~WhipServer() {
  *alive_ = false;
  stop();
}

void WhipServer::stop() {
  watchdog_.cancel();
  sessions_.clear();  // each session stops its pipeline
}

void WhipServer::offer(const std::string& stream_key, const std::string& sdp, std::function<void(Answer)> done) {
  if (sessions_.size() >= config_.max_sessions) {
    log("whip")->warn("offer refused: {} WHIP sessions is the limit", config_.max_sessions);
    return done(failure(503, "this server takes no more WHIP publishers now"));
  }
  std::string error;
  auto offer = read_whip_offer(sdp, &error);
  if (!offer) {
    log("whip")->warn("offer refused: {}", error);
    return done(failure(400, error));
  }
  const uint64_t id = next_id_++;
  if (auto accepted = callbacks_.authorize(id, stream_key); !accepted) {
    const Error& refusal = accepted.error();
    log("whip")->warn("offer refused: {}", refusal.message);
    const int status = refusal.code == ErrorCode::conflict                                             ? 409
                       : refusal.code == ErrorCode::unavailable || refusal.code == ErrorCode::limit ? 503
                                                                                                    : 403;
    return done(failure(status, refusal.message));
  }
  Session& session = sessions_[id];
  session.resource = new_resource_id();
  session.done = std::move(done);
  session.last_data = std::chrono::steady_clock::now();
  std::weak_ptr<bool> alive = alive_;
  WhipSession::Events events{
      .answered =
          [this, id](const std::string& answer) {
            auto it = sessions_.find(id);
            if (it == sessions_.end() || !it->second.done) return;
            it->second.answer_timer.cancel();
            it->second.last_data = std::chrono::steady_clock::now();  // the media clock starts now
            auto done = std::move(it->second.done);
            it->second.done = nullptr;
            log("whip")->info("session {}: answered", it->second.resource.substr(0, 8));
            WhipServer::Answer ok;
            ok.status = 201;
            ok.sdp = answer;
            ok.resource = it->second.resource;
            done(std::move(ok));
          },
      .data =
          [this, id](std::string&& bytes) {
            auto it = sessions_.find(id);
            if (it == sessions_.end()) return;
            it->second.last_data = std::chrono::steady_clock::now();
            callbacks_.data(id, std::move(bytes));
          },
      .ended = [this, id](const std::string& why) { finish(id, why); }};
  session.media = std::make_unique<WhipSession>(loop_, "whip-" + std::to_string(id - kFirstId + 1), *offer,
                                                config_.media, std::move(events));
  log("whip")->info("session {}: offer with {}{}", session.resource.substr(0, 8), to_string(offer->video_codec),
                    offer->audio ? " + Opus" : " (no audio)");
  if (!session.media->start(sdp, &error)) {
    log("whip")->error("session {}: {}", session.resource.substr(0, 8), error);
    auto reply = std::move(session.done);
    finish(id, error);
    return reply(failure(500, error));
  }
  session.answer_timer = loop_.after(config_.answer_timeout, [this, id] {
    finish(id, "no answer in time: ICE gathering did not complete");
  });
}

bool WhipServer::remove(const std::string& resource) {
  for (const auto& [id, session] : sessions_) {
    if (session.resource == resource) {
      finish(id, "the publisher stopped (DELETE)");
      return true;
    }
  }
  return false;
}

void WhipServer::disconnect(uint64_t connection) { finish(connection, "closed by the server"); }

void WhipServer::finish(uint64_t connection, const std::string& why) {
  auto it = sessions_.find(connection);
  if (it == sessions_.end()) return;
  auto done = std::move(it->second.done);
  // Destroyed from a fresh loop turn: finish() may run inside one of the session's own events.
  std::shared_ptr<WhipSession> media(std::move(it->second.media));
  const std::string resource = it->second.resource;
  sessions_.erase(it);
  loop_.post([media] { media->stop(); });
  log("whip")->info("session {}: ended ({})", resource.substr(0, 8), why);
  if (done) done(failure(why.starts_with("no answer") ? 504 : 500, why));
  callbacks_.ended(connection, why);
}

void WhipServer::check_media() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<uint64_t> silent;
  for (const auto& [id, session] : sessions_) {
    if (!session.done && now - session.last_data > config_.media_timeout) silent.push_back(id);
  }
  for (uint64_t id : silent) {
    finish(id, "no media for " + std::to_string(config_.media_timeout.count()) + " s");
  }
}

}  // namespace livegate::streaming
