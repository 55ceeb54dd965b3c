// gRPC framing and reply interpretation, as the CRI client applies them to what comes back over
// HTTP/2: the grpc-status and grpc-message headers and the length-prefixed body. Anything must
// give a CallResult or an Error; a message framed by kadm unframes to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "cri/grpc.h"

using namespace kadm::cri;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  grpc::RawReply reply;
  reply.http_status = in.ConsumeBool() ? 200 : in.ConsumeIntegral<long>();
  if (in.ConsumeBool()) reply.headers["grpc-status"] = in.ConsumeRandomLengthString(16);
  if (in.ConsumeBool()) reply.headers["grpc-message"] = in.ConsumeRandomLengthString(256);
  if (in.ConsumeBool()) reply.headers["content-type"] = in.ConsumeRandomLengthString(64);
  reply.body = in.ConsumeRemainingBytesAsString();

  if (auto r = grpc::interpret(reply); r && !r->ok() && !r->response.empty()) std::abort();
  (void)grpc::code_name(static_cast<int>(size));

  // frame/unframe: the body as a message round-trips; the body as a frame either unframes to a
  // message that frames back to exactly the body, or is refused.
  auto same = grpc::unframe(grpc::frame(reply.body));
  if (!same || *same != reply.body) std::abort();
  if (auto msg = grpc::unframe(reply.body); msg && grpc::frame(*msg) != reply.body) std::abort();
  auto decoded = grpc::percent_decode(reply.body);
  if (decoded.size() > reply.body.size()) std::abort();
  return 0;
}
