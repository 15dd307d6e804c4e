#include "livegate/server/compressed_files.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

using namespace livegate::server;

namespace {

std::string gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("lg-gz-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    auto p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

std::string repeated(const std::string& unit, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}

}  // namespace

TEST(CompressedFiles, AcceptEncodingIsReadLikeBrowsersSendIt) {
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br, zstd"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, gzip;q=0.8"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(accepts_gzip("x-gzip2"));
}

TEST(CompressedFiles, TextFilesAreGzippedAndRoundTrip) {
  TempDir dir;
  const std::string js = repeated("export const apples = 'honeycrisp';\n", 400);
  const std::string path = dir.write("js/app.js", js);
  dir.write("img/photo.png", repeated("\x89PNG", 400));       // already compressed: left alone
  dir.write("node_modules/x/big.js", repeated("let a;\n", 400));  // never served from here
  dir.write(".git/config", repeated("[core]\n", 400));
  CompressedFiles files;
  files.add_tree(dir.path.string());
  EXPECT_EQ(files.files(), 1u);
  auto gz = files.gzip_of(path);
  ASSERT_TRUE(gz);
  EXPECT_LT(gz->size(), js.size() / 10);
  EXPECT_EQ(gunzip(*gz), js);
  EXPECT_EQ(files.gzip_of((dir.path / "js" / "." / "app.js").string()), gz);  // however it is spelled
  EXPECT_FALSE(files.gzip_of((dir.path / "img/photo.png").string()));
}

TEST(CompressedFiles, AChangedFileIsServedFromDiskNotTheOldCopy) {
  TempDir dir;
  const std::string path = dir.write("watch.html", repeated("<p>old</p>\n", 300));
  CompressedFiles files;
  files.add_file(path);
  ASSERT_TRUE(files.gzip_of(path));
  dir.write("watch.html", repeated("<p>new!</p>\n", 300));
  EXPECT_FALSE(files.gzip_of(path));
  std::filesystem::remove(path);
  EXPECT_FALSE(files.gzip_of(path));
}
