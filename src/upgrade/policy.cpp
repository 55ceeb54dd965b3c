#include "upgrade/policy.h"

#include <array>
#include <set>

namespace kadm::upgrade {

namespace {

struct SkewRule {
  std::string_view id;
  Severity severity;
  bool skippable_for_prerelease;
  bool (*violated)(const SkewInput&);
  std::string (*message)(const SkewInput&);
};

std::string q(const config::KubeVersion& v) { return "\"" + v.str() + "\""; }
std::string minor_of(const config::KubeVersion& v) {
  return "v" + std::to_string(v.major) + "." + std::to_string(v.minor);
}
int minor_gap(const config::KubeVersion& a, const config::KubeVersion& b) {
  return (a.major - b.major) * 1000 + (a.minor - b.minor);
}

// The rules, in the order they are reported.
constexpr std::array kRules = {
    SkewRule{"target-supported", Severity::Fatal, false,
             [](const SkewInput& in) {
               return in.target.major != 1 || in.target.minor < in.oldest_supported_minor ||
                      in.target.minor > in.newest_supported_minor;
             },
             [](const SkewInput& in) {
               return "Specified version to upgrade to " + q(in.target) +
                      " is not supported: kadm supports v1." +
                      std::to_string(in.oldest_supported_minor) + " ... v1." +
                      std::to_string(in.newest_supported_minor);
             }},
    SkewRule{
        "minor-upgrade", Severity::Fatal, true,
        [](const SkewInput& in) { return minor_gap(in.target, in.cluster) > kMaxMinorUpgrade; },
        [](const SkewInput& in) {
          return "Specified version to upgrade to " + q(in.target) +
                 " is too high; kadm can upgrade only " + std::to_string(kMaxMinorUpgrade) +
                 " minor version at a time (the cluster runs " + in.cluster.str() +
                 "): upgrade to the newest " + minor_of([&] {
                   auto v = in.cluster;
                   v.minor += kMaxMinorUpgrade;
                   return v;
                 }()) +
                 " patch release first";
        }},
    SkewRule{
        "minor-downgrade", Severity::Fatal, true,
        [](const SkewInput& in) { return minor_gap(in.cluster, in.target) > kMaxMinorDowngrade; },
        [](const SkewInput& in) {
          return "Specified version to downgrade to " + q(in.target) +
                 " is too low; kadm can downgrade only " + std::to_string(kMaxMinorDowngrade) +
                 " minor version at a time (the cluster runs " + in.cluster.str() + ")";
        }},
    SkewRule{"newer-than-kadm", Severity::Skippable, false,
             [](const SkewInput& in) {
               return in.target.minor == in.newest_known.minor && in.target > in.newest_known;
             },
             [](const SkewInput& in) {
               return "Specified version to upgrade to " + q(in.target) +
                      " is higher than the newest release kadm knows (" + in.newest_known.str() +
                      "). Upgrade kadm first";
             }},
    SkewRule{"unstable-target", Severity::Skippable, false,
             [](const SkewInput& in) {
               if (in.target.pre.empty()) return false;
               if (in.target.pre.starts_with("rc")) return !in.allow_rc && !in.allow_experimental;
               return !in.allow_experimental;
             },
             [](const SkewInput& in) {
               return "Specified version to upgrade to " + q(in.target) +
                      " is an unstable version and such upgrades weren't allowed via setting the "
                      "--allow-*-upgrades flags";
             }},
    SkewRule{"kubelet-skew", Severity::Skippable, false,
             [](const SkewInput& in) {
               for (const auto& k : in.kubelets) {
                 if (minor_gap(in.target, k) > kMaxKubeletSkew) return true;
               }
               return false;
             },
             [](const SkewInput& in) {
               std::set<std::string> old;
               for (const auto& k : in.kubelets) {
                 if (minor_gap(in.target, k) > kMaxKubeletSkew) old.insert(k.str());
               }
               std::string list;
               for (const auto& v : old) list += (list.empty() ? "" : " ") + v;
               return "There are kubelets in this cluster that are too old that have these "
                      "versions [" +
                      list + "]: a kubelet may be at most " + std::to_string(kMaxKubeletSkew) +
                      " minor versions older than the control plane; upgrade them first";
             }},
    SkewRule{"kubelets-unknown", Severity::Skippable, false,
             [](const SkewInput& in) { return in.kubelets_unknown; },
             [](const SkewInput&) {
               return std::string(
                   "the kubelet versions of the Nodes could not be read, so their skew could not "
                   "be checked");
             }},
};

}  // namespace

std::vector<SkewViolation> check_skew(const SkewInput& in) {
  std::vector<SkewViolation> out;
  for (const auto& rule : kRules) {
    if (!rule.violated(in)) continue;
    Severity s = rule.severity;
    if (rule.skippable_for_prerelease && !in.target.pre.empty()) s = Severity::Skippable;
    out.push_back({std::string(rule.id), s, rule.message(in)});
  }
  return out;
}

SkewVerdict classify(const std::vector<SkewViolation>& violations) {
  SkewVerdict v;
  for (const auto& x : violations) {
    (x.severity == Severity::Fatal ? v.fatal : v.skippable).push_back(x);
  }
  return v;
}

std::string skew_report(const SkewVerdict& verdict, bool force) {
  auto lines = [](const std::vector<SkewViolation>& list) {
    std::string s;
    for (const auto& v : list) s += "\t- " + v.message + "\n";
    return s;
  };
  if (!verdict.fatal.empty()) {
    return "the version argument is invalid due to these fatal errors:\n\n" + lines(verdict.fatal) +
           "\nPlease fix the misalignments highlighted above and try upgrading again";
  }
  if (!verdict.skippable.empty() && !force) {
    return "the version argument is invalid due to these errors:\n\n" + lines(verdict.skippable) +
           "\nCan be bypassed if you pass the --force flag";
  }
  return "";
}

}  // namespace kadm::upgrade
