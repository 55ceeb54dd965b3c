#include "certs/x509.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <ctime>

namespace kadm::certs {
namespace {

constexpr int kNameType = MBSTRING_UTF8;

Status add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  UniqueX509Extension ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return fail(openssl_error("add extension " + std::string(OBJ_nid2sn(nid)) + "=" + value));
  }
  return {};
}

Status set_subject(X509* cert, const CertRequest& request) {
  X509_NAME* name = X509_get_subject_name(cert);
  for (const auto& o : request.organizations) {
    if (X509_NAME_add_entry_by_NID(name, NID_organizationName, kNameType,
                                   reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1,
                                   0) != 1) {
      return fail(openssl_error("set subject organization"));
    }
  }
  if (X509_NAME_add_entry_by_NID(
          name, NID_commonName, kNameType,
          reinterpret_cast<const unsigned char*>(request.common_name.c_str()), -1, -1, 0) != 1) {
    return fail(openssl_error("set subject common name"));
  }
  return {};
}

Status set_serial(X509* cert, bool zero) {
  UniqueBignum bn(BN_new());
  if (!bn) return fail(openssl_error("allocate serial"));
  if (!zero) {
    // Uniform in [1, 2^63-2]: a random value below 2^63-2, plus one.
    UniqueBignum range(BN_new());
    if (!range || BN_set_word(range.get(), 0x7ffffffffffffffeULL) != 1 ||
        BN_rand_range(bn.get(), range.get()) != 1 || BN_add_word(bn.get(), 1) != 1) {
      return fail(openssl_error("generate serial number"));
    }
  }
  if (!BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) {
    return fail(openssl_error("set serial number"));
  }
  return {};
}

Status set_validity(X509* cert, const SigningOptions& o) {
  if (!ASN1_TIME_set(X509_getm_notBefore(cert), Clock::to_time_t(o.not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), Clock::to_time_t(o.not_after))) {
    return fail(openssl_error("set validity"));
  }
  return {};
}

Status set_alt_names(X509* cert, const AltNames& names) {
  if (names.dns.empty() && names.ips.empty()) return {};
  UniqueGeneralNames gens(sk_GENERAL_NAME_new_null());
  if (!gens) return fail(openssl_error("allocate subjectAltName"));
  for (const auto& dns : names.dns) {
    UniqueGeneralName gen(GENERAL_NAME_new());
    UniqueAsn1String ia5(ASN1_IA5STRING_new());
    if (!gen || !ia5 || ASN1_STRING_set(ia5.get(), dns.data(), static_cast<int>(dns.size())) != 1) {
      return fail(openssl_error("encode DNS name " + dns));
    }
    GENERAL_NAME_set0_value(gen.get(), GEN_DNS, ia5.release());
    if (!sk_GENERAL_NAME_push(gens.get(), gen.get())) return fail(openssl_error("add DNS name"));
    gen.release();  // now owned by the stack
  }
  for (const auto& ip : names.ips) {
    UniqueAsn1String octets(a2i_IPADDRESS(ip.c_str()));
    if (!octets) return fail(openssl_error("encode IP address " + ip));
    UniqueGeneralName gen(GENERAL_NAME_new());
    if (!gen) return fail(openssl_error("allocate IP name"));
    GENERAL_NAME_set0_value(gen.get(), GEN_IPADD, octets.release());
    if (!sk_GENERAL_NAME_push(gens.get(), gen.get())) return fail(openssl_error("add IP name"));
    gen.release();
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, gens.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return fail(openssl_error("add subjectAltName"));
  }
  return {};
}

std::string usages_text(const std::vector<ExtKeyUsage>& usages) {
  std::string out;
  for (auto u : usages) {
    if (!out.empty()) out += ",";
    out += u == ExtKeyUsage::ServerAuth ? "serverAuth" : "clientAuth";
  }
  return out;
}

// The digest follows the signing key, as Go's x509 package chooses it.
const EVP_MD* digest_for(EVP_PKEY* signer) {
  if (EVP_PKEY_get_base_id(signer) == EVP_PKEY_EC && EVP_PKEY_get_bits(signer) > 256) {
    return EVP_sha384();
  }
  return EVP_sha256();
}

Result<UniqueX509> new_certificate(const CertRequest& request, EVP_PKEY* public_key,
                                   const SigningOptions& options, bool zero_serial) {
  UniqueX509 cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return fail(openssl_error("new certificate"));
  KADM_TRY(set_serial(cert.get(), zero_serial));
  KADM_TRY(set_subject(cert.get(), request));
  KADM_TRY(set_validity(cert.get(), options));
  if (X509_set_pubkey(cert.get(), public_key) != 1) return fail(openssl_error("set public key"));
  return cert;
}

TimePoint to_time_point(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return Clock::from_time_t(timegm(&tm));
}

std::string asn1_string_text(const ASN1_STRING* s) {
  if (!s) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string ip_text(const ASN1_OCTET_STRING* octets) {
  int len = ASN1_STRING_length(octets);
  int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
  char buf[INET6_ADDRSTRLEN] = {};
  if (!family || !inet_ntop(family, ASN1_STRING_get0_data(octets), buf, sizeof buf)) return {};
  return buf;
}

}  // namespace

Result<UniqueX509> create_self_signed_ca(const CertRequest& request, EVP_PKEY* key,
                                         const SigningOptions& options) {
  auto cert = KADM_TRY(new_certificate(request, key, options, options.zero_serial));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1) {
    return fail(openssl_error("set issuer"));
  }
  KADM_TRY(add_extension(cert.get(), cert.get(), NID_key_usage,
                         "critical,digitalSignature,keyEncipherment,keyCertSign"));
  KADM_TRY(add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE"));
  KADM_TRY(add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  KADM_TRY(set_alt_names(cert.get(), request.alt_names));
  if (X509_sign(cert.get(), key, digest_for(key)) <= 0) return fail(openssl_error("sign CA"));
  return cert;
}

Result<UniqueX509> sign_leaf(const CertRequest& request, EVP_PKEY* public_key, X509* ca,
                             EVP_PKEY* ca_key, const SigningOptions& options) {
  if (request.usages.empty()) {
    return fail(ErrorKind::Tls, "certificate \"" + request.common_name +
                                    "\" needs at least one extended key usage");
  }
  auto cert = KADM_TRY(new_certificate(request, public_key, options, false));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca)) != 1) {
    return fail(openssl_error("set issuer"));
  }
  KADM_TRY(
      add_extension(cert.get(), ca, NID_key_usage, "critical,digitalSignature,keyEncipherment"));
  KADM_TRY(add_extension(cert.get(), ca, NID_ext_key_usage, usages_text(request.usages)));
  if (options.leaf_basic_constraints) {
    KADM_TRY(add_extension(cert.get(), ca, NID_basic_constraints, "critical,CA:FALSE"));
  }
  if (X509_get_ext_by_NID(ca, NID_subject_key_identifier, -1) >= 0) {
    KADM_TRY(add_extension(cert.get(), ca, NID_authority_key_identifier, "keyid:always"));
  }
  KADM_TRY(set_alt_names(cert.get(), request.alt_names));
  if (X509_sign(cert.get(), ca_key, digest_for(ca_key)) <= 0) {
    return fail(openssl_error("sign certificate " + request.common_name));
  }
  return cert;
}

Result<std::string> certificate_pem(X509* cert) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return fail(openssl_error("encode certificate"));
  }
  return bio_contents(bio.get());
}

Result<std::vector<UniqueX509>> load_certificates(std::string_view pem) {
  auto bio = memory_bio(pem);
  std::vector<UniqueX509> out;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    out.emplace_back(x);
  }
  if (out.empty()) return fail(openssl_error("no certificate found in PEM data"));
  ERR_clear_error();  // the end-of-data "no start line" of the last read
  return out;
}

Result<UniqueX509> load_certificate(std::string_view pem) {
  auto all = KADM_TRY(load_certificates(pem));
  return std::move(all.front());
}

CertInfo inspect(X509* cert) {
  CertInfo info;
  auto name_entries = [](X509_NAME* name, int nid) {
    std::vector<std::string> out;
    for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(name, nid, i)) {
      out.push_back(asn1_string_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))));
    }
    return out;
  };
  auto cns = name_entries(X509_get_subject_name(cert), NID_commonName);
  if (!cns.empty()) info.common_name = cns.front();
  info.organizations = name_entries(X509_get_subject_name(cert), NID_organizationName);
  auto issuer_cns = name_entries(X509_get_issuer_name(cert), NID_commonName);
  if (!issuer_cns.empty()) info.issuer_common_name = issuer_cns.front();

  UniqueGeneralNames gens(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(gens.get(), i);
    int type = 0;
    const void* value = GENERAL_NAME_get0_value(g, &type);
    if (type == GEN_DNS) {
      info.alt_names.dns.push_back(asn1_string_text(static_cast<const ASN1_STRING*>(value)));
    } else if (type == GEN_IPADD) {
      info.alt_names.ips.push_back(ip_text(static_cast<const ASN1_OCTET_STRING*>(value)));
    }
  }
  uint32_t xku = X509_get_extended_key_usage(cert);
  if (X509_get_ext_by_NID(cert, NID_ext_key_usage, -1) >= 0) {
    if (xku & XKU_SSL_SERVER) info.usages.push_back(ExtKeyUsage::ServerAuth);
    if (xku & XKU_SSL_CLIENT) info.usages.push_back(ExtKeyUsage::ClientAuth);
  }
  info.is_ca = X509_check_ca(cert) != 0 && (X509_get_extension_flags(cert) & EXFLAG_CA);
  info.has_basic_constraints = X509_get_ext_by_NID(cert, NID_basic_constraints, -1) >= 0;
  info.key_usage = X509_get_key_usage(cert);
  info.not_before = to_time_point(X509_get0_notBefore(cert));
  info.not_after = to_time_point(X509_get0_notAfter(cert));
  UniqueBignum serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (serial) {
    UniqueOpenSslText dec(BN_bn2dec(serial.get()));
    info.serial = dec ? dec.get() : "";
  }
  return info;
}

Status verify_signed_by(X509* cert, X509* ca, const std::vector<UniqueX509>& intermediates) {
  UniqueX509Store store(X509_STORE_new());
  UniqueX509StoreCtx ctx(X509_STORE_CTX_new());
  UniqueX509Stack chain(sk_X509_new_null());
  if (!store || !ctx || !chain || X509_STORE_add_cert(store.get(), ca) != 1) {
    return fail(openssl_error("prepare certificate verification"));
  }
  for (const auto& i : intermediates) {
    auto extra = up_ref(i.get());
    if (!sk_X509_push(chain.get(), extra.get())) return fail(openssl_error("add intermediate"));
    extra.release();
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), cert, chain.get()) != 1) {
    return fail(openssl_error("prepare certificate verification"));
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return fail(ErrorKind::Tls, X509_verify_cert_error_string(err));
  }
  return {};
}

bool certificate_matches_dns(X509* cert, const std::string& dns) {
  return X509_check_host(cert, dns.c_str(), dns.size(), 0, nullptr) == 1;
}

bool certificate_matches_ip(X509* cert, const std::string& ip) {
  return X509_check_ip_asc(cert, ip.c_str(), 0) == 1;
}

bool key_matches_certificate(X509* cert, EVP_PKEY* key) {
  bool ok = X509_check_private_key(cert, key) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace kadm::certs
