#pragma once
// One broadcast this node runs, and everything it owns: its configuration, where it is in its
// life (State), what feeds it (Source), the pipeline, the outputs viewers read, the grace timer
// of a dropped publisher and the publisher's handle. Everyone may read it; only the
// BroadcastRegistry changes it (docs/architecture.md, "The life of a broadcast").

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "livegate/common/event_loop.h"
#include "livegate/server/broadcast/broadcast_outputs.h"
#include "livegate/server/broadcast/publisher.h"
#include "livegate/server/config.h"
#include "livegate/streaming/broadcast_pipeline.h"

namespace livegate::server {

// Where a broadcast is in its life. state_name() is the string the API and the room's "state"
// event carry (docs/protocol.md); every page has words for each.
enum class BroadcastState { starting, waiting, live, reconnecting, ended };
const char* state_name(BroadcastState state);

// What feeds its pipeline now: nothing, the configured test source, a publisher, or the slate
// ("we'll be right back") while a dropped publisher may come back.
enum class Source { none, fallback, publisher, slate };
const char* source_name(Source source);

class Broadcast {
 public:
  explicit Broadcast(BroadcastConfig config);
  Broadcast(const Broadcast&) = delete;
  Broadcast& operator=(const Broadcast&) = delete;

  const std::string& id() const { return config_.id; }
  const BroadcastConfig& config() const { return config_; }
  BroadcastState state() const { return state_; }
  Source source() const { return source_; }
  // The pipeline running now (null between sources and after the end).
  const streaming::BroadcastPipeline* pipeline() const { return pipeline_.get(); }
  // Who publishes now (null when no one does).
  const Publisher* publisher() const { return publisher_.get(); }
  // The ingest bridge's: it pushes the publisher's media and feeds its stats.
  streaming::BroadcastPipeline* pipeline() { return pipeline_.get(); }
  Publisher* publisher() { return publisher_.get(); }
  // When this node opened it: minute 0 of a keynote agenda that has no starts_at.
  int64_t opened_ms() const { return opened_ms_; }

  // After the end, players get the recording: the whole broadcast, from the start. Live, a
  // broadcast with an ABR ladder is played from its master playlist.
  std::string hls_url() const;
  // Its media is broken: the pipeline failed, or a broadcast with its own test source has none
  // (it always has one until it ends). /readyz reports it.
  bool media_failed() const;

 private:
  friend class BroadcastRegistry;  // the one writer

  BroadcastConfig config_;
  BroadcastState state_ = BroadcastState::starting;
  Source source_ = Source::none;
  Source before_publisher_ = Source::none;  // what to go back to if a publisher sends nothing
  std::unique_ptr<streaming::BroadcastPipeline> pipeline_;
  bool open_ = false;  // past the listener's opening
  std::unique_ptr<BroadcastOutputs> outputs_;  // from the media's opening on
  std::unique_ptr<Publisher> publisher_;
  Timer grace_;        // a dropped publisher's time to come back
  uint64_t runs_ = 0;  // pipelines started: names segments apart, marks discontinuities
  std::chrono::steady_clock::time_point last_thumbnail_{};
  int64_t opened_ms_;
};

// The broadcast fields every API and the welcome snapshot share.
// with_program: a keynote's program too (lists leave it out; each page loads its own).
nlohmann::json broadcast_summary(const Broadcast& b, bool with_program = true);

}  // namespace livegate::server
