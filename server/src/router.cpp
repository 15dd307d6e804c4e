#include "livegate/server/router.h"

#include <algorithm>
#include <array>

namespace livegate::server {

namespace {

bool is_param(std::string_view segment) { return segment.size() > 2 && segment.front() == '{' && segment.back() == '}'; }

bool is_rest(std::string_view segment) { return is_param(segment) && segment.ends_with("...}"); }

std::string_view param_name(std::string_view segment) {
  segment = segment.substr(1, segment.size() - 2);
  if (segment.ends_with("...")) segment.remove_suffix(3);
  return segment;
}

// Fills params when the path's segments fit the route's pattern.
bool matches(const Router::Route& route, const std::vector<std::string_view>& parts, RouteParams* params) {
  const auto& pattern = route.segments;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string_view p = pattern[i];
    if (is_rest(p)) {
      if (i >= parts.size()) return false;
      std::string rest;
      for (size_t j = i; j < parts.size(); ++j) rest += (j > i ? "/" : "") + std::string(parts[j]);
      if (params) params->add(param_name(p), std::move(rest));
      return true;
    }
    if (i >= parts.size()) return false;
    if (is_param(p)) {
      if (params) params->add(param_name(p), std::string(parts[i]));
    } else if (p != parts[i]) {
      return false;
    }
  }
  return parts.size() == pattern.size();
}

// In the order an Allow header lists them.
constexpr std::array<std::string_view, 6> kMethodOrder = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

}  // namespace

std::string_view RouteParams::operator[](std::string_view name) const {
  for (const auto& [n, v] : values_) {
    if (n == name) return v;
  }
  return {};
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

void Router::add(std::string method, std::string pattern, RouteHandler handler) {
  Route r{std::move(method), std::move(pattern), std::move(handler), {}};
  for (auto s : split_path(r.pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
}

std::string Router::allowed_methods(std::string_view path) const {
  const auto parts = split_path(path);
  std::vector<std::string_view> methods;
  for (const auto& r : routes_) {
    if (!matches(r, parts, nullptr)) continue;
    methods.push_back(r.method);
    if (r.method == "GET") methods.push_back("HEAD");
  }
  if (methods.empty()) return {};
  std::string out;
  for (auto m : kMethodOrder) {
    if (std::find(methods.begin(), methods.end(), m) != methods.end()) out += std::string(m) + ", ";
  }
  return out + "OPTIONS";
}

void Router::dispatch(const HttpRequest& request, Respond respond) const {
  const auto parts = split_path(request.path);
  const std::string_view method = request.method == "HEAD" ? std::string_view("GET") : request.method;
  for (const auto& r : routes_) {
    if (r.method != method) continue;
    RouteParams params;
    if (matches(r, parts, &params)) return r.handler(request, params, std::move(respond));
  }
  const std::string allow = allowed_methods(request.path);
  if (allow.empty()) return respond(json_error(404, "not found"));
  if (request.method == "OPTIONS") {
    HttpResponse r;
    r.status = 204;
    r.content_type = "text/plain";
    r.headers.emplace_back("allow", allow);
    return respond(std::move(r));
  }
  HttpResponse r = json_error(405, request.method + " is not allowed here (allowed: " + allow + ")");
  r.headers.emplace_back("allow", allow);
  respond(std::move(r));
}

}  // namespace livegate::server
