// Raw bytes into the HTTP front door (server/request_head.h, request_body.h), read exactly as
// a connection reads them: a head, its body, the next pipelined request, until the bytes end or
// one is refused. Besides "never crashes, never hangs", it checks what the rest of the server
// relies on:
//   - a refusal is one of the front door's statuses, and its message is JSON-safe;
//   - a head that parses has a known method, a decoded path without control characters, and
//     never both framings; a body never exceeds its limit;
//   - reading in pieces agrees with reading at once: a head that parses whole was "need more"
//     at every shorter prefix, never a refusal (a refusal that depended on where the TCP segments
//     fell would be a parser bug, and a smuggling one).

#include <cstdlib>
#include <set>
#include <string>

#include "fuzz_input.h"
#include "livegate/server/http_message.h"
#include "livegate/server/request_body.h"
#include "livegate/server/request_head.h"

using namespace livegate::server;

namespace {

constexpr size_t kMaxBody = 4096;
const HeadLimits kLimits{1024, 32};

void check(bool ok) {
  if (!ok) std::abort();
}

void check_refusal(int status, const std::string& error) {
  static const std::set<int> kStatuses = {400, 413, 414, 417, 431, 501, 505};
  check(kStatuses.contains(status));
  check(!error.empty());
  (void)json_error(status, error);  // quoted input must still make JSON
}

void check_head(const RequestHead& h) {
  static const std::set<std::string> kMethods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  check(kMethods.contains(h.method));
  check(h.minor_version == 0 || h.minor_version == 1);
  check(h.path == "*" || (!h.path.empty() && h.path.front() == '/'));
  for (unsigned char c : h.path) check(c >= 0x20 && c != 0x7f);
  check(!(h.chunked && h.content_length));
  if (h.minor_version == 1) check(h.field("host") != nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all = livegate::fuzz::as_text(data, size);

  // Incremental agreement on the first head.
  const HeadParse whole = parse_request_head(all, kLimits);
  if (whole.result == HeadParse::Result::done) {
    for (size_t cut = 0; cut < whole.consumed; cut += 1 + cut / 8) {
      check(parse_request_head(all.substr(0, cut), kLimits).result == HeadParse::Result::need_more);
    }
  }

  // Requests one after the other, as a kept-alive connection reads them.
  std::string_view rest = all;
  for (int requests = 0; requests < 16 && !rest.empty(); ++requests) {
    const HeadParse p = parse_request_head(rest, kLimits);
    if (p.result == HeadParse::Result::need_more) break;
    if (p.result == HeadParse::Result::failed) {
      check_refusal(p.status, p.error);
      break;
    }
    check(p.consumed <= rest.size());
    check_head(p.head);
    rest.remove_prefix(p.consumed);
    if (!p.head.has_body()) continue;
    RequestBody reader = p.head.chunked ? RequestBody::chunked() : RequestBody::fixed(*p.head.content_length);
    std::string body;
    // Fed in two pieces, as the kernel might hand them over.
    const size_t split = rest.empty() ? 0 : static_cast<uint8_t>(rest.front()) % (rest.size() + 1);
    auto step = reader.read(rest.substr(0, split), &body, kMaxBody, 256);
    size_t used = step.consumed;
    if (step.result == RequestBody::Step::Result::need_more) {
      check(used == split);
      step = reader.read(rest.substr(split), &body, kMaxBody, 256);
      used += step.consumed;
    }
    check(body.size() <= kMaxBody);
    if (step.result == RequestBody::Step::Result::failed) {
      check(step.status == 400 || step.status == 413);
      check_refusal(step.status, step.error);
      break;
    }
    if (step.result == RequestBody::Step::Result::need_more) break;
    if (!p.head.chunked) check(body.size() == *p.head.content_length);
    check(used <= rest.size());
    rest.remove_prefix(used);
  }
  return 0;
}
