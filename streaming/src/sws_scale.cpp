#include "sws_scale.h"

#include <gst/video/gstvideofilter.h>
#include <gst/video/video.h>

#include <mutex>

extern "C" {
#include <libswscale/swscale.h>
}

namespace livegate::streaming {

namespace {

struct LgSwScale {
  GstVideoFilter parent;
  SwsContext* sws;
};

struct LgSwScaleClass {
  GstVideoFilterClass parent_class;
};

GType lg_sw_scale_get_type();
#define LG_SW_SCALE(obj) (reinterpret_cast<LgSwScale*>(obj))

G_DEFINE_TYPE(LgSwScale, lg_sw_scale, GST_TYPE_VIDEO_FILTER)

constexpr const char* kCaps = "video/x-raw, format=(string)I420, width=(int)[ 2, 8192 ], height=(int)[ 2, 8192 ], "
                              "framerate=(fraction)[ 0/1, 2147483647/1 ]";

// Any size in, any size out: only width, height and pixel aspect ratio may change.
GstCaps* transform_caps(GstBaseTransform*, GstPadDirection, GstCaps* caps, GstCaps* filter) {
  GstCaps* out = gst_caps_copy(caps);
  for (guint i = 0; i < gst_caps_get_size(out); ++i) {
    GstStructure* s = gst_caps_get_structure(out, i);
    gst_structure_set(s, "width", GST_TYPE_INT_RANGE, 2, 8192, "height", GST_TYPE_INT_RANGE, 2, 8192, nullptr);
    gst_structure_remove_field(s, "pixel-aspect-ratio");
  }
  if (filter) {
    GstCaps* both = gst_caps_intersect_full(filter, out, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(out);
    out = both;
  }
  return out;
}

// The rung's capsfilter fixes the output size; should it still be open, keep the input's.
GstCaps* fixate_caps(GstBaseTransform*, GstPadDirection, GstCaps* caps, GstCaps* othercaps) {
  othercaps = gst_caps_truncate(gst_caps_make_writable(othercaps));
  GstStructure* out = gst_caps_get_structure(othercaps, 0);
  const GstStructure* in = gst_caps_get_structure(caps, 0);
  int width = 0, height = 0;
  gst_structure_get_int(in, "width", &width);
  gst_structure_get_int(in, "height", &height);
  gst_structure_fixate_field_nearest_int(out, "width", width);
  gst_structure_fixate_field_nearest_int(out, "height", height);
  if (gst_structure_has_field(out, "pixel-aspect-ratio")) {
    gst_structure_fixate_field_nearest_fraction(out, "pixel-aspect-ratio", 1, 1);
  }
  return gst_caps_fixate(othercaps);
}

gboolean set_info(GstVideoFilter* filter, GstCaps*, GstVideoInfo* in, GstCaps*, GstVideoInfo* out) {
  auto* self = LG_SW_SCALE(filter);
  if (self->sws) sws_freeContext(self->sws);
  self->sws = nullptr;
  const bool same = GST_VIDEO_INFO_WIDTH(in) == GST_VIDEO_INFO_WIDTH(out) &&
                    GST_VIDEO_INFO_HEIGHT(in) == GST_VIDEO_INFO_HEIGHT(out);
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(filter), same);
  if (same) return TRUE;
  self->sws = sws_getContext(GST_VIDEO_INFO_WIDTH(in), GST_VIDEO_INFO_HEIGHT(in), AV_PIX_FMT_YUV420P,
                             GST_VIDEO_INFO_WIDTH(out), GST_VIDEO_INFO_HEIGHT(out), AV_PIX_FMT_YUV420P,
                             SWS_BILINEAR, nullptr, nullptr, nullptr);
  return self->sws != nullptr;
}

GstFlowReturn transform_frame(GstVideoFilter* filter, GstVideoFrame* in, GstVideoFrame* out) {
  auto* self = LG_SW_SCALE(filter);
  if (!self->sws) return GST_FLOW_NOT_NEGOTIATED;
  const uint8_t* src[4] = {};
  int src_stride[4] = {};
  uint8_t* dst[4] = {};
  int dst_stride[4] = {};
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES(in) && p < 4; ++p) {
    src[p] = static_cast<const uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(in, p));
    src_stride[p] = GST_VIDEO_FRAME_PLANE_STRIDE(in, p);
    dst[p] = static_cast<uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(out, p));
    dst_stride[p] = GST_VIDEO_FRAME_PLANE_STRIDE(out, p);
  }
  sws_scale(self->sws, src, src_stride, 0, GST_VIDEO_FRAME_HEIGHT(in), dst, dst_stride);
  return GST_FLOW_OK;
}

void finalize(GObject* object) {
  auto* self = LG_SW_SCALE(object);
  if (self->sws) sws_freeContext(self->sws);
  self->sws = nullptr;
  G_OBJECT_CLASS(lg_sw_scale_parent_class)->finalize(object);
}

void lg_sw_scale_class_init(LgSwScaleClass* klass) {
  G_OBJECT_CLASS(klass)->finalize = finalize;
  auto* element = GST_ELEMENT_CLASS(klass);
  gst_element_class_set_static_metadata(element, "livegate swscale", "Filter/Converter/Video/Scaler",
                                        "Scales I420 video with FFmpeg's libswscale (bilinear)", "livegate");
  for (auto direction : {GST_PAD_SINK, GST_PAD_SRC}) {
    gst_element_class_add_pad_template(
        element, gst_pad_template_new(direction == GST_PAD_SINK ? "sink" : "src", direction, GST_PAD_ALWAYS,
                                      gst_caps_from_string(kCaps)));
  }
  auto* base = GST_BASE_TRANSFORM_CLASS(klass);
  base->transform_caps = transform_caps;
  base->fixate_caps = fixate_caps;
  base->passthrough_on_same_caps = TRUE;
  auto* video = GST_VIDEO_FILTER_CLASS(klass);
  video->set_info = set_info;
  video->transform_frame = transform_frame;
}

void lg_sw_scale_init(LgSwScale* self) { self->sws = nullptr; }

gboolean plugin_init(GstPlugin* plugin) {
  return gst_element_register(plugin, "lgswscale", GST_RANK_NONE, lg_sw_scale_get_type());
}

}  // namespace

void register_sws_scale() {
  static std::once_flag once;
  std::call_once(once, [] {
    gst_init(nullptr, nullptr);
    gst_plugin_register_static(GST_VERSION_MAJOR, GST_VERSION_MINOR, "livegate", "livegate's own elements",
                               plugin_init, "1.0", "LGPL", "livegate", "livegate", "https://localhost/livegate");
  });
}

}  // namespace livegate::streaming
