#include "livegate/server/config.h"

#include <gio/gio.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "livegate/commerce/catalog_import.h"
#include "livegate/common/secret_hash.h"
#include "yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <type_traits>

namespace livegate::server {

namespace {

// An integer setting kept in a field of another type (a duration, a double rate or burst): the
// range check, its message and the default (the field's own) stay those of one place.
template <typename Field>
void read_int_as(Section& s, const char* key, Field& field, int min, int max) {
  int n;
  if constexpr (std::is_arithmetic_v<Field>) {
    n = static_cast<int>(field);
  } else {
    n = static_cast<int>(field.count());
  }
  s.read_range(key, n, min, max);
  field = Field(n);
}

// A "per minute" setting (friendlier in a file) kept per second.
void read_per_minute(Section& s, const char* key, double& per_second, int min, int max) {
  int n = static_cast<int>(std::lround(per_second * 60));
  s.read_range(key, n, min, max);
  per_second = n / 60.0;
}

// scheme://host[:port], no path: what a browser sends in Origin.
bool valid_origin(const std::string& o) {
  const bool scheme = o.starts_with("https://") || o.starts_with("http://");
  const size_t host = o.find("://") + 3;
  return scheme && o.size() > host && o.size() <= 256 && o.find('/', host) == std::string::npos &&
         std::all_of(o.begin(), o.end(), [](char c) { return c > 32 && c < 127 && c != ';' && c != ','; });
}

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

commerce::Product read_product(const YAML::Node& node, const std::string& path, int default_max) {
  Section s(node, path);
  commerce::Product p;
  p.max_per_order = default_max;
  s.read("sku", p.sku);
  s.read("title", p.title);
  s.read("title_zh", p.title_zh);
  s.read("description", p.description);
  s.read("image", p.image);
  s.read("price_cents", p.price_cents);
  s.read("stock", p.initial_stock);
  s.read("max_per_order", p.max_per_order);
  s.read("per_buyer", p.per_buyer);
  if (auto problem = commerce::validate_product(p)) throw ConfigError(path + ": " + *problem);
  s.finish();
  return p;
}

// One rung: a preset name ("720p") or {name, height, video_bitrate_kbps}.
streaming::Rendition read_rendition(const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) {
    if (auto preset = streaming::rendition_preset(node.Scalar())) return *preset;
    throw ConfigError(path + " '" + node.Scalar() + "' is not a preset (" + streaming::rendition_preset_names() +
                      ") or a mapping {name, height, video_bitrate_kbps}");
  }
  Section s(node, path);
  streaming::Rendition r;
  s.read("name", r.name);
  // The name is a folder and a URL part: /live/<id>/<name>/index.m3u8.
  if (r.name.empty() || r.name.size() > 16 || r.name == "master" ||
      !std::all_of(r.name.begin(), r.name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      })) {
    s.fail("name", "must be 1-16 characters of a-z, 0-9, '-' or '_' (and not 'master')");
  }
  s.read_range("height", r.height, 90, 2160);
  if (r.height % 2) s.fail("height", "must be even (4:2:0 video)");
  s.read_range("video_bitrate_kbps", r.video_bitrate_kbps, 100, 20000);
  s.finish();
  return r;
}

std::vector<streaming::Rendition> read_ladder(const YAML::Node& node, const std::string& path) {
  std::vector<streaming::Rendition> ladder;
  if (!node || node.IsNull()) return ladder;
  if (!node.IsSequence()) throw ConfigError(path + " must be a list of renditions ([] = passthrough)");
  if (node.size() > streaming::kMaxRenditions) {
    throw ConfigError(path + " has " + std::to_string(node.size()) + " renditions; at most " +
                      std::to_string(streaming::kMaxRenditions) + " (each is an x264 encode)");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string r_path = path + "[" + std::to_string(i) + "]";
    auto r = read_rendition(node[i], r_path);
    if (!names.insert(r.name).second) throw ConfigError(r_path + ".name '" + r.name + "' is repeated");
    ladder.push_back(std::move(r));
  }
  // Highest first: the top rung records the replay and makes thumbnails.
  std::stable_sort(ladder.begin(), ladder.end(), [](const auto& a, const auto& b) {
    return a.height != b.height ? a.height > b.height : a.video_bitrate_kbps > b.video_bitrate_kbps;
  });
  return ladder;
}

// description, starts_at (ISO 8601 with a zone), speakers [{name, role, photo}] and agenda
// [{minute, title, speaker}], checked by validate_program.
KeynoteProgram read_program(Section& s) {
  KeynoteProgram p;
  s.read("description", p.description);
  std::string starts_at;
  s.read("starts_at", starts_at);
  if (!starts_at.empty()) {
    auto ms = parse_iso_time(starts_at);
    if (!ms) s.fail("starts_at", "must look like 2026-11-23T09:00:00-08:00 (with Z or an offset)");
    p.starts_at_ms = *ms;
  }
  const auto list = [&s](const char* key) {
    YAML::Node node = s.child(key);
    if (node && !node.IsNull() && !node.IsSequence()) s.fail(key, "must be a list");
    return node && node.IsSequence() ? node : YAML::Node(YAML::NodeType::Sequence);
  };
  const YAML::Node speakers = list("speakers");
  for (size_t i = 0; i < speakers.size(); ++i) {
    Section item(speakers[i], s.path("speakers") + "[" + std::to_string(i) + "]");
    Speaker& sp = p.speakers.emplace_back();
    item.read("name", sp.name);
    item.read("role", sp.role);
    item.read("photo", sp.photo);
  }
  const YAML::Node agenda = list("agenda");
  for (size_t i = 0; i < agenda.size(); ++i) {
    Section item(agenda[i], s.path("agenda") + "[" + std::to_string(i) + "]");
    AgendaItem& a = p.agenda.emplace_back();
    item.read("minute", a.minute);
    item.read("title", a.title);
    item.read("speaker", a.speaker);
  }
  if (auto problem = validate_program(p)) {
    const std::string where = s.path("");
    throw ConfigError(where.empty() ? *problem : where + "." + *problem);
  }
  return p;
}

// files_dir: where a products_file is looked up (the config file's folder); nullopt for
// broadcasts created over the API, which may not name server files.
BroadcastConfig read_broadcast(const YAML::Node& node, const std::string& path,
                               const CommerceConfig& commerce,
                               const std::optional<std::string>& files_dir,
                               std::string* plain_key = nullptr) {
  Section s(node, path);
  BroadcastConfig b;
  s.read("id", b.id);
  if (!valid_id(b.id)) s.fail("id", "must be 1-64 characters of a-z, 0-9, '-' or '_'");
  s.read("title", b.title);
  if (b.title.empty()) s.fail("title", "is required");
  s.read("seller", b.seller);
  std::string mode = mode_name(b.mode);
  s.read("mode", mode);
  if (auto parsed = parse_mode(mode)) {
    b.mode = *parsed;
  } else {
    s.fail("mode", "must be 'sale' or 'keynote'");
  }
  s.read("currency", b.currency);
  std::string stream_key;
  s.read("stream_key", stream_key);
  if (!stream_key.empty() &&
      (stream_key.size() < 12 || stream_key.size() > 128 ||
       !std::all_of(stream_key.begin(), stream_key.end(), [](char c) {
         return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
       }))) {
    s.fail("stream_key", "must be 12-128 characters of letters, digits, '-' or '_'");
  }
  // Only the digest stays in memory: publishers' keys are hashed and compared with it.
  s.read("stream_key_sha256", b.stream_key_sha256);
  if (!b.stream_key_sha256.empty() && !valid_sha256_hex(b.stream_key_sha256)) {
    s.fail("stream_key_sha256", "must be 64 lowercase hex digits (sha256sum of the key)");
  }
  if (!stream_key.empty()) {
    if (!b.stream_key_sha256.empty()) s.fail("stream_key_sha256", "and stream_key cannot both be set");
    b.stream_key_sha256 = sha256_hex(stream_key);
  }
  if (plain_key) *plain_key = std::move(stream_key);
  if (b.currency != "USD") s.fail("currency", "must be USD (prices are USD cents)");
  {
    Section src(s.child("source"), s.path("source"));
    std::string type = "test";
    src.read("type", type);
    if (type != "test" && type != "none") {
      src.fail("type", "must be 'test' (generated bars) or 'none' (black until a publisher arrives)");
    }
    b.fallback_test_source = type == "test";
    src.read_range("width", b.source.width, 160, 3840);
    src.read_range("height", b.source.height, 90, 2160);
    src.read_range("fps", b.source.fps, 1, 60);
    src.read_range("video_bitrate_kbps", b.source.video_bitrate_kbps, 100, 20000);
    src.read_range("audio_bitrate_kbps", b.source.audio_bitrate_kbps, 32, 320);
    if (b.source.width % 2 || b.source.height % 2) src.fail("width", "and height must be even");
  }
  b.source.title = b.title;
  b.abr = read_ladder(s.child("abr"), s.path("abr"));
  YAML::Node products = s.child("products");
  if (products && !products.IsNull()) {
    if (!products.IsSequence()) s.fail("products", "must be a list");
    std::set<std::string> skus;
    for (size_t i = 0; i < products.size(); ++i) {
      const std::string p_path = s.path("products") + "[" + std::to_string(i) + "]";
      auto p = read_product(products[i], p_path, commerce.max_qty_per_order);
      if (!skus.insert(p.sku).second) throw ConfigError(p_path + ".sku '" + p.sku + "' is repeated");
      b.products.push_back(std::move(p));
    }
  }
  std::string products_file;
  s.read("products_file", products_file);
  if (!products_file.empty()) {
    if (!files_dir) s.fail("products_file", "cannot be set over the API: import products instead");
    if (!products_file.starts_with("/") && !files_dir->empty()) products_file = *files_dir + "/" + products_file;
    auto imported = commerce::import_products_file(products_file, commerce.max_qty_per_order);
    if (!imported.error.empty()) s.fail("products_file", imported.error);
    std::set<std::string> skus;
    for (const auto& p : b.products) skus.insert(p.sku);
    for (auto& p : imported.products) {
      if (!skus.insert(p.sku).second) s.fail("products_file", "lists sku '" + p.sku + "' which products lists too");
      b.products.push_back(std::move(p));
    }
  }
  if (b.products.size() > commerce::kMaxProducts) {
    s.fail("products", "at most " + std::to_string(commerce::kMaxProducts) + " per broadcast");
  }
  if (!b.has_shop() && !b.products.empty()) s.fail("products", "are not allowed in keynote mode");
  b.program = read_program(s);
  s.finish();
  return b;
}

// auth.demo_login: true means the first broadcast; an id must be one of the config's (broadcasts
// made later over the API are never the demo's). Signing the seller JWT needs jwt_secret.
void resolve_demo_login(Config& c) {
  std::string& demo = c.auth.demo_login;
  if (demo == "false") demo.clear();
  if (demo.empty()) return;
  if (c.auth.jwt_secret.empty()) throw ConfigError("auth.demo_login needs auth.jwt_secret (it hands out a seller JWT)");
  if (demo == "true") {
    if (c.broadcasts.empty()) throw ConfigError("auth.demo_login is true but the config has no broadcasts");
    demo = c.broadcasts.front().id;
  }
  const bool known = std::any_of(c.broadcasts.begin(), c.broadcasts.end(), [&](const auto& b) { return b.id == demo; });
  if (!known) throw ConfigError("auth.demo_login names '" + demo + "', which is not a broadcast of this config");
}

// One reader per section of the file, in the order parse() calls them (a later one may read
// what an earlier one set: auth reads chat's anonymous policy, ingest's WHIP keyframes follow
// media).
void read_http(Section& top, Config& c) {
  Section s(top.child("http"), "http");
  s.read("bind", c.http.bind);
  s.read_range("port", c.http.port, 0, 65535);
  s.read("web_root", c.http.web_root);
  s.read("hls_js", c.http.hls_js);
  s.read_range<size_t>("max_connections", c.http.max_connections, 1, 1'000'000);
  s.read_range<size_t>("max_body_bytes", c.http.max_body_bytes, 1024, 16u << 20);
  s.read_range<size_t>("max_header_bytes", c.http.max_header_bytes, 1024, 65535);
  s.read_range<size_t>("max_header_fields", c.http.max_header_fields, 8, 1000);
  s.read_range("header_timeout_ms", c.http.header_timeout_ms, 100, 600'000);
  s.read_range("body_timeout_ms", c.http.body_timeout_ms, 100, 3'600'000);
  s.read_range("keepalive_timeout_ms", c.http.keepalive_timeout_ms, 100, 3'600'000);
  s.read_range("send_timeout_ms", c.http.send_timeout_ms, 100, 3'600'000);
  s.read_range("handler_timeout_ms", c.http.handler_timeout_ms, 1000, 3'600'000);
  s.read_range<size_t>("max_websocket_message_bytes", c.http.max_websocket_message_bytes, 1024, 16u << 20);
  s.read("cors_origins", c.http.cors_origins);
  s.read("embed_origins", c.http.embed_origins);
  for (const char* key : {"cors_origins", "embed_origins"}) {
    for (const auto& o : std::string(key) == "cors_origins" ? c.http.cors_origins : c.http.embed_origins) {
      if (!valid_origin(o)) {
        s.fail(key, "has '" + o + "': an origin is scheme://host[:port], e.g. https://shop.example");
      }
    }
  }
  s.read_range("drain_ms", c.http.drain_ms, 0, 120000);
}

void read_ingest(Section& top, Config& c) {
  Section s(top.child("ingest"), "ingest");
  IngestConfig& in = c.ingest;
  s.read("rtmp_enabled", in.rtmp_enabled);
  s.read("rtmp_bind", in.rtmp.bind);
  s.read_range("rtmp_port", in.rtmp.port, 0, 65535);
  s.read("rtmp_app", in.rtmp.app);
  s.read_range<size_t>("rtmp_max_connections", in.rtmp.max_connections, 1, 10000);
  read_int_as(s, "rtmp_handshake_timeout_ms", in.rtmp.handshake_timeout, 500, 120000);
  read_int_as(s, "rtmp_idle_timeout_ms", in.rtmp.idle_timeout, 1000, 600000);
  s.read("srt_enabled", in.srt_enabled);
  s.read("srt_bind", in.srt.bind);
  s.read_range("srt_port", in.srt.port, 0, 65535);
  s.read_range("srt_latency_ms", in.srt.latency_ms, 20, 8000);
  s.read("whip_enabled", in.whip_enabled);
  streaming::WhipMediaConfig& whip = in.whip.media;
  s.read("whip_ice_addresses", whip.ice_addresses);
  for (const auto& address : whip.ice_addresses) {
    GInetAddress* parsed = g_inet_address_new_from_string(address.c_str());
    if (!parsed) s.fail("whip_ice_addresses", "has '" + address + "', which is not an IP address");
    g_object_unref(parsed);
  }
  s.read_range("whip_min_port", whip.min_port, 0, 65535);
  s.read_range("whip_max_port", whip.max_port, 0, 65535);
  if ((whip.min_port == 0) != (whip.max_port == 0) || whip.min_port > whip.max_port) {
    s.fail("whip_max_port", "must be >= whip_min_port, both set or both 0");
  }
  s.read_range<size_t>("whip_max_sessions", in.whip.max_sessions, 1, 64);
  s.read_range("whip_video_bitrate_kbps", whip.video_bitrate_kbps, 100, 20000);
  s.read_range("whip_fps", whip.fps, 5, 60);
  read_int_as(s, "whip_media_timeout_seconds", in.whip.media_timeout, 1, 300);
}

void read_redis(Section& top, Config& c) {
  Section s(top.child("redis"), "redis");
  s.read("embedded", c.redis.embedded);
  s.read("host", c.redis.host);
  s.read_range("port", c.redis.port, 1, 65535);
  s.read("unix_socket", c.redis.unix_socket);
  s.read("data_dir", c.redis.data_dir);
  s.read("server_binary", c.redis.server_binary);
  s.read("appendfsync", c.redis.appendfsync);
  if (c.redis.appendfsync != "always" && c.redis.appendfsync != "everysec" &&
      c.redis.appendfsync != "no") {
    s.fail("appendfsync", "must be 'always', 'everysec' or 'no'");
  }
}

void read_media(Section& top, Config& c) {
  Section s(top.child("media"), "media");
  s.read("root", c.media.root);
  s.read_range("segment_seconds", c.media.segment_seconds, 1, 10);
  s.read_range("playlist_length", c.media.playlist_length, 3, 100);
  s.read_range("max_files", c.media.max_files, 3, 10000);
  s.read_range("reconnect_grace_seconds", c.media.reconnect_grace_seconds, 1, 3600);
  s.read("slate_text", c.media.slate_text);
  s.read("record", c.media.record);
  s.read_range("record_mp4_minutes", c.media.record_mp4_minutes, 0, 24 * 60);
  s.read_range("thumbnail_seconds", c.media.thumbnail_seconds, 1, 3600);
  s.read_range("thumbnail_width", c.media.thumbnail_width, 64, 1920);
  s.read_range<size_t>("ingest_backlog_bytes", c.media.ingest_backlog_bytes, 64u << 10, 256u << 20);
  s.read_range<size_t>("max_broadcasts", c.media.max_broadcasts, 1, 10'000);
  c.ingest.whip.media.keyframe_seconds = c.media.segment_seconds;  // one keyframe per segment
  if (c.media.max_files < c.media.playlist_length) {
    s.fail("max_files", "must be at least playlist_length (listed segments must exist)");
  }
}

void read_chat(Section& top, Config& c) {
  Section s(top.child("chat"), "chat");
  chat::HubLimits& hub = c.chat.hub;
  s.read_range<size_t>("max_text_chars", hub.protocol.max_text_chars, 1, 10000);
  s.read_range<size_t>("max_frame_bytes", hub.max_frame_bytes, 256, 1 << 20);
  s.read_range<size_t>("max_send_queue_bytes", hub.max_send_queue_bytes, 4096, 64 << 20);
  read_int_as(s, "flush_interval_ms", hub.flush_interval, 1, 1000);
  read_int_as(s, "tally_interval_ms", hub.tally_interval, 1, 10000);
  hub.tally_interval = std::max(hub.tally_interval, hub.flush_interval);
  s.read_range<size_t>("history_on_join", hub.history_on_join, 0, 1000);
  c.chat.qa.top_on_join = hub.history_on_join;
  s.read_range<size_t>("history_maxlen", c.chat.store.history_maxlen, 100, 10'000'000);
  s.read_range<size_t>("resume_max_lines", hub.resume_max_lines, 1, 100'000);
  s.read_range<size_t>("max_connections", hub.max_connections, 1, 1'000'000);
  s.read_range<size_t>("max_connections_per_ip", hub.max_connections_per_ip, 0, 1'000'000);
  read_per_minute(s, "messages_per_minute", hub.messages_per_second, 0, 60'000);
  read_int_as(s, "messages_burst", hub.messages_burst, 1, 1000);
  read_per_minute(s, "ip_messages_per_minute", hub.ip_messages_per_second, 0, 1'000'000);
  read_int_as(s, "ip_messages_burst", hub.ip_messages_burst, 1, 100'000);
  s.read_range("buys_per_second", hub.buys_per_second, 0.0, 1000.0);
  read_int_as(s, "buys_burst", hub.buys_burst, 1, 1000);
  s.read_range("ip_buys_per_second", hub.ip_buys_per_second, 0.0, 100'000.0);
  read_int_as(s, "ip_buys_burst", hub.ip_buys_burst, 1, 100'000);
  read_int_as(s, "frames_per_second", hub.frames_per_second, 1, 100'000);
  read_int_as(s, "frames_burst", hub.frames_burst, 1, 100'000);
  read_int_as(s, "errors_per_minute", hub.errors_per_minute, 1, 100'000);
  s.read("blocked_words", hub.blocked_words);
  read_int_as(s, "presence_interval_ms", hub.presence_interval, 250, 60'000);
  s.read_range<size_t>("outage_held_lines", hub.outage_held_lines, 0, 1'000'000);
  s.read("node_id", c.chat.node_id);
  if (c.chat.node_id.size() > 64) s.fail("node_id", "must be at most 64 characters");
  s.read_range<size_t>("max_questions", c.chat.qa.max_questions, 1, 100'000);
  for (const auto& w : hub.blocked_words) {
    if (w.empty() || w.size() > 100) s.fail("blocked_words", "entries must be 1-100 bytes");
  }
}

void read_commerce(Section& top, Config& c) {
  Section s(top.child("commerce"), "commerce");
  s.read_range("max_qty_per_order", c.commerce.max_qty_per_order, 1, 1000);
  s.read_range<size_t>("max_batch", c.commerce.orders.max_batch, 1, 1000);
  s.read_range("cny_per_usd", c.commerce.cny_per_usd, 0.0, 100.0);
  s.read_range<size_t>("csv_max_orders", c.commerce.csv_max_orders, 1, 1'000'000);
}

void read_webhooks(Section& top, Config& c) {
  Section s(top.child("webhooks"), "webhooks");
  commerce::WebhookConfig& w = c.webhooks;
  s.read("url", w.url);
  s.read("secret", w.secret);
  s.read_range("timeout_ms", w.timeout_ms, 100, 120'000);
  s.read_range("max_attempts", w.max_attempts, 1, 100);
  s.read_range("backoff_initial_ms", w.backoff_initial_ms, 10, 3'600'000);
  s.read_range("backoff_max_ms", w.backoff_max_ms, w.backoff_initial_ms, 3'600'000);
  s.read_range<size_t>("batch", w.batch, 1, 1000);
  s.read_range("poll_interval_ms", w.poll_interval_ms, 50, 60'000);
  s.read_range("claim_idle_ms", w.claim_idle_ms, 1000, 7 * 24 * 3'600'000);
  if (auto problem = commerce::validate_webhook_config(w)) s.fail(problem->key, problem->message);
}

void read_auth(Section& top, Config& c) {
  Section s(top.child("auth"), "auth");
  s.read("seller_token", c.auth.seller_token);
  if (!c.auth.seller_token.empty() && c.auth.seller_token.size() < 16) {
    s.fail("seller_token", "must be at least 16 characters (or empty to disable the seller API)");
  }
  s.read("jwt_secret", c.auth.jwt_secret);
  if (!c.auth.jwt_secret.empty() && c.auth.jwt_secret.size() < 32) {
    s.fail("jwt_secret", "must be at least 32 characters (or empty for no tokens)");
  }
  s.read_range("token_ttl_seconds", c.auth.token_ttl_seconds, 60, 30 * 24 * 3600);
  s.read("demo_login", c.auth.demo_login);  // a broadcast id, or true/false (checked below)
  s.read_range("demo_login_ttl_seconds", c.auth.demo_login_ttl_seconds, 60, 24 * 3600);
  std::string anonymous = chat::anonymous_name(c.chat.hub.anonymous);
  s.read("anonymous", anonymous);
  auto policy = chat::parse_anonymous(anonymous);
  if (!policy) s.fail("anonymous", "must be 'chat', 'read_only' or 'off'");
  c.chat.hub.anonymous = *policy;
  if (*policy == chat::Anonymous::off && c.auth.jwt_secret.empty()) {
    s.fail("anonymous", "cannot be 'off' without auth.jwt_secret (nobody could join)");
  }
}

void read_log(Section& top, Config& c) {
  Section s(top.child("log"), "log");
  s.read("level", c.log_level);
  static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (!levels.contains(c.log_level)) s.fail("level", "must be one of trace, debug, info, warn, error, critical, off");
  s.read("format", c.log_format);
  if (c.log_format != "text" && c.log_format != "json") s.fail("format", "must be text or json");
}

void read_broadcasts(Section& top, Config& c, const std::string& files_dir) {
  YAML::Node broadcasts = top.child("broadcasts");
  if (broadcasts && !broadcasts.IsNull()) {
    if (!broadcasts.IsSequence()) throw ConfigError("broadcasts must be a list");
    std::set<std::string> ids;
    if (broadcasts.size() > c.media.max_broadcasts) {
      throw ConfigError("broadcasts has " + std::to_string(broadcasts.size()) +
                        " entries; media.max_broadcasts allows " + std::to_string(c.media.max_broadcasts));
    }
    std::set<std::string> key_hashes;
    for (size_t i = 0; i < broadcasts.size(); ++i) {
      const std::string path = "broadcasts[" + std::to_string(i) + "]";
      auto b = read_broadcast(broadcasts[i], path, c.commerce, files_dir);
      if (!ids.insert(b.id).second) throw ConfigError(path + ".id '" + b.id + "' is repeated");
      if (!b.stream_key_sha256.empty() && !key_hashes.insert(b.stream_key_sha256).second) {
        throw ConfigError(path + ".stream_key is the same as another broadcast's");
      }
      c.broadcasts.push_back(std::move(b));
    }
  }
}

Config parse(const YAML::Node& root, const std::string& files_dir) {
  Config c;
  Section top(root, "");
  read_http(top, c);
  read_ingest(top, c);
  read_redis(top, c);
  read_media(top, c);
  read_chat(top, c);
  read_commerce(top, c);
  read_webhooks(top, c);
  read_auth(top, c);
  read_log(top, c);
  read_broadcasts(top, c, files_dir);
  resolve_demo_login(c);
  top.finish();
  return c;
}

}  // namespace

std::string mode_name(BroadcastMode mode) { return mode == BroadcastMode::keynote ? "keynote" : "sale"; }

std::optional<BroadcastMode> parse_mode(std::string_view name) {
  if (name == "sale") return BroadcastMode::sale;
  if (name == "keynote") return BroadcastMode::keynote;
  return std::nullopt;
}

Config load_config_text(const std::string& yaml_text, const std::string& files_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError("YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (root && !root.IsNull() && !root.IsMap()) throw ConfigError("the config must be a mapping");
  try {
    return parse(root, files_dir);
  } catch (const YAML::Exception& e) {
    // Every read is checked, so this is a shape nobody foresaw: still a config error, not a crash.
    throw ConfigError(std::string("the config cannot be read: ") + e.what());
  }
}

Config load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read config file " + path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    const auto slash = path.rfind('/');
    return load_config_text(text.str(), slash == std::string::npos ? "." : path.substr(0, slash));
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
}

BroadcastConfig parse_broadcast(const std::string& text, const CommerceConfig& commerce,
                                std::string* stream_key) {
  // The API takes JSON, and only JSON (YAML's flow syntax looks alike but allows keys that are
  // lists, anchors and tags): parsed as JSON, then read by the config file's own readers.
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) throw ConfigError("the body is not valid JSON");
  if (!json.is_object()) throw ConfigError("the body must be a JSON object");
  try {
    return read_broadcast(yaml_of(json), "", commerce, std::nullopt, stream_key);
  } catch (const YAML::Exception& e) {
    throw ConfigError(std::string("the body cannot be read: ") + e.what());
  }
}

}  // namespace livegate::server
