#pragma once
// livegate's configuration. The structs mirror configs/livegate.yaml section by section; every
// field has the default that file documents. Where livegate listens is kept apart from how each
// broadcast behaves. A part with a config of its own (an ingest server, the chat hub, the order
// desk) gets its section as its own type, held here as it is: its defaults are written once, in
// that part's header, and nothing is copied field by field on the way.

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "livegate/chat/chat_store.h"
#include "livegate/chat/hub.h"
#include "livegate/chat/qa_board.h"
#include "livegate/commerce/catalog.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/commerce/webhook_config.h"
#include "livegate/server/keynote_program.h"
#include "livegate/streaming/broadcast_pipeline.h"
#include "livegate/streaming/rtmp_server.h"
#include "livegate/streaming/srt_server.h"
#include "livegate/streaming/whip_server.h"

namespace livegate::server {

struct HttpConfig {
  std::string bind = "0.0.0.0";
  int port = 8080;
  std::string web_root = "web-player";
  std::string hls_js = "node_modules/hls.js/dist/hls.light.min.js";
  size_t max_connections = 20000;
  size_t max_body_bytes = 65536;  // REST request bodies; larger ones get 413
  // Request line + header fields: past it 431 (414 when the request line alone is longer).
  size_t max_header_bytes = 8192;
  size_t max_header_fields = 100;
  // The front door's clocks: a head must be whole this long after its first byte, a body this
  // long after its head (408 otherwise); an idle kept-alive connection is closed after
  // keepalive_timeout_ms; an answer the client takes nothing of for send_timeout_ms is dropped.
  int header_timeout_ms = 10000;
  int body_timeout_ms = 20000;
  int keepalive_timeout_ms = 15000;
  int send_timeout_ms = 30000;
  // A request whose handler has not answered by then gets 504 (a bug, or a dependency that hangs).
  int handler_timeout_ms = 60000;
  // A WebSocket message larger than this closes the socket with 1009 (the chat's own, smaller
  // chat.max_frame_bytes answers an error frame and keeps the socket).
  size_t max_websocket_message_bytes = 65536;
  // Origins (https://shop.example) whose pages may call the REST API; empty: same origin only.
  // The public GETs (broadcast list and summaries, products, pins, deals) and /embed.js are
  // readable from anywhere.
  std::vector<std::string> cors_origins;
  // Who may frame /embed/{id} (CSP frame-ancestors); empty: any site.
  std::vector<std::string> embed_origins;
  // SIGTERM/SIGINT: the longest wait for buy answers and "going away" closes before stopping.
  int drain_ms = 5000;
};

struct AuthConfig {
  // Bearer token for the seller REST API: the operator's bootstrap credential, worth an admin
  // token (every broadcast, create, tokens for any room). Empty: only JWTs are accepted (and
  // with no jwt_secret either the seller API answers 403).
  std::string seller_token;
  // HS256 key for chat tokens (roles): at least 32 characters; empty: no tokens, every viewer
  // is an anonymous guest and nobody can moderate. Every node sharing a Redis needs the same.
  std::string jwt_secret;
  int token_ttl_seconds = 12 * 3600;  // lifetime of tokens from POST /api/broadcasts/{id}/tokens
  // The broadcast whose seller POST /api/demo-login makes anyone who asks (a seller JWT for
  // that broadcast, demo_login_ttl_seconds long), so a demo's studio opens with one click.
  // "" = off; `true` in the file names the first broadcast. Never on a server that sells for real.
  std::string demo_login;
  int demo_login_ttl_seconds = 3600;
  // auth.anonymous (chat | read_only | off: what viewers without a token may do) is the hub's
  // policy: ChatConfig::hub.anonymous.
};

// The ingest section's keys are the servers' fields with a prefix: ingest.rtmp_port is
// rtmp.port, ingest.whip_max_sessions is whip.max_sessions (configs/livegate.yaml lists them).
struct IngestConfig {
  bool rtmp_enabled = true;
  streaming::RtmpServerConfig rtmp;  // rtmp://host:1935/live/<stream key>
  bool srt_enabled = true;
  streaming::SrtServerConfig srt;    // srt://host:9000?streamid=<stream key>
  // WHIP (browser camera): POST /whip/<stream key> on the HTTP port. whip.media.keyframe_seconds
  // is media.segment_seconds (one keyframe per HLS segment), not a key of its own.
  bool whip_enabled = true;
  streaming::WhipServerConfig whip;
};

struct RedisConfig {
  // embedded: livegate starts its own redis-server child (unix socket, own data dir, AOF on).
  bool embedded = false;
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_socket;
  std::string data_dir = "var/redis";
  std::string server_binary = "redis-server";
  // Embedded Redis: when the AOF is fsynced. "always": before a reply leaves Redis, so an
  // acknowledged order survives a crash of Redis or of the machine (batched buys keep it cheap).
  // "everysec": a machine crash can lose the last second or two of acknowledged orders, and so
  // can a crash of Redis alone while a slow disk makes it postpone its AOF writes.
  std::string appendfsync = "always";
};

struct MediaConfig {
  std::string root = "var/media";
  int segment_seconds = 2;
  int playlist_length = 6;
  int max_files = 10;
  int reconnect_grace_seconds = 60;  // a dropped publisher may come back this long (slate shown)
  std::string slate_text = "We'll be right back";
  bool record = true;  // keep every segment for the replay at /vod/<id>/index.m3u8
  int record_mp4_minutes = 10;  // with record: also MP4 files of this much media each; 0 = none
  int thumbnail_seconds = 10;  // /live/<id>/thumb.jpg refreshed this often
  int thumbnail_width = 640;
  // An RTMP publisher's backlog (bytes its pipeline has not taken) over this drops video until
  // the next keyframe; audio drops over 4x this. ~2.7 s of a 6 Mb/s stream.
  size_t ingest_backlog_bytes = 2u << 20;
  // Broadcasts (pipelines and rooms) this node runs, the config's included; POST /api/broadcasts
  // past it answers 507.
  size_t max_broadcasts = 50;
};

// The chat section (and auth.anonymous) as the chat parts take it. Keys that differ from the
// fields: max_text_chars is hub.protocol.max_text_chars; messages_per_minute and
// ip_messages_per_minute are hub.(ip_)messages_per_second x 60; history_on_join is also
// qa.top_on_join; the hub's tally_interval is at least its flush_interval.
struct ChatConfig {
  chat::HubLimits hub;
  chat::ChatStoreLimits store;  // history_maxlen
  chat::QaLimits qa;            // max_questions: keynote Q&A, per room
  std::string node_id;          // names this process in Redis presence; empty: host:pid
};

struct CommerceConfig {
  int max_qty_per_order = 10;  // default for products that do not set their own
  commerce::OrderDeskLimits orders;  // max_batch
  size_t csv_max_orders = 100000;  // rows of one orders.csv export; x-truncated past it
  // Prices are USD cents; shoppers who read Chinese also see CNY at this rate (0: no CNY).
  double cny_per_usd = 7.1;
};

// What a broadcast is for: a sale has a shop (products, buy-now, orders); a keynote has Q&A and
// no shop. A string only where YAML or JSON is read or written (mode_name, parse_mode).
enum class BroadcastMode { sale, keynote };
std::string mode_name(BroadcastMode mode);
std::optional<BroadcastMode> parse_mode(std::string_view name);

struct BroadcastConfig {
  std::string id;
  std::string title;
  std::string seller;
  BroadcastMode mode = BroadcastMode::sale;
  bool has_shop() const { return mode == BroadcastMode::sale; }
  std::string currency = "USD";
  // Publishers (OBS, ffmpeg) push to rtmp://host/live/<stream key>. Only the key's SHA-256
  // (lowercase hex) is kept: the config's stream_key is hashed as it is read (or the config gives
  // stream_key_sha256). Empty: no ingest.
  std::string stream_key_sha256;
  // What viewers see while no one publishes: the generated test source, or nothing.
  bool fallback_test_source = true;
  streaming::TestSourceConfig source;
  // Optional ABR ladder, highest rung first: every source (publisher, test source, slate) is
  // decoded once and encoded per rung. Empty: pushed H.264/AAC passes through untouched.
  std::vector<streaming::Rendition> abr;
  // The catalog the broadcast starts with: `products` plus those of `products_file` (.json or
  // .csv, relative to the config file). Seeds Redis once; later edits live in Redis.
  std::vector<commerce::Product> products;
  // A keynote's description, speakers and agenda (any mode may have one; keynotes show it).
  KeynoteProgram program;
};

struct Config {
  HttpConfig http;
  IngestConfig ingest;
  RedisConfig redis;
  MediaConfig media;
  ChatConfig chat;
  CommerceConfig commerce;
  AuthConfig auth;
  commerce::WebhookConfig webhooks;  // orders POSTed to the seller's system; off while url is empty
  std::string log_level = "info";
  std::string log_format = "text";  // text | json (one JSON object per line)
  std::vector<BroadcastConfig> broadcasts;
};

// A config problem, with the path of the offending key ("broadcasts[0].products[1].price_cents").
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Config load_config_file(const std::string& path);
// One broadcast from YAML or JSON text (JSON is YAML), with the same checks as the config file.
// *stream_key (when given) gets the body's plain stream_key, which the result keeps only hashed.
BroadcastConfig parse_broadcast(const std::string& text, const CommerceConfig& commerce,
                                std::string* stream_key = nullptr);
// files_dir: where relative file names in the config (products_file) are found.
Config load_config_text(const std::string& yaml_text, const std::string& files_dir = ".");


}  // namespace livegate::server
