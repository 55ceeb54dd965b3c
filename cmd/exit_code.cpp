#include "exit_code.h"

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

}  // namespace kadm::cli
