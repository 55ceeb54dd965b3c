#pragma once
// A phase is plain data (kubeadm's workflow model), typed by the run data of its workflow so
// phases never cast: Phase<InitData> runs with InitData&.

#include <functional>
#include <string>
#include <vector>

#include "common/error.h"

namespace kadm::workflow {

template <class Data>
struct Phase {
  std::string name;  // lower-case; nested names are joined with '/'
  std::string short_help;
  std::string long_help;
  std::vector<std::string> aliases;
  bool hidden = false;
  // Makes this (childless) phase an "all" entry: selecting it selects its parent's subtree.
  bool run_all_siblings = false;
  std::vector<Phase> children;
  std::function<Status(Data&)> run;           // may be empty for pure grouping phases
  std::function<Result<bool>(Data&)> run_if;  // empty = always
};

// The "all" entry of a phase group ("certs all"): selecting it selects its parent's subtree.
template <class Data>
Phase<Data> all_phase(std::string help) {
  Phase<Data> p;
  p.name = "all";
  p.short_help = std::move(help);
  p.run_all_siblings = true;
  return p;
}

}  // namespace kadm::workflow
