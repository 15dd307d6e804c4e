#pragma once
// gzip copies of the pages' text files (HTML, JS, CSS, SVG, JSON), made once at startup so a
// phone's first visit downloads ~180 KB instead of ~750 KB (hls.js alone is 620 KB raw) and the
// loop never compresses while serving. A file changed after startup is served as it is on disk,
// uncompressed, until the next start: the copy is used only while size and mtime still match.

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace livegate::server {

class CompressedFiles {
 public:
  // Compresses the text files under each directory (recursively; dot-files and node_modules
  // skipped) and the single files given. Files above max_file_bytes are left alone.
  void add_tree(const std::string& root, size_t max_file_bytes = 4 << 20);
  void add_file(const std::string& path, size_t max_file_bytes = 4 << 20);

  // The gzip bytes of path when they are still current, else null.
  std::shared_ptr<const std::string> gzip_of(const std::string& path) const;

  size_t files() const { return files_.size(); }
  size_t raw_total() const { return raw_bytes_; }
  size_t gzip_total() const { return gzip_bytes_; }

 private:
  struct Entry {
    off_t size = 0;
    int64_t mtime_ns = 0;
    std::shared_ptr<const std::string> gzip;
  };
  std::map<std::string, Entry> files_;
  size_t raw_bytes_ = 0;
  size_t gzip_bytes_ = 0;
};

// True for the types worth compressing (text); video and images are compressed already.
bool compressible(const std::string& path);

// gzip (RFC 1952) of data at the best level; empty on failure.
std::string gzip_compress(const std::string& data);

// Whether an Accept-Encoding header value allows gzip ("gzip, deflate, br"; "gzip;q=0" does not).
bool accepts_gzip(const std::string& accept_encoding);

}  // namespace livegate::server
