#include "livegate/server/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace livegate::server;

TEST(StaticFiles, MimeTypes) {
  EXPECT_EQ(mime_type("index.m3u8"), "application/vnd.apple.mpegurl");
  EXPECT_EQ(mime_type("segment00001.ts"), "video/mp2t");
  EXPECT_EQ(mime_type("watch.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type("img/apple.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type("dir.v2/noext"), "application/octet-stream");
}

TEST(StaticFiles, PlaylistsAreNeverCached) {
  EXPECT_NE(cache_control_for("index.m3u8").find("no-cache"), std::string::npos);
  EXPECT_NE(cache_control_for("segment00001.ts").find("max-age"), std::string::npos);
}

TEST(StaticFiles, ResolveStaysInsideTheRoot) {
  const auto root = std::filesystem::temp_directory_path() / "livegate-static-test";
  std::filesystem::create_directories(root / "img");
  std::ofstream(root / "img" / "a.svg") << "<svg/>";
  std::ofstream(root / ".env") << "SECRET=1";
  const std::string r = root.string();
  EXPECT_EQ(resolve_file(r, "img/a.svg"), r + "/img/a.svg");
  EXPECT_FALSE(resolve_file(r, "img"));            // a directory
  EXPECT_FALSE(resolve_file(r, "missing.js"));
  EXPECT_FALSE(resolve_file(r, "../etc/passwd"));
  EXPECT_FALSE(resolve_file(r, "img/../../x"));
  EXPECT_FALSE(resolve_file(r, "/etc/passwd"));
  EXPECT_FALSE(resolve_file(r, ".env"));
  EXPECT_FALSE(resolve_file(r, "img//a.svg"));
  EXPECT_FALSE(resolve_file(r, ""));
  std::filesystem::remove_all(root);
}
