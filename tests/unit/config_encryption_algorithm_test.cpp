// The one encryptionAlgorithm table: the config binding reads and prints its names, key
// generation makes the key each row stands for.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "certs/keys.h"
#include "config/encryption_algorithm.h"
#include "config/load.h"
#include "config/print.h"

namespace kadm::config {
namespace {

TEST(EncryptionAlgorithm, EveryRowReadsAndPrintsByItsName) {
  for (const auto& row : kEncryptionAlgorithms) {
    EXPECT_EQ(find_encryption_algorithm(row.algorithm), &row);
    EXPECT_EQ(find_encryption_algorithm(row.name), &row);
    EXPECT_EQ(encryption_algorithm_name(row.algorithm), row.name);
    auto loaded = load_config_text(
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nencryptionAlgorithm: " +
            std::string(row.name) + "\n",
        "t.yaml");
    ASSERT_TRUE(loaded) << loaded.error().text();
    ASSERT_TRUE(loaded->init);
    EXPECT_EQ(loaded->init->cluster.encryption_algorithm, row.algorithm) << row.name;
    EXPECT_NE(cluster_configuration_yaml(loaded->init->cluster)
                  .find("encryptionAlgorithm: " + std::string(row.name) + "\n"),
              std::string::npos)
        << row.name;
  }
  EXPECT_EQ(find_encryption_algorithm("rsa-2048"), nullptr);
  EXPECT_EQ(encryption_algorithm_name(static_cast<EncryptionAlgorithm>(99)), "unknown");
}

TEST(EncryptionAlgorithm, KeysFollowTheRow) {
  for (auto a : {EncryptionAlgorithm::ECDSAP256, EncryptionAlgorithm::ECDSAP384,
                 EncryptionAlgorithm::RSA2048}) {
    const auto* row = find_encryption_algorithm(a);
    ASSERT_NE(row, nullptr);
    auto key = certs::generate_key(a);
    ASSERT_TRUE(key) << key.error().text();
    if (row->rsa_bits > 0) {
      EXPECT_EQ(EVP_PKEY_get_base_id(key->get()), EVP_PKEY_RSA);
      EXPECT_EQ(EVP_PKEY_get_bits(key->get()), row->rsa_bits);
    } else {
      EXPECT_EQ(EVP_PKEY_get_base_id(key->get()), EVP_PKEY_EC);
      EXPECT_EQ(EVP_PKEY_get_bits(key->get()), row->curve == "P-256" ? 256 : 384);
    }
  }
  EXPECT_FALSE(certs::generate_key(static_cast<EncryptionAlgorithm>(99)));
}

}  // namespace
}  // namespace kadm::config
