#pragma once
// Key names of the Redis schema (docs/architecture.md). Every key of a broadcast carries the hash tag {id},
// so a Redis Cluster keeps one broadcast on one slot and its scripts stay legal.

#include <string>

namespace livegate::keys {

inline std::string key(const std::string& id, const char* what) {
  return "lg:{" + id + "}:" + what;
}
inline std::string stock(const std::string& id) { return key(id, "stock"); }
inline std::string sold(const std::string& id) { return key(id, "sold"); }
inline std::string initial(const std::string& id) { return key(id, "initial"); }
inline std::string gmv(const std::string& id) { return key(id, "gmv"); }
inline std::string orders(const std::string& id) { return key(id, "orders"); }
inline std::string idem(const std::string& id) { return key(id, "idem"); }
inline std::string products(const std::string& id) { return key(id, "products"); }

// Commerce (commerce/src/buy_script.cpp): what the buy script reads and the tally it keeps.
// terms: sku -> "price_cents:max_per_order:per_buyer" (the numbers a buy needs, no JSON to decode);
// catalog: sorted set sku -> position (the order sellers listed them), catalog_seq its counter;
// bought: "<sku>|<user>" and
// "deal:<deal>|<user>" -> units, for per-buyer limits.
inline std::string terms(const std::string& id) { return key(id, "terms"); }
inline std::string catalog(const std::string& id) { return key(id, "catalog"); }
inline std::string catalog_seq(const std::string& id) { return key(id, "catalog:seq"); }
inline std::string bought(const std::string& id) { return key(id, "bought"); }
// Flash deals: deals id -> deal JSON; deal_terms id -> "sku:price:per_buyer:starts_ms:ends_ms";
// deal_left id -> deal units left; deal_active sku -> the sku's latest deal id; deal_seq ids.
inline std::string deals(const std::string& id) { return key(id, "deals"); }
inline std::string deal_terms(const std::string& id) { return key(id, "deal:terms"); }
inline std::string deal_left(const std::string& id) { return key(id, "deal:left"); }
inline std::string deal_active(const std::string& id) { return key(id, "deal:active"); }
inline std::string deal_seq(const std::string& id) { return key(id, "deal:seq"); }
// Product pins: pin is the current pin's JSON; pins the stream of every pin/unpin with its
// media time, for the shoppable replay.
inline std::string pin(const std::string& id) { return key(id, "pin"); }
inline std::string pins(const std::string& id) { return key(id, "pins"); }
// Dashboard: stats hash of counters ("clicks", "taps", "orders:<minute>", ...), and the
// HyperLogLogs of users who tapped a product, clicked buy, and bought (the funnel).
inline std::string shop_stats(const std::string& id) { return key(id, "stats"); }
inline std::string tappers(const std::string& id) { return key(id, "funnel:tapped"); }
inline std::string clickers(const std::string& id) { return key(id, "funnel:clicked"); }
inline std::string buyers(const std::string& id) { return key(id, "funnel:bought"); }
inline std::string events(const std::string& id) { return key(id, "events"); }
inline std::string chat(const std::string& id) { return key(id, "chat"); }

// Chat moderation.
// Hash: "slow" → seconds between a user's lines, "pinned" → the pinned line's JSON.
inline std::string chat_settings(const std::string& id) { return key(id, "chat:settings"); }
// Hash: user id → muted until (Redis time, ms); 0 = banned until lifted.
inline std::string bans(const std::string& id) { return key(id, "bans"); }
// Stream of deletions (field "deleted" = chat id), so a resuming viewer drops lines deleted
// while it was away.
inline std::string modlog(const std::string& id) { return key(id, "modlog"); }
// Per line written on a node while Redis was away, once it is in the stream: its local id →
// stream id, for ten minutes, so a replay sent twice (the reply was lost) adds it once.
inline std::string replayed(const std::string& id, const std::string& local_id) {
  return key(id, "replayed:") + local_id;
}
// Per user, set while slow mode makes them wait (PX = the slow interval).
inline std::string slow_mark(const std::string& id, const std::string& user) {
  return key(id, "slow:") + user;
}

// Keynote Q&A (chat/qa_board): qa is a hash id -> question JSON (votes and answered included, so
// one HGET is the whole question); qa:rank a sorted set whose score orders the board (see
// chat/src/qa_scripts.cpp); qa:seq the counter behind the ids "q<n>"; qa:voters:<qid> the set
// of user ids that voted for one question, so a removal drops its voters with one DEL.
inline std::string qa(const std::string& id) { return key(id, "qa"); }
inline std::string qa_rank(const std::string& id) { return key(id, "qa:rank"); }
inline std::string qa_seq(const std::string& id) { return key(id, "qa:seq"); }
inline std::string qa_voters(const std::string& id, const std::string& question_id) {
  return key(id, "qa:voters:") + question_id;
}

// Presence (chat/presence): viewers is a hash node id -> "count:expires_ms" (Redis clock);
// uniques a HyperLogLog of stable viewer keys over the whole broadcast.
inline std::string viewers(const std::string& id) { return key(id, "viewers"); }
inline std::string uniques(const std::string& id) { return key(id, "uniques"); }

}  // namespace livegate::keys
