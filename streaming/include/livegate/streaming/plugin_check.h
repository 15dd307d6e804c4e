#pragma once
#include <string>
#include <vector>

namespace livegate::streaming {

// Initialises GStreamer (once) and returns the elements livegate needs that are missing, so
// start-up can say "install gstreamer1.0-x" instead of failing deep inside a pipeline.
std::vector<std::string> missing_elements();

// The Debian package that provides an element, for the error message.
std::string package_for(const std::string& element);

}  // namespace livegate::streaming
