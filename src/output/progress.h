#pragma once
// Machine-readable progress for `--output json`: one JSON object per line on a stream (stdout),
// so CI can follow a long command without scraping human text. Field names are a stable
// interface (documented in README.md, "Machine-readable output"); add fields, never rename.

#include <spdlog/sinks/sink.h>

#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "workflow/runner.h"

namespace kadm::output {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

class ProgressWriter {
 public:
  explicit ProgressWriter(std::ostream& out, WallClock now = {});
  ~ProgressWriter();
  ProgressWriter(const ProgressWriter&) = delete;
  ProgressWriter& operator=(const ProgressWriter&) = delete;

  void phase_started(const std::string& phase);
  void phase_finished(const std::string& phase, std::chrono::milliseconds took);
  void warning(const std::string& message);
  // `fields` are merged after "event":"result" in their own order.
  void result(const nlohmann::ordered_json& fields);
  // The phase is the one that failed last (from observer()), or empty when none did.
  void error(const Error& error, int exit_code);

  // Feeds phase events into this writer and remembers the failing phase for error().
  workflow::PhaseObserver observer();
  // Turns every spdlog warning (and error) of the default logger into a "warning" event until
  // this writer is destroyed.
  void capture_warnings();

  const std::string& failed_phase() const { return m_failed_phase; }

 private:
  void emit(const nlohmann::ordered_json& event);

  std::ostream& m_out;
  WallClock m_now;
  std::mutex m_mutex;
  std::string m_failed_phase;
  std::shared_ptr<spdlog::sinks::sink> m_warning_sink;
};

}  // namespace kadm::output
