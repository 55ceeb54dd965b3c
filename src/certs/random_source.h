#pragma once
// Which of SP 800-90A's DRBGs OpenSSL's public and private random generators use in kadm.
//
// OpenSSL 3.0's default is CTR-DRBG over AES-256, and the first random byte a process asks for
// then costs the lookup and set-up of every cipher the default provider offers (0.4 ms here),
// ciphers a run that makes keys and certificates uses nowhere else. Hash-DRBG over SHA-256 is
// the same standard's other choice at the same 256-bit strength, seeded the same way, and
// SHA-256 is set up anyway for the signatures: 0.05 ms. TLS (libcurl's OpenSSL) draws from the
// same generators.

namespace kadm::certs {

// Call before anything draws random bytes: once the generators are made their kind stays, and
// a later call changes nothing. An OpenSSL configuration file that chose a DRBG is overridden.
void use_hash_drbg();

}  // namespace kadm::certs
