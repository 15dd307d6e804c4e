#include "livegate/server/broadcast/ingest_bridge.h"

#include "livegate/common/log.h"

namespace livegate::server {

namespace {

// A publisher's key: its broadcast switches to it, or the error says why not.
Result<void> authorize(BroadcastRegistry& registry, Transport transport,
                       const Disconnect& disconnect, uint64_t connection,
                       const std::string& stream_key) {
  auto accepted = registry.publish(stream_key, transport, connection,
                                   [disconnect, connection] { disconnect(connection); });
  if (!accepted) return fail(std::move(accepted).error());
  // An FLV stream starts with its file header; RTMP sends only the tags.
  if (transport == Transport::rtmp) (*accepted)->pipeline()->push(streaming::flv_file_header());
  return ok();
}

// RTMP and SRT tell a refused publisher the message only ("" accepts).
std::string refusal(const Result<void>& accepted) {
  return accepted ? std::string() : accepted.error().message;
}

// An RTMP tag: checked, counted, let through the backpressure gate, pushed.
std::string on_tag(BroadcastRegistry& registry, uint64_t connection, streaming::FlvTag&& tag) {
  Broadcast* b = registry.published_by(Transport::rtmp, connection);
  if (!b) return "not publishing";
  if (!b->pipeline()) return "broadcast is gone";
  if (auto unsupported = streaming::unsupported_codec(tag)) {
    log("rtmp")->warn("broadcast {}: {}", b->id(), *unsupported);
    return *unsupported;
  }
  Publisher& publisher = *b->publisher();
  publisher.stats().on_tag(tag);
  if (streaming::BackpressureGate* gate = publisher.gate()) {
    const bool was_dropping = gate->dropping();
    const bool pass = gate->pass(tag, b->pipeline()->queued_bytes());
    if (gate->dropping() != was_dropping) {
      log("rtmp")->warn("broadcast {}: {}", b->id(),
                        was_dropping
                            ? "pipeline caught up, video resumes on this keyframe"
                            : "pipeline falls behind, dropping video until the next keyframe");
    }
    publisher.stats().set_dropped(gate->dropped_video_frames(), gate->dropped_audio_frames());
    if (!pass) return {};
  }
  b->pipeline()->push(streaming::flv_tag_bytes(tag));
  return {};
}

// MPEG-TS bytes of an SRT caller or a WHIP session.
void on_ts(BroadcastRegistry& registry, Transport transport, uint64_t connection,
           std::string&& bytes) {
  Broadcast* b = registry.published_by(transport, connection);
  if (!b || !b->pipeline()) return;
  b->publisher()->stats().on_ts(bytes);
  b->pipeline()->push(bytes);
}

}  // namespace

streaming::RtmpServer::Callbacks rtmp_ingest(BroadcastRegistry& registry, Disconnect disconnect) {
  return {
      .authorize =
          [&registry, disconnect](uint64_t c, const std::string& key) {
            return refusal(authorize(registry, Transport::rtmp, disconnect, c, key));
          },
      .media = [&registry](uint64_t c,
                           streaming::FlvTag&& tag) { return on_tag(registry, c, std::move(tag)); },
      .ended = [&registry](
                   uint64_t c,
                   const std::string& why) { registry.unpublish(Transport::rtmp, c, why); }};
}

streaming::SrtServer::Callbacks srt_ingest(BroadcastRegistry& registry, Disconnect disconnect) {
  return {
      .authorize =
          [&registry, disconnect](uint64_t c, const std::string& key) {
            return refusal(authorize(registry, Transport::srt, disconnect, c, key));
          },
      .data = [&registry](
                  uint64_t c,
                  std::string&& bytes) { on_ts(registry, Transport::srt, c, std::move(bytes)); },
      .ended = [&registry](uint64_t c,
                           const std::string& why) { registry.unpublish(Transport::srt, c, why); },
      .link =
          [&registry](uint64_t c, const streaming::SrtServer::LinkStats& s) {
            if (Broadcast* b = registry.published_by(Transport::srt, c)) {
              b->publisher()->stats().set_link(s.lost_packets, s.dropped_packets, s.rtt_ms);
            }
          }};
}

streaming::WhipServer::Callbacks whip_ingest(BroadcastRegistry& registry, Disconnect disconnect) {
  return {.authorize =
              [&registry, disconnect](uint64_t c, const std::string& key) {
                return authorize(registry, Transport::whip, disconnect, c, key);
              },
          .data =
              [&registry](uint64_t c, std::string&& bytes) {
                on_ts(registry, Transport::whip, c, std::move(bytes));
              },
          .ended = [&registry](
                       uint64_t c,
                       const std::string& why) { registry.unpublish(Transport::whip, c, why); }};
}

}  // namespace livegate::server
