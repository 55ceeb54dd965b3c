#include "output/progress.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ostream>

#include "common/time_format.h"

namespace kadm::output {

namespace {

// Forwards warn+ messages of a logger to a writer; formatting is the bare message.
class WarningSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit WarningSink(ProgressWriter& writer) : m_writer(writer) {
    set_level(spdlog::level::warn);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    m_writer.warning(std::string(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  ProgressWriter& m_writer;
};

}  // namespace

ProgressWriter::ProgressWriter(std::ostream& out, WallClock now)
    : m_out(out), m_now(now ? std::move(now) : [] { return std::chrono::system_clock::now(); }) {}

ProgressWriter::~ProgressWriter() {
  if (!m_warning_sink) return;
  auto& sinks = spdlog::default_logger()->sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), m_warning_sink), sinks.end());
}

void ProgressWriter::emit(const nlohmann::ordered_json& event) {
  std::lock_guard lock(m_mutex);
  // Invalid UTF-8 in a message (e.g. a raw HTTP body) must not abort the stream.
  m_out << event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n"
        << std::flush;
}

void ProgressWriter::phase_started(const std::string& phase) {
  emit({{"event", "phase-started"}, {"phase", phase}, {"time", format_rfc3339_utc(m_now())}});
}

void ProgressWriter::phase_finished(const std::string& phase, std::chrono::milliseconds took) {
  emit({{"event", "phase-finished"}, {"phase", phase}, {"durationMs", took.count()}});
}

void ProgressWriter::warning(const std::string& message) {
  emit({{"event", "warning"}, {"message", message}});
}

void ProgressWriter::result(const nlohmann::ordered_json& fields) {
  nlohmann::ordered_json event = {{"event", "result"}};
  for (const auto& [k, v] : fields.items()) event[k] = v;
  emit(event);
}

void ProgressWriter::error(const Error& error, int exit_code) {
  emit({{"event", "error"},
        {"phase", m_failed_phase},
        {"message", error.text()},
        {"exitCode", exit_code}});
}

workflow::PhaseObserver ProgressWriter::observer() {
  workflow::PhaseObserver o;
  o.started = [this](const std::string& phase) { phase_started(phase); };
  o.finished = [this](const std::string& phase, std::chrono::milliseconds took) {
    phase_finished(phase, took);
  };
  o.failed = [this](const std::string& phase, const Error&) {
    // Failures are reported innermost first; the first one names the phase that broke.
    if (m_failed_phase.empty()) m_failed_phase = phase;
  };
  return o;
}

void ProgressWriter::capture_warnings() {
  if (m_warning_sink) return;
  m_warning_sink = std::make_shared<WarningSink>(*this);
  spdlog::default_logger()->sinks().push_back(m_warning_sink);
}

}  // namespace kadm::output
