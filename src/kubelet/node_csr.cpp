#include "kubelet/node_csr.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "apiclient/json_access.h"
#include "common/constants.h"
#include "common/strings.h"

namespace kadm::kubelet {

Result<std::string> node_csr_pem(EVP_PKEY* key, std::string_view node_name) {
  certs::UniqueX509Req req(X509_REQ_new());
  if (!req) return fail(certs::openssl_error("X509_REQ_new"));
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  std::string cn = std::string(constants::kNodeUserPrefix) + std::string(node_name);
  std::string org(constants::kNodesGroup);
  auto add = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
  };
  if (!add("O", org) || !add("CN", cn)) return fail(certs::openssl_error("CSR subject"));
  if (X509_REQ_set_version(req.get(), 0) != 1 || X509_REQ_set_pubkey(req.get(), key) != 1 ||
      X509_REQ_sign(req.get(), key, EVP_sha256()) <= 0) {
    return fail(certs::openssl_error("signing the node CSR"));
  }
  certs::UniqueBio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1) {
    return fail(certs::openssl_error("encoding the node CSR"));
  }
  return certs::bio_contents(bio.get());
}

nlohmann::json node_csr_object(std::string_view name, const std::string& csr_pem, bool rsa_key) {
  nlohmann::json usages = {"digital signature", "client auth"};
  if (rsa_key) usages.push_back("key encipherment");
  return {{"apiVersion", "certificates.k8s.io/v1"},
          {"kind", "CertificateSigningRequest"},
          {"metadata", {{"name", std::string(name)}}},
          {"spec",
           {{"request", str::base64_encode(csr_pem)},
            {"signerName", std::string(kKubeletClientSigner)},
            {"usages", usages}}}};
}

Result<std::string> node_csr_name() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return fail(certs::openssl_error("RAND_bytes"));
  std::string raw(reinterpret_cast<const char*>(bytes), sizeof bytes);
  return "node-csr-" + str::hex_encode(raw);
}

std::string csr_common_name(std::string_view request_pem) {
  auto bio = certs::memory_bio(request_pem);
  certs::UniqueX509Req req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) {
    ERR_clear_error();
    return {};
  }
  X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (i < 0) return {};
  const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                     static_cast<std::size_t>(ASN1_STRING_length(cn)));
}

CsrState csr_state(const nlohmann::json& csr) {
  using apiclient::member;
  using apiclient::text_member;
  CsrState st;
  const auto& status = member(csr, "status");
  for (const auto& c : member(status, "conditions")) {
    std::string type = text_member(c, "type");
    std::string holds = text_member(c, "status");
    if ((type == "Denied" || type == "Failed") && (holds.empty() || holds == "True")) {
      st.phase = type == "Denied" ? CsrState::Phase::Denied : CsrState::Phase::Failed;
      st.reason = text_member(c, "reason") + ": " + text_member(c, "message");
      return st;
    }
  }
  std::string cert_b64 = text_member(status, "certificate");
  if (!cert_b64.empty() && str::base64_decode(cert_b64, st.certificate_pem)) {
    st.phase = CsrState::Phase::Issued;
  }
  return st;
}

}  // namespace kadm::kubelet
