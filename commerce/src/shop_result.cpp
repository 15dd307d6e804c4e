#include "livegate/commerce/shop_result.h"

namespace livegate::commerce {

ShopResult read_script_reply(RedisReply reply, const std::string& error,
                             const std::function<nlohmann::json(RedisReply)>& value) {
  if (!error.empty()) return ShopResult::failure(Problem::unavailable, "the shop is unavailable: " + error);
  if (reply.is_error()) {
    return ShopResult::failure(Problem::unavailable, reply.string("the shop is unavailable"));
  }
  if (reply.size() == 3 && reply[0].string() == "err") {
    const std::string code = reply[1].string();
    const Problem p = code == "not_found" ? Problem::not_found
                      : code == "conflict" ? Problem::conflict
                                           : Problem::invalid;
    return ShopResult::failure(p, reply[2].string());
  }
  return {value(reply), Problem::none, {}};
}

}  // namespace livegate::commerce
