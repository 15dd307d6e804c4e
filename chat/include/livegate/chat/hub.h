#pragma once
// The live-room WebSocket hub: viewers connect to /ws/{room}, say hello, get a snapshot, chat
// and buy. Events for a room are coalesced and flushed at most every flush_interval as one
// batch frame shared by all members. Each connection has a bounded send queue: a viewer who
// cannot keep up is closed (4008) instead of slowing the room.

#include <libwebsockets.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "livegate/chat/chat_store.h"
#include "livegate/chat/protocol.h"
#include "livegate/common/event_loop.h"

namespace livegate::chat {

struct HubLimits {
  ProtocolLimits protocol;
  size_t max_frame_bytes = 8192;               // larger client frames get an error and are dropped
  size_t max_send_queue_bytes = 1024 * 1024;   // per connection, past it: close 4008
  std::chrono::milliseconds flush_interval{100};
  size_t history_on_join = 50;                 // chat lines in the welcome snapshot
};

class Room;

// Close codes the hub uses (4000-4999 are the application's range).
inline constexpr int kCloseUnknownRoom = 4404;
inline constexpr int kCloseSlowConsumer = 4008;

// What the hub needs from the rest of the server; bound in the composition root so that chat
// never depends on commerce or streaming.
struct HubHandlers {
  using SnapshotReply = std::function<void(nlohmann::json room, const std::string& error)>;
  using FrameReply = std::function<void(std::string frame)>;
  // The room part of the welcome (broadcast, products, stock, sold, pinned); the hub adds chat
  // history and the viewer count.
  std::function<void(const std::string& room, SnapshotReply)> snapshot;
  // A validated buy from a viewer; reply with the order (or error) frame for that viewer.
  std::function<void(const std::string& room, const ChatUser& user, const Buy& buy, FrameReply)>
      buy;
};

class Hub {
 public:
  Hub(EventLoop& loop, ChatStore& store, HubLimits limits, HubHandlers handlers);
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;
  ~Hub();

  // The libwebsockets protocol entry for this hub (name "livegate-chat").
  lws_protocols protocol();

  // Rooms exist for live broadcasts only; a connection to another id is refused with 4404.
  void open_room(const std::string& room);
  bool has_room(const std::string& room) const;
  // Queues an event for the room's next batch on this node only (e.g. a pipeline state change).
  void publish_local(const std::string& room, std::string event_json);

  size_t viewers(const std::string& room) const;
  size_t connections() const { return connections_.size(); }

 private:
  struct Connection;

  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  int on_established(lws* wsi, uint64_t* session);
  int on_receive(Connection& c, const void* in, size_t len);
  int on_writeable(Connection& c);
  void on_closed(uint64_t id);

  void handle_frame(Connection& c, std::string_view text);
  void handle_hello(Connection& c, Hello hello);
  void handle_chat(Connection& c, ChatLine line);
  void handle_buy(Connection& c, Buy buy);

  void send(Connection& c, std::string_view payload);
  void send_error(Connection& c, const ProtocolError& e);
  void close_after_drain(Connection& c, int code, std::string reason);
  Connection* find(uint64_t id);

  void on_room_event(const std::string& room, std::string_view event_json);
  void schedule_flush(const std::string& room);
  void flush(const std::string& room);

  EventLoop& loop_;
  ChatStore& store_;
  HubLimits limits_;
  HubHandlers handlers_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::map<std::string, std::unique_ptr<Room>> rooms_;
};

}  // namespace livegate::chat
