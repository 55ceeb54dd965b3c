// Token discovery's check of the cluster-info ConfigMap (join/discovery.cpp): the JWS signature
// over the kubeconfig, the kubeconfig itself and the CA pins. The fuzzed kubeconfig is signed
// with the join token (so parsing and pinning are reached) or carries a forged signature; the
// pins are the seed CA's, a fuzzed hash or none. Whatever the input: a forged signature is never
// accepted, and an accepted CA is always one the pins name.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>
#include <nlohmann/json.hpp>

#include "certs/pin.h"
#include "certs/x509.h"
#include "common/strings.h"
#include "join/discovery.h"
#include "token/jws.h"

namespace {

using namespace kadm;

const token::TokenString kToken{"abcdef", "0123456789abcdef"};
// The public key pin of the CA in tests/fuzz/corpus/cluster_info/*.
constexpr const char* kSeedCaPin =
    "sha256:dfd16a7064fb7780a8866352b400c39ecbd8a59e1447c1417fdc88666bf3358a";

bool ca_is_pinned(const std::string& ca_pem, const std::string& pin) {
  auto certs = certs::load_certificates(ca_pem);
  if (!certs) return false;
  for (auto& c : *certs) {
    if (certs::public_key_pin(c.get()) == str::lower(pin)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const auto signature_mode = in.ConsumeIntegralInRange<int>(0, 3);
  const auto pin_mode = in.ConsumeIntegralInRange<int>(0, 3);
  std::string forged = signature_mode == 1 ? in.ConsumeRandomLengthString(128) : "";
  std::string pin = pin_mode == 2 ? in.ConsumeRandomLengthString(80) : kSeedCaPin;
  const std::string kubeconfig = in.ConsumeRemainingBytesAsString();

  auto real = token::detached_signature(kubeconfig, kToken.id, kToken.secret);
  if (!real) std::abort();
  std::string signature;
  switch (signature_mode) {
    case 0:
    case 3:
      signature = *real;
      break;
    case 1:
      signature = forged;
      break;
    default:  // none: the token is unknown to this cluster
      break;
  }
  nlohmann::json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}};
  cm["data"]["kubeconfig"] = kubeconfig;
  if (!signature.empty())
    cm["data"][std::string(token::kSignatureKeyPrefix) + kToken.id] = signature;

  certs::PinSet pins;
  if (pin_mode != 3 && !pins.allow(pin)) pin.clear();
  const bool skip_ca_verification = pin_mode == 3 && signature_mode == 3;

  auto found = join::verify_cluster_info(cm, kToken, pins, skip_ca_verification);
  if (!found) return 0;
  if (signature != *real) std::abort();  // forged or missing, and still accepted
  if (found->ca_pem.empty() || found->server.empty()) std::abort();
  if (pins.empty()) {
    if (!skip_ca_verification) std::abort();
  } else if (!ca_is_pinned(found->ca_pem, pin)) {
    std::abort();
  }
  return 0;
}
