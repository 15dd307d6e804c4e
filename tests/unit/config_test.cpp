#include "livegate/server/config.h"
#include "livegate/common/secret_hash.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace livegate::server;

namespace {
std::string error_of(const std::string& yaml) {
  try {
    load_config_text(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

const char* kBroadcast = R"(
broadcasts:
  - id: apple
    title: Apple sale
    products:
      - {sku: hc-10, title: Honeycrisp, price_cents: 3499, stock: 10}
)";
}  // namespace

TEST(Config, EmptyTextGivesDefaults) {
  Config c = load_config_text("");
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_EQ(c.ingest.rtmp.port, 1935);
  EXPECT_EQ(c.ingest.srt.port, 9000);
  EXPECT_EQ(c.chat.hub.protocol.max_text_chars, 500u);
  EXPECT_EQ(c.media.segment_seconds, 2);
  EXPECT_TRUE(c.broadcasts.empty());
}

// configs/livegate.yaml documents the defaults: it must say exactly what the code does.
TEST(Config, ShippedDefaultsFileMatchesCodeDefaults) {
  Config file = load_config_file(std::string(LIVEGATE_SOURCE_DIR) + "/configs/livegate.yaml");
  Config code;
  EXPECT_EQ(file.http.bind, code.http.bind);
  EXPECT_EQ(file.http.port, code.http.port);
  EXPECT_EQ(file.http.web_root, code.http.web_root);
  EXPECT_EQ(file.http.hls_js, code.http.hls_js);
  EXPECT_EQ(file.http.max_connections, code.http.max_connections);
  EXPECT_EQ(file.ingest.rtmp.port, code.ingest.rtmp.port);
  EXPECT_EQ(file.ingest.srt.port, code.ingest.srt.port);
  EXPECT_EQ(file.ingest.rtmp_enabled, code.ingest.rtmp_enabled);
  EXPECT_EQ(file.ingest.srt_enabled, code.ingest.srt_enabled);
  EXPECT_EQ(file.ingest.srt.bind, code.ingest.srt.bind);
  EXPECT_EQ(file.ingest.srt.latency_ms, code.ingest.srt.latency_ms);
  EXPECT_EQ(file.ingest.rtmp.bind, code.ingest.rtmp.bind);
  EXPECT_EQ(file.ingest.rtmp.app, code.ingest.rtmp.app);
  EXPECT_EQ(file.ingest.rtmp.max_connections, code.ingest.rtmp.max_connections);
  EXPECT_EQ(file.ingest.rtmp.handshake_timeout, code.ingest.rtmp.handshake_timeout);
  EXPECT_EQ(file.ingest.rtmp.idle_timeout, code.ingest.rtmp.idle_timeout);
  EXPECT_EQ(file.ingest.whip_enabled, code.ingest.whip_enabled);
  EXPECT_EQ(file.ingest.whip.media.ice_addresses, code.ingest.whip.media.ice_addresses);
  EXPECT_EQ(file.ingest.whip.media.min_port, code.ingest.whip.media.min_port);
  EXPECT_EQ(file.ingest.whip.media.max_port, code.ingest.whip.media.max_port);
  EXPECT_EQ(file.ingest.whip.max_sessions, code.ingest.whip.max_sessions);
  EXPECT_EQ(file.ingest.whip.media.video_bitrate_kbps, code.ingest.whip.media.video_bitrate_kbps);
  EXPECT_EQ(file.ingest.whip.media.fps, code.ingest.whip.media.fps);
  EXPECT_EQ(file.ingest.whip.media_timeout, code.ingest.whip.media_timeout);
  EXPECT_EQ(file.redis.embedded, code.redis.embedded);
  EXPECT_EQ(file.redis.host, code.redis.host);
  EXPECT_EQ(file.redis.port, code.redis.port);
  EXPECT_EQ(file.redis.data_dir, code.redis.data_dir);
  EXPECT_EQ(file.redis.appendfsync, code.redis.appendfsync);
  EXPECT_EQ(file.media.root, code.media.root);
  EXPECT_EQ(file.media.segment_seconds, code.media.segment_seconds);
  EXPECT_EQ(file.media.playlist_length, code.media.playlist_length);
  EXPECT_EQ(file.media.max_files, code.media.max_files);
  EXPECT_EQ(file.media.reconnect_grace_seconds, code.media.reconnect_grace_seconds);
  EXPECT_EQ(file.media.slate_text, code.media.slate_text);
  EXPECT_EQ(file.media.record, code.media.record);
  EXPECT_EQ(file.media.record_mp4_minutes, code.media.record_mp4_minutes);
  EXPECT_EQ(file.media.thumbnail_seconds, code.media.thumbnail_seconds);
  EXPECT_EQ(file.media.thumbnail_width, code.media.thumbnail_width);
  EXPECT_EQ(file.media.ingest_backlog_bytes, code.media.ingest_backlog_bytes);
  EXPECT_EQ(file.chat.hub.protocol.max_text_chars, code.chat.hub.protocol.max_text_chars);
  EXPECT_EQ(file.chat.hub.max_frame_bytes, code.chat.hub.max_frame_bytes);
  EXPECT_EQ(file.chat.hub.max_send_queue_bytes, code.chat.hub.max_send_queue_bytes);
  EXPECT_EQ(file.chat.hub.flush_interval, code.chat.hub.flush_interval);
  EXPECT_EQ(file.chat.hub.tally_interval, code.chat.hub.tally_interval);
  EXPECT_EQ(file.chat.hub.history_on_join, code.chat.hub.history_on_join);
  EXPECT_EQ(file.chat.store.history_maxlen, code.chat.store.history_maxlen);
  EXPECT_EQ(file.commerce.max_qty_per_order, code.commerce.max_qty_per_order);
  EXPECT_EQ(file.commerce.orders.max_batch, code.commerce.orders.max_batch);
  EXPECT_EQ(file.commerce.cny_per_usd, code.commerce.cny_per_usd);
  EXPECT_EQ(file.log_level, code.log_level);
  EXPECT_EQ(file.log_format, code.log_format);
  EXPECT_EQ(file.http.max_body_bytes, code.http.max_body_bytes);
  EXPECT_EQ(file.http.drain_ms, code.http.drain_ms);
  EXPECT_EQ(file.auth.seller_token, code.auth.seller_token);
  EXPECT_EQ(file.auth.demo_login, code.auth.demo_login);
  EXPECT_EQ(code.auth.demo_login, "");  // a real server never hands out seller tokens
  EXPECT_EQ(file.auth.demo_login_ttl_seconds, code.auth.demo_login_ttl_seconds);
  EXPECT_EQ(file.chat.hub.anonymous, code.chat.hub.anonymous);
  EXPECT_EQ(file.http.max_header_bytes, code.http.max_header_bytes);
  EXPECT_EQ(file.http.max_header_fields, code.http.max_header_fields);
  EXPECT_EQ(file.http.header_timeout_ms, code.http.header_timeout_ms);
  EXPECT_EQ(file.http.body_timeout_ms, code.http.body_timeout_ms);
  EXPECT_EQ(file.http.keepalive_timeout_ms, code.http.keepalive_timeout_ms);
  EXPECT_EQ(file.http.send_timeout_ms, code.http.send_timeout_ms);
  EXPECT_EQ(file.http.handler_timeout_ms, code.http.handler_timeout_ms);
  EXPECT_EQ(file.http.max_websocket_message_bytes, code.http.max_websocket_message_bytes);
  EXPECT_EQ(file.http.cors_origins, code.http.cors_origins);
  EXPECT_EQ(file.http.embed_origins, code.http.embed_origins);
  EXPECT_EQ(file.media.max_broadcasts, code.media.max_broadcasts);
  EXPECT_EQ(file.chat.hub.max_connections_per_ip, code.chat.hub.max_connections_per_ip);
  EXPECT_EQ(file.chat.hub.ip_messages_per_second, code.chat.hub.ip_messages_per_second);
  EXPECT_EQ(file.chat.hub.ip_messages_burst, code.chat.hub.ip_messages_burst);
  EXPECT_EQ(file.chat.hub.buys_per_second, code.chat.hub.buys_per_second);
  EXPECT_EQ(file.chat.hub.buys_burst, code.chat.hub.buys_burst);
  EXPECT_EQ(file.chat.hub.ip_buys_per_second, code.chat.hub.ip_buys_per_second);
  EXPECT_EQ(file.chat.hub.ip_buys_burst, code.chat.hub.ip_buys_burst);
  // Read into the parts' own config types: one default each, in the part's header.
  EXPECT_EQ(file.chat.hub.messages_per_second, code.chat.hub.messages_per_second);
  EXPECT_EQ(file.chat.hub.messages_burst, code.chat.hub.messages_burst);
  EXPECT_EQ(file.chat.hub.frames_per_second, code.chat.hub.frames_per_second);
  EXPECT_EQ(file.chat.hub.presence_interval, code.chat.hub.presence_interval);
  EXPECT_EQ(file.chat.hub.outage_held_lines, code.chat.hub.outage_held_lines);
  EXPECT_EQ(file.chat.hub.resume_max_lines, code.chat.hub.resume_max_lines);
  EXPECT_EQ(file.chat.hub.max_connections, code.chat.hub.max_connections);
  EXPECT_EQ(file.chat.qa.max_questions, code.chat.qa.max_questions);
  EXPECT_EQ(file.chat.qa.top_on_join, code.chat.qa.top_on_join);
  EXPECT_EQ(file.commerce.csv_max_orders, code.commerce.csv_max_orders);
}

TEST(Config, DemoConfigLoads) {
  Config c = load_config_file(std::string(LIVEGATE_SOURCE_DIR) + "/configs/demo-washington-apple.yaml");
  ASSERT_EQ(c.broadcasts.size(), 1u);
  EXPECT_EQ(c.broadcasts[0].id, "washington-apple");
  EXPECT_TRUE(c.redis.embedded);
  ASSERT_EQ(c.broadcasts[0].products.size(), 3u);
  EXPECT_EQ(c.broadcasts[0].products[0].title_zh, "蜜脆苹果 10 磅装");
  // The demo's studio opens with "Demo login" (a seller JWT for the demo broadcast), and
  // moderates with a seller chat token.
  EXPECT_EQ(c.auth.demo_login, "washington-apple");
  EXPECT_GE(c.auth.seller_token.size(), 16u);
  EXPECT_GE(c.auth.jwt_secret.size(), 32u);
}

TEST(Config, BroadcastWithProducts) {
  Config c = load_config_text(kBroadcast);
  ASSERT_EQ(c.broadcasts.size(), 1u);
  const auto& p = c.broadcasts[0].products.at(0);
  EXPECT_EQ(p.price_cents, 3499);
  EXPECT_EQ(p.initial_stock, 10);
  EXPECT_EQ(p.max_per_order, 10);  // commerce.max_qty_per_order
  EXPECT_EQ(c.broadcasts[0].source.title, "Apple sale");
}

TEST(Config, ErrorsNameTheKey) {
  EXPECT_EQ(error_of("http:\n  port: 70000\n"), "http.port must be between 0 and 65535 (got 70000)");
  EXPECT_EQ(error_of("http:\n  port: eighty\n"), "http.port has a bad value 'eighty'");
  EXPECT_EQ(error_of("http:\n  prot: 80\n"), "http.prot is not a known setting");
  EXPECT_EQ(error_of("colour: red\n"), "colour is not a known setting");
  EXPECT_EQ(error_of("chat:\n  max_text_chars: 0\n"),
            "chat.max_text_chars must be between 1 and 10000 (got 0)");
  EXPECT_EQ(error_of("media:\n  record_mp4_minutes: -1\n"),
            "media.record_mp4_minutes must be between 0 and 1440 (got -1)");
  EXPECT_EQ(error_of("log:\n  level: loud\n"),
            "log.level must be one of trace, debug, info, warn, error, critical, off");
  EXPECT_EQ(error_of("log:\n  format: xml\n"), "log.format must be text or json");
  EXPECT_EQ(load_config_text("log:\n  format: json\n").log_format, "json");
  EXPECT_NE(error_of("http: [1, 2\n").find("YAML syntax error at line"), std::string::npos);
  EXPECT_EQ(error_of("- 1\n"), "the config must be a mapping");
  EXPECT_EQ(error_of("http: 5\n"), "http must be a mapping");
  EXPECT_EQ(error_of("redis:\n  appendfsync: sometimes\n"),
            "redis.appendfsync must be 'always', 'everysec' or 'no'");
}

TEST(Config, EmbeddedRedisFsyncsBeforeReplyingByDefault) {
  EXPECT_EQ(load_config_text("").redis.appendfsync, "always");
  EXPECT_EQ(load_config_text("redis:\n  appendfsync: everysec\n").redis.appendfsync, "everysec");
}

TEST(Config, BroadcastErrors) {
  EXPECT_EQ(error_of("broadcasts:\n  - {id: 'Bad Id', title: x}\n"),
            "broadcasts[0].id must be 1-64 characters of a-z, 0-9, '-' or '_'");
  EXPECT_EQ(error_of("broadcasts:\n  - {id: a}\n"), "broadcasts[0].title is required");
  EXPECT_EQ(error_of("broadcasts:\n  - {id: a, title: x}\n  - {id: a, title: y}\n"),
            "broadcasts[1].id 'a' is repeated");
  EXPECT_EQ(error_of("broadcasts:\n  - {id: a, title: x, mode: party}\n"),
            "broadcasts[0].mode must be 'sale' or 'keynote'");
  EXPECT_EQ(error_of("broadcasts:\n  - {id: a, title: x, source: {width: 641}}\n"),
            "broadcasts[0].source.width and height must be even");
}

TEST(Config, ProductErrors) {
  auto with = [](const std::string& product) {
    return error_of("broadcasts:\n  - id: a\n    title: x\n    products:\n      - " + product + "\n");
  };
  EXPECT_EQ(with("{sku: a, title: t, price_cents: -5, stock: 1}"),
            "broadcasts[0].products[0]: price_cents must be between 1 and 100000000");
  EXPECT_EQ(with("{sku: a, title: t, price_cents: 100000000000, stock: 1}"),
            "broadcasts[0].products[0]: price_cents must be between 1 and 100000000");
  EXPECT_EQ(with("{sku: 'A B', title: t, price_cents: 5, stock: 1}"),
            "broadcasts[0].products[0]: sku must be 1-64 characters of a-z, 0-9, '-' or '_'");
  EXPECT_EQ(with("{sku: a, title: t, price_cents: 5, stock: -1}"),
            "broadcasts[0].products[0]: stock must be between 0 and 10000000");
  EXPECT_EQ(with("{sku: a, title: t, price_cents: 5, stok: 1}"),
            "broadcasts[0].products[0].stok is not a known setting");
}

TEST(Config, StreamKeys) {
  EXPECT_EQ(error_of("broadcasts:\n  - {id: a, title: x, stream_key: short}\n"),
            "broadcasts[0].stream_key must be 12-128 characters of letters, digits, '-' or '_'");
  EXPECT_EQ(error_of("broadcasts:\n  - {id: a, title: x, stream_key: 'has spaces in it'}\n"),
            "broadcasts[0].stream_key must be 12-128 characters of letters, digits, '-' or '_'");
  Config c = load_config_text("broadcasts:\n  - {id: a, title: x, stream_key: abcdef-123456, source: {type: none}}\n");
  // Only the key's SHA-256 is kept (printf abcdef-123456 | sha256sum).
  EXPECT_EQ(c.broadcasts[0].stream_key_sha256,
            "12c8e0e9d9532fe9069b086de15f4e597785d61ea816484a45d78b34846bef48");
  EXPECT_EQ(load_config_text("broadcasts:\n  - {id: a, title: x, stream_key_sha256: " +
                             livegate::sha256_hex("abcdef-123456") + ", source: {type: none}}\n")
                .broadcasts[0]
                .stream_key_sha256,
            livegate::sha256_hex("abcdef-123456"));
  EXPECT_EQ(error_of("broadcasts:\n  - {id: a, title: x, stream_key_sha256: ABC}\n"),
            "broadcasts[0].stream_key_sha256 must be 64 lowercase hex digits (sha256sum of the key)");
  EXPECT_EQ(error_of("broadcasts:\n  - {id: a, title: x, stream_key: abcdef-123456}\n"
                     "  - {id: b, title: y, stream_key: abcdef-123456}\n"),
            "broadcasts[1].stream_key is the same as another broadcast's");
  EXPECT_EQ(error_of("auth: {anonymous: maybe}\n"), "auth.anonymous must be 'chat', 'read_only' or 'off'");
  EXPECT_EQ(error_of("http: {cors_origins: ['https://a.example/path']}\n"),
            "http.cors_origins has 'https://a.example/path': an origin is scheme://host[:port], e.g. https://shop.example");
  EXPECT_FALSE(c.broadcasts[0].fallback_test_source);
}

TEST(Config, AbrLadderIsOptionalPresetsOrRungsHighestFirst) {
  EXPECT_TRUE(load_config_text(kBroadcast).broadcasts[0].abr.empty());  // passthrough by default
  Config c = load_config_text(
      "broadcasts:\n  - id: a\n    title: x\n"
      "    abr: [360p, {name: hd, height: 720, video_bitrate_kbps: 3000}, 180p]\n");
  const auto& abr = c.broadcasts[0].abr;
  ASSERT_EQ(abr.size(), 3u);
  EXPECT_EQ(abr[0], (livegate::streaming::Rendition{"hd", 720, 3000}));
  EXPECT_EQ(abr[1], (livegate::streaming::Rendition{"360p", 360, 800}));
  EXPECT_EQ(abr[2].name, "180p");
  EXPECT_TRUE(load_config_text("broadcasts:\n  - {id: a, title: x, abr: []}\n").broadcasts[0].abr.empty());
  // The seller API takes the same field (JSON is YAML).
  auto b = parse_broadcast(R"({"id":"p","title":"P","abr":["720p","480p"]})", CommerceConfig{});
  EXPECT_EQ(b.abr.size(), 2u);
}

TEST(Config, AbrLadderErrors) {
  auto with = [](const std::string& ladder) {
    return error_of("broadcasts:\n  - id: a\n    title: x\n    abr: " + ladder + "\n");
  };
  EXPECT_EQ(with("720p"), "broadcasts[0].abr must be a list of renditions ([] = passthrough)");
  EXPECT_EQ(with("[4k]"),
            "broadcasts[0].abr[0] '4k' is not a preset (1080p, 720p, 480p, 360p, 240p, 180p) or a "
            "mapping {name, height, video_bitrate_kbps}");
  EXPECT_EQ(with("[{name: a, height: 361, video_bitrate_kbps: 500}]"), "broadcasts[0].abr[0].height must be even (4:2:0 video)");
  EXPECT_EQ(with("[{name: a, height: 360}]"),
            "broadcasts[0].abr[0].video_bitrate_kbps must be between 100 and 20000 (got 0)");
  EXPECT_EQ(with("[{name: a, height: 360, video_bitrate_kbps: 50000}]"),
            "broadcasts[0].abr[0].video_bitrate_kbps must be between 100 and 20000 (got 50000)");
  EXPECT_EQ(with("[{name: a, height: 4320, video_bitrate_kbps: 500}]"),
            "broadcasts[0].abr[0].height must be between 90 and 2160 (got 4320)");
  EXPECT_EQ(with("[{name: 'A/B', height: 360, video_bitrate_kbps: 500}]"),
            "broadcasts[0].abr[0].name must be 1-16 characters of a-z, 0-9, '-' or '_' (and not 'master')");
  EXPECT_EQ(with("[{name: sd, height: 360, video_bitrate_kbps: 500, fps: 30}]"),
            "broadcasts[0].abr[0].fps is not a known setting");
  EXPECT_EQ(with("[360p, {name: 360p, height: 360, video_bitrate_kbps: 500}]"),
            "broadcasts[0].abr[1].name '360p' is repeated");
  EXPECT_EQ(with("[1080p, 720p, 480p, 360p, 240p, 180p]"),
            "broadcasts[0].abr has 6 renditions; at most 5 (each is an x264 encode)");
}

TEST(Config, MissingFile) {
  EXPECT_THROW(load_config_file("/nonexistent/livegate.yaml"), ConfigError);
}

TEST(Config, ProductsFileIsImportedBesideTheConfigFile) {
  const std::string dir = ::testing::TempDir() + "/livegate-products-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/apples.csv") << "sku,title,price_cents,stock\nfuji,Fuji,1899,40\n";
  const std::string yaml = "broadcasts:\n  - id: sale\n    title: Sale\n    products_file: apples.csv\n"
                           "    products:\n      - {sku: gala, title: Gala, price_cents: 100, stock: 1}\n";
  auto c = livegate::server::load_config_text(yaml, dir);
  ASSERT_EQ(c.broadcasts[0].products.size(), 2u);
  EXPECT_EQ(c.broadcasts[0].products[1].sku, "fuji");
  EXPECT_EQ(c.broadcasts[0].products[1].initial_stock, 40);
  std::ofstream(dir + "/bad.csv") << "sku,title,price_cents\ngala,Gala,1\n";
  try {
    livegate::server::load_config_text(
        "broadcasts:\n  - id: sale\n    title: Sale\n    products_file: bad.csv\n"
        "    products:\n      - {sku: gala, title: Gala, price_cents: 100}\n",
        dir);
    FAIL() << "a sku in both lists must be refused";
  } catch (const livegate::server::ConfigError& e) {
    EXPECT_STREQ(e.what(), "broadcasts[0].products_file lists sku 'gala' which products lists too");
  }
  // Over the API a broadcast cannot name a file on the server.
  EXPECT_THROW(livegate::server::parse_broadcast(R"({"id":"x","title":"X","products_file":"/etc/passwd.csv"})", {}),
               livegate::server::ConfigError);
  std::filesystem::remove_all(dir);
}

TEST(Config, KeynoteDemoHasAProgram) {
  Config c = load_config_file(std::string(LIVEGATE_SOURCE_DIR) + "/configs/demo-gateway17-keynote.yaml");
  ASSERT_EQ(c.broadcasts.size(), 1u);
  const auto& b = c.broadcasts[0];
  EXPECT_EQ(b.mode, BroadcastMode::keynote);
  EXPECT_TRUE(b.products.empty());
  ASSERT_EQ(b.program.speakers.size(), 3u);
  EXPECT_EQ(b.program.speakers[0].role, "CEO, Gateway 17");
  ASSERT_EQ(b.program.agenda.size(), 5u);
  EXPECT_EQ(b.program.agenda[1].minute, 10);
  EXPECT_EQ(b.program.starts_at_ms, 0);  // minute 0 is when the broadcast opens
  EXPECT_FALSE(b.program.description.empty());
}

TEST(Config, KeynoteProgramErrorsNameTheKey) {
  const std::string head = "broadcasts:\n  - id: k\n    title: K\n    mode: keynote\n";
  EXPECT_EQ(error_of(head + "    speakers: [{role: CEO}]\n"),
            "broadcasts[0].speakers[0].name is required, up to 100 bytes");
  EXPECT_EQ(error_of(head + "    speakers: [{name: A, photo: \"javascript:alert(1)\"}]\n"),
            "broadcasts[0].speakers[0].photo must be an http(s) URL or a path starting with /");
  EXPECT_EQ(error_of(head + "    agenda: [{minute: 10, title: B}, {minute: 5, title: A}]\n"),
            "broadcasts[0].agenda[1].minute is before the item above it");
  EXPECT_EQ(error_of(head + "    agenda: [{minute: 0, title: A, room: 2}]\n"),
            "broadcasts[0].agenda[0].room is not a known setting");
  EXPECT_EQ(error_of(head + "    starts_at: tomorrow\n"),
            "broadcasts[0].starts_at must look like 2026-11-23T09:00:00-08:00 (with Z or an offset)");
  EXPECT_EQ(error_of(head + "    speakers: {name: A}\n"), "broadcasts[0].speakers must be a list");
}

TEST(KeynoteProgram, ParsesIsoTimesWithAZoneOnly) {
  EXPECT_EQ(parse_iso_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso_time("2026-11-23T09:00:00Z"), 1795424400000);
  EXPECT_EQ(parse_iso_time("2026-11-23T01:00-08:00"), 1795424400000);
  EXPECT_EQ(parse_iso_time("2026-11-23T14:30+05:30"), 1795424400000);
  EXPECT_FALSE(parse_iso_time("2026-11-23T09:00:00"));   // no zone
  EXPECT_FALSE(parse_iso_time("2026-02-31T09:00:00Z"));  // no such day
  EXPECT_FALSE(parse_iso_time("2026-11-23T24:00:00Z"));
  EXPECT_FALSE(parse_iso_time("2026-11-23T09:00:00Zjunk"));
  EXPECT_FALSE(parse_iso_time("2026-11-23"));
  EXPECT_FALSE(parse_iso_time(""));
}

TEST(KeynoteProgram, JsonUsesOpenedTimeWhenNoStartIsSet) {
  KeynoteProgram p;
  p.agenda.push_back({5, "Talk", "Ann"});
  auto j = program_json(p, 1234);
  EXPECT_EQ(j["starts_at_ms"], 1234);
  EXPECT_EQ(j["agenda"][0]["minute"], 5);
  p.starts_at_ms = 99;
  EXPECT_EQ(program_json(p, 1234)["starts_at_ms"], 99);
}

// Found by the broadcast_body fuzz target (LeakSanitizer, clang): an unknown key was reported by
// the Section's destructor after `return b` had built the result, which was then never
// destroyed: each such POST /api/broadcasts leaked the broadcast it described. The sanitizer
// stage's LeakSanitizer checks this test.
TEST(Config, AnUnknownKeyBesideAWholeBroadcastIsRefusedWithoutALeak) {
  const std::string body =
      R"({"id": "pears", "title": "Pear harvest with a title long enough to be on the heap", "mode": "sale",
          "products": [{"sku": "bosc", "title": "Bosc pears on the heap too", "price_cents": 100}],
          "colour": "red"})";
  try {
    parse_broadcast(body, CommerceConfig{});
    FAIL() << "an unknown key must be refused";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "colour is not a known setting");
  }
  EXPECT_THROW(load_config_text("broadcasts:\n  - id: a\n    title: A\n    colour: red\n"), ConfigError);
}

// Found by the broadcast_body fuzz target: YAML passes any bytes through, and a title that is not
// UTF-8 made broadcast_summary(...).dump() throw in every answer listing the broadcast.
TEST(Config, TextThatIsNotUtf8IsRefused) {
  EXPECT_THROW(parse_broadcast("{\"id\": \"a\", \"title\": \"Caf\xE9\"}", CommerceConfig{}), ConfigError);
  EXPECT_THROW(parse_broadcast(R"({"id": "a", "title": "A", "mode": "keynote", "speakers": [{"name": ")"
                               "\xC1\xC1"
                               R"("}]})",
                               CommerceConfig{}),
               ConfigError);
  EXPECT_EQ(parse_broadcast(R"({"id": "a", "title": "Café 咖啡"})", CommerceConfig{}).title, "Café 咖啡");
  EXPECT_THROW(load_config_text("broadcasts:\n  - id: a\n    title: Caf\xE9\n"), ConfigError);
}

// auth.demo_login names the broadcast whose seller a demo login makes (true: the first); it
// signs a JWT, so it needs jwt_secret, and it never names a broadcast the config does not have.
TEST(Config, DemoLoginNamesAConfiguredBroadcastAndNeedsTheJwtSecret) {
  const std::string broadcasts = "broadcasts:\n  - {id: apples, title: Apples}\n  - {id: pears, title: Pears}\n";
  const std::string secret = "  jwt_secret: a-jwt-secret-of-at-least-32-characters\n";
  EXPECT_EQ(load_config_text("auth:\n  demo_login: true\n" + secret + broadcasts).auth.demo_login, "apples");
  EXPECT_EQ(load_config_text("auth:\n  demo_login: pears\n" + secret + broadcasts).auth.demo_login, "pears");
  EXPECT_EQ(load_config_text("auth:\n  demo_login: false\n" + secret + broadcasts).auth.demo_login, "");
  EXPECT_THROW(load_config_text("auth:\n  demo_login: plums\n" + secret + broadcasts), ConfigError);
  EXPECT_THROW(load_config_text("auth:\n  demo_login: true\n" + broadcasts), ConfigError);
  EXPECT_THROW(load_config_text("auth:\n  demo_login: true\n" + secret), ConfigError);
}

// The API's broadcast body is JSON, with JSON's types: a number is not a title, a string is not
// a number, and YAML's flow syntax (keys that are lists) is not JSON.
TEST(Config, BroadcastBodyIsStrictJson) {
  auto refused = [](const std::string& body) {
    try {
      parse_broadcast(body, CommerceConfig{});
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused(R"({"id": "a", "title": 12})"), "title must be a string (got a number)");
  EXPECT_EQ(refused(R"({"id": "a", "title": "A", "source": {"fps": "15"}})"), "source.fps must be a number (got a string)");
  EXPECT_EQ(refused(R"({"id": "a", "title": "A", "source": {"fps": true}})"), "source.fps must be a number (got a boolean)");
  EXPECT_EQ(refused(R"({"id": "a", "title": ["A"]})").substr(0, 5), "title");
  EXPECT_EQ(refused(R"({"id": "a", "title": {"x": 1}})").substr(0, 5), "title");
  EXPECT_EQ(refused(R"({"id":"x2","title":"t","mode":"keynote","source":{"type":"none"},["k"]:1})"),
            "the body is not valid JSON");
  EXPECT_EQ(refused(R"({? ["k"] : 1, "id":"a","title":"t"})"), "the body is not valid JSON");
  EXPECT_EQ(refused("[1, 2]"), "the body must be a JSON object");
  EXPECT_EQ(refused(R"({"id": "a", "title": "A", "products": [{"sku": "b", "title": "B", "price_cents": "100"}]})"),
            "products[0].price_cents must be a number (got a string)");
  EXPECT_EQ(parse_broadcast(R"({"id": "a", "title": "A", "source": {"fps": 15}})", CommerceConfig{}).source.fps, 15);
}

// A YAML file with a key that is a list or mapping is a config error, not an exception out of
// the reader (the same reader takes the API's bodies).
TEST(Config, AKeyThatIsNotANameIsAConfigError) {
  EXPECT_THROW(load_config_text("http:\n  ? [a, b]\n  : 1\n"), ConfigError);
  EXPECT_THROW(load_config_text("broadcasts:\n  - {id: a, title: A, source: {[k]: 1}}\n"), ConfigError);
  EXPECT_THROW(load_config_text("broadcasts:\n  - {id: a, title: A, mode: keynote, speakers: [{name: n, [k]: 1}]}\n"),
               ConfigError);
}
