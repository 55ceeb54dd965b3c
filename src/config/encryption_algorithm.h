#pragma once
// The encryptionAlgorithm values: the one table of their configuration spelling and the key each
// stands for, read by the config binding (names) and by key generation (sizes and curves).

#include <array>
#include <optional>
#include <string_view>

#include "config/types.h"

namespace kadm::config {

struct EncryptionAlgorithmInfo {
  EncryptionAlgorithm algorithm;
  std::string_view name;   // as written in ClusterConfiguration.encryptionAlgorithm
  int rsa_bits;            // 0 for ECDSA
  std::string_view curve;  // OpenSSL's curve name; "" for RSA
};

inline constexpr std::array kEncryptionAlgorithms{
    EncryptionAlgorithmInfo{EncryptionAlgorithm::RSA2048, "RSA-2048", 2048, ""},
    EncryptionAlgorithmInfo{EncryptionAlgorithm::RSA3072, "RSA-3072", 3072, ""},
    EncryptionAlgorithmInfo{EncryptionAlgorithm::RSA4096, "RSA-4096", 4096, ""},
    EncryptionAlgorithmInfo{EncryptionAlgorithm::ECDSAP256, "ECDSA-P256", 0, "P-256"},
    EncryptionAlgorithmInfo{EncryptionAlgorithm::ECDSAP384, "ECDSA-P384", 0, "P-384"},
};

constexpr const EncryptionAlgorithmInfo* find_encryption_algorithm(EncryptionAlgorithm a) {
  for (const auto& info : kEncryptionAlgorithms) {
    if (info.algorithm == a) return &info;
  }
  return nullptr;
}

constexpr const EncryptionAlgorithmInfo* find_encryption_algorithm(std::string_view name) {
  for (const auto& info : kEncryptionAlgorithms) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

// "RSA-2048", "ECDSA-P256", ...; "unknown" for a value outside the enum.
constexpr std::string_view encryption_algorithm_name(EncryptionAlgorithm a) {
  const auto* info = find_encryption_algorithm(a);
  return info ? info->name : "unknown";
}

}  // namespace kadm::config
