// What a welcomed viewer sends: chat lines, buys and (staff only) moderation; and what the hub
// does when a ban reaches this node.

#include "connection.h"
#include "livegate/chat/hub.h"
#include "livegate/common/json_fields.h"
#include "livegate/common/log.h"

namespace livegate::chat {

namespace {

std::string seconds_text(int64_t ms) { return std::to_string((ms + 999) / 1000) + " s"; }

}  // namespace

bool Hub::may_take_part(Connection& c, const std::string& key) {
  if (!c.guest || limits_.anonymous == Anonymous::chat) return true;
  send_error(c, {"login_required", "sign in to chat, ask, vote or buy here", key});
  return false;
}

// A user's own budget, then their address's (everyone behind one NAT): both must have a token.
// The user's is checked first without taking, so a refusal by either costs neither.
bool Hub::take_budget(Connection& c, TokenBucket* user, TokenBucket* ip, const std::string& key) {
  const auto now = TokenBucket::Clock::now();
  auto wait = std::chrono::milliseconds(0);
  if (user) wait = std::max(wait, user->wait(now));
  if (ip) wait = std::max(wait, ip->wait(now));
  if (wait.count() == 0) {
    if (user) user->take(now);
    if (ip) ip->take(now);
    return true;
  }
  send_error(c, {"rate_limited", "you are sending too fast, wait " + seconds_text(wait.count()), key,
                 wait.count()});
  return false;
}

bool Hub::take_message_budget(Connection& c) {
  auto user = users_.find(c.user.id);
  auto ip = per_ip_.find(c.ip);
  return take_budget(c, user == users_.end() ? nullptr : &user->second.messages,
                     ip == per_ip_.end() ? nullptr : &ip->second.messages, {});
}

bool Hub::take_buy_budget(Connection& c, const std::string& key) {
  auto user = users_.find(c.user.id);
  auto ip = per_ip_.find(c.ip);
  return take_budget(c, user == users_.end() ? nullptr : &user->second.buys,
                     ip == per_ip_.end() ? nullptr : &ip->second.buys, key);
}

void Hub::handle_chat(Connection& c, ChatLine line) {
  if (!take_message_budget(c)) return;
  const uint64_t id = c.id;
  std::string text = filter_.mask(line.text);
  services_.chat.append(c.room, c.user, text, [this, id, text](const AppendOutcome& out) {
    Connection* conn = find(id);
    if (!conn || !out.id.empty()) return;  // the line comes back to everyone, sender included
    if (!out.error.empty()) {
      // Redis is away: the room on this node still talks (hub_outage.cpp), up to a limit.
      if (out.unreachable && hold_line(*conn, text)) return;
      log("chat")->warn("room {}: chat line from {} failed: {}", conn->room, conn->user.id, out.error);
      return send_error(*conn, {"unavailable", "chat is not available right now, try again", {}});
    }
    if (out.refused == "banned") return send_error(*conn, {"banned", "you are banned from this chat", {}});
    if (out.refused == "muted") {
      return send_error(*conn, {"muted", "a moderator muted you for " + seconds_text(out.wait_ms), {},
                                out.wait_ms});
    }
    send_error(*conn, {"slow_mode", "slow mode is on: wait " + seconds_text(out.wait_ms), {}, out.wait_ms});
  });
}

void Hub::handle_buy(Connection& c, Buy buy) {
  if (!take_buy_budget(c, buy.key)) return;
  const uint64_t id = c.id;
  handlers_.buy(c.room, c.user, buy, [this, id](std::string frame) {
    if (Connection* conn = find(id)) send(*conn, frame);
  });
}

void Hub::handle_moderation(Connection& c, const ClientMessage& message) {
  if (!c.user.staff()) {
    return send_error(c, {"forbidden", "only the seller and moderators can do that", {}});
  }
  const uint64_t id = c.id;
  auto done = [this, id](std::string what) {
    return [this, id, what = std::move(what)](const std::string& code) { moderation_done(id, what, code); };
  };
  auto& mod = services_.moderation;
  const std::string& room = c.room;
  if (auto* d = std::get_if<DeleteLine>(&message)) {
    log("chat")->info("room {}: {} deletes line {}", room, c.user.id, d->id);
    return mod.delete_line(room, d->id, c.user.id, done("delete"));
  }
  if (auto* b = std::get_if<Ban>(&message)) {
    if (b->user == c.user.id) return send_error(c, {"bad_field", "you cannot ban yourself", {}});
    log("chat")->info("room {}: {} {} {}{}", room, c.user.id, b->seconds ? "mutes" : "bans", b->user,
                      b->seconds ? " for " + std::to_string(b->seconds) + " s" : "");
    return mod.ban(room, b->user, b->seconds, done("ban"));
  }
  if (auto* u = std::get_if<Unban>(&message)) {
    log("chat")->info("room {}: {} lifts the ban on {}", room, c.user.id, u->user);
    return mod.unban(room, u->user, done("unban"));
  }
  if (auto* s = std::get_if<SlowMode>(&message)) {
    log("chat")->info("room {}: {} sets slow mode to {} s", room, c.user.id, s->seconds);
    return mod.set_slow(room, s->seconds, done("slow"));
  }
  if (auto* p = std::get_if<PinProduct>(&message)) {
    if (!handlers_.pin_product) return send_error(c, {"unsupported", "this room has no shop", {}});
    log("chat")->info("room {}: {} pins product {}", room, c.user.id, p->sku.empty() ? "none" : p->sku);
    return handlers_.pin_product(room, c.user, p->sku, [this, id](std::string frame) {
      Connection* conn = find(id);
      if (conn && !frame.empty()) send(*conn, frame);
    });
  }
  if (auto* p = std::get_if<PinLine>(&message)) {
    log("chat")->info("room {}: {} pins {}", room, c.user.id, p->id.empty() ? "nothing" : p->id);
    return mod.pin(room, p->id, done("pin"));
  }
  handle_qa_moderation(c, message);
}

// Success needs no reply: the change comes back to everyone, the moderator included, as an event.
void Hub::moderation_done(uint64_t id, const std::string& what, const std::string& code) {
  Connection* c = find(id);
  if (!c || code.empty()) return;
  if (code == "unknown_line") return send_error(*c, {"unknown_line", "no chat line with that id", {}});
  log("chat")->warn("room {}: {} by {} failed: {}", c->room, what, c->user.id, code);
  send_error(*c, {"unavailable", "that did not work, try again", {}});
}

// A ban (not a timeout) closes the user's connections on this node; every node does the same
// when the event reaches it. Timeouts only mute, enforced by Redis when the user chats.
void Hub::apply_ban(const std::string& room, std::string_view event_json) {
  auto j = nlohmann::json::parse(event_json, nullptr, false);
  JsonFields event(j);
  const auto banned = event.string("user");
  if (!banned || event.integer("until").value_or(-1) != 0) return;
  auto user = users_.find(*banned);
  if (user == users_.end()) return;
  for (uint64_t id : user->second.connections) {
    Connection* c = find(id);
    if (!c || c->room != room || c->user.staff()) continue;
    log("chat")->info("room {}: closing {} of banned user {}", room, c->id, c->user.id);
    send_error(*c, {"banned", "you are banned from this chat", {}});
    close_after_drain(*c, kCloseBanned, "banned");
  }
}

}  // namespace livegate::chat
