#pragma once
// The URL space as a table: each route is a method, a path pattern and a handler. Because the
// table knows every path, the router answers what no handler should have to: 404 for a path
// nobody serves, 405 with an Allow header for a method a path does not take, HEAD for every GET
// (the server sends the GET's headers without its body), OPTIONS with Allow. The table is also
// what the API description is checked against.
//
// Patterns are split on '/': a literal segment, "{name}" (one segment) or, last, "{name...}"
// (one segment or more, joined with '/': a file path under a folder).

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "livegate/server/http_message.h"

namespace livegate::server {

// The values of a route's {name} segments.
class RouteParams {
 public:
  // The segment's value; "" when the pattern has no such name.
  std::string_view operator[](std::string_view name) const;
  void add(std::string_view name, std::string value) { values_.emplace_back(name, std::move(value)); }

 private:
  std::vector<std::pair<std::string_view, std::string>> values_;
};

using RouteHandler = std::function<void(const HttpRequest&, const RouteParams&, Respond)>;

class Router {
 public:
  struct Route {
    std::string method;   // GET, POST, PUT, PATCH, DELETE
    std::string pattern;  // "/api/broadcasts/{id}/products/{sku}"
    RouteHandler handler;
    std::vector<std::string> segments;  // the pattern, split
  };

  void add(std::string method, std::string pattern, RouteHandler handler);

  // Runs the route of the request's method and path; HEAD runs the GET route. Otherwise: 204
  // with Allow for OPTIONS on a known path, 405 with Allow for another method there, 404.
  void dispatch(const HttpRequest& request, Respond respond) const;

  // "GET, HEAD, POST, OPTIONS" for a path; "" when no route has it.
  std::string allowed_methods(std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// "/a/b/" -> {"a", "b"}: empty segments (a trailing or doubled slash) are dropped.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace livegate::server
