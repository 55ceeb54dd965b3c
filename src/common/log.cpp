#include "common/log.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <memory>

namespace kadm::log {

namespace {
int g_verbosity = 0;

spdlog::level::level_enum level_for(int verbosity) {
  if (verbosity >= 5) return spdlog::level::trace;
  if (verbosity >= 1) return spdlog::level::debug;
  return spdlog::level::info;
}
}  // namespace

void init(const Options& options) {
  g_verbosity = options.verbosity;
  std::shared_ptr<spdlog::sinks::sink> human;
  if (options.human_to_stderr) {
    human = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    human = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  }
  human->set_level(spdlog::level::trace);
  auto problems = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  problems->set_level(spdlog::level::warn);
  problems->set_pattern("%v");
  // Info and below to the human stream; warn and above only to stderr.
  struct BelowWarn : spdlog::sinks::sink {
    explicit BelowWarn(std::shared_ptr<spdlog::sinks::sink> s) : inner(std::move(s)) {}
    void log(const spdlog::details::log_msg& msg) override {
      if (msg.level < spdlog::level::warn) inner->log(msg);
    }
    void flush() override { inner->flush(); }
    void set_pattern(const std::string& p) override { inner->set_pattern(p); }
    void set_formatter(std::unique_ptr<spdlog::formatter> f) override {
      inner->set_formatter(std::move(f));
    }
    std::shared_ptr<spdlog::sinks::sink> inner;
  };
  auto below = std::make_shared<BelowWarn>(human);
  below->set_pattern("%v");
  auto logger = std::make_shared<spdlog::logger>("kadm", spdlog::sinks_init_list{below, problems});
  logger->set_level(level_for(options.verbosity));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void capture_to(std::ostream& out, int verbosity) {
  g_verbosity = verbosity;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true);
  sink->set_pattern("%v");
  auto logger = std::make_shared<spdlog::logger>("kadm-test", sink);
  logger->set_level(level_for(verbosity));
  spdlog::set_default_logger(logger);
}

int verbosity() { return g_verbosity; }

}  // namespace kadm::log
