#pragma once
#include <spdlog/spdlog.h>

#include <sstream>
#include <string>

#include "common/log.h"

namespace kadm::test {

// Captures kadm's log lines for one scope and restores the previous logger afterwards, so no
// logger outlives the stream it writes to.
class LogCapture {
 public:
  // verbosity as -v (10: every debug and trace line).
  explicit LogCapture(int verbosity = 0) : m_previous(spdlog::default_logger()) {
    log::capture_to(m_out, verbosity);
  }
  ~LogCapture() { spdlog::set_default_logger(m_previous); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string str() const { return m_out.str(); }

 private:
  std::shared_ptr<spdlog::logger> m_previous;
  std::ostringstream m_out;
};

}  // namespace kadm::test
