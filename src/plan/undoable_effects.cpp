#include "plan/undoable_effects.h"

#include <sys/stat.h>

#include <filesystem>
#include <utility>

#include "common/fs.h"

namespace kadm::plan {

namespace stdfs = std::filesystem;

namespace {

bool exists_no_follow(const stdfs::path& path) {
  std::error_code ec;
  return stdfs::exists(stdfs::symlink_status(path, ec));
}

}  // namespace

// Symlinks not followed.
UndoableEffects::Listing UndoableEffects::list_tree(const stdfs::path& dir) {
  Listing out;
  std::error_code ec;
  stdfs::recursive_directory_iterator it(dir, stdfs::directory_options::skip_permission_denied, ec);
  // increment(ec), not ++: a tree changing underneath must not throw.
  for (stdfs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
    out.insert(it->path());
  }
  return out;
}

UndoableEffects::UndoableEffects(std::unique_ptr<Effects> inner) : m_inner(std::move(inner)) {}

Status UndoableEffects::apply(const Action& action) {
  remember(action);
  return m_inner->apply(action);
}

Status UndoableEffects::apply_all(const std::vector<Action>& actions) {
  for (const auto& a : actions) remember(a);
  return m_inner->apply_all(actions);
}

void UndoableEffects::remember_step(std::string what, std::function<Status(Effects&)> take_back,
                                    stdfs::path clean, Listing before) {
  if (!m_remembering) return;
  m_undo.push_back(
      {std::nullopt, std::move(what), std::move(take_back), std::move(clean), std::move(before)});
}

void UndoableEffects::keep() {
  m_remembering = false;
  m_undo.clear();
  m_cannot.clear();
}

// Outermost first, so that taking back from the last removes the deepest first.
void UndoableEffects::remember_new_dirs(const stdfs::path& dir) {
  std::vector<stdfs::path> missing;
  for (auto p = dir; !p.empty() && !exists_no_follow(p); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    m_undo.push_back(back(RemoveDir{*it}));
}

void UndoableEffects::remember(const Action& action) {
  if (!m_remembering) return;
  if (const auto* w = std::get_if<WriteFile>(&action)) {
    remember_new_dirs(w->path.parent_path());
    struct stat st {};
    if (::lstat(w->path.c_str(), &st) != 0) {
      m_undo.push_back(back(RemoveFile{w->path}));
      return;
    }
    auto old = S_ISREG(st.st_mode) ? fs::read_file(w->path) : fail("not a regular file");
    if (!old) {
      m_cannot.push_back("restore " + w->path.string() + ": " + old.error().text());
      return;
    }
    m_undo.push_back(back(WriteFile{w->path, std::move(*old), st.st_mode & 07777, true,
                                    fs::Owner{st.st_uid, st.st_gid}}));
  } else if (const auto* d = std::get_if<MakeDir>(&action)) {
    // A stricter mode given to an existing directory stays: it writes nothing.
    remember_new_dirs(d->path);
  } else if (const auto* c = std::get_if<RunCommand>(&action)) {
    if (c->undo.empty()) return;
    m_undo.push_back(back(RunCommand{c->undo, "take back: " + c->why}, c->writes_into,
                          c->writes_into.empty() ? Listing{} : list_tree(c->writes_into)));
  } else {
    m_cannot.push_back(describe(action));
  }
}

std::vector<std::string> UndoableEffects::undo() {
  m_remembering = false;
  m_inner->discard_held_writes();
  std::vector<std::string> left = std::exchange(m_cannot, {});
  auto steps = std::exchange(m_undo, {});
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (it->action) {
      // A directory that now holds files the run did not write stays, with them.
      if (const auto* dir = std::get_if<RemoveDir>(&*it->action)) {
        auto empty = fs::dir_is_empty(dir->path);
        if (!empty || !*empty) continue;
      }
      if (auto s = m_inner->apply(*it->action); !s) {
        left.push_back(describe(*it->action) + ": " + s.error().text());
        continue;
      }
    } else if (auto s = it->take_back(*m_inner); !s) {
      left.push_back(it->what + ": " + s.error().text());
      continue;
    }
    if (!it->clean.empty()) remove_new_entries(*it, left);
  }
  return left;
}

// Deepest first (a path sorts after its directory), each through the inner Effects.
void UndoableEffects::remove_new_entries(const Step& step, std::vector<std::string>& left) {
  auto now = list_tree(step.clean);
  for (auto p = now.rbegin(); p != now.rend(); ++p) {
    if (step.kept.contains(*p)) continue;
    std::error_code ec;
    const bool dir = stdfs::is_directory(stdfs::symlink_status(*p, ec));
    Action remove = dir ? Action{RemoveDir{*p}} : Action{RemoveFile{*p}};
    if (auto s = m_inner->apply(remove); !s) {
      left.push_back(describe(remove) + ": " + s.error().text());
    }
  }
}

}  // namespace kadm::plan
