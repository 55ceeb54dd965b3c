#pragma once
// Errors are values: every fallible function returns kadm::Result<T>. An Error carries a kind
// (mapped to an exit code in one place, cmd/exit_code.cpp), a message and a chain of context
// lines added as it travels up ("phase certs/apiserver" → "write .../apiserver.key" → "EACCES").

#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace kadm {

enum class ErrorKind {
  General,
  Preflight,   // fatal preflight checks
  Validation,  // bad flags or configuration (all problems listed)
  Io,          // filesystem
  Tls,         // certificates, keys, TLS verification
  Api,         // Kubernetes API errors
  Timeout,     // a wait ran out
  NotFound,
  Conflict,
};

class Error {
 public:
  Error() = default;
  Error(ErrorKind kind, std::string message) : m_kind(kind), m_message(std::move(message)) {}

  ErrorKind kind() const { return m_kind; }
  const std::string& message() const { return m_message; }
  const std::vector<std::string>& context() const { return m_context; }

  // Adds an outer context line; the full text reads outermost first: "outer: inner: message".
  Error&& with_context(std::string outer) && {
    m_context.push_back(std::move(outer));
    return std::move(*this);
  }
  Error& with_context(std::string outer) & {
    m_context.push_back(std::move(outer));
    return *this;
  }

  std::string text() const;

 private:
  ErrorKind m_kind = ErrorKind::General;
  std::string m_message;
  std::vector<std::string> m_context;  // innermost first
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return std::unexpected(Error(kind, std::move(message)));
}
inline std::unexpected<Error> fail(std::string message) {
  return fail(ErrorKind::General, std::move(message));
}
inline std::unexpected<Error> fail(Error e) { return std::unexpected(std::move(e)); }

// Returns the error of `r` with an extra context line; for use in `if (!r) return ...`.
template <class R>
std::unexpected<Error> fail_with(R&& r, std::string context) {
  return std::unexpected(std::forward<R>(r).error().with_context(std::move(context)));
}

}  // namespace kadm

#define KADM_CONCAT_INNER_(a, b) a##b
#define KADM_CONCAT_(a, b) KADM_CONCAT_INNER_(a, b)

// KADM_TRY(expr): evaluates to the value of a Result, or returns its error from the caller.
// (Each expansion gets its own variable name, so KADM_TRY calls can nest.)
#define KADM_TRY(...) KADM_TRY_IMPL_(KADM_CONCAT_(kadm_try_, __COUNTER__), __VA_ARGS__)
#define KADM_TRY_IMPL_(var, ...)                              \
  ({                                                          \
    auto var = (__VA_ARGS__);                                 \
    if (!var) return std::unexpected(std::move(var).error()); \
    std::move(var).value();                                   \
  })

// KADM_TRY_CTX(expr, context): same, adding a context line to the error.
#define KADM_TRY_CTX(expr, ctx) KADM_TRY_CTX_IMPL_(KADM_CONCAT_(kadm_try_, __COUNTER__), expr, ctx)
#define KADM_TRY_CTX_IMPL_(var, expr, ctx)                                      \
  ({                                                                            \
    auto var = (expr);                                                          \
    if (!var) return std::unexpected(std::move(var).error().with_context(ctx)); \
    std::move(var).value();                                                     \
  })
