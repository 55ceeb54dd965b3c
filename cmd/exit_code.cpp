#include "exit_code.h"

#include <exception>
#include <filesystem>
#include <new>
#include <string>

namespace kadm::cli {

int exit_code_for(const Error& error) {
  // kubeadm's historical split (preflight 2, validation 3) lets scripts tell a host problem from
  // a typo; anything else is 1. Every error is non-zero, which is all current kubeadm promises.
  switch (error.kind()) {
    case ErrorKind::Preflight:
      return 2;
    case ErrorKind::Validation:
      return 3;
    default:
      return 1;
  }
}

int exit_code_for_parse(int cli11_exit_code) {
  if (cli11_exit_code == 0) return 0;
  return exit_code_for(Error(ErrorKind::Validation, "invalid command line"));
}

Status run_guarded(const std::function<Status()>& action) {
  try {
    return action();
  } catch (const std::filesystem::filesystem_error& e) {
    return fail(ErrorKind::Io, std::string("unexpected filesystem error: ") + e.what());
  } catch (const std::bad_alloc&) {
    return fail(ErrorKind::General, "out of memory");
  } catch (const std::exception& e) {
    return fail(
        ErrorKind::General,
        std::string("internal error (please report it): unexpected exception: ") + e.what());
  } catch (...) {
    return fail(ErrorKind::General,
                "internal error (please report it): unexpected exception of unknown type");
  }
}

}  // namespace kadm::cli
