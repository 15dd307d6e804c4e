#pragma once
// Lua prelude for scripts that need "now": Redis's own clock in ms, so every node agrees on
// when a timeout ends whatever its local clock says (Redis 7 replicates script effects, so
// reading TIME before writing is allowed).

namespace livegate::chat {

inline constexpr const char* kRedisNowMs = R"LUA(
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
)LUA";

}  // namespace livegate::chat
