#include "clusterobjects/corefile_rules.h"

#include <array>

namespace kadm::clusterobjects {

namespace {

using S = CorefileStatus;
using A = CorefileAction;

constexpr CorefileRule known(std::string_view plugin, std::string_view option,
                             std::string_view since, std::string_view until = "") {
  return {plugin, option, since, until};
}

constexpr CorefileRule changed(std::string_view plugin, std::string_view option,
                               std::string_view since, std::string_view until, S status, A action) {
  return {plugin, option, since, until, status, action};
}

constexpr CorefileRule address(std::string_view regex) {
  return {"hosts", regex, "1.7.0", "", S::Known, A::None, true};
}

// corefile-migration's chain (v1.8.1 and v1.8.2 were never released as images, v1.11.2 is not
// in it). v1.14.6 is kadm's CoreDNS for Kubernetes v1.37, newer than the corefile-migration
// release read: assumed to change no plugin, as none of the v1.14 releases before it did.
constexpr std::array<std::string_view, 31> kReleases = {
    "1.7.0",  "1.7.1",  "1.8.0",  "1.8.3",  "1.8.4",  "1.8.5",  "1.8.6",  "1.8.7",
    "1.9.0",  "1.9.1",  "1.9.2",  "1.9.3",  "1.9.4",  "1.10.0", "1.10.1", "1.11.0",
    "1.11.1", "1.11.3", "1.11.4", "1.12.0", "1.12.1", "1.12.2", "1.12.3", "1.12.4",
    "1.13.0", "1.13.1", "1.13.2", "1.14.0", "1.14.1", "1.14.2", "1.14.6",
};

// v1.7.0 is the oldest release kadm deploys, so only a migration's starting point: its own rows
// (forward's max_concurrent as a new default) never apply and are left out.
constexpr auto kRules = std::to_array<CorefileRule>({
    known("errors", "", "1.7.0"),
    known("errors", "consolidate", "1.7.0"),
    known("errors", "stacktrace", "1.9.3"),
    known("log", "", "1.7.0"),
    known("log", "class", "1.7.0"),
    known("health", "", "1.7.0"),
    known("health", "lameduck", "1.7.0"),
    known("ready", "", "1.7.0"),
    known("autopath", "", "1.7.0"),
    known("prometheus", "", "1.7.0"),
    known("loop", "", "1.7.0"),
    known("reload", "", "1.7.0"),
    known("loadbalance", "", "1.7.0"),

    known("kubernetes", "", "1.7.0"),
    changed("kubernetes", "endpoint", "1.7.0", "", S::Ignored, A::FirstArgumentOnly),
    known("kubernetes", "tls", "1.7.0"),
    known("kubernetes", "kubeconfig", "1.7.0"),
    known("kubernetes", "namespaces", "1.7.0"),
    known("kubernetes", "labels", "1.7.0"),
    known("kubernetes", "pods", "1.7.0"),
    known("kubernetes", "endpoint_pod_names", "1.7.0"),
    known("kubernetes", "ttl", "1.7.0"),
    known("kubernetes", "noendpoints", "1.7.0"),
    known("kubernetes", "fallthrough", "1.7.0"),
    known("kubernetes", "ignore", "1.7.0"),
    changed("kubernetes", "resyncperiod", "1.7.0", "1.7.1", S::Removed, A::RemoveOption),
    changed("kubernetes", "upstream", "1.7.0", "1.7.1", S::Removed, A::RemoveOption),
    known("kubernetes", "transfer", "1.7.0", "1.7.1"),
    changed("kubernetes", "transfer", "1.8.0", "1.8.0", S::Removed, A::MoveToTransferPlugin),

    known("k8s_external", "", "1.7.0"),
    known("k8s_external", "apex", "1.7.0"),
    known("k8s_external", "ttl", "1.7.0"),
    known("k8s_external", "fallthrough", "1.11.0"),

    known("forward", "", "1.7.0"),
    known("forward", "except", "1.7.0"),
    known("forward", "force_tcp", "1.7.0"),
    known("forward", "prefer_udp", "1.7.0"),
    known("forward", "expire", "1.7.0"),
    known("forward", "max_fails", "1.7.0"),
    known("forward", "tls", "1.7.0"),
    known("forward", "tls_servername", "1.7.0"),
    known("forward", "policy", "1.7.0"),
    known("forward", "health_check", "1.7.0"),
    known("forward", "max_concurrent", "1.7.0"),
    known("forward", "next", "1.11.4"),
    known("forward", "fail_fast", "1.11.4", "1.11.4"),
    known("forward", "failfast_all_unhealthy_upstreams", "1.12.0"),

    known("cache", "", "1.7.0"),
    known("cache", "success", "1.7.0"),
    known("cache", "denial", "1.7.0"),
    known("cache", "prefetch", "1.7.0"),
    known("cache", "serve_stale", "1.9.4"),
    known("cache", "disable", "1.9.4"),
    known("cache", "servfail", "1.9.4"),
    known("cache", "keepttl", "1.10.1"),

    known("hosts", "", "1.7.0"),
    known("hosts", "ttl", "1.7.0"),
    known("hosts", "no_reverse", "1.7.0"),
    known("hosts", "reload", "1.7.0"),
    known("hosts", "fallthrough", "1.7.0"),
    address(R"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})"),
    address(R"([0-9A-Fa-f]{1,4}:[:0-9A-Fa-f]+:[0-9A-Fa-f]{1,4})"),

    known("rewrite", "", "1.7.0"),
    known("rewrite", "type", "1.7.0"),
    known("rewrite", "class", "1.7.0"),
    known("rewrite", "name", "1.7.0"),
    // As corefile-migration lists it; an option name is one word, so this row never matches and
    // a rewrite block's "answer name ..." reads as unknown, there as here.
    known("rewrite", "answer name", "1.7.0"),
    known("rewrite", "edns0", "1.7.0"),
    known("rewrite", "ttl", "1.7.0"),
    known("rewrite", "cname_target", "1.11.0"),

    known("transfer", "", "1.8.0"),
    known("transfer", "to", "1.8.0"),
});

}  // namespace

std::span<const std::string_view> corefile_releases() { return kReleases; }

std::span<const CorefileRule> corefile_rules() { return kRules; }

}  // namespace kadm::clusterobjects
