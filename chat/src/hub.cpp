#include "livegate/chat/hub.h"

#include <glib.h>

#include <algorithm>

#include "connection.h"
#include "livegate/common/guard.h"
#include "livegate/common/json_fields.h"
#include "livegate/common/log.h"
#include "livegate/common/metrics.h"
#include "random_hex.h"

namespace livegate::chat {

namespace {

std::string room_from_uri(std::string_view uri) {
  constexpr std::string_view prefix = "/ws/";
  if (!uri.starts_with(prefix)) return {};
  std::string_view rest = uri.substr(prefix.size());
  if (auto q = rest.find_first_of("?/"); q != std::string_view::npos) rest = rest.substr(0, q);
  return std::string(rest);
}

}  // namespace

Hub::Hub(EventLoop& loop, HubServices services, HubLimits limits, HubHandlers handlers,
         Metrics* metrics)
    : loop_(loop),
      services_(services),
      limits_(std::move(limits)),
      handlers_(std::move(handlers)),
      filter_(limits_.blocked_words),
      metrics_(metrics) {
  presence_timer_ = loop_.every(limits_.presence_interval, [this] {
    report_presence();
    return true;
  });
  node_tag_ = random_hex(8);
}

Hub::~Hub() {
  for (const auto& [id, room] : rooms_) {
    services_.chat.unsubscribe(id);
    services_.presence.leave(id);  // the other nodes stop counting ours at once
  }
}

void Hub::open_room(const std::string& room) {
  if (rooms_.contains(room)) return;
  auto& r = *rooms_.emplace(room, std::make_unique<Room>(room)).first->second;
  r.recovery().opened_ms = g_get_real_time() / 1000;
  if (metrics_) metrics_->chat_rooms.Set(static_cast<double>(rooms_.size()));
  services_.chat.subscribe(
      room, [this, room](std::string_view event) { on_room_event(room, event); },
      [this, room] { on_room_subscribed(room); });
}

bool Hub::has_room(const std::string& room) const { return rooms_.contains(room); }

size_t Hub::viewers(const std::string& room) const {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return 0;
  return std::max<size_t>(it->second->members().size(),
                          static_cast<size_t>(std::max<int64_t>(0, it->second->presence().viewers)));
}

// Every node reports its own count per room and learns the total over all nodes (and the unique
// viewers so far); a viewers event goes out only when a figure changed, so an idle room stays
// quiet and 10,000 joins cost one event per interval, not 10,000.
void Hub::report_presence() {
  for (auto& [id, room] : rooms_) {
    auto& p = room->presence();
    if (!p.joined.empty()) {
      services_.presence.add_unique(id, p.joined);
      p.joined.clear();
    }
    const int64_t local = static_cast<int64_t>(room->members().size());
    services_.presence.report(id, local, [this, id = id](PresenceCount count, const std::string& error) {
      auto it = rooms_.find(id);
      if (it == rooms_.end()) return;
      auto& p = it->second->presence();
      if (!error.empty()) count = {static_cast<int64_t>(it->second->members().size()), p.unique};
      if (count.viewers == p.viewers && count.unique == p.unique) return;
      p.viewers = count.viewers;
      p.unique = count.unique;
      it->second->add_event({R"({"type":"viewers","count":)" + std::to_string(count.viewers) +
                                 R"(,"unique":)" + std::to_string(count.unique) + "}",
                             std::nullopt});
      schedule_flush(id);
    });
  }
}

Hub::Connection* Hub::find(uint64_t id) {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : it->second.get();
}

void Hub::opened(WebSocket& socket) {
  auto conn = std::make_unique<Connection>(limits_);
  conn->id = socket.id();
  conn->socket = &socket;
  conn->room = room_from_uri(socket.path());
  conn->ip = socket.peer();
  Connection& c = *conn;
  connections_.emplace(c.id, std::move(conn));
  if (metrics_) metrics_->ws_connections.Set(static_cast<double>(connections_.size()));
  admit(c);
}

// Refusals happen after the upgrade, with an error frame and a close code, so a browser can
// tell "no such broadcast" from "too many connections" and back off.
bool Hub::admit(Connection& c) {
  if (draining_) {
    send_error(c, {"going_away", "this server is restarting, reconnecting", {}, 1000});
    close_after_drain(c, kCloseGoingAway, "going away");
    return false;
  }
  auto room = rooms_.find(c.room);
  if (room == rooms_.end()) {
    log("chat")->info("refused ws /ws/{}: no live broadcast", c.room);
    send_error(c, {"unknown_broadcast", "no live broadcast with this id", {}});
    close_after_drain(c, kCloseUnknownRoom, "unknown broadcast");
    return false;
  }
  if (connections_.size() > limits_.max_connections) {
    log("chat")->warn("room {}: refused {}: node full ({} connections)", c.room, c.ip, limits_.max_connections);
    send_error(c, {"server_full", "this server is full, try again shortly", {}, 5000});
    close_after_drain(c, kCloseTooManyConnections, "server full");
    return false;
  }
  // The address's budgets live while it has connections here (a fresh entry has none, so it
  // always passes the check below).
  auto ip = per_ip_
                .try_emplace(c.ip, IpState{0, TokenBucket(limits_.ip_messages_per_second, limits_.ip_messages_burst),
                                           TokenBucket(limits_.ip_buys_per_second, limits_.ip_buys_burst)})
                .first;
  if (limits_.max_connections_per_ip && ip->second.connections >= limits_.max_connections_per_ip) {
    log("chat")->warn("room {}: refused {}: {} connections from this address", c.room, c.ip,
                      limits_.max_connections_per_ip);
    send_error(c, {"too_many_connections", "too many connections from your address", {}, 5000});
    close_after_drain(c, kCloseTooManyConnections, "too many connections");
    return false;
  }
  ++ip->second.connections;
  c.admitted = true;
  room->second->members().insert(c.id);
  return true;
}

void Hub::closed(WebSocket& socket) {
  const uint64_t id = socket.id();
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  if (c.admitted) {
    if (auto ip = per_ip_.find(c.ip); ip != per_ip_.end() && --ip->second.connections == 0) per_ip_.erase(ip);
    if (auto room = rooms_.find(c.room); room != rooms_.end()) room->second->members().erase(id);
  }
  if (c.hello_seen) leave_user(c);
  connections_.erase(it);
  if (metrics_) metrics_->ws_connections.Set(static_cast<double>(connections_.size()));
}

void Hub::join_user(Connection& c) {
  auto [it, fresh] = users_.try_emplace(
      c.user.id, UserState{{}, TokenBucket(limits_.messages_per_second, limits_.messages_burst),
                           TokenBucket(limits_.buys_per_second, limits_.buys_burst)});
  it->second.connections.push_back(c.id);
}

void Hub::leave_user(Connection& c) {
  auto it = users_.find(c.user.id);
  if (it == users_.end()) return;
  std::erase(it->second.connections, c.id);
  if (it->second.connections.empty()) users_.erase(it);
}

void Hub::message(WebSocket& socket, std::string_view data, bool binary) {
  Connection* found = find(socket.id());
  if (!found) return;
  Connection& c = *found;
  if (c.close_when_drained) return;  // already on its way out: ignore what else it sends
  if (binary) return send_error(c, {"bad_frame", "send JSON text frames", {}});
  if (data.size() > limits_.max_frame_bytes) {
    return send_error(c, {"too_large", "the frame is larger than " + std::to_string(limits_.max_frame_bytes) + " bytes", {}});
  }
  if (metrics_) metrics_->chat_messages_in.Increment();
  // A message that fails inside livegate gets an error frame; the viewer stays connected.
  const uint64_t id = c.id;
  if (!guarded(Boundary::websocket, "a message in room " + c.room, [&] { handle_frame(c, data); })) {
    if (Connection* still = find(id)) {
      send_error(*still, {"internal", "the server failed on this message and did not act on it", {}});
    }
  }
}

void Hub::handle_frame(Connection& c, std::string_view text) {
  if (!c.frames.take()) {
    log("chat")->warn("room {}: closing {} ({}): more than {} frames/s", c.room, c.id, c.ip,
                      limits_.frames_per_second);
    send_error(c, {"flooding", "too many messages, slow down", {}});
    return close_after_drain(c, kCloseFlooding, "flooding");
  }
  log("chat")->trace("room {}: frame from {}: {}", c.room, c.id, text.substr(0, 200));
  ParseResult parsed = parse_client_message(text, limits_.protocol);
  if (auto* e = std::get_if<ProtocolError>(&parsed)) return send_error(c, *e);
  auto& message = std::get<ClientMessage>(parsed);
  if (std::holds_alternative<Ping>(message)) return send(c, pong_frame());
  if (draining_) return refuse_while_draining(c, message);
  if (auto* hello = std::get_if<Hello>(&message)) return handle_hello(c, std::move(*hello));
  if (!c.welcomed) return send_error(c, {"hello_first", "send hello before anything else", {}});
  if (needs_moderator(message)) return handle_moderation(c, message);
  if (auto* line = std::get_if<ChatLine>(&message)) {
    if (!may_take_part(c)) return;
    return handle_chat(c, std::move(*line));
  }
  if (auto* buy = std::get_if<Buy>(&message)) {
    if (!may_take_part(c, buy->key)) return;
    return handle_buy(c, std::move(*buy));
  }
  if (auto* tap = std::get_if<Tap>(&message)) {
    if (handlers_.tap) handlers_.tap(c.room, c.user, tap->sku);
    return;
  }
  if (auto* ask = std::get_if<Ask>(&message)) {
    if (!may_take_part(c)) return;
    return handle_ask(c, std::move(*ask));
  }
  if (auto* vote = std::get_if<Vote>(&message)) {
    if (!may_take_part(c)) return;
    return handle_vote(c, std::move(*vote));
  }
  send_error(c, {"unsupported", "this room does not take that message", {}});
}

void Hub::send(Connection& c, std::string_view payload) {
  FramePtr frame = make_frame(payload);
  if (over_queue_limit(c, frame->size())) {
    // The frame is dropped, and on the way to 4008 so is everything not yet written.
    if (metrics_) metrics_->chat_send_queue_drops.Increment();
    if (!c.close_when_drained) {
      log("chat")->warn("room {}: closing slow viewer {} ({} bytes queued)", c.room, c.user.id,
                        c.socket->queued_bytes());
      if (metrics_) metrics_->chat_slow_consumers.Increment();
      c.close_when_drained = std::make_pair(kCloseSlowConsumer, std::string("slow consumer"));
      c.socket->close(kCloseSlowConsumer, "slow consumer", /*discard_queued=*/true);
    }
    return;
  }
  if (metrics_) metrics_->chat_frames_out.Increment();
  c.socket->send(std::move(frame));
}

// A frame may always go into an empty queue, however large (a busy room's batch can pass the
// limit on its own); a viewer is slow when frames pile up behind one not yet written.
bool Hub::over_queue_limit(const Connection& c, size_t frame_bytes) const {
  const size_t queued = c.socket->queued_bytes();
  return queued > 0 && queued + frame_bytes > limits_.max_send_queue_bytes;
}

void Hub::send_error(Connection& c, const ProtocolError& e) {
  if (c.close_when_drained) return;
  send(c, error_frame(e));
  if (!c.errors.take()) {
    log("chat")->warn("room {}: closing {} ({}): more than {} errors/min", c.room, c.id, c.ip,
                      limits_.errors_per_minute);
    close_after_drain(c, kCloseFlooding, "too many bad messages");
  }
}

void Hub::close_after_drain(Connection& c, int code, std::string reason) {
  if (c.close_when_drained) return;
  c.close_when_drained = std::make_pair(code, reason);
  c.socket->close(code, reason);  // after what is queued: the error frame that says why
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
  // While the lines missed during a subscription gap are fetched, newer events wait behind them.
  if (auto& rec = it->second->recovery(); rec.catching_up) {
    rec.waiting.emplace_back(event_json);
    return;
  }
  deliver_room_event(*it->second, event_json);
}

void Hub::deliver_room_event(Room& r, std::string_view event_json) {
  const std::string& room = r.id();
  RoomEvent e{std::string(event_json), std::nullopt};
  // Only chat lines need their id read here (and bans acted on); everything else passes through
  // untouched. Lua's cjson orders keys freely, so look for the pair, not a prefix.
  if (event_json.find(R"("type":"chat")") != std::string_view::npos) {
    auto j = nlohmann::json::parse(event_json, nullptr, false);
    if (j.is_object() && j.contains("id") && j["id"].is_string()) {
      e.chat_id = parse_stream_id(j["id"].get<std::string>());
    }
    // Lines come in stream order; one at or before the newest delivered is a second copy (the
    // same line by pub/sub and by catching up).
    auto& last = r.recovery().last_chat_id;
    if (e.chat_id) {
      if (last && *e.chat_id <= *last) return;
      last = e.chat_id;
    }
  } else if (event_json.find(R"("type":"banned")") != std::string_view::npos) {
    apply_ban(room, event_json);
  } else if (event_json.find(R"("type":"stock")") != std::string_view::npos ||
             event_json.find(R"("type":"deal_stock")") != std::string_view::npos) {
    auto j = nlohmann::json::parse(event_json, nullptr, false);
    JsonFields event(j);
    const auto type = event.string("type");
    const auto key = event.has("sku") ? event.string("sku") : event.string("id");
    if (type && key) {
      r.set_latest(*type + ":" + *key, std::move(e));
      return schedule_flush(room);
    }
  }
  r.add_event(std::move(e));
  schedule_flush(room);
}

void Hub::schedule_flush(const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  Room& r = *it->second;
  // Stock figures alone wait for the tally pace; anything else brings a slow flush forward.
  const bool slow = r.only_latest_pending();
  if (r.flush_timer().active() && (slow || !r.slow_flush())) return;
  r.flush_timer().cancel();
  // Flush at once when the room was quiet, else at the end of the current interval: the
  // first event of a burst is not delayed and a busy room gets one frame per interval.
  const auto interval = slow ? limits_.tally_interval : limits_.flush_interval;
  const auto since = std::chrono::steady_clock::now() - r.last_flush();
  const auto wait = since >= interval ? std::chrono::milliseconds(0)
                                      : std::chrono::duration_cast<std::chrono::milliseconds>(interval - since);
  r.slow_flush() = slow;
  r.flush_timer() = loop_.after(wait, [this, room] { flush(room); });
}

void Hub::flush(const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end() || !it->second->has_pending()) return;
  Batch batch = it->second->take_batch();
  if (metrics_) metrics_->chat_batch_events.Observe(static_cast<double>(batch.events.size()));
  for (uint64_t id : it->second->members()) {
    Connection* c = find(id);
    if (!c || c->close_when_drained) continue;
    if (!c->welcomed) {
      if (c->hello_seen) c->held.push_back(batch);
      continue;
    }
    if (c->chat_floor) {
      auto fresh = events_after(batch.events, *c->chat_floor);
      if (fresh.size() != batch.events.size()) {
        if (!fresh.empty()) send(*c, batch_payload(fresh));
        continue;
      }
      // Every line here is newer: so is everything after it (lines come in stream order).
      if (std::any_of(fresh.begin(), fresh.end(), [](const RoomEvent& e) { return e.chat_id.has_value(); })) {
        c->chat_floor.reset();
      }
    }
    if (over_queue_limit(*c, batch.frame->size())) {
      send(*c, batch.frame->payload());  // takes the slow-consumer path
      continue;
    }
    if (metrics_) metrics_->chat_frames_out.Increment();
    c->socket->send(batch.frame);
  }
}

}  // namespace livegate::chat
