#pragma once
// The live-room WebSocket hub: viewers connect to /ws/{room}, say hello, get a snapshot, chat,
// ask, vote and buy; sellers and moderators also moderate. Events for a room are coalesced and
// flushed at most every flush_interval as one batch frame shared by all members. Each
// connection has a bounded send queue: a viewer who cannot keep up is closed (4008) instead of
// slowing the room. Every limit is in HubLimits (from config); breaking one gets an error frame,
// and a connection that floods is closed.

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "livegate/chat/chat_store.h"
#include "livegate/chat/moderation.h"
#include "livegate/chat/presence.h"
#include "livegate/chat/protocol.h"
#include "livegate/chat/qa_board.h"
#include "livegate/chat/token_bucket.h"
#include "livegate/chat/word_filter.h"
#include "livegate/common/event_loop.h"
#include "livegate/common/websocket.h"

namespace livegate {
class Metrics;
}

namespace livegate::chat {

// What a viewer without a token may do: chat like anyone (a guest with a generated name), only
// watch and read (chat, ask, vote and buy answer login_required), or nothing (hello refused).
enum class Anonymous { chat, read_only, off };
// "chat" | "read_only" | "off": the config's words for it (auth.anonymous).
inline const char* anonymous_name(Anonymous a) {
  return a == Anonymous::off ? "off" : a == Anonymous::read_only ? "read_only" : "chat";
}
inline std::optional<Anonymous> parse_anonymous(std::string_view name) {
  if (name == "chat") return Anonymous::chat;
  if (name == "read_only") return Anonymous::read_only;
  if (name == "off") return Anonymous::off;
  return std::nullopt;
}

struct HubLimits {
  ProtocolLimits protocol;
  size_t max_frame_bytes = 8192;               // larger client frames get an error and are dropped
  size_t max_send_queue_bytes = 1024 * 1024;   // per connection, past it: close 4008
  std::chrono::milliseconds flush_interval{100};
  // Stock figures are latest-value events: only the newest per sku (or deal) is kept, and a
  // batch carrying nothing else goes out at most this often. During a buying burst every
  // settled batch publishes stock; without this each viewer would get a frame every
  // flush_interval just for counters.
  std::chrono::milliseconds tally_interval{500};
  size_t history_on_join = 50;                 // chat lines in the welcome snapshot
  size_t resume_max_lines = 500;               // a resume missing more gets a snapshot instead
  size_t max_connections = 15000;              // on this node; past it: close 4429
  size_t max_connections_per_ip = 200;         // a venue or office NAT shares one address
  double messages_per_second = 1.0;            // chat lines + questions per user, sustained
  double messages_burst = 5;
  // Budgets shared by everyone behind one address (a NAT): messages and buys; and a user's own
  // buy clicks. 0 per second: no limit. Past one: rate_limited with retry_after_ms.
  double ip_messages_per_second = 10;
  double ip_messages_burst = 50;
  double buys_per_second = 2;
  double buys_burst = 10;
  double ip_buys_per_second = 50;
  double ip_buys_burst = 200;
  Anonymous anonymous = Anonymous::chat;
  double frames_per_second = 20;               // any frame per connection; past the burst: 4029
  double frames_burst = 40;
  double errors_per_minute = 20;               // error frames a connection may earn; then 4029
  std::vector<std::string> blocked_words;      // masked in chat lines, questions and names
  std::chrono::milliseconds presence_interval{2000};  // viewer counts reported and shown this often
  // While Redis is away, chat lines are shown to this node's viewers at once and held, up to
  // this many per node, then written in order when it is back (hub_outage.cpp). Past it, and
  // with 0, a line during an outage gets "unavailable".
  size_t outage_held_lines = 1000;
};

class Room;

// Close codes the hub uses (4000-4999 are the application's range).
inline constexpr int kCloseGoingAway = 1001;  // the node is shutting down: reconnect elsewhere
inline constexpr int kCloseSlowConsumer = 4008;
inline constexpr int kCloseFlooding = 4029;
inline constexpr int kCloseLoginRequired = 4401;  // auth.anonymous off: a hello without a valid token
inline constexpr int kCloseBanned = 4403;
inline constexpr int kCloseUnknownRoom = 4404;
inline constexpr int kCloseTooManyConnections = 4429;

// What the hub needs from the rest of the server; bound in the composition root so that chat
// never depends on commerce, streaming or the token format.
struct HubHandlers {
  using SnapshotReply = std::function<void(nlohmann::json room, const std::string& error)>;
  using FrameReply = std::function<void(std::string frame)>;
  // The room part of the welcome (broadcast, products, stock, sold, pinned); the hub adds chat
  // history, rules and the viewer count.
  std::function<void(const std::string& room, SnapshotReply)> snapshot;
  // A validated buy from a viewer; reply with the order (or error) frame for that viewer.
  std::function<void(const std::string& room, const ChatUser& user, const Buy& buy, FrameReply)>
      buy;
  // A viewer tapped a product (statistics only; no reply). Optional.
  std::function<void(const std::string& room, const ChatUser& user, const std::string& sku)> tap;
  // Staff pinned a product (empty sku: unpinned). Reply with an error frame, or with an empty
  // string when it worked (the pin reaches everyone, the sender too, as a "pin" event).
  std::function<void(const std::string& room, const ChatUser& user, const std::string& sku,
                     FrameReply)>
      pin_product;
  // The user a hello's token stands for (id, name, role), or nullopt with a reason for people.
  // Not set: tokens are refused.
  std::function<std::optional<ChatUser>(const std::string& room, const std::string& token,
                                        std::string* why)>
      identify;
};

// Redis-backed services the hub uses, owned by the composition root.
struct HubServices {
  ChatStore& chat;
  Moderation& moderation;
  QaBoard& qa;
  Presence& presence;
};

// The server hands it every WebSocket upgrade (WebSocketHandler); it checks the path (/ws/{room}).
class Hub final : public WebSocketHandler {
 public:
  // metrics: connections, rooms, frames, batches, drops; null counts nothing.
  Hub(EventLoop& loop, HubServices services, HubLimits limits, HubHandlers handlers,
      Metrics* metrics = nullptr);
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;
  ~Hub() override;

  // WebSocketHandler: a viewer connects, sends a message, goes.
  void opened(WebSocket& socket) override;
  void message(WebSocket& socket, std::string_view data, bool binary) override;
  void closed(WebSocket& socket) override;

  // Rooms exist for live broadcasts only; a connection to another id is refused with 4404.
  void open_room(const std::string& room);
  bool has_room(const std::string& room) const;
  // Queues an event for the room's next batch on this node only (e.g. a pipeline state change).
  void publish_local(const std::string& room, std::string event_json);

  // Viewers of the room on all nodes as last reported (at least those on this node).
  size_t viewers(const std::string& room) const;
  size_t connections() const { return connections_.size(); }

  // Shutting down (hub_drain.cpp). From begin_drain() on, new connections and new frames are
  // turned away with "going away" (buys get no answer at all: the page sends them again, same
  // key, to the node it reconnects to); what is already queued keeps flowing. close_all()
  // then closes every connection with 1001 once its queue is written.
  void begin_drain();
  bool draining() const { return draining_; }
  void close_all(int code, const std::string& reason);

 private:
  struct Connection;
  // Per user on this node: their connections (to close them on a ban) and their chat budget,
  // shared by all their tabs.
  struct UserState {
    std::vector<uint64_t> connections;
    TokenBucket messages;
    TokenBucket buys;
  };
  // Per address on this node: admitted connections and the budgets all of them share.
  struct IpState {
    size_t connections = 0;
    TokenBucket messages;
    TokenBucket buys;
  };

  bool admit(Connection& c);

  // Dispatch (hub.cpp) and one handler per message kind (hub_welcome.cpp, hub_messages.cpp).
  void handle_frame(Connection& c, std::string_view text);
  void handle_hello(Connection& c, Hello hello);
  void welcome(uint64_t id, const std::string& resume_from);
  void handle_chat(Connection& c, ChatLine line);
  void handle_buy(Connection& c, Buy buy);
  void handle_moderation(Connection& c, const ClientMessage& message);
  void handle_ask(Connection& c, Ask ask);
  void handle_vote(Connection& c, Vote vote);
  void handle_qa_moderation(Connection& c, const ClientMessage& message);
  void qa_done(uint64_t id, const std::string& error_code);
  void refuse_while_draining(Connection& c, const ClientMessage& message);
  bool take_message_budget(Connection& c);
  bool take_buy_budget(Connection& c, const std::string& key);
  bool take_budget(Connection& c, TokenBucket* user, TokenBucket* ip, const std::string& key);
  // auth.anonymous read_only: false (after login_required) when a guest tries to take part.
  bool may_take_part(Connection& c, const std::string& key = {});
  void moderation_done(uint64_t id, const std::string& what, const std::string& error_code);

  void send(Connection& c, std::string_view payload);
  bool over_queue_limit(const Connection& c, size_t frame_bytes) const;
  void send_error(Connection& c, const ProtocolError& e);
  void close_after_drain(Connection& c, int code, std::string reason);
  Connection* find(uint64_t id);
  void join_user(Connection& c);
  void leave_user(Connection& c);

  void on_room_event(const std::string& room, std::string_view event_json);
  void deliver_room_event(Room& room, std::string_view event_json);

  // Redis outages (hub_outage.cpp): lines held while it is away, written when it is back, and
  // the lines other nodes wrote while this node's subscription was down, fetched on its return.
  bool hold_line(Connection& c, const std::string& text);
  void replay_held();
  void on_room_subscribed(const std::string& room);
  void catch_up(const std::string& room);
  void finish_catch_up(Room& room, std::vector<nlohmann::json> missed);
  void schedule_recovery();
  void apply_ban(const std::string& room, std::string_view event_json);
  void report_presence();
  void schedule_flush(const std::string& room);
  void flush(const std::string& room);

  EventLoop& loop_;
  HubServices services_;
  HubLimits limits_;
  HubHandlers handlers_;
  WordFilter filter_;
  std::map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::map<std::string, std::unique_ptr<Room>> rooms_;
  std::unordered_map<std::string, UserState> users_;
  std::unordered_map<std::string, IpState> per_ip_;
  Timer presence_timer_;
  std::deque<HeldLine> held_;   // oldest first; the front is the one being replayed
  bool replaying_ = false;
  std::string node_tag_;        // in local line ids, so two nodes' held lines never share one
  uint64_t next_local_id_ = 1;
  Timer recovery_timer_;
  bool draining_ = false;
  Metrics* metrics_ = nullptr;
};

}  // namespace livegate::chat
