#pragma once
// A request's body after its head: Content-Length bytes, or the chunked coding decoded as RFC
// 9112 §7.1 writes it. Strict where parsers differ: each chunk's data must be followed by CRLF
// (two parsers that skip those two bytes read a different next request), chunk sizes are hex
// digits only and may not overflow, a chunk extension and the trailer fields are bounded and
// thrown away (never merged into the head: a trailer Content-Length changes nothing).
// Pure, over bytes, like request_head.h.

#include <cstdint>
#include <string>
#include <string_view>

namespace livegate::server {

class RequestBody {
 public:
  static RequestBody fixed(uint64_t length) { return RequestBody(false, length); }
  static RequestBody chunked() { return RequestBody(true, 0); }

  struct Step {
    enum class Result { need_more, done, failed };
    Result result = Result::need_more;
    size_t consumed = 0;  // bytes of `bytes` that belonged to the body (all of them on need_more)
    int status = 0;       // failed: 400 or 413
    std::string error;
  };

  // Reads what of `bytes` is body, appending the data to *body; max_body: the most data taken
  // (413 past it, at once, not after reading the rest). max_line: a chunk-size line or trailer
  // section larger than this is 400.
  Step read(std::string_view bytes, std::string* body, size_t max_body, size_t max_line = 4096);

 private:
  RequestBody(bool chunked, uint64_t length) : chunked_(chunked), remaining_(length) {}

  enum class State { size_line, data, data_end, trailer, done };
  Step read_fixed(std::string_view bytes, std::string* body);
  Step read_chunked(std::string_view bytes, std::string* body, size_t max_body, size_t max_line);

  bool chunked_;
  uint64_t remaining_;  // fixed: bytes still to come; chunked: of the current chunk
  State state_ = State::size_line;
  std::string line_;    // a size line or the trailer section, until it is whole
};

}  // namespace livegate::server
