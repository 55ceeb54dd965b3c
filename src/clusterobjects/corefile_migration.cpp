#include "clusterobjects/corefile_migration.h"

#include <algorithm>
#include <optional>
#include <regex>

#include "clusterobjects/corefile_rules.h"

namespace kadm::clusterobjects {

namespace {

std::optional<std::size_t> index_of(std::string_view release) {
  auto releases = corefile_releases();
  auto it = std::ranges::find(releases, release);
  if (it == releases.end()) return std::nullopt;
  return static_cast<std::size_t>(it - releases.begin());
}

// A rule with its releases as chain positions and its pattern compiled, made once: the walk asks
// for every plugin and option at every release in between.
struct IndexedRule {
  const CorefileRule* rule;
  std::size_t since;
  std::size_t until;
  std::optional<std::regex> pattern;
};

const std::vector<IndexedRule>& indexed_rules() {
  static const std::vector<IndexedRule> rows = [] {
    std::vector<IndexedRule> out;
    const std::size_t last = corefile_releases().size() - 1;
    for (const auto& r : corefile_rules()) {
      auto since = index_of(r.since);
      auto until = r.until.empty() ? std::optional<std::size_t>(last) : index_of(r.until);
      if (!since || !until) continue;  // names a release outside the chain (a unit test says so)
      std::optional<std::regex> pattern;
      if (r.pattern) pattern.emplace(std::string(r.option));
      out.push_back({&r, *since, *until, std::move(pattern)});
    }
    return out;
  }();
  return rows;
}

const CorefileRule* plugin_rule(const std::string& plugin, std::size_t release) {
  for (const auto& r : indexed_rules()) {
    if (r.rule->plugin == plugin && r.rule->option.empty() && r.since <= release &&
        release <= r.until) {
      return r.rule;
    }
  }
  return nullptr;
}

const CorefileRule* option_rule(const std::string& plugin, const std::string& option,
                                std::size_t release) {
  const CorefileRule* by_pattern = nullptr;
  for (const auto& r : indexed_rules()) {
    if (r.rule->plugin != plugin || r.rule->option.empty() || release < r.since ||
        release > r.until) {
      continue;
    }
    if (!r.pattern && r.rule->option == option) return r.rule;
    if (r.pattern && !by_pattern && std::regex_search(option, *r.pattern)) by_pattern = r.rule;
  }
  return by_pattern;
}

std::string severity(CorefileStatus s) {
  switch (s) {
    case CorefileStatus::Ignored:
      return "ignored";
    case CorefileStatus::Removed:
      return "removed";
    case CorefileStatus::Known:
      break;
  }
  return "known";
}

// The indexes of the releases after `from` up to `to`.
Result<std::vector<std::size_t>> steps(std::string_view from, std::string_view to) {
  KADM_TRY(check_migration_path(from, to));
  std::vector<std::size_t> out;
  for (auto i = *index_of(from) + 1; i <= *index_of(to); ++i) out.push_back(i);
  return out;
}

void add_once(std::vector<CorefileNotice>& out, CorefileNotice n) {
  bool seen = std::ranges::any_of(out, [&](const CorefileNotice& o) {
    return o.plugin == n.plugin && o.option == n.option && o.severity == n.severity;
  });
  if (!seen) out.push_back(std::move(n));
}

// What the rule holding for a plugin or option (null: none) says of it; nullopt: nothing.
using Judge = std::optional<std::string> (*)(const CorefileRule*);

// One notice per plugin or option `judge` speaks of, at the first release after `from` up to `to`
// where it does. The options of a plugin are judged when the plugin is known and its own
// judgement is silent.
Result<std::vector<CorefileNotice>> notices(std::string_view from, std::string_view to,
                                            const Corefile& corefile, Judge judge) {
  std::vector<CorefileNotice> out;
  if (from == to) return out;
  for (auto release : KADM_TRY(steps(from, to))) {
    std::string name(corefile_releases()[release]);
    for (const auto& server : corefile.servers) {
      for (const auto& plugin : server.plugins) {
        const CorefileRule* p = plugin_rule(plugin.name, release);
        if (auto said = judge(p)) {
          add_once(out, {plugin.name, "", *said, name});
          continue;
        }
        if (!p) continue;
        for (const auto& option : plugin.options) {
          if (auto said = judge(option_rule(plugin.name, option.name, release))) {
            add_once(out, {plugin.name, option.name, *said, name});
          }
        }
      }
    }
  }
  return out;
}

// One release's rows applied to one server block.
void migrate_server(CorefileServer& server, std::size_t release) {
  std::vector<CorefilePlugin> added;
  for (auto& plugin : server.plugins) {
    if (!plugin_rule(plugin.name, release)) continue;
    std::vector<CorefileOption> kept;
    for (auto& option : plugin.options) {
      const CorefileRule* rule = option_rule(plugin.name, option.name, release);
      switch (rule ? rule->action : CorefileAction::None) {
        case CorefileAction::None:
          kept.push_back(std::move(option));
          break;
        case CorefileAction::RemoveOption:
          break;
        case CorefileAction::FirstArgumentOnly:
          if (option.args.size() > 1) option.args.resize(1);
          kept.push_back(std::move(option));
          break;
        case CorefileAction::MoveToTransferPlugin:
          // "transfer to <peers>" → transfer <zone> { to <peers> }
          if (option.args.size() >= 2 && !plugin.args.empty()) {
            added.push_back({"transfer",
                             {plugin.args.front()},
                             {{"to", {option.args.begin() + 1, option.args.end()}}}});
          }
          break;
      }
    }
    plugin.options = std::move(kept);
  }
  server.plugins.insert(server.plugins.end(), added.begin(), added.end());
}

}  // namespace

std::string CorefileNotice::text() const {
  std::string what = option.empty() ? "plugin \"" + plugin + "\""
                                    : "option \"" + option + "\" of plugin \"" + plugin + "\"";
  if (severity == "unsupported") {
    return what + " is unknown to the Corefile migration (CoreDNS " + release + ")";
  }
  return what + " is " + severity + " in CoreDNS " + release;
}

Status check_migration_path(std::string_view from, std::string_view to) {
  auto releases = corefile_releases();
  auto first = index_of(from);
  if (!first) {
    return fail(ErrorKind::Validation,
                "CoreDNS v" + std::string(from) +
                    " is not a release kadm can migrate a Corefile from (it knows v" +
                    std::string(releases.front()) + " ... v" + std::string(releases.back()) + ")");
  }
  auto last = index_of(to);
  if (!last || *last < *first) {
    return fail(ErrorKind::Validation, "kadm cannot migrate a Corefile from CoreDNS v" +
                                           std::string(from) + " to v" + std::string(to));
  }
  return {};
}

Result<std::vector<CorefileNotice>> corefile_changes(std::string_view from, std::string_view to,
                                                     const Corefile& corefile) {
  return notices(from, to, corefile, [](const CorefileRule* r) -> std::optional<std::string> {
    if (r && r->status != CorefileStatus::Known) return severity(r->status);
    return std::nullopt;
  });
}

Result<std::vector<CorefileNotice>> corefile_unsupported(std::string_view from, std::string_view to,
                                                         const Corefile& corefile) {
  return notices(from, to, corefile, [](const CorefileRule* r) -> std::optional<std::string> {
    if (r) return std::nullopt;
    return "unsupported";
  });
}

bool migration_required(const std::vector<CorefileNotice>& changes) {
  return std::ranges::any_of(changes,
                             [](const CorefileNotice& n) { return n.severity == "removed"; });
}

Result<Corefile> migrate_corefile(std::string_view from, std::string_view to, Corefile corefile) {
  if (from == to) return corefile;
  for (auto release : KADM_TRY(steps(from, to))) {
    for (auto& server : corefile.servers) migrate_server(server, release);
  }
  return corefile;
}

}  // namespace kadm::clusterobjects
