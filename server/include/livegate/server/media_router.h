#pragma once
// Connects ingest to broadcasts: which source feeds each broadcast's pipeline. A broadcast runs
// its fallback (the generated test source, if configured) until a publisher with its stream key
// arrives; the publisher's media then passes through to HLS; when the publisher leaves, the
// fallback comes back. Ingest servers and pipelines never know each other; they meet here.

#include <map>
#include <string>

#include "livegate/common/event_loop.h"
#include "livegate/server/broadcasts.h"
#include "livegate/server/config.h"
#include "livegate/streaming/rtmp_server.h"

namespace livegate::server {

class MediaRouter {
 public:
  MediaRouter(EventLoop& loop, BroadcastMap& broadcasts, const MediaConfig& media,
              streaming::BroadcastPipeline::Listener& listener);
  MediaRouter(const MediaRouter&) = delete;
  MediaRouter& operator=(const MediaRouter&) = delete;

  // Starts every broadcast's fallback source; false (with error) if a pipeline cannot start.
  bool start_fallbacks(std::string* error);
  // Ends every pipeline (EOS, so playlists get their last segment).
  void stop_all();

  streaming::RtmpServer::Callbacks rtmp_callbacks();

 private:
  bool start_pipeline(Broadcast& b, streaming::PipelineSource source, std::string* error);
  void stop_pipeline(Broadcast& b);
  std::string authorize(uint64_t connection, const std::string& stream_key);
  std::string on_media(uint64_t connection, streaming::FlvTag&& tag);
  void on_ended(uint64_t connection, const std::string& why);

  EventLoop& loop_;
  BroadcastMap& broadcasts_;
  const MediaConfig& media_;
  streaming::BroadcastPipeline::Listener& listener_;
  std::map<uint64_t, std::string> publishers_;  // RTMP connection -> broadcast id
};

// Compares secrets in time independent of where they differ.
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace livegate::server
