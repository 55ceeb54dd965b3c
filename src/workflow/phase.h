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
  // Start early: called for every selected phase, in order, once the run data exists and before
  // the first phase runs, so slow work the phase will need (private keys) overlaps the phases
  // before it. It may only start background work: it changes nothing on the host and cannot
  // fail (the phase itself reports errors, and works without it).
  std::function<void(Data&)> prepare;
  // A group's closing step: when the group's own `run` ran, this runs after the last phase of
  // its subtree (selected or not), before any phase outside it. A failure is the group's. It
  // does not run when a phase before it failed.
  std::function<Status(Data&)> finish;
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

// A phase that does one thing.
template <class Data>
Phase<Data> leaf(std::string name, std::string help, std::function<Status(Data&)> run) {
  Phase<Data> p;
  p.name = std::move(name);
  p.short_help = std::move(help);
  p.run = std::move(run);
  return p;
}

// A group of phases users can run one by one or together through its "all" entry.
template <class Data>
Phase<Data> group(std::string name, std::string help, std::string all_help,
                  std::vector<Phase<Data>> children) {
  Phase<Data> p;
  p.name = std::move(name);
  p.short_help = std::move(help);
  p.children.push_back(all_phase<Data>(std::move(all_help)));
  for (auto& c : children) p.children.push_back(std::move(c));
  return p;
}

// One leaf per row of a fact table (certificates, kubeconfig files, components): each row names
// its phase in `name`, describes it in `long_help`, and is handed to `run` with the data.
template <class Data, class Table, class Run>
std::vector<Phase<Data>> leaves_from(const Table& table, Run run) {
  std::vector<Phase<Data>> out;
  for (const auto& row : table) {
    out.push_back(leaf<Data>(std::string(row.name), std::string(row.long_help),
                             [run, row](Data& d) -> Status { return run(row, d); }));
  }
  return out;
}

}  // namespace kadm::workflow
