// Which codecs livegate answers in a WHIP offer, and the refusals for offers it cannot take.

#include <gtest/gtest.h>

#include "livegate/streaming/whip_offer.h"

using namespace livegate::streaming;

namespace {

// Shaped like Chromium's offer: BUNDLE, Opus first among audio codecs, VP8 first among video,
// then H.264 in packetization modes 1 and 0, RTX for each.
std::string offer(const std::string& audio_formats, const std::string& video_formats,
                  const std::string& video_direction = "sendonly") {
  std::string sdp =
      "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      "a=group:BUNDLE 0 1\r\na=msid-semantic: WMS stream\r\n"
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
      "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n";
  if (!audio_formats.empty()) {
    sdp += "m=audio 9 UDP/TLS/RTP/SAVPF " + audio_formats +
           "\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
           "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
           "a=rtpmap:0 PCMU/8000\r\n";
  }
  sdp += "m=video 9 UDP/TLS/RTP/SAVPF " + video_formats +
         "\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=" + video_direction +
         "\r\na=rtcp-mux\r\n"
         "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\n"
         "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
         "a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack pli\r\n"
         "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
         "a=rtpmap:104 H264/90000\r\n"
         "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
         "a=rtpmap:108 H264/90000\r\na=rtcp-fb:108 nack pli\r\n"
         "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";
  return sdp;
}

}  // namespace

TEST(WhipOffer, PicksConstrainedBaselineH264InPacketizationMode1AndOpus) {
  std::string error;
  auto o = read_whip_offer(offer("111 0", "96 97 102 104 108"), &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->video_codec, WhipVideoCodec::h264);
  EXPECT_EQ(o->video.payload, 108);
  EXPECT_EQ(o->video.mline, 1u);
  EXPECT_NE(o->video.rtp_caps.find("application/x-rtp"), std::string::npos) << o->video.rtp_caps;
  EXPECT_NE(o->video.rtp_caps.find("nack-pli"), std::string::npos) << "keyframe requests must survive";
  ASSERT_TRUE(o->audio);
  EXPECT_EQ(o->audio->payload, 111);
  EXPECT_EQ(o->audio->mline, 0u);
}

TEST(WhipOffer, AnyPacketizationMode1H264BeforeVp8) {
  std::string error;
  auto o = read_whip_offer(offer("111", "96 97 102 104"), &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->video_codec, WhipVideoCodec::h264);
  EXPECT_EQ(o->video.payload, 102);
}

TEST(WhipOffer, Vp8WhenThereIsNoUsableH264) {
  std::string error;
  auto o = read_whip_offer(offer("111", "96 97 104"), &error);  // 104 is packetization-mode 0
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->video_codec, WhipVideoCodec::vp8);
  EXPECT_EQ(o->video.payload, 96);
}

TEST(WhipOffer, VideoWithoutAudioIsFine) {
  std::string error;
  auto o = read_whip_offer(offer("", "96"), &error);
  ASSERT_TRUE(o) << error;
  EXPECT_FALSE(o->audio);
  EXPECT_EQ(o->video.mline, 0u);
}

TEST(WhipOffer, RefusalsSayWhy) {
  std::string error;
  EXPECT_FALSE(read_whip_offer("", &error));
  EXPECT_NE(error.find("not an SDP offer"), std::string::npos);
  EXPECT_FALSE(read_whip_offer("hello there", &error));
  EXPECT_FALSE(read_whip_offer("v=0\r\nthis is not sdp at all\r\n", &error));
  EXPECT_FALSE(error.empty());

  EXPECT_FALSE(read_whip_offer(offer("111", "97"), &error));  // only RTX
  EXPECT_NE(error.find("no supported video codec"), std::string::npos) << error;
  EXPECT_FALSE(read_whip_offer(offer("0", "96"), &error));  // PCMU only
  EXPECT_NE(error.find("Opus"), std::string::npos) << error;
  EXPECT_FALSE(read_whip_offer(offer("111", "96", "recvonly"), &error));
  EXPECT_NE(error.find("sendonly"), std::string::npos) << error;

  std::string audio_only = offer("111", "96");
  audio_only = audio_only.substr(0, audio_only.find("m=video"));
  EXPECT_FALSE(read_whip_offer(audio_only, &error));
  EXPECT_NE(error.find("no video track"), std::string::npos) << error;

  std::string two_videos = offer("", "96") + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=rtpmap:96 VP8/90000\r\n";
  EXPECT_FALSE(read_whip_offer(two_videos, &error));
  EXPECT_NE(error.find("one video track"), std::string::npos) << error;

  std::string no_ice = offer("111", "96");
  no_ice.erase(no_ice.find("a=ice-ufrag"), no_ice.find("a=ice-pwd") - no_ice.find("a=ice-ufrag"));
  EXPECT_FALSE(read_whip_offer(no_ice, &error));
  EXPECT_NE(error.find("ice-ufrag"), std::string::npos) << error;

  std::string data = offer("111", "96") + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\n";
  EXPECT_FALSE(read_whip_offer(data, &error));
  EXPECT_NE(error.find("m=application"), std::string::npos) << error;
}

TEST(WhipOffer, HostilePayloadNumbersAreIgnored) {
  std::string error;
  std::string sdp = offer("111", "96");
  const auto at = sdp.find("m=video 9 UDP/TLS/RTP/SAVPF 96");
  sdp.replace(at, std::string("m=video 9 UDP/TLS/RTP/SAVPF 96").size(), "m=video 9 UDP/TLS/RTP/SAVPF -1 99999 x 96");
  auto o = read_whip_offer(sdp, &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->video.payload, 96);
}

// Found by the whip_offer fuzz target (LeakSanitizer): a body starting with a NUL byte is an
// empty C string to GStreamer, whose parser fails after allocating the message, which was then
// never freed (one leak per refused POST). The sanitizer stage's LeakSanitizer checks this test.
TEST(WhipOffer, AnOfferGStreamerCannotParseIsRefusedWithoutALeak) {
  std::string error;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(read_whip_offer(std::string("\0v=0\r\n", 6), &error));
    EXPECT_EQ(error, "the SDP offer cannot be parsed");
  }
}
