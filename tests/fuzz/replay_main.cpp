// The fuzz smoke of the normal test run (g++, no libFuzzer): feeds a target every file of its
// seed corpus, then deterministic byte-level mutations of each seed, bounded in count and time.
// It finds the shallow bugs on every test run; scripts/fuzz does the deep search with clang.
//
// usage: fuzz_<target>_replay [corpus dir] [mutations per seed] [seconds]
// A crash, a sanitizer report or an abort() in the target fails the test; the input that did it
// is written to <target>-crash.bin first (in the working directory) so it can be replayed.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "fuzz_input.h"

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The input about to run, saved so a crash leaves it behind (a signal gives no chance later).
// Written only on request (LIVEGATE_FUZZ_SAVE=1): writing every input would dominate the time.
void run(const std::string& input) {
  static const bool save = std::getenv("LIVEGATE_FUZZ_SAVE") != nullptr;
  if (save) std::ofstream("fuzz-last-input.bin", std::ios::binary) << input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

// Bytes that matter to the parsers: JSON and CSV punctuation, line ends, AMF0 markers, limits.
constexpr unsigned char kInteresting[] = {0,   1,   2,    3,    5,    8,   9,    10,  13,   0x7f,
                                          0x80, 0xff, '"', '\\', '{',  '}', '[',  ']', ',',  ':',
                                          '=',  '-', '0',  '9',  'e',  ' ', 0xc3, 0xe4, 0xf0};

// One mutation in place; std::mt19937 is specified bit for bit, so runs repeat everywhere.
void mutate(std::string& s, std::mt19937& rng, const std::vector<std::string>& seeds) {
  auto pick = [&](size_t n) { return n ? rng() % n : 0; };
  switch (rng() % 9) {
    case 0:  // flip a bit
      if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
      break;
    case 1:  // an interesting byte
      if (!s.empty()) s[pick(s.size())] = static_cast<char>(kInteresting[pick(sizeof kInteresting)]);
      break;
    case 2:  // insert a byte
      s.insert(s.begin() + static_cast<long>(pick(s.size() + 1)),
               static_cast<char>(kInteresting[pick(sizeof kInteresting)]));
      break;
    case 3: {  // erase a range
      if (s.empty()) break;
      const size_t at = pick(s.size());
      s.erase(at, 1 + pick(std::min<size_t>(16, s.size() - at)));
      break;
    }
    case 4:  // truncate
      s.resize(pick(s.size() + 1));
      break;
    case 5: {  // duplicate a range
      if (s.empty() || s.size() > (1u << 16)) break;
      const size_t at = pick(s.size());
      s.insert(pick(s.size()), s.substr(at, 1 + pick(std::min<size_t>(64, s.size() - at))));
      break;
    }
    case 6: {  // splice in part of another seed
      const std::string& other = seeds[pick(seeds.size())];
      if (other.empty()) break;
      const size_t from = pick(other.size());
      s.insert(pick(s.size() + 1), other.substr(from, 1 + pick(std::min<size_t>(64, other.size() - from))));
      break;
    }
    case 7:  // a random byte
      if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng());
      break;
    case 8: {  // a big-endian 32-bit boundary value (lengths in RTMP and AMF0)
      if (s.size() < 4) break;
      static constexpr uint32_t kValues[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xffffff, 128};
      const uint32_t v = kValues[pick(std::size(kValues))];
      const size_t at = pick(s.size() - 3);
      for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (24 - 8 * i));
      break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path corpus = argc > 1 ? fs::path(argv[1]) : fs::path(LIVEGATE_FUZZ_CORPUS);
  const long per_seed = argc > 2 ? std::atol(argv[2]) : 2000;
  const double seconds = argc > 3 ? std::atof(argv[3]) : 5.0;

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(corpus)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::cerr << "no seeds in " << corpus << "\n";
    return 1;
  }
  std::vector<std::string> seeds;
  for (const auto& f : files) seeds.push_back(read_file(f));

  for (const auto& s : seeds) run(s);
  run("");

  // The time budget is shared by the seeds, so every seed gets mutated even when slow.
  const auto start = std::chrono::steady_clock::now();
  const auto budget = std::chrono::duration<double>(seconds / static_cast<double>(seeds.size()));
  std::mt19937 rng(20261123);
  long runs = static_cast<long>(seeds.size()) + 1;
  for (size_t i = 0; i < seeds.size(); ++i) {
    const auto seed_start = std::chrono::steady_clock::now();
    for (long n = 0; n < per_seed; ++n) {
      if ((n & 63) == 0 && std::chrono::steady_clock::now() - seed_start > budget) break;
      std::string input = seeds[i];
      const unsigned stacked = 1 + rng() % 4;
      for (unsigned k = 0; k < stacked; ++k) mutate(input, rng, seeds);
      run(input);
      ++runs;
    }
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("%zu seeds, %ld runs in %.1f s: no crash\n", seeds.size(), runs, took.count());
  return 0;
}
