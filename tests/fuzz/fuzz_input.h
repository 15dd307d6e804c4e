#pragma once
// What every fuzz target shares: the libFuzzer entry point's signature, declared once so the
// replay driver (replay_main.cpp) and the targets agree on it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace livegate::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace livegate::fuzz
