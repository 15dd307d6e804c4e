// The route table (server/router.h): 404, 405 with Allow, HEAD for every GET, OPTIONS, {params}.

#include <gtest/gtest.h>

#include "livegate/server/router.h"

using namespace livegate::server;

namespace {

Router sample_router(std::string* seen) {
  Router r;
  auto note = [seen](std::string what) {
    return [seen, what](const HttpRequest&, const RouteParams& p, Respond respond) {
      *seen = what + " id=" + std::string(p["id"]) + " sku=" + std::string(p["sku"]) + " path=" + std::string(p["path"]);
      respond(json_response(200, nlohmann::json{{"ok", true}}));
    };
  };
  r.add("GET", "/api/broadcasts", note("list"));
  r.add("POST", "/api/broadcasts", note("create"));
  r.add("GET", "/api/broadcasts/{id}", note("get"));
  r.add("PUT", "/api/broadcasts/{id}/products/{sku}", note("put"));
  r.add("DELETE", "/api/broadcasts/{id}/products/{sku}", note("delete"));
  r.add("GET", "/assets/{path...}", note("asset"));
  return r;
}

HttpResponse run(const Router& r, const std::string& method, const std::string& path) {
  HttpRequest request;
  request.method = method;
  request.path = path;
  HttpResponse answer;
  answer.status = 0;
  r.dispatch(request, [&](HttpResponse got) { answer = std::move(got); });
  return answer;
}

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "(none)";
}

}  // namespace

TEST(Router, RoutesByMethodAndPatternWithParams) {
  std::string seen;
  Router r = sample_router(&seen);
  EXPECT_EQ(run(r, "GET", "/api/broadcasts").status, 200);
  EXPECT_EQ(seen, "list id= sku= path=");
  EXPECT_EQ(run(r, "GET", "/api/broadcasts/").status, 200) << "a trailing slash is the same path";
  EXPECT_EQ(run(r, "PUT", "/api/broadcasts/apples/products/gala").status, 200);
  EXPECT_EQ(seen, "put id=apples sku=gala path=");
  EXPECT_EQ(run(r, "GET", "/assets/js/app.js").status, 200);
  EXPECT_EQ(seen, "asset id= sku= path=js/app.js");
  EXPECT_EQ(run(r, "GET", "/assets").status, 404) << "{path...} takes one segment or more";
}

TEST(Router, UnknownPathIs404AndAKnownPathWithAnotherMethodIs405WithAllow) {
  std::string seen;
  Router r = sample_router(&seen);
  EXPECT_EQ(run(r, "GET", "/nothing/here").status, 404);
  auto wrong = run(r, "DELETE", "/api/broadcasts");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(header(wrong, "allow"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(header(run(r, "PATCH", "/api/broadcasts/a/products/b"), "allow"), "PUT, DELETE, OPTIONS");
}

TEST(Router, HeadRunsTheGetRouteAndOptionsListsTheMethods) {
  std::string seen;
  Router r = sample_router(&seen);
  EXPECT_EQ(run(r, "HEAD", "/api/broadcasts/apples").status, 200);
  EXPECT_EQ(seen, "get id=apples sku= path=");
  auto options = run(r, "OPTIONS", "/api/broadcasts/apples");
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(header(options, "allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(run(r, "OPTIONS", "/nothing").status, 404);
}
