#include "livegate/commerce/webhook_signature.h"

#include <glib.h>

namespace livegate::commerce {

std::string webhook_signature(std::string_view secret, std::string_view body) {
  gchar* hex = g_compute_hmac_for_data(
      G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(secret.data()), secret.size(),
      reinterpret_cast<const guchar*>(body.data()), body.size());
  std::string out = std::string("sha256=") + hex;
  g_free(hex);
  return out;
}

}  // namespace livegate::commerce
