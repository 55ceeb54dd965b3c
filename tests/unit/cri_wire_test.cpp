// The CRI client's wire format on hand-built byte vectors: protobuf fields, gRPC framing, the
// CRI messages, reply interpretation. Malformed input must give an error value, never a crash.
#include <gtest/gtest.h>

#include <random>

#include "cri/grpc.h"
#include "cri/messages.h"
#include "cri/protobuf.h"

using namespace kadm;
using namespace kadm::cri;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

// A length-delimited field: key, one-byte length, payload (payloads here are < 128 bytes).
std::string len_field(int number, const std::string& payload) {
  return bytes({(number << 3) | 2, static_cast<int>(payload.size())}) + payload;
}

}  // namespace

TEST(Protobuf, WritesCanonicalFields) {
  EXPECT_EQ(pb::Writer().varint(1, 1).bytes(), bytes({0x08, 0x01}));
  EXPECT_EQ(pb::Writer().varint(2, 300).bytes(), bytes({0x10, 0xac, 0x02}));
  EXPECT_EQ(pb::Writer().varint(1, 0).bytes(), "");  // proto3 leaves defaults out
  EXPECT_EQ(pb::Writer().boolean(1, false).bytes(), "");
  EXPECT_EQ(pb::Writer().string(1, "v1").bytes(), bytes({0x0a, 0x02, 'v', '1'}));
  EXPECT_EQ(pb::Writer().message(1, pb::Writer()).bytes(), bytes({0x0a, 0x00}));
  EXPECT_EQ(pb::Writer().varint(1, UINT64_MAX).bytes(),
            bytes({0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

TEST(Protobuf, ParsesEveryWireTypeItNeeds) {
  auto msg = bytes({0x08, 0x96, 0x01,                        // 1: varint 150
                    0x12, 0x03, 'a',  'b', 'c',              // 2: "abc"
                    0x19, 1,    0,    0,   0,   0, 0, 0, 0,  // 3: fixed64 1
                    0x25, 2,    0,    0,   0,                // 4: fixed32 2
                    0x12, 0x00});                            // 2 again: ""
  auto fields = pb::parse(msg);
  ASSERT_TRUE(fields) << fields.error().text();
  ASSERT_EQ(fields->size(), 5u);
  EXPECT_EQ((*fields)[0].number, 1);
  EXPECT_EQ((*fields)[0].varint, 150u);
  EXPECT_EQ((*fields)[1].bytes, "abc");
  EXPECT_EQ((*fields)[2].varint, 1u);
  EXPECT_EQ((*fields)[3].type, pb::WireType::Fixed32);
  EXPECT_EQ((*fields)[3].varint, 2u);
  EXPECT_EQ((*fields)[4].bytes, "");
  EXPECT_TRUE(pb::parse("")->empty());
}

TEST(Protobuf, MalformedInputIsAnError) {
  const std::string cases[] = {
      bytes({0x08}),                                // varint value missing
      bytes({0x08, 0x80}),                          // truncated varint
      bytes({0x0a, 0x05, 'a', 'b'}),                // length beyond the end
      bytes({0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f}),  // huge length
      bytes({0x0b}),                                // group start
      bytes({0x0c}),                                // group end
      bytes({0x0e}),                                // wire type 6
      bytes({0x00, 0x01}),                          // field number 0
      bytes({0x19, 1, 2, 3}),                       // truncated fixed64
      bytes({0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}),  // > 64 bits
      bytes({0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}),
  };
  for (const auto& c : cases) {
    auto r = pb::parse(c);
    EXPECT_FALSE(r) << "accepted " << c.size() << " bytes";
    if (!r) {
      EXPECT_NE(r.error().text().find("malformed protobuf"), std::string::npos);
    }
  }
}

TEST(GrpcFrame, PrefixIsFlagAndBigEndianLength) {
  EXPECT_EQ(grpc::frame(""), bytes({0, 0, 0, 0, 0}));
  EXPECT_EQ(grpc::frame("abc"), bytes({0, 0, 0, 0, 3, 'a', 'b', 'c'}));
  EXPECT_EQ(grpc::frame(std::string(258, 'x')).substr(0, 5), bytes({0, 0, 0, 1, 2}));
  EXPECT_EQ(*grpc::unframe(bytes({0, 0, 0, 0, 2, 'h', 'i'})), "hi");
  EXPECT_EQ(*grpc::unframe(grpc::frame(std::string(70000, 'y'))), std::string(70000, 'y'));
}

TEST(GrpcFrame, RejectsWhatIsNotOneUncompressedMessage) {
  EXPECT_FALSE(grpc::unframe(""));
  EXPECT_FALSE(grpc::unframe(bytes({0, 0, 0})));
  EXPECT_FALSE(grpc::unframe(bytes({1, 0, 0, 0, 1, 'x'})));         // compressed
  EXPECT_FALSE(grpc::unframe(bytes({7, 0, 0, 0, 1, 'x'})));         // bad flag
  EXPECT_FALSE(grpc::unframe(bytes({0, 0, 0, 0, 5, 'x'})));         // short
  EXPECT_FALSE(grpc::unframe(bytes({0, 0, 0, 0, 1, 'x', 'y'})));    // trailing bytes
  EXPECT_FALSE(grpc::unframe(bytes({0, 0xff, 0xff, 0xff, 0xff})));  // absurd length
}

TEST(GrpcReply, StatusFromTrailersOrHeaders) {
  grpc::RawReply ok{200,
                    {{"content-type", "application/grpc"}, {"grpc-status", "0"}},
                    grpc::frame(bytes({0x0a, 0x02, 'v', '1'}))};
  auto r = grpc::interpret(ok);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->response, bytes({0x0a, 0x02, 'v', '1'}));

  // Trailers-only reply, as containerd 1.6 sends for RuntimeConfig.
  grpc::RawReply unimplemented{
      200,
      {{"grpc-status", "12"},
       {"grpc-message", "unknown method RuntimeConfig for service runtime.v1.RuntimeService"}},
      ""};
  r = grpc::interpret(unimplemented);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, static_cast<int>(grpc::Code::Unimplemented));
  EXPECT_EQ(r->message, "unknown method RuntimeConfig for service runtime.v1.RuntimeService");
  EXPECT_EQ(grpc::code_name(r->code), "UNIMPLEMENTED");

  grpc::RawReply encoded{
      200, {{"grpc-status", "5"}, {"grpc-message", "image %22x%22 not found%"}}, ""};
  EXPECT_EQ(grpc::interpret(encoded)->message, "image \"x\" not found%");
}

TEST(GrpcReply, NotGrpcIsAnError) {
  EXPECT_FALSE(grpc::interpret({404, {{"grpc-status", "0"}}, ""}));
  EXPECT_FALSE(grpc::interpret({200, {}, grpc::frame("")}));
  EXPECT_FALSE(grpc::interpret({200, {{"grpc-status", "zero"}}, ""}));
  EXPECT_FALSE(grpc::interpret({200, {{"grpc-status", "-1"}}, ""}));
  EXPECT_FALSE(grpc::interpret({200, {{"grpc-status", "0"}}, bytes({0, 0, 0, 0, 9})}));
  EXPECT_EQ(grpc::code_name(99), "code 99");
  EXPECT_EQ(grpc::percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
}

TEST(CriMessages, RequestsCarryTheImageSpec) {
  EXPECT_EQ(encode_version_request("v1"), bytes({0x0a, 0x02, 'v', '1'}));
  EXPECT_EQ(encode_status_request(false), "");
  EXPECT_EQ(encode_status_request(true), bytes({0x08, 0x01}));
  EXPECT_EQ(encode_runtime_config_request(), "");
  // ImageStatusRequest{image: ImageSpec{image: "pause:3.10"}}
  auto want = bytes({0x0a, 0x0c, 0x0a, 0x0a}) + "pause:3.10";
  EXPECT_EQ(encode_image_status_request("pause:3.10"), want);
  EXPECT_EQ(encode_pull_image_request("pause:3.10"), want);
}

TEST(CriMessages, VersionAsContainerdSendsIt) {
  // Recorded from containerd 1.6.20's answer to Version.
  auto reply = len_field(1, "0.1.0") + len_field(2, "containerd") + len_field(3, "1.6.20~ds1") +
               len_field(4, "v1");
  auto v = decode_version_response(reply);
  ASSERT_TRUE(v) << v.error().text();
  EXPECT_EQ(v->version, "0.1.0");
  EXPECT_EQ(v->runtime_name, "containerd");
  EXPECT_EQ(v->runtime_version, "1.6.20~ds1");
  EXPECT_EQ(v->runtime_api_version, "v1");
  // A string field sent as a varint is a schema mismatch, not a silent default.
  EXPECT_FALSE(decode_version_response(bytes({0x10, 0x01})));
  // Unknown fields are skipped.
  EXPECT_EQ(decode_version_response(bytes({0x78, 0x05}) + len_field(2, "crio"))->runtime_name,
            "crio");
}

TEST(CriMessages, StatusConditions) {
  auto runtime_ready = len_field(1, "RuntimeReady") + bytes({0x10, 0x01});
  auto network = len_field(1, "NetworkReady") + len_field(3, "NetworkPluginNotReady") +
                 len_field(4, "cni plugin not initialized");
  auto status = len_field(1, runtime_ready) + len_field(1, network);
  auto info =
      len_field(2, len_field(1, "config") + len_field(2, R"({"sandboxImage":"r/pause:9"})"));
  auto s = decode_status_response(len_field(1, status) + info);
  ASSERT_TRUE(s) << s.error().text();
  ASSERT_EQ(s->conditions.size(), 2u);
  ASSERT_NE(s->condition("RuntimeReady"), nullptr);
  EXPECT_TRUE(s->condition("RuntimeReady")->status);
  EXPECT_FALSE(s->condition("NetworkReady")->status);
  EXPECT_EQ(s->condition("NetworkReady")->reason, "NetworkPluginNotReady");
  EXPECT_EQ(s->condition("NetworkReady")->message, "cni plugin not initialized");
  EXPECT_EQ(s->condition("Other"), nullptr);
  EXPECT_EQ(sandbox_image(*s), "r/pause:9");
  s->info["config"] = "{not json";
  EXPECT_FALSE(sandbox_image(*s));
  s->info["config"] = R"({"sandboxImage":7})";
  EXPECT_FALSE(sandbox_image(*s));
  EXPECT_FALSE(sandbox_image(RuntimeStatus{}));
  // A map entry that is not a message.
  EXPECT_FALSE(decode_status_response(len_field(2, bytes({0x0a, 0x09}))));
  EXPECT_TRUE(decode_status_response("")->conditions.empty());
  // A condition cut short inside the nested message.
  EXPECT_FALSE(decode_status_response(len_field(1, len_field(1, bytes({0x0a, 0x09, 'R'})))));
}

TEST(CriMessages, RuntimeConfigCgroupDriver) {
  EXPECT_EQ(decode_runtime_config_response(bytes({0x0a, 0x02, 0x08, 0x01}))->cgroup_driver,
            CgroupDriver::Cgroupfs);
  // proto3 leaves SYSTEMD (0) out: an empty linux section still says systemd.
  EXPECT_EQ(decode_runtime_config_response(bytes({0x0a, 0x00}))->cgroup_driver,
            CgroupDriver::Systemd);
  EXPECT_FALSE(decode_runtime_config_response("")->cgroup_driver.has_value());
  EXPECT_FALSE(decode_runtime_config_response(bytes({0x0a, 0x02, 0x08, 0x07})));
  EXPECT_EQ(to_string(CgroupDriver::Cgroupfs), "cgroupfs");
}

TEST(CriMessages, ImageStatusAndPull) {
  auto image = len_field(1, "sha256:abc") + len_field(2, "k8s/pause:3.10") +
               len_field(2, "k8s/pause:latest") + len_field(3, "k8s/pause@sha256:def") +
               bytes({0x20, 0xe8, 0x07});
  auto found = decode_image_status_response(len_field(1, image));
  ASSERT_TRUE(found) << found.error().text();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, "sha256:abc");
  EXPECT_EQ((*found)->repo_tags, (std::vector<std::string>{"k8s/pause:3.10", "k8s/pause:latest"}));
  EXPECT_EQ((*found)->repo_digests.size(), 1u);
  EXPECT_EQ((*found)->size, 1000u);
  auto absent = decode_image_status_response("");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->has_value());
  EXPECT_EQ(*decode_pull_image_response(len_field(1, "sha256:abc")), "sha256:abc");
  EXPECT_FALSE(decode_pull_image_response(bytes({0x0a, 0x03, 'x'})));
}

TEST(CriMessages, RandomBytesNeverCrashTheDecoders) {
  std::mt19937 rng(4);
  std::uniform_int_distribution<int> len(0, 40), byte(0, 255);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string in;
    for (int n = len(rng); n > 0; --n) in.push_back(static_cast<char>(byte(rng)));
    accepted += decode_version_response(in).has_value();
    accepted += decode_status_response(in).has_value();
    accepted += decode_runtime_config_response(in).has_value();
    accepted += decode_image_status_response(in).has_value();
    accepted += decode_pull_image_response(in).has_value();
    accepted += grpc::unframe(in).has_value();
  }
  // Some random inputs are valid messages (the empty one at least); most are not.
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 6 * 3000);
}
