// Hello → who the viewer is → the welcome snapshot (room, chat history or the lines missed since
// resume_from, room rules), gathered from Redis in parallel.

#include <glib.h>

#include "connection.h"
#include "livegate/chat/hub.h"
#include "livegate/common/log.h"
#include "random_hex.h"

namespace livegate::chat {

namespace {

// A guest's public id from the secret their browser keeps: stable across visits (so bans and
// unique-viewer counts hold) yet not the secret itself, which other viewers never see.
std::string guest_id(const std::string& secret) {
  if (secret.empty()) return "g-" + random_hex(16);
  const std::string salted = "livegate-guest:" + secret;
  gchar* digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, salted.c_str(),
                                                static_cast<gssize>(salted.size()));
  std::string id = "g-" + std::string(digest, 16);
  g_free(digest);
  return id;
}

// What the welcome is made of; filled by four Redis round trips running side by side.
struct WelcomeParts {
  int pending = 4;
  std::string error;
  nlohmann::json room;
  History history;
  RoomRules rules;
  std::vector<nlohmann::json> questions;
};

}  // namespace

void Hub::handle_hello(Connection& c, Hello hello) {
  if (c.hello_seen) return send_error(c, {"already_welcomed", "hello was already sent", {}});
  if (!hello.token.empty()) {
    std::string why = "tokens are not accepted here";
    std::optional<ChatUser> user =
        handlers_.identify ? handlers_.identify(c.room, hello.token, &why) : std::nullopt;
    if (!user) {
      log("chat")->info("room {}: refused token from {}: {}", c.room, c.ip, why);
      send_error(c, {"bad_token", why, {}});
      if (limits_.anonymous == Anonymous::off) close_after_drain(c, kCloseLoginRequired, "login required");
      return;
    }
    c.user = std::move(*user);
    if (c.user.name.empty()) c.user.name = hello.name;
  } else if (limits_.anonymous == Anonymous::off) {
    send_error(c, {"login_required", "this room is for signed-in viewers: send hello with a token", {}});
    return close_after_drain(c, kCloseLoginRequired, "login required");
  } else {
    c.guest = true;
    c.user.id = guest_id(hello.guest);
    c.user.name = hello.name;
    c.user.role = "viewer";
  }
  if (c.user.name.empty()) c.user.name = "guest-" + random_hex(4);
  c.user.name = filter_.mask(c.user.name);
  c.hello_seen = true;
  join_user(c);
  log("chat")->debug("room {}: hello from {} as {} ({})", c.room, c.id, c.user.id, c.user.role);
  welcome(c.id, hello.resume_from);
}

void Hub::welcome(uint64_t id, const std::string& resume_from) {
  Connection* c = find(id);
  auto parts = std::make_shared<WelcomeParts>();
  const bool resuming = !resume_from.empty();
  auto part_done = [this, id, parts, resuming, resume_from] {
    if (--parts->pending > 0) return;
    Connection* conn = find(id);
    if (!conn) return;
    if (!parts->error.empty()) {
      log("chat")->warn("room {}: welcome for {} failed: {}", conn->room, conn->user.id, parts->error);
      leave_user(*conn);
      conn->hello_seen = false;  // the viewer may say hello again
      conn->held.clear();
      return send_error(*conn, {"unavailable", "the room is not available, try again", {}});
    }
    if (parts->rules.banned && !conn->user.staff()) {
      send_error(*conn, {"banned", "you are banned from this chat", {}});
      return close_after_drain(*conn, kCloseBanned, "banned");
    }
    // The newest line the page will have: the snapshot's last, or on a resume the line it
    // resumed from when nothing was missed.
    std::optional<StreamId> last_seen;
    if (!parts->history.lines.empty()) {
      last_seen = parse_stream_id(parts->history.lines.back()["id"].get<std::string>());
    } else if (parts->history.resumed) {
      last_seen = parse_stream_id(resume_from);
    }
    nlohmann::json& room = parts->room;
    room["chat"] = std::move(parts->history.lines);
    if (resuming) {
      room["resumed"] = parts->history.resumed;
      if (parts->history.resumed) room["deleted"] = std::move(parts->history.deleted);
    }
    room["viewers"] = viewers(conn->room);
    room["slow"] = parts->rules.slow_seconds;
    room["pinned_message"] = std::move(parts->rules.pinned);
    room["questions"] = std::move(parts->questions);
    if (auto r = rooms_.find(conn->room); r != rooms_.end()) {
      room["unique"] = r->second->presence().unique;
      r->second->presence().joined.push_back(conn->user.id);
    }
    nlohmann::json user = {{"id", conn->user.id}, {"name", conn->user.name}, {"role", conn->user.role}};
    if (parts->rules.muted_ms > 0) user["muted_ms"] = parts->rules.muted_ms;
    nlohmann::json frame = {{"type", "welcome"}, {"user", std::move(user)}, {"room", std::move(room)}};
    send(*conn, frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    conn->welcomed = true;
    log("chat")->debug("room {}: welcomed {} as {}", conn->room, conn->id, conn->user.name);
    // Replay what was flushed meanwhile, minus lines the snapshot already holds; later batches
    // are filtered the same way until one brings a newer line (Hub::flush).
    conn->chat_floor = last_seen;
    for (auto& batch : conn->held) {
      auto fresh = last_seen ? events_after(batch.events, *last_seen) : std::move(batch.events);
      if (!fresh.empty()) send(*conn, batch_payload(fresh));
    }
    conn->held.clear();
  };

  handlers_.snapshot(c->room, [parts, part_done](nlohmann::json room, const std::string& error) {
    if (!error.empty()) parts->error = "room: " + error;
    parts->room = std::move(room);
    part_done();
  });
  services_.chat.history(c->room,
                         {.resume_from = resume_from,
                          .latest = limits_.history_on_join,
                          .max_missed = limits_.resume_max_lines},
                         [parts, part_done](History history, const std::string& error) {
                           if (!error.empty()) parts->error = "history: " + error;
                           parts->history = std::move(history);
                           part_done();
                         });
  services_.qa.top(c->room, [parts, part_done](std::vector<nlohmann::json> questions,
                                                const std::string& error) {
    if (!error.empty()) parts->error = "questions: " + error;
    parts->questions = std::move(questions);
    part_done();
  });
  services_.moderation.rules(c->room, c->user.id,
                             [parts, part_done](RoomRules rules, const std::string& error) {
                               if (!error.empty()) parts->error = "rules: " + error;
                               parts->rules = std::move(rules);
                               part_done();
                             });
}

}  // namespace livegate::chat
