#pragma once
// The handle of whoever publishes a broadcast now: which transport and connection, how to drop
// it, and what is measured of it while it sends. A Broadcast owns at most one; it exists only
// between a publisher's accepted key and its leaving.

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "livegate/streaming/backpressure_gate.h"
#include "livegate/streaming/ingest_stats.h"

namespace livegate::server {

enum class Transport { rtmp, srt, whip };
// "rtmp" | "srt" | "whip": also the log tag of that ingest.
const char* transport_name(Transport transport);

class Publisher {
 public:
  // disconnect: the ingest server's own way to drop this connection (bound by whoever accepts it).
  // backlog_bytes: RTMP publishers get a gate that drops video past this pipeline backlog
  // (audio past 4x); SRT and WHIP arrive as MPEG-TS, whose demuxer paces itself.
  Publisher(Transport transport, uint64_t connection, std::function<void()> disconnect,
            size_t backlog_bytes)
      : transport_(transport), connection_(connection), disconnect_(std::move(disconnect)) {
    if (transport == Transport::rtmp) {
      gate_ = std::make_unique<streaming::BackpressureGate>(backlog_bytes, backlog_bytes * 4);
    }
  }
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  Transport transport() const { return transport_; }
  uint64_t connection() const { return connection_; }
  // Drops the connection at its ingest server; the server then reports it ended as usual.
  void disconnect() const {
    if (disconnect_) disconnect_();
  }

  streaming::IngestStats& stats() { return stats_; }
  const streaming::IngestStats& stats() const { return stats_; }
  streaming::BackpressureGate* gate() { return gate_.get(); }
  // Whether anything arrived: a publisher that sent nothing interrupted nothing.
  bool sent_media() const { return stats_.bytes() > 0; }

 private:
  Transport transport_;
  uint64_t connection_;
  std::function<void()> disconnect_;
  streaming::IngestStats stats_;
  std::unique_ptr<streaming::BackpressureGate> gate_;
};

}  // namespace livegate::server
