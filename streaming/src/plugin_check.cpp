#include "livegate/streaming/plugin_check.h"

#include <gst/gst.h>

#include <map>

namespace livegate::streaming {

namespace {
const std::map<std::string, std::string>& required() {
  static const std::map<std::string, std::string> elements = {
      {"videotestsrc", "gstreamer1.0-plugins-base"}, {"audiotestsrc", "gstreamer1.0-plugins-base"},
      {"videoconvert", "gstreamer1.0-plugins-base"}, {"audioconvert", "gstreamer1.0-plugins-base"},
      {"audioresample", "gstreamer1.0-plugins-base"}, {"textoverlay", "gstreamer1.0-x"},
      {"clockoverlay", "gstreamer1.0-x"},              {"x264enc", "gstreamer1.0-plugins-ugly"},
      {"h264parse", "gstreamer1.0-plugins-bad"},       {"avenc_aac", "gstreamer1.0-libav"},
      {"aacparse", "gstreamer1.0-plugins-good"},       {"multifilesink", "gstreamer1.0-plugins-good"},
      {"mpegtsmux", "gstreamer1.0-plugins-bad"},
      {"queue", "libgstreamer1.0-0"},                {"flvdemux", "gstreamer1.0-plugins-good"},
      {"appsrc", "gstreamer1.0-plugins-base"},        {"tsdemux", "gstreamer1.0-plugins-bad"},
      // ABR ladders: one decode and a tee (the scaler is our own, sws_scale.h)
      {"avdec_h264", "gstreamer1.0-libav"},           {"tee", "libgstreamer1.0-0"}};
  return elements;
}
}  // namespace

std::vector<std::string> missing_elements() {
  gst_init(nullptr, nullptr);
  std::vector<std::string> missing;
  for (const auto& [name, package] : required()) {
    GstElementFactory* f = gst_element_factory_find(name.c_str());
    if (!f) {
      missing.push_back(name);
    } else {
      gst_object_unref(f);
    }
  }
  return missing;
}

std::string package_for(const std::string& element) {
  auto it = required().find(element);
  return it == required().end() ? "?" : it->second;
}

}  // namespace livegate::streaming
