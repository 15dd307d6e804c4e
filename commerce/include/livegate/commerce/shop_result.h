#pragma once
// The answer of a shop operation (catalog, deals, pins): a JSON value, or a problem with a
// message for people. The server turns problems into HTTP statuses.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "livegate/common/redis_reply.h"

namespace livegate::commerce {

enum class Problem { none, invalid, not_found, conflict, unavailable };

struct ShopResult {
  nlohmann::json value;
  Problem problem = Problem::none;
  std::string message;

  bool ok() const { return problem == Problem::none; }
  static ShopResult failure(Problem p, std::string message) { return {nullptr, p, std::move(message)}; }
};

using ShopCallback = std::function<void(ShopResult)>;

// Scripts answer a refusal as {"err", code, message} (code: invalid, not_found, conflict);
// this reads either that or hands the reply to `value`. A transport error is "unavailable".
ShopResult read_script_reply(RedisReply reply, const std::string& error,
                             const std::function<nlohmann::json(RedisReply)>& value);

}  // namespace livegate::commerce
