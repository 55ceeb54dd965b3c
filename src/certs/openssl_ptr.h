#pragma once
// Owning handles for OpenSSL objects. One stateless deleter keeps every handle pointer-sized;
// this header is the only place that calls OpenSSL's *_free functions.

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm::certs {

struct OpenSslDeleter {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(X509_REQ* p) const noexcept { X509_REQ_free(p); }
  void operator()(X509_NAME* p) const noexcept { X509_NAME_free(p); }
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
  void operator()(X509_STORE* p) const noexcept { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const noexcept { X509_STORE_CTX_free(p); }
  void operator()(BIO* p) const noexcept { BIO_free_all(p); }
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
  void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
  void operator()(GENERAL_NAME* p) const noexcept { GENERAL_NAME_free(p); }
  void operator()(EXTENDED_KEY_USAGE* p) const noexcept {
    sk_ASN1_OBJECT_pop_free(p, ASN1_OBJECT_free);
  }
  void operator()(STACK_OF(X509) * p) const noexcept { sk_X509_pop_free(p, X509_free); }
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
  void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
  void operator()(BN_MONT_CTX* p) const noexcept { BN_MONT_CTX_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const noexcept { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};

// ASN1_INTEGER and ASN1_TIME are the same C type (ASN1_STRING), so they get deleters of their own.
struct Asn1IntegerDeleter {
  void operator()(ASN1_INTEGER* p) const noexcept { ASN1_INTEGER_free(p); }
};
struct Asn1TimeDeleter {
  void operator()(ASN1_TIME* p) const noexcept { ASN1_TIME_free(p); }
};

// ASN1_IA5STRING / ASN1_OCTET_STRING are ASN1_STRINGs too.
struct Asn1StringDeleter {
  void operator()(ASN1_STRING* p) const noexcept { ASN1_STRING_free(p); }
};
// Private key numbers: zeroed before they are freed.
struct SecretBignumDeleter {
  void operator()(BIGNUM* p) const noexcept { BN_clear_free(p); }
};
struct BnCtxDeleter {
  void operator()(BN_CTX* p) const noexcept { BN_CTX_free(p); }
};
// Buffers OpenSSL allocates for the caller (i2d output, BN_bn2dec text).
struct OpenSslBytesDeleter {
  void operator()(void* p) const noexcept { OPENSSL_free(p); }
};

using UniqueEvpPkey = std::unique_ptr<EVP_PKEY, OpenSslDeleter>;
using UniqueEvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter>;
using UniqueX509 = std::unique_ptr<X509, OpenSslDeleter>;
using UniqueX509Req = std::unique_ptr<X509_REQ, OpenSslDeleter>;
using UniqueX509Name = std::unique_ptr<X509_NAME, OpenSslDeleter>;
using UniqueX509Extension = std::unique_ptr<X509_EXTENSION, OpenSslDeleter>;
using UniqueX509Store = std::unique_ptr<X509_STORE, OpenSslDeleter>;
using UniqueX509StoreCtx = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter>;
using UniqueBio = std::unique_ptr<BIO, OpenSslDeleter>;
using UniqueBignum = std::unique_ptr<BIGNUM, OpenSslDeleter>;
using UniqueSecretBignum = std::unique_ptr<BIGNUM, SecretBignumDeleter>;
using UniqueBnCtx = std::unique_ptr<BN_CTX, BnCtxDeleter>;
using UniqueAsn1Integer = std::unique_ptr<ASN1_INTEGER, Asn1IntegerDeleter>;
using UniqueAsn1Time = std::unique_ptr<ASN1_TIME, Asn1TimeDeleter>;
using UniqueGeneralNames = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter>;
using UniqueGeneralName = std::unique_ptr<GENERAL_NAME, OpenSslDeleter>;
using UniqueExtKeyUsage = std::unique_ptr<EXTENDED_KEY_USAGE, OpenSslDeleter>;
using UniqueX509Stack = std::unique_ptr<STACK_OF(X509), OpenSslDeleter>;
using UniqueAsn1String = std::unique_ptr<ASN1_STRING, Asn1StringDeleter>;
using UniqueOpenSslBytes = std::unique_ptr<unsigned char, OpenSslBytesDeleter>;
using UniqueOpenSslText = std::unique_ptr<char, OpenSslBytesDeleter>;
using UniqueEvpMdCtx = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter>;
using UniqueEvpCipherCtx = std::unique_ptr<EVP_CIPHER_CTX, OpenSslDeleter>;
using UniqueBnMontCtx = std::unique_ptr<BN_MONT_CTX, OpenSslDeleter>;
using UniqueParamBld = std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter>;
using UniqueParams = std::unique_ptr<OSSL_PARAM, OpenSslDeleter>;

// An extra owner of a reference-counted object.
inline UniqueX509 up_ref(X509* x) {
  if (x) X509_up_ref(x);
  return UniqueX509(x);
}
inline UniqueEvpPkey up_ref(EVP_PKEY* k) {
  if (k) EVP_PKEY_up_ref(k);
  return UniqueEvpPkey(k);
}

// Drains the calling thread's OpenSSL error queue into a Tls error: "<context>: <ssl reasons>".
Error openssl_error(std::string_view context);

// A read-only memory BIO over `data` (which must outlive the BIO).
UniqueBio memory_bio(std::string_view data);
// Everything written into a memory BIO.
std::string bio_contents(BIO* bio);

}  // namespace kadm::certs
