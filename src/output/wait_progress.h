#pragma once
// Progress of a long wait (control plane health, Node registration): on a terminal one status
// line rewritten in place; otherwise a plain log line every few seconds, so CI logs show life
// without flooding.

#include <chrono>
#include <iosfwd>
#include <string>

namespace kadm::output {

struct WaitProgressOptions {
  bool tty = false;  // rewrite one line with '\r' on `terminal`
  std::ostream* terminal = nullptr;
  std::chrono::seconds plain_every{10};  // without a terminal: one info line this often
};

// A terminal when stderr is one (progress never goes to stdout, which may carry JSON).
WaitProgressOptions detect_wait_progress();

class WaitProgress {
 public:
  // `prefix` is the phase tag, e.g. "[control-plane-check]".
  WaitProgress(std::string prefix, WaitProgressOptions options = detect_wait_progress());
  ~WaitProgress();
  WaitProgress(const WaitProgress&) = delete;
  WaitProgress& operator=(const WaitProgress&) = delete;

  // `waiting_for` names what is still pending ("kube-apiserver, kube-scheduler").
  void update(std::chrono::steady_clock::duration elapsed, const std::string& waiting_for);
  // Clears the terminal line; called by the destructor too.
  void finish();

 private:
  std::string m_prefix;
  WaitProgressOptions m_options;
  std::chrono::seconds m_next_plain;
  bool m_line_dirty = false;
};

}  // namespace kadm::output
