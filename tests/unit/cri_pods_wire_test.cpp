// The CRI pod and container messages (ListPodSandbox, StopPodSandbox, RemovePodSandbox,
// ListContainers, ContainerStatus) on hand-built byte vectors. Field numbers are those of
// k8s.io/cri-api pkg/apis/runtime/v1/api.proto; each expected byte is worked out in the comment
// beside it (key = field number << 3 | wire type; 0 varint, 2 length-delimited).
#include <gtest/gtest.h>

#include "cri/messages.h"

using namespace kadm;
using namespace kadm::cri;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

}  // namespace

TEST(CriPodWire, ListPodSandboxRequest) {
  // No filter at all: the field is left out, which lists everything (as kubeadm's nil filter).
  EXPECT_EQ(encode_list_pod_sandbox_request({}), "");
  // state READY is the zero value: the wrapper is present and empty.
  PodSandboxFilter ready;
  ready.state = SandboxState::Ready;
  EXPECT_EQ(encode_list_pod_sandbox_request(ready),
            bytes({0x0a, 0x02,     // filter (1, len 2)
                   0x12, 0x00}));  //   state (2, len 0): PodSandboxStateValue{}
  PodSandboxFilter f;
  f.id = "s";
  f.state = SandboxState::NotReady;
  f.label_selector = {{"a", "b"}};
  EXPECT_EQ(encode_list_pod_sandbox_request(f),
            bytes({0x0a, 0x0f,              // filter (1, len 15)
                   0x0a, 0x01, 's',         //   id (1) "s"
                   0x12, 0x02, 0x08, 0x01,  //   state (2) {state (1) = 1 NOTREADY}
                   0x1a, 0x06,              //   label_selector (3) entry, len 6
                   0x0a, 0x01, 'a',         //     key (1) "a"
                   0x12, 0x01, 'b'}));      //     value (2) "b"
}

TEST(CriPodWire, StopAndRemoveRequests) {
  EXPECT_EQ(encode_stop_pod_sandbox_request("abc"), bytes({0x0a, 0x03, 'a', 'b', 'c'}));
  EXPECT_EQ(encode_remove_pod_sandbox_request("abc"), bytes({0x0a, 0x03, 'a', 'b', 'c'}));
  // The replies have no fields; anything that parses is fine, garbage is not.
  EXPECT_TRUE(decode_empty_response("", "StopPodSandboxResponse"));
  EXPECT_TRUE(decode_empty_response(bytes({0x08, 0x01}), "StopPodSandboxResponse"));
  auto bad = decode_empty_response(bytes({0x0a, 0x05, 'x'}), "RemovePodSandboxResponse");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().text().find("RemovePodSandboxResponse"), std::string::npos);
}

TEST(CriPodWire, ListContainersAndStatusRequests) {
  EXPECT_EQ(encode_list_containers_request({}), "");
  ContainerFilter f;
  f.state = ContainerState::Running;
  f.pod_sandbox_id = "p";
  f.label_selector = {{"k", "v"}, {"n", "m"}};
  EXPECT_EQ(encode_list_containers_request(f),
            bytes({0x0a, 0x17,                   // filter (1, len 23)
                   0x12, 0x02, 0x08, 0x01,       //   state (2) {state (1) = 1 RUNNING}
                   0x1a, 0x01, 'p',              //   pod_sandbox_id (3) "p"
                   0x22, 0x06, 0x0a, 0x01, 'k',  //   label_selector (4) {key "k",
                   0x12, 0x01, 'v',              //                       value "v"}
                   0x22, 0x06, 0x0a, 0x01, 'n',  //   label_selector (4) {key "n",
                   0x12, 0x01, 'm'}));           //                       value "m"}
  EXPECT_EQ(encode_container_status_request("c1", false), bytes({0x0a, 0x02, 'c', '1'}));
  EXPECT_EQ(encode_container_status_request("c1", true),
            bytes({0x0a, 0x02, 'c', '1',  // container_id (1)
                   0x10, 0x01}));         // verbose (2) true
}

TEST(CriPodWire, ListPodSandboxResponse) {
  auto sandbox = bytes({
      0x0a, 0x02, 's',  '1',                         // id (1) "s1"
      0x12, 0x0c,                                    // metadata (2), len 12
      0x0a, 0x01, 'n',                               //   name (1) "n"
      0x12, 0x01, 'u',                               //   uid (2) "u"
      0x1a, 0x02, 'k',  's',                         //   namespace (3) "ks"
      0x20, 0x02,                                    //   attempt (4) 2
      0x18, 0x01,                                    // state (3) 1 NOTREADY
      0x20, 0xac, 0x02,                              // created_at (4) 300
      0x2a, 0x06, 0x0a, 0x01, 'k', 0x12, 0x01, 'v',  // labels (5) {k: v}
      0x32, 0x06, 0x0a, 0x01, 'a', 0x12, 0x01, 'b',  // annotations (6) {a: b}
      0x3a, 0x01, 'r',                               // runtime_handler (7): not modelled, skipped
      0xf8, 0x06, 0x01,                              // field 111, varint: unknown, skipped
  });
  auto second = bytes({0x0a, 0x02, 's', '2'});  // only an id: everything else defaults
  auto reply = bytes({0x0a, static_cast<int>(sandbox.size())}) + sandbox +
               bytes({0x0a, static_cast<int>(second.size())}) + second;
  auto items = decode_list_pod_sandbox_response(reply);
  ASSERT_TRUE(items) << items.error().text();
  ASSERT_EQ(items->size(), 2u);
  const auto& p = (*items)[0];
  EXPECT_EQ(p.id, "s1");
  EXPECT_EQ(p.metadata.name, "n");
  EXPECT_EQ(p.metadata.uid, "u");
  EXPECT_EQ(p.metadata.namespace_, "ks");
  EXPECT_EQ(p.metadata.attempt, 2u);
  EXPECT_EQ(p.state, SandboxState::NotReady);
  EXPECT_EQ(p.created_at, 300);
  EXPECT_EQ(p.labels, (StringMap{{"k", "v"}}));
  EXPECT_EQ(p.annotations, (StringMap{{"a", "b"}}));
  EXPECT_EQ((*items)[1].id, "s2");
  EXPECT_EQ((*items)[1].state, SandboxState::Ready);
  EXPECT_TRUE(decode_list_pod_sandbox_response("")->empty());

  // A schema mismatch (items as a varint) or a truncated item is an error, not a guess.
  EXPECT_FALSE(decode_list_pod_sandbox_response(bytes({0x08, 0x01})));
  EXPECT_FALSE(decode_list_pod_sandbox_response(bytes({0x0a, 0x03, 0x0a, 0x05, 's'})));
}

TEST(CriPodWire, ListContainersResponse) {
  auto container = bytes({
      0x0a, 0x02, 'c',  '1',                         // id (1) "c1"
      0x12, 0x02, 's',  '1',                         // pod_sandbox_id (2) "s1"
      0x1a, 0x05, 0x0a, 0x01, 'x', 0x10, 0x03,       // metadata (3) {name "x", attempt 3}
      0x22, 0x03, 0x0a, 0x01, 'i',                   // image (4) ImageSpec {image (1) "i"}
      0x2a, 0x01, 'r',                               // image_ref (5) "r"
      0x30, 0x02,                                    // state (6) 2 EXITED
      0x38, 0x05,                                    // created_at (7) 5
      0x42, 0x06, 0x0a, 0x01, 'k', 0x12, 0x01, 'v',  // labels (8) {k: v}
      0x4a, 0x06, 0x0a, 0x01, 'a', 0x12, 0x01, '7',  // annotations (9) {a: 7}
  });
  auto reply = bytes({0x0a, static_cast<int>(container.size())}) + container;
  auto items = decode_list_containers_response(reply);
  ASSERT_TRUE(items) << items.error().text();
  ASSERT_EQ(items->size(), 1u);
  const auto& c = (*items)[0];
  EXPECT_EQ(c.id, "c1");
  EXPECT_EQ(c.pod_sandbox_id, "s1");
  EXPECT_EQ(c.metadata.name, "x");
  EXPECT_EQ(c.metadata.attempt, 3u);
  EXPECT_EQ(c.image, "i");
  EXPECT_EQ(c.image_ref, "r");
  EXPECT_EQ(c.state, ContainerState::Exited);
  EXPECT_EQ(c.created_at, 5);
  EXPECT_EQ(c.labels, (StringMap{{"k", "v"}}));
  EXPECT_EQ(c.annotations, (StringMap{{"a", "7"}}));
  // A state kadm does not know yet reads as UNKNOWN.
  auto later = bytes({0x0a, 0x02, 0x30, 0x09});
  EXPECT_EQ(decode_list_containers_response(later)->at(0).state, ContainerState::Unknown);
}

TEST(CriPodWire, ContainerStatusResponse) {
  auto status = bytes({
      0x0a, 0x02, 'c',  '1',                         // id (1)
      0x12, 0x03, 0x0a, 0x01, 'x',                   // metadata (2) {name "x"}
      0x18, 0x02,                                    // state (3) EXITED
      0x20, 0x01,                                    // created_at (4) 1
      0x28, 0x02,                                    // started_at (5) 2
      0x30, 0x03,                                    // finished_at (6) 3
      0x38, 0x89, 0x01,                              // exit_code (7) 137
      0x42, 0x03, 0x0a, 0x01, 'i',                   // image (8) {image "i"}
      0x4a, 0x01, 'r',                               // image_ref (9)
      0x52, 0x05, 'E',  'r',  'r', 'o',  'r',        // reason (10) "Error"
      0x5a, 0x02, 'o',  'h',                         // message (11) "oh"
      0x62, 0x06, 0x0a, 0x01, 'k', 0x12, 0x01, 'v',  // labels (12)
      0x6a, 0x29,                                    // annotations (13), len 41
      0x0a, 0x24,                                    //   key (1), 36 bytes
      'i',  'o',  '.',  'k',  'u', 'b',  'e',  'r', 'n', 'e', 't',  'e',  's',
      '.',  'c',  'o',  'n',  't', 'a',  'i',  'n', 'e', 'r', '.',  'r',  'e',
      's',  't',  'a',  'r',  't', 'C',  'o',  'u', 'n', 't', 0x12, 0x01, '4',  //   value (2) "4"
      0x72, 0x00,                                    // mounts (14): not modelled
      0x7a, 0x06, '/',  'l',  '/', '0',  '.',  'l',  // log_path (15) "/l/0.l"
  });
  auto reply = bytes({0x0a, static_cast<int>(status.size())}) + status +
               bytes({0x12, 0x00});  // info (2): not modelled
  auto s = decode_container_status_response(reply);
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(s->id, "c1");
  EXPECT_EQ(s->metadata.name, "x");
  EXPECT_EQ(s->state, ContainerState::Exited);
  EXPECT_EQ(s->created_at, 1);
  EXPECT_EQ(s->started_at, 2);
  EXPECT_EQ(s->finished_at, 3);
  EXPECT_EQ(s->exit_code, 137);
  EXPECT_EQ(s->image, "i");
  EXPECT_EQ(s->image_ref, "r");
  EXPECT_EQ(s->reason, "Error");
  EXPECT_EQ(s->message, "oh");
  EXPECT_EQ(s->labels, (StringMap{{"k", "v"}}));
  EXPECT_EQ(s->annotations, (StringMap{{"io.kubernetes.container.restartCount", "4"}}));
  EXPECT_EQ(s->log_path, "/l/0.l");

  // int32 -1 travels sign-extended to ten bytes.
  auto negative =
      bytes({0x0a, 0x0b, 0x38, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  EXPECT_EQ(decode_container_status_response(negative)->exit_code, -1);
  // int64 timestamps too.
  auto before_epoch =
      bytes({0x0a, 0x0b, 0x20, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  EXPECT_EQ(decode_container_status_response(before_epoch)->created_at, -2);

  auto none = decode_container_status_response(bytes({0x12, 0x00}));
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().text().find("no status"), std::string::npos);
}

TEST(CriPodWire, StateNamesAsCrictlPrintsThem) {
  EXPECT_EQ(to_string(SandboxState::Ready), "SANDBOX_READY");
  EXPECT_EQ(to_string(SandboxState::NotReady), "SANDBOX_NOTREADY");
  EXPECT_EQ(to_string(ContainerState::Created), "CONTAINER_CREATED");
  EXPECT_EQ(to_string(ContainerState::Running), "CONTAINER_RUNNING");
  EXPECT_EQ(to_string(ContainerState::Exited), "CONTAINER_EXITED");
  EXPECT_EQ(to_string(ContainerState::Unknown), "CONTAINER_UNKNOWN");
}
