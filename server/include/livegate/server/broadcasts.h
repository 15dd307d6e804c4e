#pragma once
// The registry of broadcasts this node runs: configuration, media state and pipeline. It is the
// one place where ingest/outputs (streaming) and the live room (chat, commerce) meet.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "livegate/server/config.h"
#include "livegate/streaming/backpressure_gate.h"
#include "livegate/streaming/broadcast_pipeline.h"
#include "livegate/streaming/ingest_stats.h"

namespace livegate::server {

// Where a broadcast is in its life (docs/architecture.md has who moves it). state_name() is the
// string the API and the room's "state" event carry (docs/protocol.md).
enum class BroadcastState { starting, waiting, live, reconnecting, ended };
const char* state_name(BroadcastState state);

struct Broadcast {
  BroadcastConfig config;
  BroadcastState state = BroadcastState::starting;
  std::unique_ptr<streaming::BroadcastPipeline> pipeline;
  uint64_t publisher = 0;  // the RTMP, SRT or WHIP connection feeding it, 0 when none
  std::string source = "none";  // none | fallback | publisher | slate
  std::unique_ptr<streaming::IngestStats> ingest;  // while a publisher sends
  std::unique_ptr<streaming::BackpressureGate> gate;  // RTMP publishers: drops when the pipeline lags
  // When this node opened it: minute 0 of a keynote agenda that has no starts_at.
  int64_t opened_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();

  // After the end, players get the recording: the whole broadcast, from the start. Live, a
  // broadcast with an ABR ladder is played from its master playlist.
  std::string hls_url() const {
    if (state == BroadcastState::ended) return "/vod/" + config.id + "/index.m3u8";
    return "/live/" + config.id + (config.abr.empty() ? "/index.m3u8" : "/master.m3u8");
  }
};

using BroadcastMap = std::map<std::string, Broadcast>;

// The broadcast fields every API and the welcome snapshot share.
// with_program: a keynote's program too (lists leave it out; each page loads its own).
nlohmann::json broadcast_summary(const Broadcast& b, bool with_program = true);

}  // namespace livegate::server
