#include "certs/rsa_primes.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace kadm::certs::rsa_primes {
namespace {

// FIPS 186-5 Table A.1: auxiliary primes longer than 140/170/200 bits, together shorter than
// 1007/1518/2030. Table B.1: 38/41/44 rounds for them, 5/4/4 for p and q.
constexpr std::array kRules{
    Rule{2048, 144, 38, 5},
    Rule{3072, 176, 41, 4},
    Rule{4096, 208, 44, 4},
};

// The sieve's primes: 3 to 65521, in groups whose product fits 64 bits, so that a candidate's
// residues cost one bignum division per group instead of one per prime.
constexpr uint32_t kSieveLimit = 1u << 16;

// Vectors derived from a secret start (its residues, where its multiples fall) are wiped before
// their memory goes back, as GMP's blocks are.
template <class T>
struct WipingAllocator {
  using value_type = T;
  WipingAllocator() = default;
  template <class U>
  WipingAllocator(const WipingAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit
  T* allocate(size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, size_t n) noexcept {
    OPENSSL_cleanse(p, n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }
  friend bool operator==(const WipingAllocator&, const WipingAllocator&) { return true; }
};
template <class T>
using SecretVector = std::vector<T, WipingAllocator<T>>;

struct SmallPrimes {
  std::vector<uint32_t> primes;
  std::vector<uint64_t> group_products;
  std::vector<size_t> group_ends;  // index one past each group's last prime
};

SmallPrimes make_small_primes() {
  SmallPrimes t;
  std::vector<bool> composite(kSieveLimit, false);
  for (uint32_t i = 2; i < kSieveLimit; ++i) {
    if (composite[i]) continue;
    if (i > 2) t.primes.push_back(i);
    for (uint64_t j = uint64_t{i} * i; j < kSieveLimit; j += i) composite[j] = true;
  }
  uint64_t product = 1;
  for (size_t i = 0; i < t.primes.size(); ++i) {
    if (product > std::numeric_limits<uint64_t>::max() / t.primes[i]) {
      t.group_products.push_back(product);
      t.group_ends.push_back(i);
      product = 1;
    }
    product *= t.primes[i];
  }
  t.group_products.push_back(product);
  t.group_ends.push_back(t.primes.size());
  return t;
}

const SmallPrimes& small_primes() {
  static const SmallPrimes table = make_small_primes();
  return table;
}

SecretVector<uint32_t> residues(mpz_srcptr value, const SmallPrimes& t) {
  SecretVector<uint32_t> out(t.primes.size());
  size_t i = 0;
  for (size_t g = 0; g < t.group_products.size(); ++g) {
    const uint64_t r = mpz_fdiv_ui(value, t.group_products[g]);
    for (; i < t.group_ends[g]; ++i) out[i] = static_cast<uint32_t>(r % t.primes[i]);
  }
  return out;
}

// a⁻¹ mod m for gcd(a, m) = 1, m < 2^32.
uint64_t inverse_mod(uint64_t a, uint64_t m) {
  int64_t t0 = 0, t1 = 1;
  int64_t r0 = static_cast<int64_t>(m), r1 = static_cast<int64_t>(a % m);
  while (r1 != 0) {
    const int64_t q = r0 / r1;
    std::tie(t0, t1) = std::pair{t1, t0 - q * t1};
    std::tie(r0, r1) = std::pair{r1, r0 - q * r1};
  }
  return static_cast<uint64_t>(t0 < 0 ? t0 + static_cast<int64_t>(m) : t0);
}

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

// For each sieve prime s, the first k at which start + k·step is divisible by s (kNever when
// no k is); later ones follow every s steps. Empty when s divides every candidate.
SecretVector<uint64_t> first_multiples(mpz_srcptr start, mpz_srcptr step, const SmallPrimes& t) {
  const SecretVector<uint32_t> y = residues(start, t), d = residues(step, t);
  SecretVector<uint64_t> first(t.primes.size());
  for (size_t i = 0; i < t.primes.size(); ++i) {
    const uint64_t s = t.primes[i];
    if (d[i] == 0) {
      if (y[i] == 0) return {};
      first[i] = kNever;
      continue;
    }
    first[i] = (s - y[i]) % s * inverse_mod(d[i], s) % s;
  }
  return first;
}

void* wiping_alloc(size_t size) {
  void* p = std::malloc(size);
  if (!p) std::abort();  // GMP has no way to report it; its own allocator aborts too
  return p;
}

void* wiping_realloc(void* old, size_t old_size, size_t new_size) {
  void* fresh = wiping_alloc(new_size);
  std::memcpy(fresh, old, std::min(old_size, new_size));
  OPENSSL_cleanse(old, old_size);
  std::free(old);
  return fresh;
}

void wiping_free(void* p, size_t size) {
  OPENSSL_cleanse(p, size);
  std::free(p);
}

Status random_odd_with_top_bit(mpz_ptr out, unsigned bits) {
  KADM_TRY(random_bits(out, bits));
  mpz_setbit(out, bits - 1);
  mpz_setbit(out, 0);
  return {};
}

// C.3 for an auxiliary prime: the first probable prime from a random odd number of `bits` bits
// that still has `bits` bits.
Status auxiliary_prime(mpz_ptr out, const Rule& rule) {
  const Int two(2);
  Int x;
  for (;;) {
    KADM_TRY(random_odd_with_top_bit(x.get(), rule.aux_bits));
    if (KADM_TRY(first_probable_prime(out, x.get(), two.get(), 1, rule.aux_rounds,
                                      rule.aux_bits)) == Search::Found) {
      return {};
    }
  }
}

// |a − b| > 2^(h−100)
bool far_apart(mpz_srcptr a, mpz_srcptr b, unsigned half) {
  Int diff, bound;
  mpz_sub(diff.get(), a, b);
  mpz_abs(diff.get(), diff.get());
  mpz_setbit(bound.get(), half - 100);
  return mpz_cmp(diff.get(), bound.get()) > 0;
}

struct PrimeWithStart {
  Int prime, x;
};

// One of p and q: two auxiliary primes, then C.9, again from new auxiliary primes when C.9
// finds none.
Result<PrimeWithStart> derived_prime(const Rule& rule, unsigned long e) {
  PrimeWithStart out;
  Int r1, r2;
  for (int attempt = 0; attempt < 8; ++attempt) {
    KADM_TRY(auxiliary_prime(r1.get(), rule));
    KADM_TRY(auxiliary_prime(r2.get(), rule));
    if (mpz_cmp(r1.get(), r2.get()) == 0) continue;
    if (KADM_TRY(derive_prime(out.prime.get(), out.x.get(), r1.get(), r2.get(), rule, e)) ==
        Search::Found) {
      return out;
    }
  }
  return fail(ErrorKind::Tls,
              "generate an RSA prime: no prime found from 8 pairs of auxiliary "
              "primes (FIPS 186-5 C.9 failed every time)");
}

}  // namespace

UniqueSecretBignum to_bignum(mpz_srcptr value) {
  std::vector<unsigned char> bytes((mpz_sizeinbase(value, 2) + 7) / 8);
  size_t written = 0;
  mpz_export(bytes.data(), &written, 1, 1, 1, 0, value);
  // Secure: the parameter builder then copies it into the block OSSL_PARAM_free wipes.
  UniqueSecretBignum bn(BN_secure_new());
  if (bn && !BN_bin2bn(bytes.data(), static_cast<int>(written), bn.get())) bn.reset();
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return bn;
}

const Rule* rule_for(unsigned modulus_bits) {
  for (const Rule& rule : kRules) {
    if (rule.modulus_bits == modulus_bits) return &rule;
  }
  return nullptr;
}

void wipe_gmp_memory() {
  static std::once_flag once;
  std::call_once(once, [] { mp_set_memory_functions(wiping_alloc, wiping_realloc, wiping_free); });
}

Status random_bits(mpz_ptr out, unsigned bits) {
  std::vector<unsigned char> bytes((bits + 7) / 8);
  if (RAND_priv_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return fail(ErrorKind::Tls, "generate an RSA prime: OpenSSL's random generator failed");
  }
  mpz_import(out, bytes.size(), 1, 1, 1, 0, bytes.data());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  mpz_fdiv_r_2exp(out, out, bits);
  return {};
}

Result<bool> probably_prime(mpz_srcptr candidate, unsigned rounds) {
  // OpenSSL's constant-time exponentiation is faster here than GMP's plain one (0.27 against
  // 0.33 ms for 1024 bits), so the rounds run there, and no round's timing tells its base or m.
  const auto broken = [] { return fail(openssl_error("generate an RSA prime")); };
  UniqueBnCtx ctx(BN_CTX_new());
  UniqueSecretBignum w = to_bignum(candidate), w_minus_1(BN_new()), m(BN_new()), range(BN_new()),
                     base(BN_new()), z(BN_new());
  UniqueBnMontCtx mont(BN_MONT_CTX_new());
  if (!ctx || !w || !w_minus_1 || !m || !range || !base || !z || !mont ||
      !BN_sub(w_minus_1.get(), w.get(), BN_value_one()) || !BN_copy(range.get(), w.get()) ||
      !BN_sub_word(range.get(), 3) || !BN_MONT_CTX_set(mont.get(), w.get(), ctx.get())) {
    return broken();
  }
  // w − 1 = 2^a · m with m odd.
  int a = 0;
  while (!BN_is_bit_set(w_minus_1.get(), a)) ++a;
  if (!BN_rshift(m.get(), w_minus_1.get(), a)) return broken();
  for (unsigned round = 0; round < rounds; ++round) {
    // A base in [2, w − 2].
    if (!BN_priv_rand_range(base.get(), range.get()) || !BN_add_word(base.get(), 2) ||
        !BN_mod_exp_mont_consttime(z.get(), base.get(), m.get(), w.get(), ctx.get(), mont.get())) {
      return broken();
    }
    bool passed = BN_is_one(z.get()) || BN_cmp(z.get(), w_minus_1.get()) == 0;
    for (int j = 1; j < a && !passed; ++j) {
      if (!BN_mod_sqr(z.get(), z.get(), w.get(), ctx.get())) return broken();
      if (BN_is_one(z.get())) break;
      passed = BN_cmp(z.get(), w_minus_1.get()) == 0;
    }
    if (!passed) return false;
  }
  return true;
}

Result<Search> first_probable_prime(mpz_ptr out, mpz_srcptr start, mpz_srcptr step, unsigned long e,
                                    unsigned rounds, unsigned max_bits) {
  if (mpz_even_p(start) || mpz_odd_p(step) || mpz_cmp_ui(start, kSieveLimit) <= 0) {
    return fail(ErrorKind::General,
                "prime search: the start must be odd and above 2^16, the "
                "step even");
  }
  const SmallPrimes& table = small_primes();
  SecretVector<uint64_t> next = first_multiples(start, step, table);
  if (next.empty()) return Search::NoneWithin;
  const uint64_t limit = 5ull * max_bits;
  constexpr uint64_t kWindow = 4096;
  SecretVector<bool> divisible(kWindow);
  Int below;
  for (uint64_t base = 0; base < limit; base += kWindow) {
    const uint64_t end = std::min(limit, base + kWindow);
    std::fill(divisible.begin(), divisible.end(), false);
    for (size_t i = 0; i < next.size(); ++i) {
      for (; next[i] < end; next[i] += table.primes[i]) divisible[next[i] - base] = true;
    }
    for (uint64_t k = base; k < end; ++k) {
      if (divisible[k - base]) continue;
      mpz_mul_ui(out, step, k);
      mpz_add(out, out, start);
      if (mpz_sizeinbase(out, 2) > max_bits) return Search::TooLong;
      if (e > 1) {
        mpz_sub_ui(below.get(), out, 1);
        if (mpz_gcd_ui(nullptr, below.get(), e) != 1) continue;
      }
      if (KADM_TRY(probably_prime(out, rounds))) return Search::Found;
    }
  }
  return Search::NoneWithin;
}

Result<Search> derive_prime(mpz_ptr p, mpz_ptr x, mpz_srcptr r1, mpz_srcptr r2, const Rule& rule,
                            unsigned long e) {
  const unsigned half = rule.modulus_bits / 2;
  Int two_r1, gcd, step, a, b, r;
  mpz_mul_2exp(two_r1.get(), r1, 1);
  mpz_gcd(gcd.get(), two_r1.get(), r2);
  if (mpz_cmp_ui(gcd.get(), 1) != 0) {
    return fail(ErrorKind::General, "prime search: the auxiliary primes share a factor");
  }
  // R ≡ 1 mod 2·r1 and R ≡ −1 mod r2 (C.9 step 2).
  mpz_invert(a.get(), r2, two_r1.get());
  mpz_mul(a.get(), a.get(), r2);
  mpz_invert(b.get(), two_r1.get(), r2);
  mpz_mul(b.get(), b.get(), two_r1.get());
  mpz_sub(r.get(), a.get(), b.get());
  mpz_mul(step.get(), two_r1.get(), r2);
  // √2·2^(h−1) rounded up: 2^(2h−1) is no square, so its root's floor plus one.
  Int low;
  mpz_setbit(low.get(), 2 * half - 1);
  mpz_sqrt(low.get(), low.get());
  mpz_add_ui(low.get(), low.get(), 1);
  Int y;
  for (;;) {
    do {
      KADM_TRY(random_bits(x, half));
    } while (mpz_cmp(x, low.get()) < 0);
    mpz_sub(y.get(), r.get(), x);
    mpz_mod(y.get(), y.get(), step.get());
    mpz_add(y.get(), y.get(), x);
    const Search found =
        KADM_TRY(first_probable_prime(p, y.get(), step.get(), e, rule.prime_rounds, half));
    if (found != Search::TooLong) return found;  // TooLong: C.9 step 6, a new X
  }
}

Result<Primes> generate(unsigned modulus_bits, unsigned long e) {
  const Rule* rule = rule_for(modulus_bits);
  if (!rule) {
    return fail(ErrorKind::Validation, "generate an RSA-" + std::to_string(modulus_bits) +
                                           " key: kadm makes 2048, 3072 and 4096-bit RSA keys");
  }
  if (e % 2 == 0 || e <= (1ul << 16)) {
    return fail(ErrorKind::Validation, "generate an RSA key: the public exponent " +
                                           std::to_string(e) + " is not odd and above 2^16");
  }
  wipe_gmp_memory();
  const unsigned half = modulus_bits / 2;
  // p and q are searched for at once, q on a thread of its own: a key is the pool's unit of
  // work, so on two cores the last key of a run would otherwise leave one core idle for a whole
  // prime search (the searches' lengths vary more than tenfold).
  std::optional<Result<PrimeWithStart>> first_q;
  std::jthread helper;
  try {
    helper = std::jthread([&] { first_q = derived_prime(*rule, e); });
  } catch (const std::system_error&) {
    // No thread to be had: q is searched for after p.
  }
  Result<PrimeWithStart> p = derived_prime(*rule, e);
  if (helper.joinable()) helper.join();
  if (!p) return std::unexpected(p.error());
  Result<PrimeWithStart> q = first_q ? std::move(*first_q) : derived_prime(*rule, e);
  // A.1.3 step 5.4: a q too close to p, or started too close to p's start, is made again.
  while (q && !(far_apart(p->x.get(), q->x.get(), half) &&
                far_apart(p->prime.get(), q->prime.get(), half))) {
    q = derived_prime(*rule, e);
  }
  if (!q) return std::unexpected(q.error());
  return Primes{std::move(p->prime), std::move(q->prime)};
}

}  // namespace kadm::certs::rsa_primes
