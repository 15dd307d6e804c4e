#pragma once
// The Redis clock inside commerce scripts: the one clock every node agrees on, which judges
// deal windows, stamps pins and keys the dashboard's minutes.

#include <string>
#include <string_view>

namespace livegate::commerce {

// A script body with redis_now_ms() (Redis TIME in ms) defined before it.
inline std::string with_redis_clock(std::string_view body) {
  return "local function redis_now_ms()\n"
         "  local t = redis.call('TIME')\n"
         "  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
         "end\n" +
         std::string(body);
}

}  // namespace livegate::commerce
