#include "livegate/commerce/shop_result.h"

namespace livegate::commerce {

ShopResult read_script_reply(const redisReply* reply, const std::string& error,
                             const std::function<nlohmann::json(const redisReply*)>& value) {
  if (!error.empty()) return ShopResult::failure(Problem::unavailable, "the shop is unavailable: " + error);
  if (!reply || reply_is_error(reply)) {
    return ShopResult::failure(Problem::unavailable, reply_string(reply, "the shop is unavailable"));
  }
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
      reply_string(reply->element[0]) == "err") {
    const std::string code = reply_string(reply->element[1]);
    const Problem p = code == "not_found" ? Problem::not_found
                      : code == "conflict" ? Problem::conflict
                                           : Problem::invalid;
    return ShopResult::failure(p, reply_string(reply->element[2]));
  }
  return {value(reply), Problem::none, {}};
}

}  // namespace livegate::commerce
