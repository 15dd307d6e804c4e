#include "livegate/streaming/mp4_recorder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>
}

#include <algorithm>
#include <ctime>
#include <filesystem>

#include "livegate/common/guard.h"
#include "livegate/common/log.h"

namespace livegate::streaming {

namespace {

struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct ParametersFreer {
  void operator()(AVCodecParameters* p) const { avcodec_parameters_free(&p); }
};
struct InputCloser {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct FilterFreer {
  void operator()(AVBSFContext* b) const { av_bsf_free(&b); }
};
using Packet = std::unique_ptr<AVPacket, PacketFreer>;

std::string av_error(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof(buf));
  return buf;
}

int64_t to_us(int64_t ts, AVRational tb) {
  return av_rescale_q(ts, tb, AV_TIME_BASE_Q);
}

// One stream of a segment, ready for the MP4: parameters as the muxer needs them (AAC with its
// AudioSpecificConfig, H.264 with SPS/PPS), packets in decode order with durations.
struct Track {
  AVRational time_base{};
  std::unique_ptr<AVCodecParameters, ParametersFreer> par;
  std::vector<Packet> packets;
};

struct Segment {
  std::vector<Track> tracks;  // the first video stream, then the first audio stream
  int64_t start_us = 0;       // source time: earliest dts
  int64_t end_us = 0;         // source time: latest dts + duration
};

// TS packets often carry no duration; the MP4 needs one for the last sample of each fragment.
void fill_durations(Track& t) {
  int64_t last = 0;
  for (size_t i = 0; i < t.packets.size(); ++i) {
    AVPacket* p = t.packets[i].get();
    if (p->duration <= 0 && i + 1 < t.packets.size()) p->duration = t.packets[i + 1]->dts - p->dts;
    if (p->duration <= 0 && t.par->codec_type == AVMEDIA_TYPE_AUDIO && t.par->frame_size > 0 &&
        t.par->sample_rate > 0) {
      p->duration = av_rescale_q(t.par->frame_size, AVRational{1, t.par->sample_rate}, t.time_base);
    }
    if (p->duration <= 0) p->duration = last;
    last = p->duration;
  }
}

// Runs every packet of a track through a bitstream filter. aac_adtstoasc strips the ADTS
// headers MP4 has no place for and yields the AudioSpecificConfig; extract_extradata finds
// SPS/PPS in a keyframe. Either hands the new config on its first packet's side data.
bool filter(Track& t, const char* name, std::string* error) {
  const AVBitStreamFilter* f = av_bsf_get_by_name(name);
  AVBSFContext* raw = nullptr;
  if (!f || av_bsf_alloc(f, &raw) < 0) {
    *error = std::string("no bitstream filter ") + name;
    return false;
  }
  std::unique_ptr<AVBSFContext, FilterFreer> bsf(raw);
  avcodec_parameters_copy(bsf->par_in, t.par.get());
  bsf->time_base_in = t.time_base;
  int rc = av_bsf_init(bsf.get());
  if (rc < 0) {
    *error = std::string(name) + ": " + av_error(rc);
    return false;
  }
  std::vector<Packet> out;
  std::vector<uint8_t> config;
  auto receive = [&]() -> int {
    while (true) {
      Packet p(av_packet_alloc());
      const int got = av_bsf_receive_packet(bsf.get(), p.get());
      if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return 0;
      if (got < 0) return got;
      size_t size = 0;
      const uint8_t* side = av_packet_get_side_data(p.get(), AV_PKT_DATA_NEW_EXTRADATA, &size);
      if (side && size > 0 && config.empty()) config.assign(side, side + size);
      av_packet_free_side_data(p.get());  // the config goes into the moov, not into samples
      out.push_back(std::move(p));
    }
  };
  for (auto& p : t.packets) {
    if ((rc = av_bsf_send_packet(bsf.get(), p.get())) < 0 || (rc = receive()) < 0) {
      *error = std::string(name) + ": " + av_error(rc);
      return false;
    }
  }
  av_bsf_send_packet(bsf.get(), nullptr);
  if ((rc = receive()) < 0) {
    *error = std::string(name) + ": " + av_error(rc);
    return false;
  }
  avcodec_parameters_copy(t.par.get(), bsf->par_out);
  if (!config.empty()) {
    av_freep(&t.par->extradata);
    t.par->extradata =
        static_cast<uint8_t*>(av_mallocz(config.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    std::copy(config.begin(), config.end(), t.par->extradata);
    t.par->extradata_size = static_cast<int>(config.size());
  }
  t.packets = std::move(out);
  return true;
}

// Reads a whole segment (1-2 s, a few hundred KB) into memory: the MP4 header needs the codec
// configuration before the first sample, and a broken segment is refused before any of it is
// written. Refuses segments with much less media than announced (a truncated file).
bool read_segment(const std::string& path, double duration_s, Segment* seg, std::string* error) {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) {
    *error = "open: " + av_error(rc);
    return false;
  }
  std::unique_ptr<AVFormatContext, InputCloser> in(raw);
  if ((rc = avformat_find_stream_info(in.get(), nullptr)) < 0) {
    *error = "probe: " + av_error(rc);
    return false;
  }
  std::vector<int> track_of(in->nb_streams, -1);
  for (AVMediaType type : {AVMEDIA_TYPE_VIDEO, AVMEDIA_TYPE_AUDIO}) {
    for (unsigned i = 0; i < in->nb_streams; ++i) {
      const AVCodecParameters* par = in->streams[i]->codecpar;
      if (par->codec_type != type || par->codec_id == AV_CODEC_ID_NONE) continue;
      Track t;
      t.time_base = in->streams[i]->time_base;
      t.par.reset(avcodec_parameters_alloc());
      avcodec_parameters_copy(t.par.get(), par);
      track_of[i] = static_cast<int>(seg->tracks.size());
      seg->tracks.push_back(std::move(t));
      break;
    }
  }
  if (seg->tracks.empty()) {
    *error = "no audio or video stream";
    return false;
  }
  int corrupt = 0;
  Packet pkt(av_packet_alloc());
  while ((rc = av_read_frame(in.get(), pkt.get())) >= 0) {
    const int t =
        pkt->stream_index < static_cast<int>(track_of.size()) ? track_of[pkt->stream_index] : -1;
    if (pkt->dts == AV_NOPTS_VALUE) pkt->dts = pkt->pts;
    if (pkt->pts == AV_NOPTS_VALUE) pkt->pts = pkt->dts;
    if (t < 0 || pkt->dts == AV_NOPTS_VALUE) {
      av_packet_unref(pkt.get());
      continue;
    }
    Track& track = seg->tracks[t];
    if (pkt->flags & AV_PKT_FLAG_CORRUPT) {
      corrupt++;
      av_packet_unref(pkt.get());
      continue;
    }
    // Video must open on a keyframe: a fragment that starts elsewhere does not decode.
    if (track.par->codec_type == AVMEDIA_TYPE_VIDEO && track.packets.empty() &&
        !(pkt->flags & AV_PKT_FLAG_KEY)) {
      av_packet_unref(pkt.get());
      continue;
    }
    Packet copy(av_packet_alloc());
    av_packet_move_ref(copy.get(), pkt.get());
    track.packets.push_back(std::move(copy));
  }
  if (rc != AVERROR_EOF) {
    *error = "read: " + av_error(rc);
    return false;
  }
  std::erase_if(seg->tracks, [](const Track& t) { return t.packets.empty(); });
  if (seg->tracks.empty() || seg->tracks.front().par->codec_type != AVMEDIA_TYPE_VIDEO) {
    *error = "no video keyframe";
    return false;
  }
  for (Track& t : seg->tracks) {
    if (t.par->codec_id == AV_CODEC_ID_AAC && !filter(t, "aac_adtstoasc", error)) return false;
    if (t.par->codec_type == AVMEDIA_TYPE_VIDEO && t.par->extradata_size == 0 &&
        !filter(t, "extract_extradata", error)) {
      return false;
    }
    if (t.par->codec_type == AVMEDIA_TYPE_VIDEO && t.par->extradata_size == 0) {
      *error = "no codec configuration (SPS/PPS) in the video";
      return false;
    }
    fill_durations(t);
  }
  seg->start_us = INT64_MAX;
  seg->end_us = INT64_MIN;
  for (const Track& t : seg->tracks) {
    seg->start_us = std::min(seg->start_us, to_us(t.packets.front()->dts, t.time_base));
    const AVPacket* last = t.packets.back().get();
    seg->end_us = std::max(seg->end_us, to_us(last->dts + last->duration, t.time_base));
  }
  const double media_s = static_cast<double>(seg->end_us - seg->start_us) / 1e6;
  if (duration_s > 0 && media_s < duration_s * 0.5) {
    *error = fmt::format("truncated: {:.2f} s of media, {:.2f} s announced", media_s, duration_s);
    return false;
  }
  if (corrupt > 0) log("mp4")->warn("{}: {} corrupt packets left out", path, corrupt);
  return true;
}

// The NAL units of Annex B extradata without start codes and zero padding: the same SPS/PPS
// come with 3- or 4-byte start codes and trailing zero bytes depending on where they sat.
std::string nal_units(const uint8_t* data, size_t size) {
  if (size < 3 || data[0] != 0 || data[1] != 0)
    return std::string(reinterpret_cast<const char*>(data), size);
  std::string out;
  size_t i = 0;
  size_t begin = SIZE_MAX;
  while (i + 2 < size) {
    if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
      if (begin != SIZE_MAX) {
        size_t end = i;
        while (end > begin && data[end - 1] == 0) end--;  // the next start code's leading zero
        out.append(reinterpret_cast<const char*>(data + begin), end - begin).push_back('\n');
      }
      i += 3;
      begin = i;
    } else {
      i++;
    }
  }
  if (begin != SIZE_MAX) {
    while (size > begin && data[size - 1] == 0) size--;  // trailing_zero_8bits
    out.append(reinterpret_cast<const char*>(data + begin), size - begin);
  }
  return out;
}

// What must stay the same within one MP4: the moov holds one configuration per track.
std::string signature(const Segment& seg) {
  std::string s;
  for (const Track& t : seg.tracks) {
    const AVCodecParameters* p = t.par.get();
    s += fmt::format("{}:{}:{}x{}:{}Hz:{}ch:", static_cast<int>(p->codec_type),
                     static_cast<int>(p->codec_id), p->width, p->height, p->sample_rate,
                     p->ch_layout.nb_channels);
    s += nal_units(p->extradata, static_cast<size_t>(p->extradata_size));
    s += '|';
  }
  return s;
}

std::string utc_stamp() {
  const time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &tm);
  return buf;
}

}  // namespace

struct Mp4Recorder::File {
  std::string path;
  AVFormatContext* out = nullptr;
  std::string signature;
  std::vector<AVRational> in_time_base;  // per output stream
  std::vector<int64_t> last_dts;         // per output stream, in its time base
  int64_t offset_us = 0;                 // source time minus file time
  int64_t source_end_us = 0;             // where the previous segment ended, source time
  int64_t end_us = 0;                    // media in the file so far
  int segments = 0;

  ~File() {
    if (!out) return;
    avio_closep(&out->pb);
    avformat_free_context(out);
  }

  bool open(const Segment& seg, std::string* error) {
    int rc = avformat_alloc_output_context2(&out, nullptr, "mp4", path.c_str());
    if (rc < 0) {
      *error = "mp4 muxer: " + av_error(rc);
      return false;
    }
    for (const Track& t : seg.tracks) {
      AVStream* st = avformat_new_stream(out, nullptr);
      avcodec_parameters_copy(st->codecpar, t.par.get());
      st->codecpar->codec_tag = 0;  // TS stream types mean nothing in MP4
      st->time_base = t.time_base;  // a hint; the muxer picks its own in write_header
      in_time_base.push_back(t.time_base);
      last_dts.push_back(INT64_MIN);
    }
    if ((rc = avio_open(&out->pb, path.c_str(), AVIO_FLAG_WRITE)) < 0) {
      *error = "create: " + av_error(rc);
      return false;
    }
    // Fragmented: the moov (empty) goes first and each segment becomes a moof + mdat, so the
    // file plays while it grows and nothing needs rewriting at the end. The muxer turns the
    // Annex B SPS/PPS from TS into avcC and Annex B samples into length-prefixed ones.
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "movflags", "+frag_keyframe+empty_moov+default_base_moof", 0);
    rc = avformat_write_header(out, &opts);
    av_dict_free(&opts);
    if (rc < 0) {
      *error = "header: " + av_error(rc);
      return false;
    }
    return true;
  }

  // Appends a segment. Timestamps keep the source's spacing (A/V sync as published); only a
  // jump (another timeline, a wrap) re-anchors the segment to follow the file's end.
  bool append(Segment& seg, std::string* error) {
    if (segments == 0) {
      offset_us = seg.start_us;
    } else if (std::abs(seg.start_us - source_end_us) > 1'000'000) {
      offset_us = seg.start_us - end_us;
    }
    struct Item {
      AVPacket* pkt;
      size_t stream;
      int64_t dts_us;
    };
    std::vector<Item> items;
    for (size_t i = 0; i < seg.tracks.size(); ++i) {
      for (auto& p : seg.tracks[i].packets)
        items.push_back({p.get(), i, to_us(p->dts, in_time_base[i])});
    }
    // Interleaved by time here: av_write_frame has no queue to hold a whole segment back.
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.dts_us < b.dts_us; });
    int skipped = 0;
    for (const Item& it : items) {
      AVPacket* p = it.pkt;
      const AVRational in_tb = in_time_base[it.stream];
      const AVRational out_tb = out->streams[it.stream]->time_base;
      const int64_t offset = av_rescale_q(offset_us, AV_TIME_BASE_Q, in_tb);
      p->pts -= offset;
      p->dts -= offset;
      const int64_t file_end_us = to_us(p->dts + p->duration, in_tb);
      av_packet_rescale_ts(p, in_tb, out_tb);
      p->stream_index = static_cast<int>(it.stream);
      p->pos = -1;
      if (p->dts <= last_dts[it.stream]) {  // would break the sample table: never written
        skipped++;
        continue;
      }
      last_dts[it.stream] = p->dts;
      end_us = std::max(end_us, file_end_us);
      const int rc = av_write_frame(out, p);
      if (rc < 0) {
        *error = "write: " + av_error(rc);
        return false;
      }
    }
    if (skipped > 0) log("mp4")->warn("{}: {} packets out of order left out", path, skipped);
    // Close the fragment now, not at the next keyframe: a reader sees the whole segment.
    av_write_frame(out, nullptr);
    avio_flush(out->pb);
    if (out->pb->error < 0) {
      *error = "write: " + av_error(out->pb->error);
      return false;
    }
    source_end_us = seg.end_us;
    segments++;
    return true;
  }

  bool close(std::string* error) {
    const int rc = av_write_trailer(out);
    avio_closep(&out->pb);
    if (rc < 0) *error = "trailer: " + av_error(rc);
    return rc >= 0;
  }
};

Mp4Recorder::Mp4Recorder(std::string dir, std::string broadcast_id, std::chrono::seconds split,
                         size_t max_queue)
    : dir_(std::move(dir)),
      spool_(dir_ + "/.spool"),
      id_(std::move(broadcast_id)),
      split_(split),
      max_queue_(std::max<size_t>(1, max_queue)) {
  // Registers the logger on this (the loop's) thread: workers of two recorders creating it at
  // the same moment would both try to register it, and spdlog throws on the second.
  log("mp4");
  std::error_code ec;
  std::filesystem::remove_all(spool_, ec);  // links left by a crash: their segments are gone
  std::filesystem::create_directories(spool_, ec);
  if (ec) log("mp4")->error("broadcast {}: cannot create {}: {}", id_, spool_, ec.message());
  worker_ = std::thread([this] { work(); });
}

Mp4Recorder::~Mp4Recorder() {
  finish();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
  std::error_code ec;
  std::filesystem::remove(spool_, ec);  // only if empty
}

void Mp4Recorder::add_segment(const std::string& ts_path, double duration_s) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    const auto waiting = std::count_if(queue_.begin(), queue_.end(),
                                       [](const Job& j) { return j.kind == Job::Kind::segment; });
    if (static_cast<size_t>(waiting) >= max_queue_) {
      if (!dropped_) {
        log("mp4")->warn(
            "broadcast {}: mp4 writer {} segments behind, dropping {}; the file is cut there", id_,
            waiting, ts_path);
      }
      dropped_ = true;
      return;
    }
  }
  // A hard link is a directory entry, no data copied: cheap enough for the loop.
  const std::string name = std::filesystem::path(ts_path).filename().string();
  const std::string link = spool_ + "/" + std::to_string(spooled_++) + "-" + name;
  std::error_code ec;
  std::filesystem::create_hard_link(ts_path, link, ec);
  Job job{.kind = Job::Kind::segment,
          .path = ec ? ts_path : link,
          .spooled = !ec,
          .duration_s = duration_s};
  std::lock_guard lock(mutex_);
  if (dropped_) {
    dropped_ = false;
    queue_.push_back(Job{.kind = Job::Kind::discontinuity});
  }
  queue_.push_back(std::move(job));
  wake_.notify_one();
}

void Mp4Recorder::discontinuity() {
  push(Job{.kind = Job::Kind::discontinuity});
}

void Mp4Recorder::finish() {
  push(Job{.kind = Job::Kind::finish});
}

void Mp4Recorder::push(Job job) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  queue_.push_back(std::move(job));
  wake_.notify_one();
}

void Mp4Recorder::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

std::vector<std::string> Mp4Recorder::finished_files() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

void Mp4Recorder::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything is written
    Job job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    guarded(Boundary::media, "the MP4 recorder", [&] { run(job); });  // the next job still runs
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  lock.unlock();
  guarded(Boundary::media, "closing an MP4 recording", [this] { close_file("recorder stopped"); });
}

void Mp4Recorder::run(Job& job) {
  switch (job.kind) {
    case Job::Kind::discontinuity:
      close_file("source changed");
      return;
    case Job::Kind::finish:
      close_file("broadcast ended");
      return;
    case Job::Kind::segment:
      break;
  }
  Segment seg;
  std::string error;
  const bool ok = read_segment(job.path, job.duration_s, &seg, &error);
  if (job.spooled) {
    std::error_code ec;
    std::filesystem::remove(job.path, ec);
  }
  if (!ok) {
    log("mp4")->warn("broadcast {}: segment {} skipped: {}", id_, job.path, error);
    close_file("a segment was unreadable");
    return;
  }
  const std::string sig = signature(seg);
  if (file_ && sig != file_->signature) {
    log("mp4")->warn("broadcast {}: codec parameters changed without a discontinuity at {}", id_,
                     job.path);
    close_file("codec parameters changed");
  }
  if (file_ &&
      file_->end_us >= std::chrono::duration_cast<std::chrono::microseconds>(split_).count()) {
    close_file("split");
  }
  if (!file_) {
    auto file = std::make_unique<File>();
    file->path = fmt::format("{}/{}-{}-{}.mp4", dir_, id_, utc_stamp(), ++files_opened_);
    file->signature = sig;
    if (!file->open(seg, &error)) {
      log("mp4")->error("broadcast {}: cannot start {}: {}", id_, file->path, error);
      std::error_code ec;
      std::filesystem::remove(file->path, ec);
      return;
    }
    log("mp4")->info("broadcast {}: recording to {}", id_, file->path);
    file_ = std::move(file);
  }
  if (!file_->append(seg, &error)) {
    log("mp4")->error("broadcast {}: {}: {}", id_, file_->path, error);
    close_file("a write failed");
  }
}

void Mp4Recorder::close_file(const char* why) {
  if (!file_) return;
  std::unique_ptr<File> file = std::move(file_);
  std::string error;
  const bool ok = file->close(&error);
  if (!ok) log("mp4")->error("broadcast {}: {}: {}", id_, file->path, error);
  if (file->segments == 0) {
    std::error_code ec;
    std::filesystem::remove(file->path, ec);
    return;
  }
  log("mp4")->info("broadcast {}: closed {} ({}): {:.1f} s in {} segments", id_, file->path, why,
                   static_cast<double>(file->end_us) / 1e6, file->segments);
  std::lock_guard lock(mutex_);
  finished_.push_back(file->path);
}

}  // namespace livegate::streaming
