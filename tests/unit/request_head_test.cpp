// The HTTP front door (server/request_head.h, request_body.h): what RFC 9112 allows is read, what
// it does not is refused with the right status, and nothing depends on how the bytes arrive.

#include <gtest/gtest.h>

#include "livegate/server/request_body.h"
#include "livegate/server/request_head.h"

using namespace livegate::server;

namespace {

HeadParse parse(const std::string& bytes, HeadLimits limits = {}) { return parse_request_head(bytes, limits); }

// The status of a refused head (0 when it parsed, -1 when it wants more).
int status_of(const std::string& bytes) {
  auto p = parse(bytes);
  if (p.result == HeadParse::Result::done) return 0;
  if (p.result == HeadParse::Result::need_more) return -1;
  return p.status;
}

std::string get(const std::string& fields) { return "GET / HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n"; }

}  // namespace

TEST(RequestHead, ReadsARequestAndItsFields) {
  const std::string bytes =
      "POST /api/broadcasts/a%20b/orders?after=1-0&name=J%C3%BCrgen+Z&flag HTTP/1.1\r\n"
      "Host: shop.example\r\nContent-Type:  application/json \r\nContent-Length: 12\r\n\r\n{\"a\":true}..";
  auto p = parse(bytes);
  ASSERT_EQ(p.result, HeadParse::Result::done) << p.error;
  EXPECT_EQ(p.head.method, "POST");
  EXPECT_EQ(p.head.path, "/api/broadcasts/a b/orders");
  EXPECT_EQ(p.head.query.at("after"), "1-0");
  EXPECT_EQ(p.head.query.at("name"), "Jürgen Z");
  EXPECT_EQ(p.head.query.at("flag"), "");
  EXPECT_EQ(*p.head.field("content-type"), "application/json");  // names lower-case, values trimmed
  EXPECT_EQ(p.head.content_length, 12u);
  EXPECT_TRUE(p.head.keep_alive);
  EXPECT_EQ(p.consumed, bytes.size() - 12);
}

TEST(RequestHead, WaitsForTheWholeHead) {
  const std::string bytes = "GET /watch/a HTTP/1.1\r\nHost: x\r\n\r\n";
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_EQ(parse(bytes.substr(0, cut)).result, HeadParse::Result::need_more) << cut;
  }
  EXPECT_EQ(parse(bytes).result, HeadParse::Result::done);
  EXPECT_EQ(status_of("\r\n\r\n" + bytes), 0) << "empty lines before a request are skipped";
}

TEST(RequestHead, FramingThatTwoServersCouldReadDifferentlyIsRefused) {
  EXPECT_EQ(status_of(get("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")), 400);
  EXPECT_EQ(status_of(get("Content-Length: 3\r\nContent-Length: 3\r\n")), 400);
  EXPECT_EQ(status_of(get("Content-Length: abc\r\n")), 400);
  EXPECT_EQ(status_of(get("Content-Length: -5\r\n")), 400);
  EXPECT_EQ(status_of(get("Content-Length: +5\r\n")), 400);
  EXPECT_EQ(status_of(get("Content-Length: 5, 5\r\n")), 400);
  EXPECT_EQ(status_of(get("Content-Length: 99999999999999999999\r\n")), 400);
  EXPECT_EQ(status_of(get("Transfer-Encoding: gzip, chunked\r\n")), 501);
  EXPECT_EQ(status_of(get("Transfer-Encoding: gzip\r\n")), 501);
  EXPECT_EQ(status_of(get("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")), 501);
  EXPECT_EQ(status_of(get("Transfer-Encoding: xchunked\r\n")), 501);
  EXPECT_EQ(status_of("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  auto chunked = parse(get("Transfer-Encoding: Chunked\r\n"));
  ASSERT_EQ(chunked.result, HeadParse::Result::done);
  EXPECT_TRUE(chunked.head.chunked);
  EXPECT_TRUE(chunked.head.has_body());
}

TEST(RequestHead, LinesAndFieldsAreStrict) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\nHost: x\n\n"), 400) << "bare LF";
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n"), 400) << "bare CR";
  EXPECT_EQ(status_of(get("X-A: a\r\n b\r\n")), 400) << "obs-fold";
  EXPECT_EQ(status_of(get("Transfer-Encoding : chunked\r\n")), 400) << "space before the colon";
  EXPECT_EQ(status_of(get(": empty name\r\n")), 400);
  EXPECT_EQ(status_of(get("X(A): 1\r\n")), 400);
  EXPECT_EQ(status_of(get("X-A: a\x01" "b\r\n")), 400);
  EXPECT_EQ(status_of(get(std::string("X-A: a\0b\r\n", 10))), 400);
  EXPECT_EQ(status_of(get("X-A: caf\xC3\xA9\r\n")), 0) << "8-bit field bytes (obs-text) are allowed";
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\n\r\n"), 400) << "no Host";
  EXPECT_EQ(status_of(get("Host: y\r\n")), 400) << "two Hosts";
  EXPECT_EQ(status_of("GET / HTTP/1.0\r\n\r\n"), 0) << "HTTP/1.0 needs no Host";
}

TEST(RequestHead, RequestLineMethodsVersionsAndTargets) {
  EXPECT_EQ(status_of("GET / HTTP/9.9\r\nHost: x\r\n\r\n"), 505);
  EXPECT_EQ(status_of("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
  EXPECT_EQ(status_of("GET / HTTP/1.2\r\nHost: x\r\n\r\n"), 505);
  EXPECT_EQ(status_of("GET / HTTX/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET /\r\n\r\n"), 400) << "HTTP/0.9";
  EXPECT_EQ(status_of("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(status_of("FOO / HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
  EXPECT_EQ(status_of("get / HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
  EXPECT_EQ(status_of("CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
  EXPECT_EQ(status_of("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET /a%0Ab HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET /a% HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET /%FF HTTP/1.1\r\nHost: x\r\n\r\n"), 400) << "not UTF-8";
  EXPECT_EQ(status_of("GET /a?x=%00 HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET /caf\xC3\xA9 HTTP/1.1\r\nHost: x\r\n\r\n"), 400) << "8-bit bytes must be percent-encoded";
  EXPECT_EQ(status_of("GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  for (const char* raw : {"<", ">", "\"", "{", "}", "`", "\\"}) {
    EXPECT_EQ(status_of(std::string("GET /a") + raw + "b HTTP/1.1\r\nHost: x\r\n\r\n"), 400) << raw;
  }
  for (const char* raw : {"|", "^", "[", "]", "~", "!", "$", "'", "(", ")", "*", ",", ";", "=", ":", "@"}) {
    EXPECT_EQ(status_of(std::string("GET /a") + raw + "b HTTP/1.1\r\nHost: x\r\n\r\n"), 0) << raw << " (browsers send it raw)";
  }
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"), 0);
  // A query's values are any text but NUL (a form's textarea sends line ends).
  EXPECT_EQ(parse("GET /s?q=a%0Ab%09c HTTP/1.1\r\nHost: x\r\n\r\n").head.query.at("q"), "a\nb\tc");
  EXPECT_EQ(status_of("GET watch HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET * HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").head.path, "*");
  auto absolute = parse("GET http://shop.example/watch/a?x=1 HTTP/1.1\r\nHost: shop.example\r\n\r\n");
  ASSERT_EQ(absolute.result, HeadParse::Result::done);
  EXPECT_EQ(absolute.head.path, "/watch/a");
  EXPECT_EQ(absolute.head.query.at("x"), "1");
  auto no_path = parse("GET http://shop.example?x=1 HTTP/1.1\r\nHost: shop.example\r\n\r\n");
  ASSERT_EQ(no_path.result, HeadParse::Result::done) << no_path.error;
  EXPECT_EQ(no_path.head.path, "/");
  EXPECT_EQ(no_path.head.query.at("x"), "1");
}

TEST(RequestHead, GarbageIsRefusedFromItsFirstBytes) {
  const std::string tls("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  EXPECT_EQ(status_of(tls), 400);
  EXPECT_EQ(status_of("GET /a b"), 400) << "a space in the target, before the line ends";
  EXPECT_EQ(status_of("GET / XTTP"), 400);
  EXPECT_EQ(status_of(std::string(40, 'A')), 400) << "no method is that long";
}

TEST(RequestHead, LimitsGive414And431) {
  HeadLimits small{256, 4};
  EXPECT_EQ(parse("GET /" + std::string(300, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", small).status, 414);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(300, 'a') + "\r\n\r\n", small).status, 431);
  EXPECT_EQ(parse(get("A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n"), small).status, 431) << "five fields";
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(300, 'a'), small).status, 431)
      << "refused once the limit is passed, not when the head ends";
}

TEST(RequestHead, ConnectionExpectAndUpgrade) {
  EXPECT_FALSE(parse(get("Connection: close\r\n")).head.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
  EXPECT_TRUE(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").head.keep_alive);
  EXPECT_TRUE(parse(get("Expect: 100-continue\r\n")).head.expect_continue);
  EXPECT_EQ(status_of(get("Expect: something-else\r\n")), 417);
  EXPECT_TRUE(parse(get("Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n")).head.websocket_upgrade);
  EXPECT_FALSE(parse(get("Upgrade: websocket\r\n")).head.websocket_upgrade) << "Connection must say upgrade";
  EXPECT_FALSE(parse("POST / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n").head.websocket_upgrade);
}

namespace {

struct BodyResult {
  RequestBody::Step::Result result = RequestBody::Step::Result::need_more;
  int status = 0;
  std::string body;
  size_t consumed = 0;
};

// Feeds bytes in pieces of `piece` bytes, as the network might.
BodyResult read_body(RequestBody reader, const std::string& bytes, size_t piece, size_t max_body = 1024) {
  BodyResult r;
  for (size_t at = 0; at < bytes.size() || at == 0;) {
    const auto part = std::string_view(bytes).substr(at, piece);
    auto step = reader.read(part, &r.body, max_body, 64);
    r.consumed += step.consumed;
    r.result = step.result;
    r.status = step.status;
    if (step.result != RequestBody::Step::Result::need_more) break;
    at += part.size();
    if (part.empty()) break;
  }
  return r;
}

}  // namespace

TEST(RequestBody, ChunkedIsDecodedWhateverTheSplits) {
  const std::string bytes = "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: ignored\r\n\r\nNEXT";
  for (size_t piece : {1u, 2u, 3u, 7u, 1000u}) {
    auto r = read_body(RequestBody::chunked(), bytes, piece);
    EXPECT_EQ(r.result, RequestBody::Step::Result::done) << piece;
    EXPECT_EQ(r.body, "hello world");
    EXPECT_EQ(r.consumed, bytes.size() - 4) << "the next request is left alone";
  }
}

TEST(RequestBody, ChunkedFramingIsStrict) {
  using R = RequestBody::Step::Result;
  EXPECT_EQ(read_body(RequestBody::chunked(), "5\r\nhelloXX0\r\n\r\n", 100).status, 400) << "no CRLF after the data";
  EXPECT_EQ(read_body(RequestBody::chunked(), "5\nhello\r\n0\r\n\r\n", 100).status, 400) << "bare LF";
  EXPECT_EQ(read_body(RequestBody::chunked(), "x\r\nhello\r\n", 100).status, 400);
  EXPECT_EQ(read_body(RequestBody::chunked(), "5 \r\nhello\r\n0\r\n\r\n", 100).status, 400);
  EXPECT_EQ(read_body(RequestBody::chunked(), "-5\r\n", 100).status, 400);
  EXPECT_EQ(read_body(RequestBody::chunked(), "fffffffffffffffff\r\n", 100).status, 400) << "overflow";
  EXPECT_EQ(read_body(RequestBody::chunked(), "5;" + std::string(100, 'e') + "\r\n", 100).status, 400) << "extension too long";
  EXPECT_EQ(read_body(RequestBody::chunked(), "0\r\nNot a field\r\n\r\n", 100).status, 400);
  EXPECT_EQ(read_body(RequestBody::chunked(), "0\r\n\r\n", 100).result, R::done);
}

TEST(RequestBody, TooLargeIsRefusedAtOnce) {
  EXPECT_EQ(read_body(RequestBody::chunked(), "800\r\n", 100, 1024).status, 413) << "told by the chunk size";
  EXPECT_EQ(read_body(RequestBody::chunked(), "300\r\n" + std::string(0x300, 'a') + "\r\n300\r\n", 100, 1024).status, 413);
  EXPECT_EQ(read_body(RequestBody::fixed(2000), "", 100, 1024).status, 413) << "before any byte of it";
  auto r = read_body(RequestBody::fixed(5), "helloNEXT", 2);
  EXPECT_EQ(r.result, RequestBody::Step::Result::done);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.consumed, 5u);
}
