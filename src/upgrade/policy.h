#pragma once
// kubeadm's version skew policy for `upgrade apply` (spec-upgrade §1.5), as a table of rules.
// kadm installs every release from v1.20 to its newest, so kubeadm's rules about "kubeadm's own
// minor" become rules about kadm's supported range and its newest known release.

#include <string>
#include <vector>

#include "config/version.h"

namespace kadm::upgrade {

struct SkewInput {
  config::KubeVersion cluster;  // the API server's version (the highest, with several)
  config::KubeVersion target;
  config::KubeVersion newest_known;  // kadm's newest supported release (v1.37.2)
  int oldest_supported_minor = 20;
  int newest_supported_minor = 37;
  std::vector<config::KubeVersion> kubelets;  // one per Node
  bool kubelets_unknown = false;              // the Node list could not be read
  bool allow_rc = false;
  bool allow_experimental = false;
};

enum class Severity {
  Fatal,      // never bypassed
  Skippable,  // bypassed by --force
};

struct SkewViolation {
  std::string rule;  // the table row's id, for tests and logs
  Severity severity;
  std::string message;
};

// Every maximum skew is one row's number (upgrade 1 minor, downgrade 1, kubelet 3).
inline constexpr int kMaxMinorUpgrade = 1;
inline constexpr int kMaxMinorDowngrade = 1;
inline constexpr int kMaxKubeletSkew = 3;

// Rows that apply, in table order. A rule marked "fatal unless pre-release" is skippable when
// the target has a pre-release part (kubeadm's exception for testing unreleased versions).
std::vector<SkewViolation> check_skew(const SkewInput& in);

struct SkewVerdict {
  std::vector<SkewViolation> fatal;
  std::vector<SkewViolation> skippable;
};
SkewVerdict classify(const std::vector<SkewViolation>& violations);

// kubeadm's wording: "the version argument is invalid due to these fatal errors:" + one
// "\t- <message>" line per problem + what to do; "" when nothing is fatal (and, without
// `force`, nothing skippable).
std::string skew_report(const SkewVerdict& verdict, bool force);

}  // namespace kadm::upgrade
