#pragma once
// The front door of the HTTP server: a request head (request line and header fields) read as
// RFC 9112 writes it, and refused when it is not, before any route sees it. Strict where lax
// parsing is a smuggling or spoofing hole:
//   - CRLF line ends only (a bare CR or LF is 400), no obs-fold, no white space before a colon,
//     field names are tokens and values have no control characters;
//   - exactly "HTTP/1.0" or "HTTP/1.1" (another HTTP/x.y: 505; anything else: 400);
//   - GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS (another token: 501);
//   - one Host in HTTP/1.1; at most one Content-Length, digits only; Transfer-Encoding only in
//     HTTP/1.1, only "chunked" (else 501), never beside Content-Length (400);
//   - the target's path percent-decoded, refusing %00, control characters and bytes that are not
//     UTF-8; the query's values refusing %00; a Host that is not a host and port;
//   - a head larger than the limit is 431 (414 when the request line alone is);
//   - garbage (a TLS hello, a binary protocol) is refused from its first bytes, not after a
//     timeout.
// Pure functions over bytes: the server, the unit tests and the fuzz target all use them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livegate::server {

struct RequestHead {
  std::string method;  // GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS
  std::string target;  // as sent: "/api/orders?after=1-0"
  std::string path;    // percent-decoded, without the query ("*" for OPTIONS *)
  std::map<std::string, std::string> query;  // decoded ('+' is a space); a repeated name: the first
  int minor_version = 1;                     // HTTP/1.<minor>
  std::vector<std::pair<std::string, std::string>> fields;  // lower-case names, trimmed values
  std::optional<uint64_t> content_length;
  bool chunked = false;          // Transfer-Encoding: chunked
  bool keep_alive = true;        // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with keep-alive
  bool expect_continue = false;  // Expect: 100-continue
  bool websocket_upgrade = false;  // GET with Upgrade: websocket and Connection: upgrade

  // The first field of that (lower-case) name, or null.
  const std::string* field(std::string_view name) const;
  // A body follows the head (Content-Length above 0, or chunked).
  bool has_body() const { return chunked || content_length.value_or(0) > 0; }
};

struct HeadLimits {
  size_t max_bytes = 8192;   // request line + fields + the empty line
  size_t max_fields = 100;
};

struct HeadParse {
  enum class Result { need_more, done, failed };
  Result result = Result::need_more;
  RequestHead head;  // done
  size_t consumed = 0;  // done: bytes of the head, its empty line included
  int status = 0;       // failed: 400, 414, 417, 431, 501 or 505
  std::string error;    // failed: what the client is told
};

// Reads the head at the start of bytes (empty lines before it are skipped, as RFC 9112 §2.2
// allows). need_more: it is not complete yet and nothing seen so far is wrong.
HeadParse parse_request_head(std::string_view bytes, const HeadLimits& limits);

// Percent-decodes a path or query part; nullopt when an escape is malformed or the result has a
// NUL, and for a path also another control character or bytes that are not UTF-8.
// plus_is_space: a query part ('+' is a space).
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// The status line's reason phrase ("Not Found").
std::string_view reason_phrase(int status);

}  // namespace livegate::server
