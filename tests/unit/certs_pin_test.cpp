#include <gtest/gtest.h>

#include "certs/pin.h"
#include "certs/x509.h"
#include "lib/pin_vectors.h"

using namespace kadm;

namespace {

const std::string& kTestCertPEM = test::kPinTestCertPem;

const std::string kTestCert2PEM = R"(-----BEGIN CERTIFICATE-----
MIID9jCCAt6gAwIBAgIJAN5MXZDic7qYMA0GCSqGSIb3DQEBBQUAMFkxCzAJBgNV
BAYTAkFVMRMwEQYDVQQIEwpTb21lLVN0YXRlMSEwHwYDVQQKExhJbnRlcm5ldCBX
aWRnaXRzIFB0eSBMdGQxEjAQBgNVBAMTCXRlc3RDZXJ0MjAgFw0xNzA3MjQxNjA0
MDFaGA8yMTE3MDYzMDE2MDQwMVowWTELMAkGA1UEBhMCQVUxEzARBgNVBAgTClNv
bWUtU3RhdGUxITAfBgNVBAoTGEludGVybmV0IFdpZGdpdHMgUHR5IEx0ZDESMBAG
A1UEAxMJdGVzdENlcnQyMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA
0brwpJYN2ytPWzRBtZSVc3dhkQlA59AzxzqeLLkano0Pxo9NIc3T/y58nnRI8uaS
I1P7BzUfJTiUEvmAtX8NggqKK4ld/gPrU+IRww1CUYS4KCkA/0d0ctPy0JwBCjD+
b57G3rmNE8c+0jns6J96ZzNtqmv6N+ZlFBAXm1p4S+k0kGi5+hoQ6H7SYXjk2lG+
r/8jPQEjy/NSdw1dcCA0Nc6o+hPr32927dS6J9KOhBeXNYUNdbuDDmroM9/gN2e/
YMSA1olLeDPQ7Xvhk0PIyEDnHh83AffPCx5yM3htVRGddjIsPAVUJEL3z5leJtxe
fzyPghOhHJY0PXqznDQTcwIDAQABo4G+MIG7MB0GA1UdDgQWBBRP0IJqv/5rQ4Uf
SByl77dJeEapRDCBiwYDVR0jBIGDMIGAgBRP0IJqv/5rQ4UfSByl77dJeEapRKFd
pFswWTELMAkGA1UEBhMCQVUxEzARBgNVBAgTClNvbWUtU3RhdGUxITAfBgNVBAoT
GEludGVybmV0IFdpZGdpdHMgUHR5IEx0ZDESMBAGA1UEAxMJdGVzdENlcnQyggkA
3kxdkOJzupgwDAYDVR0TBAUwAwEB/zANBgkqhkiG9w0BAQUFAAOCAQEA0RIMHc10
wHHPMh9UflqBgDMF7gfbOL0juJfGloAOcohWWfMZBBJ0CQKMy3xRyoK3HmbW1eeb
iATjesw7t4VEAwf7mgKAd+eTfWYB952uq5qYJ2TI28mSofEq1Wz3RmrNkC1KCBs1
u+YMFGwyl6necV9zKCeiju4jeovI1GA38TvH7MgYln6vMJ+FbgOXj7XCpek7dQiY
KGaeSSH218mGNQaWRQw2Sm3W6cFdANoCJUph4w18s7gjtFpfV63s80hXRps+vEyv
jEQMEQpG8Ss7HGJLGLBw/xAmG0e//XS/o2dDonbGbvzToFByz8OGxjMhk6yV6hdd
+iyvsLAw/MYMSA==
-----END CERTIFICATE-----
)";

const std::string kExpectedHash =
    "sha256:345959acb2c3b2feb87d281961c893f62a314207ef02599f1cc4a5fb255480b3";

}  // namespace

TEST(PublicKeyPin, MatchesSpecVector) {
  auto pin = certs::public_key_pin(kTestCertPEM);
  ASSERT_TRUE(pin) << pin.error().text();
  EXPECT_EQ(*pin, kExpectedHash);
  auto other = certs::public_key_pin(kTestCert2PEM);
  ASSERT_TRUE(other);
  EXPECT_NE(*other, kExpectedHash);
  EXPECT_FALSE(certs::public_key_pin("not a certificate"));
}

TEST(PinSet, BehavesAsSpecified) {
  auto cert = certs::load_certificate(kTestCertPEM);
  auto cert2 = certs::load_certificate(kTestCert2PEM);
  ASSERT_TRUE(cert && cert2);
  certs::PinSet pins;
  EXPECT_TRUE(pins.empty());
  EXPECT_FALSE(pins.allow("xyz"));
  EXPECT_FALSE(pins.allow("0011223344"));
  EXPECT_FALSE(pins.allow(kExpectedHash + kExpectedHash));
  EXPECT_FALSE(pins.allow("md5:345959acb2c3b2feb87d281961c893f6"));
  EXPECT_FALSE(pins.check_any({cert->get()}));
  std::string upper = "SHA256:345959ACB2C3B2FEB87D281961C893F62A314207EF02599F1CC4A5FB255480B3";
  ASSERT_TRUE(pins.allow(upper));
  EXPECT_FALSE(pins.empty());
  EXPECT_TRUE(pins.check_any({cert->get()}));
  auto miss = pins.check_any({cert2->get()});
  ASSERT_FALSE(miss);
  EXPECT_NE(miss.error().text().find("none of the public keys \"sha256:"), std::string::npos);
  EXPECT_TRUE(pins.check_any({cert2->get(), cert->get()}));
}

// A certificate whose public key cannot be encoded yields no pin; checking it must fail with a
// message, not throw (substr on an empty pin once did).
TEST(PinSet, CertificateWithoutAnEncodableKeyIsNotPinned) {
  certs::UniqueX509 bare(X509_new());
  ASSERT_TRUE(bare);
  certs::PinSet pins;
  ASSERT_TRUE(pins.allow("sha256:" + std::string(64, '0')));
  auto r = pins.check_any({bare.get()});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Tls);
  EXPECT_NE(r.error().text().find("none of the public keys"), std::string::npos)
      << r.error().text();
}

TEST(CertificateKey, Is64LowerHexAndRandom) {
  auto a = certs::generate_certificate_key();
  auto b = certs::generate_certificate_key();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 64u);
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(*a, *b);
}
