#include "livegate/server/request_body.h"

#include "http_syntax.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace livegate::server {

namespace {

using Step = RequestBody::Step;

Step failed(int status, std::string error) {
  Step s;
  s.result = Step::Result::failed;
  s.status = status;
  s.error = std::move(error);
  return s;
}

Step finished(size_t consumed) {
  Step s;
  s.result = Step::Result::done;
  s.consumed = consumed;
  return s;
}

// chunk-size [ BWS ";" ext ] without its CRLF: the size, or nullopt when malformed or over 2^60.
std::optional<uint64_t> chunk_size(std::string_view line) {
  size_t i = 0;
  uint64_t size = 0;
  while (i < line.size() && http_syntax::hex_value(line[i]) >= 0) {
    if (size >> 60) return std::nullopt;  // one more digit would overflow
    size = size * 16 + static_cast<uint64_t>(http_syntax::hex_value(line[i]));
    ++i;
  }
  if (i == 0) return std::nullopt;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i == line.size()) return line.back() == ' ' || line.back() == '\t' ? std::nullopt : std::optional(size);
  if (line[i] != ';') return std::nullopt;
  // The extension's bytes: visible, spaces and 8-bit; its meaning is ignored.
  for (; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 && c != '\t') return std::nullopt;
    if (c == 0x7f) return std::nullopt;
  }
  return size;
}

// A trailer field line without its CRLF: name ":" value, like a header field.
bool trailer_field(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    if (!http_syntax::is_tchar(static_cast<unsigned char>(line[i]))) return false;
  }
  return std::all_of(line.begin() + static_cast<std::ptrdiff_t>(colon) + 1, line.end(),
                     [](char c) { return http_syntax::is_field_byte(static_cast<unsigned char>(c)); });
}

}  // namespace

Step RequestBody::read(std::string_view bytes, std::string* body, size_t max_body, size_t max_line) {
  if (!chunked_) {
    if (remaining_ > max_body || body->size() + remaining_ > max_body) {
      return failed(413, "the body is larger than " + std::to_string(max_body) + " bytes");
    }
    return read_fixed(bytes, body);
  }
  return read_chunked(bytes, body, max_body, max_line);
}

Step RequestBody::read_fixed(std::string_view bytes, std::string* body) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, bytes.size()));
  body->append(bytes.data(), n);
  remaining_ -= n;
  if (remaining_ == 0) return finished(n);
  Step s;
  s.consumed = n;
  return s;
}

Step RequestBody::read_chunked(std::string_view bytes, std::string* body, size_t max_body, size_t max_line) {
  size_t i = 0;
  while (i < bytes.size()) {
    switch (state_) {
      case State::size_line:
      case State::trailer: {
        const char c = bytes[i++];
        if (c != '\n') {
          if (!line_.empty() && line_.back() == '\r') return failed(400, "a CR in the chunked body must be followed by LF");
          line_ += c;
          if (line_.size() > max_line) {
            return failed(400, state_ == State::size_line ? "a chunk-size line is too long" : "the trailer is too large");
          }
          break;
        }
        if (line_.empty() || line_.back() != '\r') return failed(400, "lines of the chunked body must end with CRLF");
        line_.pop_back();
        if (state_ == State::trailer) {
          if (line_.empty()) {
            state_ = State::done;
            return finished(i);
          }
          if (!trailer_field(line_)) return failed(400, "a trailer line must be a field: name: value");
          line_.clear();
          break;
        }
        auto size = chunk_size(line_);
        line_.clear();
        if (!size) return failed(400, "a chunk size must be hex digits (and an optional ;extension)");
        if (*size == 0) {
          state_ = State::trailer;
          break;
        }
        if (*size > max_body || body->size() + *size > max_body) {
          return failed(413, "the body is larger than " + std::to_string(max_body) + " bytes");
        }
        remaining_ = *size;
        state_ = State::data;
        break;
      }
      case State::data: {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, bytes.size() - i));
        body->append(bytes.data() + i, n);
        i += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::data_end;
        break;
      }
      case State::data_end: {
        // Exactly CRLF after a chunk's data: "hello" + "XX" is not the end of that chunk.
        const char c = bytes[i++];
        const char want = line_.empty() ? '\r' : '\n';
        if (c != want) return failed(400, "a chunk's data must be followed by CRLF");
        if (line_.empty()) {
          line_ = "\r";
        } else {
          line_.clear();
          state_ = State::size_line;
        }
        break;
      }
      case State::done:
        return finished(i);
    }
  }
  Step s;
  s.consumed = i;
  return s;
}

}  // namespace livegate::server
