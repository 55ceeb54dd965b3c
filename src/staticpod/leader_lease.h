#pragma once
// Whether kube-controller-manager or kube-scheduler works again after its API server came back:
// answering its health URL is not enough. A component that lost its API server for longer than
// its renew deadline exits, and until a process of it holds the leader-election lease again it
// answers /healthz but acts on nothing (no Pod is scheduled). A renewal of the lease after the
// wait began shows a leader that talks to the API server now.

#include <optional>
#include <string>

#include "apiclient/client.h"
#include "apiclient/clock.h"
#include "common/error.h"
#include "staticpod/manifest_flags.h"

namespace kadm::staticpod {

struct LeaseRef {
  std::string ns;
  std::string name;
  std::string path() const;  // the Lease's API path
  std::string text() const;  // "kube-system/kube-scheduler"
};

// The lease `component` takes: kube-system/<component> unless --leader-elect-resource-namespace
// or --leader-elect-resource-name say otherwise; none with --leader-elect=false.
std::optional<LeaseRef> leader_lease(const ManifestFlags& flags, const std::string& component);

// Until the lease's spec.renewTime differs from what it was when the wait began (or the lease
// appears); a Timeout error naming the lease otherwise. Read errors count as "not yet".
Status wait_for_lease_renewal(apiclient::Client& client, const LeaseRef& lease,
                              apiclient::Clock& clock, Duration timeout);

}  // namespace kadm::staticpod
