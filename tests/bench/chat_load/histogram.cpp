#include "histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace chat_load {

size_t Histogram::index_of(uint64_t us) {
  constexpr uint64_t exact = 2u << kSubBits;  // values below this have their own bucket
  if (us < exact) return static_cast<size_t>(us);
  const int exponent = std::min(static_cast<int>(std::bit_width(us)) - 1, kMaxExponent - 1);
  const int shift = exponent - kSubBits;
  const uint64_t mantissa = std::min<uint64_t>(us >> shift, (2u << kSubBits) - 1);  // [64, 128)
  return exact + static_cast<size_t>(exponent - kSubBits - 1) * (1u << kSubBits) +
         static_cast<size_t>(mantissa - (1u << kSubBits));
}

uint64_t Histogram::lower_bound(size_t index) {
  constexpr size_t exact = 2u << kSubBits;
  if (index < exact) return index;
  const size_t k = index - exact;
  const int exponent = kSubBits + 1 + static_cast<int>(k >> kSubBits);
  const uint64_t mantissa = (1u << kSubBits) + (k & ((1u << kSubBits) - 1));
  return mantissa << (exponent - kSubBits);
}

void Histogram::record(uint64_t us) {
  ++buckets_[index_of(us)];
  ++count_;
  sum_ += us;
  max_ = std::max(max_, us);
}

void Histogram::merge(const Histogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

uint64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= std::max<uint64_t>(rank, 1)) {
      const uint64_t lo = lower_bound(i);
      const uint64_t hi = i + 1 < kBuckets ? lower_bound(i + 1) : lo + 1;
      return std::min(max_, lo + (hi - lo) / 2);
    }
  }
  return max_;
}

nlohmann::json Histogram::to_json() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (size_t i = 0; i < kBuckets; ++i) {
    if (buckets_[i]) buckets.push_back({i, buckets_[i]});
  }
  return {{"buckets", std::move(buckets)}, {"max", max_}, {"sum", sum_}};
}

Histogram Histogram::from_json(const nlohmann::json& j) {
  Histogram h;
  for (const auto& b : j.at("buckets")) {
    const auto i = b.at(0).get<size_t>();
    if (i >= kBuckets) continue;
    h.buckets_[i] += b.at(1).get<uint64_t>();
    h.count_ += b.at(1).get<uint64_t>();
  }
  h.max_ = j.at("max").get<uint64_t>();
  h.sum_ = j.at("sum").get<uint64_t>();
  return h;
}

}  // namespace chat_load
