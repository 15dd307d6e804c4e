#pragma once
// Where ingest servers meet broadcasts: the callbacks each server (RTMP, SRT, WHIP) is built
// with, bound to the registry. Ingest servers and pipelines never know each other; a publisher's
// key picks its broadcast (BroadcastRegistry::publish) and its media goes to that broadcast's
// pipeline, measured on the way.
//
// disconnect: the server's own way to drop one of its connections. It goes into the Publisher
// handle of each connection accepted, so ending a broadcast drops the right one.

#include <cstdint>
#include <functional>

#include "livegate/server/broadcast/broadcast_registry.h"
#include "livegate/streaming/rtmp_server.h"
#include "livegate/streaming/srt_server.h"
#include "livegate/streaming/whip_server.h"

namespace livegate::server {

using Disconnect = std::function<void(uint64_t connection)>;

streaming::RtmpServer::Callbacks rtmp_ingest(BroadcastRegistry& registry, Disconnect disconnect);
streaming::SrtServer::Callbacks srt_ingest(BroadcastRegistry& registry, Disconnect disconnect);
streaming::WhipServer::Callbacks whip_ingest(BroadcastRegistry& registry, Disconnect disconnect);

}  // namespace livegate::server
