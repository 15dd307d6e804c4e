#include "livegate/server/request_head.h"

#include "http_syntax.h"

#include <glib.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace livegate::server {

namespace {

using http_syntax::hex_value;
using http_syntax::is_field_byte;
using http_syntax::is_tchar;

constexpr std::array<std::string_view, 7> kMethods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
constexpr size_t kMaxMethodBytes = 32;  // no method is longer; garbage is refused from its start

// A byte of a request-target as sent: visible ASCII but for what RFC 3986 never allows raw and
// browsers always percent-encode or rewrite (" < > \ ` { } and '#', since a fragment is never
// sent); '|', '^', '[' and ']', which browsers leave raw, pass. Space, controls and 8-bit bytes must be
// percent-encoded.
bool is_target_byte(unsigned char c) {
  return c > 0x20 && c < 0x7f && std::string_view("\"#<>\\`{}").find(static_cast<char>(c)) == std::string_view::npos;
}

// A Host field: a host name, an IPv4 address or a bracketed IPv6 literal, and a port.
bool valid_host(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || std::string_view("-._~!$&'()*+,;=:[]%").find(ch) != std::string_view::npos;
  });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The comma-separated list elements of a field value, lower-case and trimmed.
std::vector<std::string> list_of(std::string_view value) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    auto item = trim_ows(value.substr(start, comma - start));
    if (!item.empty()) items.push_back(lower(item));
    start = comma + 1;
  }
  return items;
}

bool contains(const std::vector<std::string>& items, std::string_view what) {
  return std::find(items.begin(), items.end(), what) != items.end();
}

HeadParse fail(int status, std::string error) {
  HeadParse p;
  p.result = HeadParse::Result::failed;
  p.status = status;
  p.error = std::move(error);
  return p;
}

// The request line seen so far (no CR yet, or up to it): nullopt while it may still become a
// request line, else the refusal. Lets garbage be answered from its first bytes.
std::optional<HeadParse> check_request_line_prefix(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] != ' ') {
    if (!is_tchar(static_cast<unsigned char>(line[i])) || i >= kMaxMethodBytes) {
      return fail(400, "this is not an HTTP request");
    }
    ++i;
  }
  if (i == line.size()) return std::nullopt;
  if (i == 0) return fail(400, "the request line starts with a space");
  ++i;
  const size_t target = i;
  while (i < line.size() && line[i] != ' ') {
    if (!is_target_byte(static_cast<unsigned char>(line[i]))) {
      return fail(400, "the request target has a byte that must be percent-encoded");
    }
    ++i;
  }
  if (i == line.size()) return std::nullopt;
  if (i == target) return fail(400, "the request line has no target");
  const std::string_view version = line.substr(i + 1);
  constexpr std::string_view kHttp = "HTTP/";
  const size_t n = std::min(version.size(), kHttp.size());
  if (version.substr(0, n) != kHttp.substr(0, n)) return fail(400, "the request line must end with HTTP/1.1");
  if (version.size() > 8) return fail(400, "the request line must end with HTTP/1.1");
  return std::nullopt;
}

// Splits the query at '&' into decoded name=value pairs; false on a bad escape or byte.
bool parse_query(std::string_view query, std::map<std::string, std::string>& out) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(start, amp - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      auto name = percent_decode(pair.substr(0, eq), true);
      auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
      if (!name || !value) return false;
      out.emplace(std::move(*name), std::move(*value));
    }
    start = amp + 1;
  }
  return true;
}

// origin-form ("/path?query"), absolute-form ("http://host/path": its path and query) and, for
// OPTIONS, asterisk-form ("*").
std::optional<HeadParse> read_target(RequestHead& head) {
  std::string_view target = head.target;
  if (target == "*") {
    if (head.method != "OPTIONS") return fail(400, "the target * is for OPTIONS only");
    head.path = "*";
    return std::nullopt;
  }
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() > scheme.size() && lower(target.substr(0, scheme.size())) == scheme) {
      const size_t slash = target.find_first_of("/?", scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  if (target.empty() || (target.front() != '/' && target.front() != '?')) {
    return fail(400, "the request target must be a path starting with /");
  }
  const size_t question = target.find('?');
  auto path = percent_decode(target.front() == '?' ? std::string_view("/") : target.substr(0, question), false);
  if (!path) return fail(400, "the path has a bad percent-escape, a NUL or a control character, or is not UTF-8");
  head.path = std::move(*path);
  if (question != std::string_view::npos && !parse_query(target.substr(question + 1), head.query)) {
    return fail(400, "the query has a bad percent-escape or a NUL");
  }
  return std::nullopt;
}

// What the fields say about framing, connection and upgrade (RFC 9112 §6, §9; RFC 6455 §4.2.1).
std::optional<HeadParse> read_fields(RequestHead& head) {
  int hosts = 0;
  int lengths = 0;
  int codings = 0;
  std::vector<std::string> connection;
  std::vector<std::string> upgrade;
  std::string_view transfer_encoding;
  for (const auto& [name, value] : head.fields) {
    if (name == "host") {
      ++hosts;
      if (!valid_host(value)) return fail(400, "the Host field is not a host name and port");
    } else if (name == "content-length") {
      if (++lengths > 1) return fail(400, "more than one Content-Length");
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
        return fail(400, "Content-Length must be a whole number of bytes");
      }
      head.content_length = std::stoull(value);
    } else if (name == "transfer-encoding") {
      ++codings;
      transfer_encoding = value;
    } else if (name == "connection") {
      for (auto& token : list_of(value)) connection.push_back(std::move(token));
    } else if (name == "upgrade") {
      for (auto& token : list_of(value)) upgrade.push_back(std::move(token));
    } else if (name == "expect") {
      if (lower(value) != "100-continue") return fail(417, "the only expectation understood is 100-continue");
      head.expect_continue = head.minor_version == 1;
    }
  }
  if (head.minor_version == 1 && hosts != 1) return fail(400, "an HTTP/1.1 request needs exactly one Host field");
  if (hosts > 1) return fail(400, "more than one Host field");
  if (codings > 0) {
    // A smuggling classic: two framings, read differently by two servers in a row.
    if (head.content_length) return fail(400, "Transfer-Encoding and Content-Length together");
    if (head.minor_version == 0) return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (codings > 1 || list_of(transfer_encoding) != std::vector<std::string>{"chunked"}) {
      return fail(501, "the only transfer coding understood is chunked");
    }
    head.chunked = true;
  }
  head.keep_alive = head.minor_version == 1 ? !contains(connection, "close") : contains(connection, "keep-alive");
  head.websocket_upgrade = head.method == "GET" && contains(connection, "upgrade") && contains(upgrade, "websocket");
  return std::nullopt;
}

}  // namespace

const std::string* RequestHead::field(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (n == name) return &v;
  }
  return nullptr;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  // A query's value may be any text (a form's textarea has line ends), but never a NUL; a path
  // is an address: no control characters and UTF-8 only.
  const bool query = plus_is_space;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;  // two hex digits must follow
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    const auto u = static_cast<unsigned char>(c);
    if (u == 0 || (!query && (u < 0x20 || u == 0x7f))) return std::nullopt;
    out += c;
  }
  if (!query && !g_utf8_validate_len(out.data(), out.size(), nullptr)) return std::nullopt;
  return out;
}

HeadParse parse_request_head(std::string_view bytes, const HeadLimits& limits) {
  // Empty lines before the request line are skipped (RFC 9112 §2.2); they count to the limit.
  size_t start = 0;
  while (bytes.size() - start >= 2 && bytes[start] == '\r' && bytes[start + 1] == '\n') start += 2;
  if (start < bytes.size() && bytes[start] == '\n') return fail(400, "lines must end with CRLF");
  const std::string_view rest = bytes.substr(start);

  // Every LF must follow a CR and every CR precede an LF: a bare one is where two parsers part.
  const size_t end = rest.find("\r\n\r\n");
  const std::string_view scanned = rest.substr(0, end == std::string_view::npos ? std::min(rest.size(), limits.max_bytes)
                                                                                 : end + 4);
  for (size_t i = 0; i < scanned.size(); ++i) {
    if (scanned[i] == '\n' && (i == 0 || scanned[i - 1] != '\r')) return fail(400, "lines must end with CRLF");
    if (scanned[i] == '\r' && i + 1 < scanned.size() && scanned[i + 1] != '\n') {
      return fail(400, "a CR must be followed by LF");
    }
  }
  const size_t line_end = rest.find("\r\n");
  std::string_view line_so_far = rest.substr(0, std::min(line_end, rest.size()));
  if (line_end == std::string_view::npos && line_so_far.ends_with('\r')) line_so_far.remove_suffix(1);  // half a CRLF
  if (auto refused = check_request_line_prefix(line_so_far)) return *refused;
  if (end == std::string_view::npos || start + end + 4 > limits.max_bytes) {
    if (start + rest.size() < limits.max_bytes) return {};  // need_more
    if (line_end == std::string_view::npos || start + line_end > limits.max_bytes) {
      return fail(414, "the request line is longer than " + std::to_string(limits.max_bytes) + " bytes");
    }
    return fail(431, "the request head is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }

  HeadParse p;
  RequestHead& head = p.head;
  const std::string_view request_line = rest.substr(0, line_end);
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = request_line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
      request_line.find(' ', sp2 + 1) != std::string_view::npos) {
    return fail(400, "the request line must be: method SP target SP HTTP-version");
  }
  head.method = std::string(request_line.substr(0, sp1));
  head.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  const std::string_view version = request_line.substr(sp2 + 1);
  if (version.size() != 8 || !version.starts_with("HTTP/") || !std::isdigit(static_cast<unsigned char>(version[5])) ||
      version[6] != '.' || !std::isdigit(static_cast<unsigned char>(version[7]))) {
    return fail(400, "the request line must end with HTTP/1.1");
  }
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    return fail(505, "only HTTP/1.0 and HTTP/1.1 are spoken here");
  }
  head.minor_version = version[7] - '0';

  // Field lines, up to the empty line.
  size_t pos = line_end + 2;
  const size_t fields_end = end + 2;  // the CRLF that ends the last field line
  while (pos < fields_end) {
    const size_t eol = rest.find("\r\n", pos);
    const std::string_view line = rest.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.front() == ' ' || line.front() == '\t') return fail(400, "folded field lines (obs-fold) are not accepted");
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail(400, "a field line must be name: value");
    const std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); })) {
      return fail(400, "a field name has a character that is not allowed (white space before the colon?)");
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (!std::all_of(value.begin(), value.end(), [](char c) { return is_field_byte(static_cast<unsigned char>(c)); })) {
      return fail(400, "field " + std::string(name) + " has a control character");
    }
    if (head.fields.size() >= limits.max_fields) {
      return fail(431, "more than " + std::to_string(limits.max_fields) + " header fields");
    }
    head.fields.emplace_back(lower(name), std::string(value));
  }

  // 501 only once the request is well formed: an unknown method, not a broken request.
  if (std::find(kMethods.begin(), kMethods.end(), head.method) == kMethods.end()) {
    return fail(501, "the method " + head.method + " is not implemented here");
  }
  if (auto refused = read_target(head)) return *refused;
  if (auto refused = read_fields(head)) return *refused;
  p.result = HeadParse::Result::done;
  p.consumed = start + end + 4;
  return p;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default: return status < 400 ? "OK" : status < 500 ? "Bad Request" : "Internal Server Error";
  }
}

}  // namespace livegate::server
