#pragma once
// Latency histogram in microseconds with ~1.6 % relative precision (64 sub-buckets per power of
// two, exact below 128 us). Fixed size, so recording is one increment and workers can ship their
// histograms to the coordinator and be merged exactly (percentiles of a sum, not sums of
// percentiles).

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace chat_load {

class Histogram {
 public:
  void record(uint64_t us);
  void merge(const Histogram& other);
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
  }
  // The value at quantile q (0..1), as the middle of its bucket; 0 when empty.
  uint64_t quantile(double q) const;

  // Sparse form: {"buckets": [[index, count], ...], "max": .., "sum": ..}.
  nlohmann::json to_json() const;
  static Histogram from_json(const nlohmann::json& j);

 private:
  static constexpr int kSubBits = 6;
  static constexpr int kMaxExponent = 40;  // 2^40 us = 12 days: everything fits
  static constexpr size_t kBuckets =
      (2u << kSubBits) + (kMaxExponent - kSubBits) * (1u << kSubBits);
  static size_t index_of(uint64_t us);
  static uint64_t lower_bound(size_t index);

  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
  uint64_t sum_ = 0;
};

}  // namespace chat_load
