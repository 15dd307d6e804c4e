#pragma once
// Redis stream entries as values: the one reader of the [id, [field, value, ...]] shape that
// XRANGE, XREVRANGE, XREAD, XREADGROUP and XAUTOCLAIM answer with. Domains read their own
// fields from a StreamEntry (chat lines, orders, pins), never the reply itself.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "livegate/common/redis_reply.h"

namespace livegate {

struct StreamEntry {
  std::string id;  // "<ms>-<seq>"
  // In stream order; a name may repeat (XADD allows it).
  std::vector<std::pair<std::string, std::string>> fields;

  // The value of the first field with this name, or nullptr.
  const std::string* field(std::string_view name) const;
};

// The entries of an array of [id, [field, value, ...]]: the reply of XRANGE and XREVRANGE (in
// the order given), or XAUTOCLAIM's second element. An entry deleted while pending in a consumer
// group comes back from XREADGROUP and XAUTOCLAIM with nil fields: it is kept, with no fields
// (XADD never writes an entry without one), so the caller can still acknowledge it. Rows that
// are not [id, ...] with a non-empty id are skipped; anything but an array reads as no entries.
std::vector<StreamEntry> stream_entries(RedisReply entries);

// The entries of an XREAD / XREADGROUP reply on one stream, [[stream, [entries]]]; nil (nothing
// new) and any other shape read as no entries.
std::vector<StreamEntry> stream_entries_of_read(RedisReply reply);

}  // namespace livegate
