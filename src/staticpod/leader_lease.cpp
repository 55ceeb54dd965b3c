#include "staticpod/leader_lease.h"

#include "apiclient/wait.h"

namespace kadm::staticpod {
namespace {

// spec.renewTime of the lease, "" when it cannot be read or has none.
std::string renew_time(apiclient::Client& client, const LeaseRef& lease) {
  auto got = client.get(lease.path());
  if (!got) return {};
  return got->value("/spec/renewTime"_json_pointer, std::string());
}

std::string flag_or(const ManifestFlags& flags, const std::string& name, std::string fallback) {
  auto it = flags.find(name);
  return it == flags.end() || it->second.empty() ? fallback : it->second;
}

}  // namespace

std::string LeaseRef::path() const {
  return "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases/" + name;
}

std::string LeaseRef::text() const { return ns + "/" + name; }

std::optional<LeaseRef> leader_lease(const ManifestFlags& flags, const std::string& component) {
  if (flag_or(flags, "--leader-elect", "true") == "false") return std::nullopt;
  return LeaseRef{flag_or(flags, "--leader-elect-resource-namespace", "kube-system"),
                  flag_or(flags, "--leader-elect-resource-name", component)};
}

Status wait_for_lease_renewal(apiclient::Client& client, const LeaseRef& lease,
                              apiclient::Clock& clock, Duration timeout) {
  const std::string before = renew_time(client, lease);
  apiclient::WaitOptions w{std::chrono::milliseconds(1000), timeout, &clock,
                           "the leader-election lease " + lease.text() + " to be renewed"};
  return apiclient::wait_for(
      [&]() -> Result<bool> {
        auto now = renew_time(client, lease);
        return !now.empty() && now != before;
      },
      w);
}

}  // namespace kadm::staticpod
