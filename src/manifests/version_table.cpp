#include "manifests/version_table.h"

#include <array>
#include <string>

namespace kadm::manifests {
namespace {

using EF = EtcdFlagStyle;
using EP = EtcdProbeStyle;
using AO = ExtraArgsOrder;
using IO = ImageOrder;

// One row per minor, as released (x.y.0 tags; later patch releases sometimes bump etcd).
// Sources: spec §3/§10.1/§13 (v1.20, v1.32, v1.35 verified), kubeadm v1.37.2 constants.go,
// kubernetes PRs 124361 (/etc/pki split, 1.31), 126945 (scheduler /livez+/readyz, 1.32),
// 135400 (extraArgs not re-sorted, 1.36 + 1.32-1.35 patches). Switch points the spec marks as
// "not pinned" (priority/seccomp/etcd requests 1.22, etcd /health? query forms 1.23-1.31,
// etcd 3.5 experimental flags 1.23-1.33, insecure/--port=0 up to 1.21) follow the spec's ranges.
// The 1.36 etcd tag is the last 3.6 tag kubeadm mapped before 3.7 (not verified at 1.36.0).
//
// Columns: minor, etcd, coredns, pause, coredns nested under default repo, image order,
// insecure-port=0, --port=0, priority, seccomp, creationTimestamp null, named probe port,
// scheduler /livez+/readyz, etcd probes, etcd requests, etcd flag style, /etc/pki split,
// extraArgs order, flexvolume-dir on the controller-manager (present in spec's v1.35 capture,
// absent from the v1.37.2 source).
constexpr std::array kRows = {
    VersionRow{20, "3.4.13-0", "1.7.0", "3.2", false, IO::PauseEtcdCoreDNS, true, true, false,
               false, true, false, false, EP::Health, false, EF::None, false,
               AO::SortedByNameThenValue, true},
    VersionRow{21, "3.4.13-0", "v1.8.0", "3.4.1", true, IO::CoreDNSPauseEtcd, true, true, false,
               false, true, false, false, EP::Health, false, EF::None, false,
               AO::SortedByNameThenValue, true},
    VersionRow{22, "3.5.0-0", "v1.8.4", "3.5", true, IO::CoreDNSPauseEtcd, false, false, true, true,
               true, false, false, EP::Health, true, EF::None, false, AO::SortedByNameThenValue,
               true},
    VersionRow{23, "3.5.1-0", "v1.8.6", "3.6", true, IO::CoreDNSPauseEtcd, false, false, true, true,
               true, false, false, EP::HealthSerializable, true, EF::Experimental, false,
               AO::SortedByNameThenValue, true},
    VersionRow{24, "3.5.3-0", "v1.8.6", "3.7", true, IO::CoreDNSPauseEtcd, false, false, true, true,
               true, false, false, EP::HealthSerializable, true, EF::Experimental, false,
               AO::SortedByNameThenValue, true},
    VersionRow{25, "3.5.4-0", "v1.9.3", "3.8", true, IO::CoreDNSPauseEtcd, false, false, true, true,
               true, false, false, EP::HealthSerializable, true, EF::Experimental, false,
               AO::SortedByNameThenValue, true},
    VersionRow{26, "3.5.6-0", "v1.9.3", "3.9", true, IO::CoreDNSPauseEtcd, false, false, true, true,
               true, false, false, EP::HealthSerializable, true, EF::Experimental, false,
               AO::SortedByNameThenValue, true},
    VersionRow{27, "3.5.7-0", "v1.10.1", "3.9", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, true, false, false, EP::HealthSerializable, true, EF::Experimental, false,
               AO::SortedByNameThenValue, true},
    VersionRow{28, "3.5.9-0", "v1.10.1", "3.9", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, true, false, false, EP::HealthSerializable, true, EF::Experimental, false,
               AO::SortedByNameThenValue, true},
    VersionRow{29, "3.5.10-0", "v1.11.1", "3.9", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, true, false, false, EP::HealthSerializable, true, EF::Experimental, false,
               AO::SortedByNameThenValue, true},
    VersionRow{30, "3.5.12-0", "v1.11.1", "3.9", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, true, false, false, EP::HealthSerializable, true, EF::Experimental, false,
               AO::SortedByNameThenValue, true},
    VersionRow{31, "3.5.15-0", "v1.11.3", "3.10", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, true, false, false, EP::HealthSerializable, true, EF::Experimental, true,
               AO::SortedByNameThenValue, true},
    VersionRow{32, "3.5.16-0", "v1.11.3", "3.10", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, true, false, true, EP::LivezReadyz, true, EF::Experimental, true,
               AO::DefaultsSortedThenUserOrder, true},
    VersionRow{33, "3.5.21-0", "v1.12.0", "3.10", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, true, false, true, EP::LivezReadyz, true, EF::Experimental, true,
               AO::DefaultsSortedThenUserOrder, true},
    VersionRow{34, "3.6.4-0", "v1.12.1", "3.10.1", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, true, false, true, EP::LivezReadyz, true, EF::FeatureGate, true,
               AO::DefaultsSortedThenUserOrder, true},
    VersionRow{35, "3.6.6-0", "v1.13.1", "3.10.1", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, false, true, true, EP::LivezReadyz, true, EF::FeatureGate, true,
               AO::DefaultsSortedThenUserOrder, true},
    VersionRow{36, "3.6.8-0", "v1.13.1", "3.10.1", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, false, true, true, EP::LivezReadyz, true, EF::FeatureGate, true,
               AO::DefaultsSortedThenUserOrder, true},
    VersionRow{37, "3.7.0-0", "v1.14.6", "3.10.2", true, IO::CoreDNSPauseEtcd, false, false, true,
               true, false, true, true, EP::LivezReadyz, true, EF::FeatureGate, true,
               AO::DefaultsSortedThenUserOrder, false},
};

std::string supported_range() {
  return "v1." + std::to_string(kOldestSupportedMinor) + " ... v1." +
         std::to_string(kNewestSupportedMinor);
}

}  // namespace

Result<VersionRow> version_row(const config::KubeVersion& v) {
  if (v.major != 1 || v.minor < kOldestSupportedMinor || v.minor > kNewestSupportedMinor) {
    return fail(ErrorKind::Validation, "Kubernetes version " + v.str() +
                                           " is not supported: kadm supports " + supported_range());
  }
  const VersionRow* best = nullptr;
  for (const auto& row : kRows) {
    if (row.minor <= v.minor && (best == nullptr || row.minor > best->minor)) best = &row;
  }
  if (best == nullptr) {
    return fail(ErrorKind::Validation, "no manifest facts for Kubernetes " + v.str());
  }
  return *best;
}

Result<VersionRow> version_row(std::string_view version_text) {
  auto v = config::parse_kube_version(version_text);
  if (!v) {
    return fail(ErrorKind::Validation,
                "cannot use Kubernetes version \"" + std::string(version_text) +
                    "\" for manifests: give an exact release such as v1.37.2 (supported: " +
                    supported_range() + ")");
  }
  return version_row(*v);
}

}  // namespace kadm::manifests
