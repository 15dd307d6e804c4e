#include "livegate/chat/hub.h"

#include <deque>
#include <optional>

#include "livegate/common/log.h"
#include "room.h"

namespace livegate::chat {

namespace {

constexpr const char* kProtocolName = "livegate-chat";
constexpr size_t kMaxFramesPerWriteable = 16;

std::string random_hex(size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < digits; ++i) s += kHex[g_random_int_range(0, 16)];
  return s;
}

std::string room_from_uri(std::string_view uri) {
  constexpr std::string_view prefix = "/ws/";
  if (!uri.starts_with(prefix)) return {};
  std::string_view rest = uri.substr(prefix.size());
  if (auto q = rest.find_first_of("?/"); q != std::string_view::npos) rest = rest.substr(0, q);
  return std::string(rest);
}

}  // namespace

struct Hub::Connection {
  uint64_t id = 0;
  lws* wsi = nullptr;
  std::string room;
  ChatUser user;
  bool hello_seen = false;
  bool welcomed = false;
  // Batches flushed while the welcome snapshot was being read; replayed after it.
  std::vector<Batch> held;
  std::deque<FramePtr> queue;
  size_t queued_bytes = 0;
  std::string rx;          // message being assembled from fragments
  bool rx_discard = false;  // the current message is over the limit: drop the rest of it
  std::optional<std::pair<int, std::string>> close_when_drained;
};

Hub::Hub(EventLoop& loop, ChatStore& store, HubLimits limits, HubHandlers handlers)
    : loop_(loop), store_(store), limits_(limits), handlers_(std::move(handlers)) {}

Hub::~Hub() {
  for (const auto& [id, room] : rooms_) store_.unsubscribe(id);
}

lws_protocols Hub::protocol() {
  lws_protocols p{};
  p.name = kProtocolName;
  p.callback = &Hub::callback;
  p.per_session_data_size = sizeof(uint64_t);
  p.rx_buffer_size = 4096;
  p.user = this;
  return p;
}

void Hub::open_room(const std::string& room) {
  if (rooms_.contains(room)) return;
  rooms_.emplace(room, std::make_unique<Room>(room));
  store_.subscribe(room, [this, room](std::string_view event) { on_room_event(room, event); });
}

bool Hub::has_room(const std::string& room) const { return rooms_.contains(room); }

size_t Hub::viewers(const std::string& room) const {
  auto it = rooms_.find(room);
  return it == rooms_.end() ? 0 : it->second->members().size();
}

Hub::Connection* Hub::find(uint64_t id) {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : it->second.get();
}

int Hub::callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  const lws_protocols* proto = lws_get_protocol(wsi);
  auto* self = proto ? static_cast<Hub*>(proto->user) : nullptr;
  auto* session = static_cast<uint64_t*>(user);
  if (!self || !session) return 0;
  switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
      return self->on_established(wsi, session);
    case LWS_CALLBACK_RECEIVE:
      if (Connection* c = self->find(*session)) return self->on_receive(*c, in, len);
      return -1;
    case LWS_CALLBACK_SERVER_WRITEABLE:
      if (Connection* c = self->find(*session)) return self->on_writeable(*c);
      return -1;
    case LWS_CALLBACK_CLOSED:
      self->on_closed(*session);
      return 0;
    default:
      return 0;
  }
}

int Hub::on_established(lws* wsi, uint64_t* session) {
  char uri[256] = {};
  lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
  auto conn = std::make_unique<Connection>();
  conn->id = next_id_++;
  conn->wsi = wsi;
  conn->room = room_from_uri(uri);
  *session = conn->id;
  Connection& c = *conn;
  connections_.emplace(c.id, std::move(conn));
  auto room = rooms_.find(c.room);
  if (room == rooms_.end()) {
    log("chat")->info("refused ws {}: no live broadcast '{}'", uri, c.room);
    send_error(c, {"unknown_broadcast", "no live broadcast with this id", {}});
    close_after_drain(c, kCloseUnknownRoom, "unknown broadcast");
    return 0;
  }
  room->second->members().insert(c.id);
  room->second->mark_viewers_changed();
  schedule_flush(c.room);
  return 0;
}

void Hub::on_closed(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (auto room = rooms_.find(it->second->room); room != rooms_.end()) {
    if (room->second->members().erase(id)) {
      room->second->mark_viewers_changed();
      schedule_flush(it->second->room);
    }
  }
  connections_.erase(it);
}

int Hub::on_receive(Connection& c, const void* in, size_t len) {
  if (lws_is_first_fragment(c.wsi)) {
    c.rx.clear();
    c.rx_discard = false;
  }
  if (lws_frame_is_binary(c.wsi)) {
    if (lws_is_final_fragment(c.wsi)) send_error(c, {"bad_frame", "send JSON text frames", {}});
    c.rx_discard = true;
    return 0;
  }
  if (!c.rx_discard) {
    if (c.rx.size() + len > limits_.max_frame_bytes) {
      c.rx_discard = true;
      c.rx.clear();
      send_error(c, {"too_large", "the frame is larger than " +
                                      std::to_string(limits_.max_frame_bytes) + " bytes",
                     {}});
    } else {
      c.rx.append(static_cast<const char*>(in), len);
    }
  }
  const bool complete = lws_is_final_fragment(c.wsi) && !lws_remaining_packet_payload(c.wsi);
  if (complete && !c.rx_discard) {
    std::string text = std::move(c.rx);
    c.rx.clear();
    handle_frame(c, text);
  }
  return 0;
}

void Hub::handle_frame(Connection& c, std::string_view text) {
  log("chat")->trace("room {}: frame from {}: {}", c.room, c.id, text.substr(0, 200));
  ParseResult parsed = parse_client_message(text, limits_.protocol);
  if (auto* e = std::get_if<ProtocolError>(&parsed)) return send_error(c, *e);
  auto& message = std::get<ClientMessage>(parsed);
  if (std::holds_alternative<Ping>(message)) return send(c, pong_frame());
  if (auto* hello = std::get_if<Hello>(&message)) return handle_hello(c, std::move(*hello));
  if (!c.welcomed) return send_error(c, {"hello_first", "send hello before anything else", {}});
  if (auto* line = std::get_if<ChatLine>(&message)) return handle_chat(c, std::move(*line));
  if (auto* buy = std::get_if<Buy>(&message)) return handle_buy(c, std::move(*buy));
}

void Hub::handle_hello(Connection& c, Hello hello) {
  if (c.hello_seen) return send_error(c, {"already_welcomed", "hello was already sent", {}});
  c.hello_seen = true;
  log("chat")->debug("room {}: hello from connection {}", c.room, c.id);
  c.user.id = "g-" + random_hex(8);
  c.user.name = hello.name.empty() ? "guest-" + random_hex(4) : hello.name;
  c.user.role = "viewer";
  const uint64_t id = c.id;
  const std::string room = c.room;
  handlers_.snapshot(room, [this, id, room, resume = std::move(hello.resume_from)](
                               nlohmann::json snapshot, const std::string& error) {
    Connection* conn = find(id);
    if (!conn) return;
    if (!error.empty()) {
      log("chat")->warn("room {}: snapshot for {} failed: {}", conn->room, conn->user.id, error);
      conn->hello_seen = false;  // the viewer may say hello again
      return send_error(*conn, {"unavailable", "the room is not available, try again", {}});
    }
    store_.history(room, resume, limits_.history_on_join,
                   [this, id, snapshot = std::move(snapshot)](std::vector<nlohmann::json> lines,
                                                              const std::string& error) mutable {
                     Connection* conn = find(id);
                     if (!conn) return;
                     if (!error.empty()) {
                       log("chat")->warn("room {}: history for {} failed: {}", conn->room, conn->user.id, error);
                       conn->hello_seen = false;
                       return send_error(*conn, {"unavailable", "chat history is not available, try again", {}});
                     }
                     std::optional<StreamId> last_seen;
                     if (!lines.empty()) last_seen = parse_stream_id(lines.back()["id"].get<std::string>());
                     snapshot["chat"] = std::move(lines);
                     snapshot["viewers"] = viewers(conn->room);
                     nlohmann::json welcome = {
                         {"type", "welcome"},
                         {"user", {{"id", conn->user.id}, {"name", conn->user.name}, {"role", conn->user.role}}},
                         {"room", std::move(snapshot)}};
                     send(*conn, welcome.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
                     conn->welcomed = true;
                     log("chat")->debug("room {}: welcomed {} as {}", conn->room, conn->id, conn->user.name);
                     // Replay what was flushed meanwhile, minus lines the snapshot already holds.
                     for (auto& batch : conn->held) {
                       std::vector<RoomEvent> fresh;
                       for (auto& e : batch.events) {
                         if (e.chat_id && last_seen && *e.chat_id <= *last_seen) continue;
                         fresh.push_back(std::move(e));
                       }
                       if (!fresh.empty()) send(*conn, batch_payload(fresh));
                     }
                     conn->held.clear();
                   });
  });
}

void Hub::handle_chat(Connection& c, ChatLine line) {
  const uint64_t id = c.id;
  store_.append(c.room, c.user, line.text, [this, id](const std::string&, const std::string& error) {
    if (error.empty()) return;  // the line comes back to everyone, sender included, in a batch
    if (Connection* conn = find(id)) {
      send_error(*conn, {"unavailable", "chat is not available right now, try again", {}});
    }
  });
}

void Hub::handle_buy(Connection& c, Buy buy) {
  const uint64_t id = c.id;
  handlers_.buy(c.room, c.user, buy, [this, id](std::string frame) {
    if (Connection* conn = find(id)) send(*conn, frame);
  });
}

void Hub::send(Connection& c, std::string_view payload) {
  FramePtr frame = make_frame(payload);
  if (c.queued_bytes + frame->size() > limits_.max_send_queue_bytes) {
    if (!c.close_when_drained) {
      log("chat")->warn("room {}: closing slow viewer {} ({} bytes queued)", c.room, c.user.id,
                        c.queued_bytes);
      c.queue.clear();
      c.queued_bytes = 0;
      close_after_drain(c, kCloseSlowConsumer, "slow consumer");
    }
    return;
  }
  c.queued_bytes += frame->size();
  c.queue.push_back(std::move(frame));
  lws_callback_on_writable(c.wsi);
}

void Hub::send_error(Connection& c, const ProtocolError& e) { send(c, error_frame(e)); }

void Hub::close_after_drain(Connection& c, int code, std::string reason) {
  c.close_when_drained = std::make_pair(code, std::move(reason));
  lws_callback_on_writable(c.wsi);
}

int Hub::on_writeable(Connection& c) {
  for (size_t n = 0; n < kMaxFramesPerWriteable && !c.queue.empty(); ++n) {
    FramePtr frame = std::move(c.queue.front());
    c.queue.pop_front();
    c.queued_bytes -= frame->size();
    if (lws_write(c.wsi, frame->payload(), frame->size(), LWS_WRITE_TEXT) <
        static_cast<int>(frame->size())) {
      return -1;
    }
    if (lws_send_pipe_choked(c.wsi)) break;
  }
  if (!c.queue.empty()) {
    lws_callback_on_writable(c.wsi);
  } else if (c.close_when_drained) {
    const auto& [code, reason] = *c.close_when_drained;
    lws_close_reason(c.wsi, static_cast<lws_close_status>(code),
                     reinterpret_cast<unsigned char*>(const_cast<char*>(reason.data())),
                     reason.size());
    return -1;
  }
  return 0;
}

void Hub::publish_local(const std::string& room, std::string event_json) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  it->second->add_event({std::move(event_json), std::nullopt});
  schedule_flush(room);
}

void Hub::on_room_event(const std::string& room, std::string_view event_json) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  RoomEvent e{std::string(event_json), std::nullopt};
  // Only chat lines need their id read here; everything else passes through untouched.
  if (event_json.find(R"("type":"chat")") != std::string_view::npos) {
    auto j = nlohmann::json::parse(event_json, nullptr, false);
    if (j.is_object() && j.contains("id") && j["id"].is_string()) {
      e.chat_id = parse_stream_id(j["id"].get<std::string>());
    }
  }
  it->second->add_event(std::move(e));
  schedule_flush(room);
}

void Hub::schedule_flush(const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end() || it->second->flush_timer().active()) return;
  // Flush at once when the room was quiet, else at the end of the current interval: the
  // first event of a burst is not delayed and a busy room gets one frame per interval.
  const auto since = std::chrono::steady_clock::now() - it->second->last_flush();
  const auto wait = since >= limits_.flush_interval
                        ? std::chrono::milliseconds(0)
                        : std::chrono::duration_cast<std::chrono::milliseconds>(
                              limits_.flush_interval - since);
  it->second->flush_timer() = loop_.after(wait, [this, room] { flush(room); });
}

void Hub::flush(const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end() || !it->second->has_pending()) return;
  Batch batch = it->second->take_batch();
  for (uint64_t id : it->second->members()) {
    Connection* c = find(id);
    if (!c) continue;
    if (!c->welcomed) {
      if (c->hello_seen) c->held.push_back(batch);
      continue;
    }
    if (c->queued_bytes + batch.frame->size() > limits_.max_send_queue_bytes) {
      send(*c, batch.frame->text());  // takes the slow-consumer path
      continue;
    }
    c->queued_bytes += batch.frame->size();
    c->queue.push_back(batch.frame);
    lws_callback_on_writable(c->wsi);
  }
}

}  // namespace livegate::chat
