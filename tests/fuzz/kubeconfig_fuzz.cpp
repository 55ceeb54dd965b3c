// The kubeconfig reader (apiclient/kubeconfig_reader.cpp) on any text, as it treats a discovery
// file downloaded over https: file references are refused, so nothing on this host is read.
// Whatever the input: an error, or a Kubeconfig that names no local file and has a server.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "apiclient/kubeconfig_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto kc = kadm::apiclient::parse_kubeconfig(yaml, "fuzz.conf", "/nonexistent",
                                              kadm::apiclient::FileReferences::Refuse);
  if (!kc) return 0;
  if (!kc->ca_file.empty() || !kc->client_cert_file.empty() || !kc->client_key_file.empty() ||
      !kc->token_file.empty()) {
    std::abort();  // a downloaded kubeconfig made kadm read a local file
  }
  if (kc->server.empty()) std::abort();
  (void)kc->host_port();
  return 0;
}
