#pragma once
// Connects ingest to broadcasts: which source feeds each broadcast's pipeline, and the one live
// playlist that outlives them all. Per broadcast:
//   fallback (test source, if configured)  --publish-->  publisher
//   publisher  --drops-->  slate ("we'll be right back", state reconnecting) for the grace period
//   slate  --same key publishes again-->  publisher (same playlist, a discontinuity between)
//   slate  --grace over-->  fallback, or, without one, EXT-X-ENDLIST and state ended.
// Ingest servers and pipelines never know each other; they meet here.

#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>

#include "livegate/common/event_loop.h"
#include "livegate/common/secret_hash.h"
#include "livegate/common/metrics.h"
#include "livegate/server/broadcasts.h"
#include "livegate/server/config.h"
#include "livegate/streaming/live_output.h"
#include "livegate/streaming/live_playlist.h"
#include "livegate/streaming/mp4_recorder.h"
#include "livegate/streaming/rtmp_server.h"
#include "livegate/streaming/srt_server.h"
#include "livegate/streaming/thumbnailer.h"
#include "livegate/streaming/whip_server.h"

namespace livegate::server {

class MediaRouter : public streaming::BroadcastPipeline::Listener {
 public:
  // Told of every broadcast state change (starting, live, reconnecting, waiting, ended).
  using Announce = std::function<void(const std::string& broadcast, BroadcastState state)>;

  // metrics: ingest bitrate/fps per broadcast and pipeline errors; null counts nothing.
  MediaRouter(EventLoop& loop, BroadcastMap& broadcasts, const MediaConfig& media, Announce announce,
              Metrics* metrics = nullptr);
  MediaRouter(const MediaRouter&) = delete;
  MediaRouter& operator=(const MediaRouter&) = delete;

  // Clears old media and starts every broadcast's fallback; false (with error) on failure.
  bool start_all(std::string* error);
  // Ends every pipeline and playlist (EXT-X-ENDLIST): the server is going away.
  void stop_all();
  // A broadcast created at run time: its playlists, then its fallback if it has one.
  bool add(const std::string& id, std::string* error);
  // Ends one broadcast now: its publisher is disconnected, playlists get EXT-X-ENDLIST.
  void end(const std::string& id);
  // How to drop a publisher's connection, per transport (bound by the composition root).
  void set_disconnect(std::function<void(uint64_t connection)> disconnect) { disconnect_ = std::move(disconnect); }

  streaming::RtmpServer::Callbacks rtmp_callbacks();
  streaming::SrtServer::Callbacks srt_callbacks();
  streaming::WhipServer::Callbacks whip_callbacks();
  // SHA-256 (hex) of the stream keys of broadcasts that take publishers (for the SRT handshake
  // check); the keys themselves are not kept.
  std::set<std::string> stream_key_hashes() const;

  void on_pipeline_state(const std::string& broadcast, streaming::PipelineState state) override;
  void on_segment(const std::string& broadcast, size_t rendition, streaming::PlaylistSegment segment) override;
  void on_rendition_format(const std::string& broadcast, size_t rendition,
                           const streaming::RenditionFormat& format) override;

 private:
  enum class Source { none, fallback, publisher, slate };
  struct Feed {
    std::unique_ptr<streaming::LiveOutput> playlist;  // one playlist, or one per ABR rung + master
    std::unique_ptr<streaming::LivePlaylist> recording;  // everything since start (top rung): the replay
    std::unique_ptr<streaming::Mp4Recorder> mp4;  // the same as MP4 files, remuxed off the loop
    Source source = Source::none;
    Source before_publisher = Source::none;  // what to go back to if a publisher sends nothing
    Timer grace;
    uint64_t runs = 0;
    std::chrono::steady_clock::time_point last_thumbnail{};
  };

  bool run(Broadcast& b, Source source, std::string* error,
           streaming::PipelineSource push_source = streaming::FlvPushSource{});
  void stop_pipeline(Broadcast& b);
  void grace_over(const std::string& id);
  enum class Transport { rtmp, srt, whip };
  std::string authorize(uint64_t connection, const std::string& stream_key, Transport transport);
  void on_ts(uint64_t connection, std::string&& bytes);
  std::string on_media(uint64_t connection, streaming::FlvTag&& tag);
  void on_ended(uint64_t connection, const std::string& why);
  void log_ingest();
  // Sets each publisher's ingest gauges and removes those of broadcasts without one.
  void update_ingest_metrics();
  bool open_feed(Broadcast& b, std::string* error);

  EventLoop& loop_;
  BroadcastMap& broadcasts_;
  const MediaConfig& media_;
  Announce announce_;
  std::map<std::string, Feed> feeds_;
  std::map<uint64_t, std::string> publishers_;  // RTMP connection -> broadcast id
  Timer stats_timer_;
  std::function<void(uint64_t)> disconnect_;
  streaming::Thumbnailer thumbnails_;
  Metrics* metrics_ = nullptr;
  Timer metrics_timer_;
  std::set<std::string> ingest_series_;  // broadcasts with ingest gauges in metrics_
};

// constant_time_equal() and sha256_hex(): livegate/common/secret_hash.h.

}  // namespace livegate::server
