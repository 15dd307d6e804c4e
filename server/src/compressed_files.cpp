#include "livegate/server/compressed_files.h"

#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "livegate/common/log.h"

namespace livegate::server {

namespace {

std::optional<struct stat> stat_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return st;
}

// One key per file however its path was spelled ("web-player//js/x.js", "./web-player/js/x.js").
std::string key_of(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace

bool compressible(const std::string& path) {
  static constexpr const char* kSuffixes[] = {".html", ".js", ".mjs", ".css", ".svg", ".json", ".txt"};
  for (const char* suffix : kSuffixes) {
    if (path.ends_with(suffix)) return true;
  }
  return false;
}

std::string gzip_compress(const std::string& data) {
  z_stream z{};
  // 15 + 16: a gzip header and trailer around the deflate stream, which is what
  // "Content-Encoding: gzip" means.
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

bool accepts_gzip(const std::string& header) {
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    std::string item = header.substr(start, end - start);
    start = end + 1;
    const auto first = item.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    item = item.substr(first);
    const auto semi = item.find(';');
    std::string coding = item.substr(0, semi);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.pop_back();
    if (coding != "gzip" && coding != "*") continue;
    if (semi == std::string::npos) return true;
    // "q=0" (or 0.0, 0.000) refuses it; any other weight accepts.
    const auto q = item.find("q=", semi);
    if (q == std::string::npos) return true;
    const std::string weight = item.substr(q + 2);
    if (weight.find_first_not_of("0. \t") != std::string::npos) return true;
  }
  return false;
}

void CompressedFiles::add_file(const std::string& path, size_t max_file_bytes) {
  if (!compressible(path)) return;
  const auto st = stat_of(path);
  if (!st || static_cast<size_t>(st->st_size) > max_file_bytes) return;
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return;
  std::string gz = gzip_compress(data);
  if (gz.empty() || gz.size() >= data.size()) return;  // tiny files: gzip would only add bytes
  raw_bytes_ += data.size();
  gzip_bytes_ += gz.size();
  files_[key_of(path)] = Entry{st->st_size, mtime_ns(*st), std::make_shared<const std::string>(std::move(gz))};
}

void CompressedFiles::add_tree(const std::string& root, size_t max_file_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(".") || name == "node_modules") {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) add_file(it->path().string(), max_file_bytes);
  }
  if (ec) log("http")->warn("compressing the files under {}: {}", root, ec.message());
}

std::shared_ptr<const std::string> CompressedFiles::gzip_of(const std::string& path) const {
  auto found = files_.find(key_of(path));
  if (found == files_.end()) return nullptr;
  const auto st = stat_of(path);
  if (!st || st->st_size != found->second.size || mtime_ns(*st) != found->second.mtime_ns) return nullptr;
  return found->second.gzip;
}

}  // namespace livegate::server
