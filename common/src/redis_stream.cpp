#include "livegate/common/redis_stream.h"

namespace livegate {

const std::string* StreamEntry::field(std::string_view name) const {
  for (const auto& [k, v] : fields) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::vector<StreamEntry> stream_entries(RedisReply entries) {
  std::vector<StreamEntry> out;
  out.reserve(entries.size());
  for (RedisReply row : entries) {
    if (row.size() != 2) continue;
    StreamEntry entry{row[0].string(), {}};
    if (entry.id.empty()) continue;
    const RedisReply fields = row[1];
    entry.fields.reserve(fields.size() / 2);
    for (size_t f = 0; f + 1 < fields.size(); f += 2) {
      entry.fields.emplace_back(fields[f].string(), fields[f + 1].string());
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<StreamEntry> stream_entries_of_read(RedisReply reply) {
  if (reply.size() != 1 || reply[0].size() != 2) return {};
  return stream_entries(reply[0][1]);
}

}  // namespace livegate
