// The kubeconfig reader (apiclient/kubeconfig_reader.cpp) on any text, as it treats a kubeconfig
// that does not come from this host (a discovery file downloaded over https, cluster-info): file
// references are refused, so nothing on this host is read, whichever cluster rule picks the
// cluster. Whatever the input: an error, or a Kubeconfig that names no local file and has a
// server.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "apiclient/kubeconfig_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kadm::apiclient;
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  for (auto choice : {ClusterChoice::CurrentContext, ClusterChoice::UnnamedOrCurrentContext,
                      ClusterChoice::SoleCluster}) {
    ReadOptions o;
    o.source = "fuzz.conf";
    o.base_dir = "/nonexistent";
    o.references = FileReferences::Refuse;
    o.cluster = choice;
    auto kc = read_kubeconfig(yaml, o);
    if (!kc) continue;
    if (!kc->ca_file.empty() || !kc->client_cert_file.empty() || !kc->client_key_file.empty() ||
        !kc->token_file.empty()) {
      std::abort();  // a kubeconfig from elsewhere made kadm read a local file
    }
    if (kc->server.empty()) std::abort();
    (void)kc->host_port();
  }
  return 0;
}
