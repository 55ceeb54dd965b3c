#pragma once
// The upload-certs certificate key and the AES-256-GCM sealing of the kubeadm-certs Secret
// (spec §6.3): sealed = nonce(12) || ciphertext || tag(16), no additional data.

#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm::token {

inline constexpr size_t kCertificateKeyBytes = 32;
inline constexpr size_t kGcmNonceBytes = 12;
inline constexpr size_t kGcmTagBytes = 16;

// 32 random bytes as 64 lower-case hex characters.
Result<std::string> generate_certificate_key();
// The 32 raw key bytes of a 64-hex-character certificate key (upper case accepted).
Result<std::string> decode_certificate_key(std::string_view hex);

// `key` is the 32 raw bytes. The nonce is random, so two seals of the same data differ.
Result<std::string> seal(std::string_view key, std::string_view plaintext);
Result<std::string> open(std::string_view key, std::string_view sealed);

}  // namespace kadm::token
