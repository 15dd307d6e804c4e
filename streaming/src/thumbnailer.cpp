#include "livegate/streaming/thumbnailer.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <cstdio>
#include <filesystem>
#include <memory>

#include "livegate/common/guard.h"
#include "livegate/common/log.h"

namespace livegate::streaming {

namespace {

struct FormatCloser {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct ScaleFreer {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

std::string av_error(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof(buf));
  return buf;
}

// Reads packets of the video stream until one frame decodes.
std::unique_ptr<AVFrame, FrameFreer> first_frame(AVFormatContext* fmt, int stream, AVCodecContext* dec,
                                                 std::string* error) {
  std::unique_ptr<AVPacket, PacketFreer> pkt(av_packet_alloc());
  std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
  int rc;
  while ((rc = av_read_frame(fmt, pkt.get())) >= 0) {
    if (pkt->stream_index == stream && avcodec_send_packet(dec, pkt.get()) >= 0 &&
        avcodec_receive_frame(dec, frame.get()) >= 0) {
      av_packet_unref(pkt.get());
      return frame;
    }
    av_packet_unref(pkt.get());
  }
  avcodec_send_packet(dec, nullptr);  // drain: the decoder may hold the frame back
  if (avcodec_receive_frame(dec, frame.get()) >= 0) return frame;
  *error = "no decodable video frame";
  return nullptr;
}

}  // namespace

bool make_thumbnail(const std::string& media_path, const std::string& jpeg_path, int max_width,
                    std::string* error) {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, media_path.c_str(), nullptr, nullptr);
  if (rc < 0) {
    *error = "open " + media_path + ": " + av_error(rc);
    return false;
  }
  std::unique_ptr<AVFormatContext, FormatCloser> fmt(raw);
  if ((rc = avformat_find_stream_info(fmt.get(), nullptr)) < 0) {
    *error = "probe: " + av_error(rc);
    return false;
  }
  const AVCodec* codec = nullptr;
  const int stream = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (stream < 0 || !codec) {
    *error = "no video stream";
    return false;
  }
  std::unique_ptr<AVCodecContext, CodecFreer> dec(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(dec.get(), fmt->streams[stream]->codecpar);
  if ((rc = avcodec_open2(dec.get(), codec, nullptr)) < 0) {
    *error = "decoder: " + av_error(rc);
    return false;
  }
  auto frame = first_frame(fmt.get(), stream, dec.get(), error);
  if (!frame) return false;

  const int width = std::min(max_width, frame->width) & ~1;
  const int height = std::max(2, static_cast<int>(static_cast<int64_t>(frame->height) * width / frame->width) & ~1);
  std::unique_ptr<SwsContext, ScaleFreer> scale(
      sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), width, height,
                     AV_PIX_FMT_YUVJ420P, SWS_BILINEAR, nullptr, nullptr, nullptr));
  std::unique_ptr<AVFrame, FrameFreer> small(av_frame_alloc());
  small->format = AV_PIX_FMT_YUVJ420P;
  small->width = width;
  small->height = height;
  if (!scale || av_frame_get_buffer(small.get(), 0) < 0) {
    *error = "scaler";
    return false;
  }
  sws_scale(scale.get(), frame->data, frame->linesize, 0, frame->height, small->data, small->linesize);

  const AVCodec* mjpeg = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  std::unique_ptr<AVCodecContext, CodecFreer> enc(avcodec_alloc_context3(mjpeg));
  enc->width = width;
  enc->height = height;
  enc->pix_fmt = AV_PIX_FMT_YUVJ420P;
  enc->time_base = AVRational{1, 25};
  enc->flags |= AV_CODEC_FLAG_QSCALE;
  enc->global_quality = FF_QP2LAMBDA * 4;  // good quality, ~20-40 KB at 640 px
  if (!mjpeg || (rc = avcodec_open2(enc.get(), mjpeg, nullptr)) < 0) {
    *error = "jpeg encoder: " + av_error(rc);
    return false;
  }
  small->quality = enc->global_quality;
  std::unique_ptr<AVPacket, PacketFreer> jpeg(av_packet_alloc());
  if (avcodec_send_frame(enc.get(), small.get()) < 0 || avcodec_receive_packet(enc.get(), jpeg.get()) < 0) {
    *error = "jpeg encode failed";
    return false;
  }
  const std::string tmp = jpeg_path + ".tmp";
  FILE* out = std::fopen(tmp.c_str(), "wb");
  if (!out || std::fwrite(jpeg->data, 1, static_cast<size_t>(jpeg->size), out) != static_cast<size_t>(jpeg->size)) {
    if (out) std::fclose(out);
    *error = "write " + tmp;
    return false;
  }
  std::fclose(out);
  std::error_code ec;
  std::filesystem::rename(tmp, jpeg_path, ec);
  if (ec) {
    *error = "rename: " + ec.message();
    return false;
  }
  return true;
}

namespace {
struct Job {
  Thumbnailer* owner;
  std::string media;
  std::string jpeg;
  int max_width;
};
}  // namespace

Thumbnailer::Thumbnailer(EventLoop& loop, int max_width) : loop_(loop), max_width_(max_width) {
  pool_ = g_thread_pool_new(
      [](gpointer data, gpointer) {
        std::unique_ptr<Job> job(static_cast<Job*>(data));
        guarded(Boundary::media, "a thumbnail", [&] {
          std::string error;
          if (make_thumbnail(job->media, job->jpeg, job->max_width, &error)) {
            job->owner->made_++;
          } else {
            log("streaming")->warn("thumbnail from {}: {}", job->media, error);  // thread-safe logger
          }
        });
        job->owner->busy_--;
      },
      nullptr, 1, FALSE, nullptr);
}

Thumbnailer::~Thumbnailer() {
  // Waits for a running job; queued ones (at most one) still run: they are quick.
  g_thread_pool_free(pool_, FALSE, TRUE);
}

bool Thumbnailer::request(const std::string& media_path, const std::string& jpeg_path) {
  if (busy_.load() > 0) return false;
  busy_++;
  g_thread_pool_push(pool_, new Job{this, media_path, jpeg_path, max_width_}, nullptr);
  return true;
}

}  // namespace livegate::streaming
