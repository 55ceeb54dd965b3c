#include "output/wait_progress.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>

namespace kadm::output {

WaitProgressOptions detect_wait_progress() {
  WaitProgressOptions o;
  o.tty = ::isatty(STDERR_FILENO) == 1;
  o.terminal = &std::cerr;
  return o;
}

WaitProgress::WaitProgress(std::string prefix, WaitProgressOptions options)
    : m_prefix(std::move(prefix)), m_options(options), m_next_plain(options.plain_every) {}

WaitProgress::~WaitProgress() { finish(); }

void WaitProgress::update(std::chrono::steady_clock::duration elapsed,
                          const std::string& waiting_for) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(elapsed);
  std::string text =
      m_prefix + " Waiting for " + waiting_for + " (" + std::to_string(secs.count()) + "s elapsed)";
  if (m_options.tty && m_options.terminal) {
    // "\033[K" erases what a longer previous status left behind.
    *m_options.terminal << "\r" << text << "\033[K" << std::flush;
    m_line_dirty = true;
    return;
  }
  if (m_options.plain_every.count() <= 0 || secs < m_next_plain) return;
  while (m_next_plain <= secs) m_next_plain += m_options.plain_every;
  spdlog::info("{}", text);
}

void WaitProgress::finish() {
  if (!m_line_dirty) return;
  *m_options.terminal << "\r\033[K" << std::flush;
  m_line_dirty = false;
}

}  // namespace kadm::output
