#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "common/fs.h"
#include "common/process.h"
#include "common/strings.h"
#include "plan/effects.h"

namespace kadm::plan {

Result<std::string> run_command(const std::vector<std::string>& argv) {
  auto r = KADM_TRY(run_process(argv));
  if (r.exit_code != 0) {
    return fail("command \"" + str::join(argv, " ") + "\" failed (exit " +
                std::to_string(r.exit_code) + "): " + str::trim(r.output));
  }
  return r.output;
}

Status RealEffects::apply(const Action& action) {
  if (!m_holding) return apply_now(action);
  const auto* write = std::get_if<WriteFile>(&action);
  bool repeat = write && std::ranges::any_of(m_held, [&](const Action& held) {
                  return std::get<WriteFile>(held).path == write->path;
                });
  if (!write || repeat) KADM_TRY(write_held());
  if (!write) return apply_now(action);
  m_held.push_back(action);
  return {};
}

Status RealEffects::apply_all(const std::vector<Action>& actions) {
  if (!m_holding) return apply_all_now(actions);
  for (const auto& a : actions) KADM_TRY(apply(a));
  return {};
}

Status RealEffects::commit_writes() {
  m_holding = false;
  return write_held();
}

Status RealEffects::write_held() {
  auto held = std::exchange(m_held, {});
  return apply_all_now(held);
}

Status RealEffects::apply_now(const Action& action) {
  spdlog::debug("[effects] {}", describe(action));
  struct Visitor {
    Status operator()(const WriteFile& a) const {
      if (auto s = fs::make_dirs(a.path.parent_path(), 0755); !s) return s;
      return fs::write_file_atomic(a.path, a.content, a.mode, a.owner);
    }
    Status operator()(const MakeDir& a) const {
      KADM_TRY(fs::make_dirs(a.path, a.mode));
      if (a.restrict_existing) KADM_TRY(fs::restrict_dir_mode(a.path, a.mode));
      if (a.owner) return fs::chown_dir(a.path, *a.owner);
      return {};
    }
    Status operator()(const RemoveFile& a) const { return fs::remove_file(a.path); }
    Status operator()(const RemoveDir& a) const { return fs::remove_empty_dir(a.path); }
    Status operator()(const RemoveContents& a) const { return fs::remove_contents(a.path); }
    Status operator()(const Symlink& a) const {
      if (auto s = fs::make_dirs(a.link.parent_path(), 0755); !s) return s;
      std::error_code ec;
      auto tmp = a.link;
      tmp += ".kadm-tmp";
      std::filesystem::remove(tmp, ec);
      std::filesystem::create_symlink(a.target, tmp, ec);
      if (!ec) std::filesystem::rename(tmp, a.link, ec);
      if (ec) {
        return fail(ErrorKind::Io, "cannot link " + a.link.string() + " to " + a.target.string() +
                                       ": " + ec.message());
      }
      return {};
    }
    Status operator()(const RunCommand& a) const {
      auto r = run_command(a.argv);
      if (!r) return std::unexpected(r.error());
      return {};
    }
  };
  return std::visit(Visitor{}, action);
}

Status RealEffects::apply_all_now(const std::vector<Action>& actions) {
  for (size_t i = 0; i < actions.size();) {
    size_t end = i;
    // A run of writes, ended early by a second write of a path already in it.
    auto repeats = [&](size_t k) {
      const auto& p = std::get<WriteFile>(actions[k]).path;
      for (size_t j = i; j < k; ++j) {
        if (std::get<WriteFile>(actions[j]).path == p) return true;
      }
      return false;
    };
    while (end < actions.size() && std::holds_alternative<WriteFile>(actions[end]) &&
           !repeats(end)) {
      ++end;
    }
    if (end - i < 2) {
      KADM_TRY(apply_now(actions[i]));
      ++i;
      continue;
    }
    std::vector<fs::FileWrite> batch;
    for (size_t j = i; j < end; ++j) {
      const auto& w = std::get<WriteFile>(actions[j]);
      spdlog::debug("[effects] {}", describe(actions[j]));
      KADM_TRY(fs::make_dirs(w.path.parent_path(), 0755));
      batch.push_back(fs::FileWrite{w.path, w.content, w.mode, w.owner});
    }
    KADM_TRY(fs::write_files_atomic(batch));
    i = end;
  }
  return {};
}

}  // namespace kadm::plan
