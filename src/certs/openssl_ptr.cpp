#include "certs/openssl_ptr.h"

#include <openssl/err.h>

namespace kadm::certs {

Error openssl_error(std::string_view context) {
  std::string reasons;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!reasons.empty()) reasons += "; ";
    reasons += buf;
  }
  std::string message(context);
  if (!reasons.empty()) message += ": " + reasons;
  return Error(ErrorKind::Tls, std::move(message));
}

UniqueBio memory_bio(std::string_view data) {
  return UniqueBio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 && data ? std::string(data, static_cast<size_t>(n)) : std::string();
}

}  // namespace kadm::certs
