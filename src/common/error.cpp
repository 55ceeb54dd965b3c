#include "common/error.h"

namespace kadm {

std::string Error::text() const {
  std::string out;
  for (auto it = m_context.rbegin(); it != m_context.rend(); ++it) {
    out += *it;
    out += ": ";
  }
  out += m_message;
  return out;
}

}  // namespace kadm
