// Issue 16, against a real livegate and redis-server: what one careless or hostile client sent
// that used to abort the node, hang, smuggle a second request or creep up a privilege, each as a
// test. After every one the node still answers, the tally is what it was, and nothing reached
// the exception boundary (livegate_handler_exceptions_total stays 0: the causes are fixed, the
// boundary is the last line).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>

#include "api_calls.h"
#include "trust_fixture.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Short front-door clocks, so the slow-client cases take a second, not twenty.
class Hostile : public Trust {
 protected:
  std::string http_yaml() const override {
    return "  header_timeout_ms: 600\n  body_timeout_ms: 600\n  keepalive_timeout_ms: 3000\n  send_timeout_ms: 1500\n";
  }

  // The node is up, and nothing reached an exception boundary.
  void expect_healthy() {
    std::string body;
    ASSERT_TRUE(server->running());
    ASSERT_EQ(http_get(server->port(), "/healthz", &body), 200) << body;
    ASSERT_EQ(http_get(server->port(), "/metrics", &body), 200);
    for (const char* boundary : {"http", "websocket", "redis", "timer", "media", "ingest", "webhook"}) {
      const std::string series = std::string("livegate_handler_exceptions_total{boundary=\"") + boundary + "\"} 0";
      EXPECT_NE(body.find(series), std::string::npos) << boundary;
    }
  }

  // Orders, GMV and stock as the API reports them.
  json tally() {
    json b;
    EXPECT_EQ(call("GET", "/api/broadcasts/orchard", "", {}, &b), 200);
    return {{"orders", b["orders"]}, {"gmv", b["gmv_cents"]}, {"products", b["products"]}};
  }

  RawExchange raw(const std::string& bytes, std::chrono::milliseconds quiet = 1500ms) {
    return raw_exchange(server->port(), bytes, quiet);
  }

  static std::string post_json(const std::string& path, const std::string& body, const std::string& extra = {}) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kSeller +
           "\r\nContent-Type: application/json\r\n" + extra + "Content-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }
};

}  // namespace

// The two requests that aborted the node, and their kin: a wrong type is a 400 naming the field.
TEST_F(Hostile, BodiesOfTheWrongShapeGet400NotAnAbort) {
  json a;
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", kSeller, R"({"role":1,"name":"x"})", &a), 400);
  EXPECT_EQ(a.value("field", ""), "role") << a.dump();
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", kSeller, R"({"role":null,"name":[]})", &a), 400);
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", kSeller, R"({"name":"x","ttl_seconds":"3600"})", &a), 400);
  EXPECT_EQ(a.value("field", ""), "ttl_seconds") << a.dump();
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", kSeller, R"({"name":"x","ttl_seconds":1e300})", &a), 400);
  // YAML's flow syntax is not JSON (a key that is a list aborted the node).
  EXPECT_EQ(call("POST", "/api/broadcasts", kSeller,
                 R"({"id":"x2","title":"t","mode":"keynote","source":{"type":"none"},["k"]:1})", &a),
            400);
  EXPECT_EQ(a.value("error", ""), "the body is not valid JSON");
  EXPECT_EQ(call("POST", "/api/broadcasts", kSeller, R"({"id":"x3","title":{"a":1}})", &a), 400);
  EXPECT_EQ(call("POST", "/api/broadcasts", kSeller, R"({"id":"x3","title":12})", &a), 400);
  EXPECT_EQ(a.value("error", ""), "title must be a string (got a number)");
  expect_healthy();
}

// Every JSON route, every field (nested ones too), every wrong type: a 4xx with a JSON error, or
// an answer the value deserves, never a 500; the node keeps going and the tally keeps its figures.
TEST_F(Hostile, TypeConfusionSweepOverEveryJsonRouteAndField) {
  // One real order first, so the tally has figures to keep.
  json welcome;
  auto buyer = join({{"type", "hello"}, {"name", "Ann"}}, &welcome);
  buyer->send_text(R"({"type":"buy","key":"sweep-key-0001","sku":"honeycrisp-10lb","qty":2})");
  ASSERT_TRUE(buyer->receive_until([](const std::string& t) { return t.find(R"("type":"order")") != std::string::npos; }, 5s));
  const json before = tally();
  ASSERT_EQ(before["orders"], 1) << before.dump();

  size_t requests = 0;
  for (const auto& c : api_calls_with_bodies()) {
    for (const auto& path : field_paths(c.body)) {
      for (const auto& value : wrong_values()) {
        const json body = with_field(c.body, path, value);
        json a;
        const int status = call(c.method, c.path, kSeller, body.dump(), &a);
        ++requests;
        EXPECT_TRUE(status >= 200 && status < 500) << c.method << " " << c.path << " " << path_text(path) << " = "
                                                   << value.dump() << ": " << status << " " << a.dump();
        if (status >= 400) {
          EXPECT_TRUE(a.contains("error")) << c.path << " " << path_text(path);
        }
      }
    }
  }
  std::printf("type-confusion sweep: %zu requests\n", requests);
  EXPECT_GT(requests, 500u);
  const json after = tally();
  EXPECT_EQ(after["orders"], before["orders"]);
  EXPECT_EQ(after["gmv"], before["gmv"]);
  expect_healthy();
}

// Request smuggling: two framings, or framing that is not a number, never reach a route.
TEST_F(Hostile, SmugglingAndBrokenFramingGet4xxAtOnce) {
  const std::string smuggle =
      "POST /api/broadcasts/orchard/pins HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
      "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  auto r = raw(smuggle);
  EXPECT_EQ(r.statuses(), std::vector<int>{400}) << r.bytes << " (the smuggled GET is never answered)";
  EXPECT_TRUE(r.closed);
  EXPECT_LT(r.elapsed, 1000ms);
  for (const std::string framing : {"Content-Length: 3\r\nContent-Length: 3\r\n", "Content-Length: abc\r\n",
                                     "Content-Length: -5\r\n", "Content-Length: 5, 5\r\n"}) {
    r = raw("POST /api/demo-login HTTP/1.1\r\nHost: x\r\n" + framing + "\r\nabc");
    EXPECT_EQ(r.statuses(), std::vector<int>{400}) << framing;
    EXPECT_LT(r.elapsed, 1000ms) << framing;
    EXPECT_TRUE(json::parse(r.first_body(), nullptr, false).contains("error")) << r.bytes;
  }
  r = raw("POST /api/demo-login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n");
  EXPECT_EQ(r.statuses(), std::vector<int>{413}) << "at once, not after reading a gigabyte";
  EXPECT_LT(r.elapsed, 1000ms);
  r = raw("POST /api/demo-login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  EXPECT_EQ(r.statuses(), std::vector<int>{501});
  expect_healthy();
}

// A chunked body is read properly (decoded, then routed); a bad chunk is 400.
TEST_F(Hostile, ChunkedBodiesAreDecoded) {
  const std::string body = R"({"sku":"honeycrisp-10lb"})";
  std::string chunked = "POST /api/broadcasts/orchard/pins HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        std::string(kSeller) + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                        "Connection: close\r\n\r\n";
  chunked += "7\r\n" + body.substr(0, 7) + "\r\n";
  char size[16];
  std::snprintf(size, sizeof(size), "%zx", body.size() - 7);
  chunked += std::string(size) + ";note=rest\r\n" + body.substr(7) + "\r\n0\r\n\r\n";
  auto r = raw(chunked);
  EXPECT_EQ(r.statuses(), std::vector<int>{200}) << r.bytes;
  json pins;
  ASSERT_EQ(call("GET", "/api/broadcasts/orchard/pins", "", {}, &pins), 200);
  EXPECT_NE(pins.dump().find("honeycrisp-10lb"), std::string::npos) << pins.dump();
  r = raw("POST /api/broadcasts/orchard/pins HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n");
  EXPECT_EQ(r.statuses(), std::vector<int>{400});
  expect_healthy();
}

// Nothing waits: a POST without a body is answered at once; slow heads and bodies get 408 within
// their clock.
TEST_F(Hostile, NoRequestHangs) {
  auto r = raw("POST /api/broadcasts/orchard/key HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(kSeller) +
               "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.statuses(), std::vector<int>{200}) << r.bytes;
  EXPECT_LT(r.elapsed, 1000ms);
  r = raw("PATCH /whip/some-key/some-session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.statuses(), std::vector<int>{405});
  EXPECT_NE(lower(r.bytes).find("\r\nallow: delete, options\r\n"), std::string::npos) << r.bytes;
  EXPECT_LT(r.elapsed, 1000ms);
  r = raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", 3000ms);
  EXPECT_EQ(r.statuses(), std::vector<int>{408}) << r.bytes;
  EXPECT_TRUE(r.closed);
  EXPECT_LT(r.elapsed, 2000ms);
  r = raw("POST /api/demo-login HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 3000ms);
  EXPECT_EQ(r.statuses(), std::vector<int>{408}) << r.bytes;
  EXPECT_LT(r.elapsed, 2000ms);
  expect_healthy();
}

// The rest of the front door: HEAD, Allow, one CORS header each, versions, bytes in the path,
// methods, line ends, and what is not HTTP at all.
TEST_F(Hostile, TheFrontDoorSpeaksRfc9112) {
  for (const std::string path : {"/api/broadcasts", "/watch/orchard", "/vendor/hls.min.js", "/api/broadcasts/orchard/products"}) {
    std::string get_headers, head_headers, get_body;
    ASSERT_EQ(http_request(server->port(), "GET", path, {}, {}, &get_body, &get_headers), 200) << path;
    auto r = raw("HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(r.statuses(), std::vector<int>{200}) << path;
    const size_t end = r.bytes.find("\r\n\r\n");
    EXPECT_EQ(end + 4, r.bytes.size()) << "no body after HEAD's headers: " << path;
    EXPECT_EQ(header(r.bytes.substr(0, end), "content-length"), std::to_string(get_body.size())) << path;
  }
  auto r = raw("DELETE /api/broadcasts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.statuses(), std::vector<int>{405});
  EXPECT_EQ(header(r.bytes, "allow"), "GET, HEAD, POST, OPTIONS");
  r = raw("OPTIONS /api/broadcasts HTTP/1.1\r\nHost: x\r\nOrigin: https://shop.example\r\n"
          "Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.statuses(), std::vector<int>{204});
  size_t acao = 0;
  for (size_t at = lower(r.bytes).find("access-control-allow-origin"); at != std::string::npos;
       at = lower(r.bytes).find("access-control-allow-origin", at + 1)) {
    ++acao;
  }
  EXPECT_EQ(acao, 1u) << r.bytes;
  EXPECT_EQ(raw("GET / HTTP/9.9\r\nHost: x\r\n\r\n").statuses(), std::vector<int>{505});
  EXPECT_EQ(raw("GET /watch/a%00b HTTP/1.1\r\nHost: x\r\n\r\n").statuses(), std::vector<int>{400});
  EXPECT_EQ(raw("GET /watch/a%0d%0aSet-Cookie:x HTTP/1.1\r\nHost: x\r\n\r\n").statuses(), std::vector<int>{400});
  EXPECT_EQ(raw("FOO / HTTP/1.1\r\nHost: x\r\n\r\n").statuses(), std::vector<int>{501});
  EXPECT_EQ(raw("GET / HTTP/1.1\nHost: x\n\n").statuses(), std::vector<int>{400});
  EXPECT_EQ(raw("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n").statuses(), std::vector<int>{400});
  EXPECT_EQ(raw("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n").statuses(), std::vector<int>{400});
  EXPECT_EQ(raw("GET / HTTP/1.1\r\n\r\n").statuses(), std::vector<int>{400}) << "no Host";
  EXPECT_EQ(raw(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)).statuses(), std::vector<int>{400});
  EXPECT_EQ(raw("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n").statuses(), std::vector<int>{414});
  // Two requests in one write are answered in order, on one connection.
  r = raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.statuses(), (std::vector<int>{200, 404})) << r.bytes;
  expect_healthy();
}

// Tokens mint only roles below their own, and never take a guest's id; the operator's token is
// worth an admin.
TEST_F(Hostile, TokensNeverMintUpward) {
  json a;
  const std::string seller = jwt("seller", "orchard");
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", seller, R"({"role":"seller","name":"Me again"})", &a), 403)
      << a.dump();
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", seller, R"({"role":"admin","name":"Root"})", &a), 400);
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", seller, R"({"role":"moderator","name":"Mia"})", &a), 201)
      << a.dump();
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", seller, R"({"role":"viewer","name":"Vic"})", &a), 201);
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", jwt("moderator", "orchard"),
                 R"({"role":"viewer","name":"Vic"})", &a),
            403);
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", kSeller, R"({"role":"seller","name":"Host"})", &a), 201)
      << "the operator (admin) mints sellers";
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", jwt("admin", ""), R"({"role":"seller","name":"Host"})", &a), 201);
  // A guest's id is a guest's: not a moderator's.
  json welcome;
  auto guest = join({{"type", "hello"}, {"name", "Gus"}, {"guest", "guest-secret-0123456789"}}, &welcome);
  const std::string guest_id = welcome["user"]["id"];
  ASSERT_EQ(guest_id.substr(0, 2), "g-");
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", seller,
                 json{{"role", "moderator"}, {"name", "Gus"}, {"user", guest_id}}.dump(), &a),
            400)
      << a.dump();
  // A token some other system signed with a guest's id as its subject is refused too.
  livegate::server::TokenClaims claims{guest_id, "Gus", "moderator", "orchard", livegate::server::unix_seconds() + 600};
  json refused;
  auto posing = join({{"type", "hello"}, {"token", livegate::server::issue_token(kSecret, claims)}}, &refused);
  EXPECT_EQ(refused.value("code", ""), "bad_token") << refused.dump();
  expect_healthy();
}

// The WebSocket edges: unmasked frames fail the connection (1002); a resume_from beyond the chat
// is a fresh welcome that says so; a reused buy key answers with the original order.
TEST_F(Hostile, WebSocketProtocolEdges) {
  {
    WsClient c;
    ASSERT_TRUE(c.connect(server->port(), "/ws/orchard"));
    // A text frame {"type":"ping"} without the mask bit.
    const std::string payload = R"({"type":"ping"})";
    std::string frame = {static_cast<char>(0x81), static_cast<char>(payload.size())};
    frame += payload;
    ASSERT_EQ(send(c.fd(), frame.data(), frame.size(), MSG_NOSIGNAL), static_cast<ssize_t>(frame.size()));
    EXPECT_FALSE(c.receive(3s).has_value());
    EXPECT_TRUE(c.closed());
    EXPECT_EQ(c.close_code(), 1002);
  }
  json welcome;
  auto ann = join({{"type", "hello"}, {"name", "Ann"}}, &welcome);
  ann->send_text(R"({"type":"chat","text":"first line"})");
  auto line = next_event(*ann, "chat");
  ASSERT_TRUE(line.is_object());
  json resumed;
  auto bo = join({{"type", "hello"}, {"name", "Bo"}, {"resume_from", "9999999999999-0"}}, &resumed);
  EXPECT_EQ(resumed["room"]["resumed"], false) << resumed.dump();
  ASSERT_FALSE(resumed["room"]["chat"].empty()) << "a fresh snapshot instead";
  ann->send_text(R"({"type":"chat","text":"second line"})");
  EXPECT_EQ(next_event(*bo, "chat")["text"], "second line") << "no silent hole after the bad resume";

  ann->send_text(R"({"type":"buy","key":"edge-key-0001","sku":"honeycrisp-10lb","qty":2})");
  auto first = ann->receive_until([](const std::string& t) { return t.find(R"("type":"order")") != std::string::npos; }, 5s);
  ASSERT_TRUE(first);
  const json original = json::parse(*first);
  ASSERT_EQ(original["status"], "ok") << original.dump();
  ann->send_text(R"({"type":"buy","key":"edge-key-0001","sku":"honeycrisp-10lb","qty":1})");
  ann->send_text(R"({"type":"buy","key":"edge-key-0001","sku":"gala","qty":3})");
  for (int i = 0; i < 2; ++i) {
    auto again = ann->receive_until([](const std::string& t) { return t.find(R"("type":"order")") != std::string::npos; }, 5s);
    ASSERT_TRUE(again);
    const json dup = json::parse(*again);
    EXPECT_EQ(dup["status"], "duplicate");
    EXPECT_EQ(dup["order_id"], original["order_id"]);
    EXPECT_EQ(dup["sku"], "honeycrisp-10lb") << "the original order's sku, not the new click's";
    EXPECT_EQ(dup["qty"], 2);
  }
  expect_healthy();
}

// Names and chat text are what everyone else reads: NFC, and no control, bidi or invisible-only.
TEST_F(Hostile, NamesAndChatTextCannotSpoof) {
  for (const std::string& name : {std::string("Seller\u202Etset"), std::string("\u200B\u200B"), std::string("\u3164"),
                                  std::string("a\x1b[2Jb"), std::string("Mod\u2066x")}) {
    json answer;
    auto c = join({{"type", "hello"}, {"name", name}}, &answer);
    EXPECT_EQ(answer.value("type", ""), "error") << json(name).dump();
    EXPECT_EQ(answer.value("code", ""), "bad_name") << answer.dump();
  }
  json welcome;
  auto cafe = join({{"type", "hello"}, {"name", "Cafe\u0301"}}, &welcome);
  EXPECT_EQ(welcome["user"]["name"], "Caf\u00e9") << "NFC";
  cafe->send_text(json{{"type", "chat"}, {"text", "hi\u202Eereht"}}.dump());
  auto e = cafe->receive_until([](const std::string& t) { return t.find(R"("type":"error")") != std::string::npos; }, 3s);
  ASSERT_TRUE(e);
  EXPECT_EQ(json::parse(*e)["code"], "bad_text");
  cafe->send_text(json{{"type", "chat"}, {"text", "\u200B \u3164"}}.dump());
  e = cafe->receive_until([](const std::string& t) { return t.find(R"("type":"error")") != std::string::npos; }, 3s);
  ASSERT_TRUE(e);
  EXPECT_EQ(json::parse(*e)["code"], "empty");
  json a;
  EXPECT_EQ(call("POST", "/api/broadcasts/orchard/tokens", kSeller, json{{"role", "moderator"}, {"name", "Mia\u202E"}}.dump(), &a),
            400);
  expect_healthy();
}

// Clients that stop half-way: one that closes its side after asking still gets its answers (both
// of two sent together); an empty file is an answer too.
TEST_F(Hostile, HalfClosedClientsAndEmptyFilesGetTheirAnswers) {
  auto r = raw_exchange(server->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n",
                        1500ms, /*half_close=*/true);
  EXPECT_EQ(r.statuses(), (std::vector<int>{200, 404})) << r.bytes;
  EXPECT_TRUE(r.closed);
  const std::string dir = server->media_root() + "/live/orchard";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/empty.txt").close();
  r = raw("GET /live/orchard/empty.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.statuses(), std::vector<int>{200}) << r.bytes;
  EXPECT_NE(lower(r.bytes).find("\r\ncontent-length: 0\r\n"), std::string::npos) << r.bytes;
  expect_healthy();
}

// A WebSocket client that sends and never reads (here: pings, whose pongs pile up) is not read
// any more once it is far behind, and goes when the send clock (1.5 s here) runs out: it cannot
// grow the server's memory or keep its slot.
TEST_F(Hostile, AWebSocketClientThatNeverReadsIsClosed) {
  WsClient c;
  c.set_receive_buffer(4096);
  ASSERT_TRUE(c.connect(server->port(), "/ws/orchard"));
  fcntl(c.fd(), F_SETFL, fcntl(c.fd(), F_GETFL) | O_NONBLOCK);
  // Masked pings with a 125-byte payload; each asks for a 127-byte pong.
  std::string ping = {static_cast<char>(0x89), static_cast<char>(0x80 | 125), 1, 2, 3, 4};
  ping += std::string(125, 'p');
  size_t sent = 0;
  bool blocked = false;  // the server stopped reading: nothing could be sent for a whole second
  const auto until = std::chrono::steady_clock::now() + 20s;
  size_t at = 0;  // of the ping being sent (a partial send goes on where it stopped)
  while (!blocked && std::chrono::steady_clock::now() < until) {
    const ssize_t n = send(c.fd(), ping.data() + at, ping.size() - at, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      at = (at + static_cast<size_t>(n)) % ping.size();
      continue;
    }
    if (n < 0 && errno != EAGAIN) break;  // closed already: fine too
    pollfd p{c.fd(), POLLOUT, 0};
    blocked = poll(&p, 1, 1000) == 0;
  }
  EXPECT_TRUE(blocked || errno != EAGAIN) << "the server kept reading: " << sent << " bytes";
  // Nothing read from here on (reading would let the server catch up): the server must close it
  // by itself, with a reset (a FIN would wait behind the bytes this client never takes).
  bool gone = false;
  const auto wait_until = std::chrono::steady_clock::now() + 15s;
  while (!gone && std::chrono::steady_clock::now() < wait_until) {
    pollfd p{c.fd(), POLLRDHUP, 0};
    if (poll(&p, 1, 200) > 0) gone = p.revents & (POLLERR | POLLHUP | POLLRDHUP);
  }
  EXPECT_TRUE(gone) << "still open 15 s after the server stopped reading it";
  expect_healthy();
}

// Clients that vanish in the middle of their answer (a reset while a 400 KB file is being
// written, again and again): each costs its own connection, never the process. A write to a
// peer that is gone raises SIGPIPE, whose default ends the process; it comes only when a second
// write reaches the socket before the first one's error is handled (the room's fan-out did, a
// race this loop cannot force), so the process's ignored signals are checked as well.
TEST_F(Hostile, ClientsThatVanishMidAnswerDoNotStopTheNode) {
  std::ifstream status("/proc/" + std::to_string(server->pid()) + "/status");
  std::string line;
  unsigned long long ignored = 0;
  while (std::getline(status, line))
    if (line.rfind("SigIgn:", 0) == 0) ignored = std::stoull(line.substr(7), nullptr, 16);
  EXPECT_TRUE(ignored & (1ULL << (SIGPIPE - 1))) << "livegate does not ignore SIGPIPE";
  for (int i = 0; i < 30; ++i) {
    const int fd = connect_loopback(server->port());
    ASSERT_GE(fd, 0);
    int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    const std::string get = "GET /vendor/hls.min.js HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(send(fd, get.data(), get.size(), MSG_NOSIGNAL), static_cast<ssize_t>(get.size()));
    timeval wait{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
    char some[512];
    const ssize_t n = recv(fd, some, sizeof(some), 0);  // the answer has begun
    ASSERT_GT(n, 12);
    ASSERT_EQ(std::string(some, 12), "HTTP/1.1 200");
    linger reset{1, 0};                     // close with a reset, the rest unread
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    close(fd);
  }
  std::this_thread::sleep_for(500ms);
  expect_healthy();
}
