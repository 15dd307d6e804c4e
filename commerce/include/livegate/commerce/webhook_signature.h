#pragma once
// The x-livegate-signature header: "sha256=" + lowercase hex HMAC-SHA256 of the exact request
// body bytes, keyed with webhooks.secret. Receivers recompute it over the raw body they read
// (before any JSON parsing) and compare in constant time.

#include <string>
#include <string_view>

namespace livegate::commerce {

std::string webhook_signature(std::string_view secret, std::string_view body);

}  // namespace livegate::commerce
