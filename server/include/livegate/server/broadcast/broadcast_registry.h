#pragma once
// The broadcasts this node runs, and the one writer of each. Config start-up and
// POST /api/broadcasts open them through open(); the seller's end, a publisher's arrival and
// departure, and the grace timer move them through their states:
//
//   open ──> starting ──(test source's first segment)──> live
//              └──(no test source)──> waiting ──(publisher's first segment)──> live
//   live ──publisher drops──> reconnecting (slate) ──same key again──> live (a discontinuity)
//                                  └──grace over──> back to the test source, or ended
//   any ──end()──> ended ──a publisher again──> a fresh timeline (and replay)
//
// Whoever else must act on a broadcast (the chat hub, the shop, webhooks, the SRT key check)
// hears it through one Listener, wired by the composition root (server/src/app.cpp).

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "livegate/common/event_loop.h"
#include "livegate/common/result.h"
#include "livegate/server/broadcast/broadcast.h"
#include "livegate/server/config.h"
#include "livegate/streaming/thumbnailer.h"

namespace livegate {
class Metrics;
}

namespace livegate::server {

class BroadcastRegistry : private streaming::BroadcastPipeline::Listener {
 public:
  // Every hook runs on the loop; all but opening after the registry's own change. None may
  // open or end broadcasts from inside.
  struct Listener {
    virtual ~Listener() = default;
    // Before a broadcast opens: its room's data (the catalog in Redis). Call ready() once, with
    // an error to refuse it (the open fails with that error and the broadcast is gone again).
    virtual void opening(const Broadcast&, std::function<void(Result<void>)> ready) { ready(ok()); }
    // Open: its room may take viewers; its media starts right after.
    virtual void opened(const Broadcast&) {}
    // state() changed (the room's "state" event).
    virtual void state_changed(const Broadcast&) {}
    // config().stream_key_sha256 changed, or a broadcast with a key opened.
    virtual void stream_key_changed(const Broadcast&) {}
    // It ended: by the seller, or because no publisher came back within the grace period.
    virtual void ended(const Broadcast&) {}
  };
  using Opened = std::function<void(Result<Broadcast*>)>;
  using Map = std::map<std::string, Broadcast, std::less<>>;  // found by string_view, no copy

  // metrics: pipeline errors; null counts nothing.
  BroadcastRegistry(EventLoop& loop, const MediaConfig& media, Metrics* metrics = nullptr);
  BroadcastRegistry(const BroadcastRegistry&) = delete;
  BroadcastRegistry& operator=(const BroadcastRegistry&) = delete;
  ~BroadcastRegistry() override;

  void set_listener(Listener* listener) { listener_ = listener; }

  // Opens a broadcast: conflict when its id or stream key is taken, limit past
  // media.max_broadcasts; then the listener's opening (an error there refuses it), opened, and
  // its media (test source, or waiting for a publisher). `done` hears the result once; a test
  // source that does not start is logged and leaves the broadcast open (media_failed()).
  void open(BroadcastConfig config, Opened done);
  // Ends it now: its publisher is disconnected, playlists get EXT-X-ENDLIST, the recording
  // closes. not_found, or conflict when it has already ended.
  Result<void> end(const std::string& id);
  // A new stream key (its SHA-256): the old one stops working at once.
  Result<void> set_stream_key(const std::string& id, std::string key_sha256);
  // Start-up: broadcasts opened from now on wait for start_media() before their media starts
  // (outputs clear the broadcast's old files, so a node that cannot bind its ports must not
  // touch them: another node may be serving them).
  void defer_media() { media_deferred_ = true; }
  // Starts the media of every open broadcast that waited, and of every one opened later.
  void start_media();
  // The server stops: every pipeline and output ends. No state is moved on purpose, but a last
  // segment drained from a stopping pipeline can still announce live.
  void stop_all();

  Broadcast* find(std::string_view id);
  const Broadcast* find(std::string_view id) const;
  bool contains(std::string_view id) const { return find(id) != nullptr; }
  const Map& all() const { return broadcasts_; }
  size_t size() const { return broadcasts_.size(); }
  // SHA-256 (hex) of the keys of broadcasts that take publishers (the SRT handshake's check).
  std::set<std::string> stream_key_hashes() const;

  // Publishers, for the ingest bridge. publish(): the stream key's broadcast switches to this
  // publisher (a new pipeline of the transport's kind); the error's message is what the
  // publisher is told (streaming::kAlreadyPublishing for a second one).
  Result<Broadcast*> publish(std::string_view stream_key, Transport transport, uint64_t connection,
                             std::function<void()> disconnect);
  // The broadcast `connection` publishes, or null.
  Broadcast* published_by(Transport transport, uint64_t connection);
  // The publisher went: the slate for the grace period, or (if it sent nothing) what was before.
  void unpublish(Transport transport, uint64_t connection, std::string_view why);

 private:
  using PublisherKey = std::pair<Transport, uint64_t>;

  void open_media(Broadcast& b);
  Result<void> run(Broadcast& b, Source source,
                   streaming::PipelineSource push_source = streaming::FlvPushSource{});
  void stop_pipeline(Broadcast& b);
  // Stops the pipeline and ends the outputs: the one way a timeline ends.
  void finish(Broadcast& b);
  // The broadcast whose key has this SHA-256, compared with every key in full; or null.
  Broadcast* with_key_hash(const std::string& key_sha256);
  // Removes the publisher from the broadcast and the index; the caller may still disconnect it.
  std::unique_ptr<Publisher> take_publisher(Broadcast& b);
  void set_state(Broadcast& b, BroadcastState state);
  void grace_over(const std::string& id);

  void on_pipeline_state(const std::string& broadcast, streaming::PipelineState state) override;
  void on_segment(const std::string& broadcast, size_t rendition,
                  streaming::PlaylistSegment segment) override;
  void on_rendition_format(const std::string& broadcast, size_t rendition,
                           const streaming::RenditionFormat& format) override;

  EventLoop& loop_;
  const MediaConfig& media_;
  Metrics* metrics_;
  bool media_deferred_ = false;
  Listener default_listener_;
  Listener* listener_ = &default_listener_;
  streaming::Thumbnailer thumbnails_;  // before the broadcasts: their last segments may need it
  Map broadcasts_;
  // An index of Broadcast::publisher_, kept with it: a media tag finds its broadcast in one
  // lookup. Broadcasts are never erased once open, so the pointers stay valid.
  std::map<PublisherKey, Broadcast*> publishers_;
};

}  // namespace livegate::server
