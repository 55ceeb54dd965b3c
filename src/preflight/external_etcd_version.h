#pragma once
// ExternalEtcdVersion (spec §8.2): asks every configured external etcd endpoint for its
// `/version` and refuses servers older than the target Kubernetes release supports. The network
// and the waits between attempts are injectable so tests neither connect nor sleep.

#include <functional>
#include <string>

#include "common/duration.h"
#include "common/error.h"
#include "config/types.h"
#include "config/version.h"
#include "preflight/check.h"

namespace kadm::preflight {

// TLS material for talking to etcd, as PEM text (empty = not configured).
struct EtcdClientTls {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
};

struct EtcdVersionAnswer {
  int status = 0;
  std::string body;
};

// One GET of `<endpoint>/version`; an error only when no HTTP answer came back.
using EtcdVersionFetcher = std::function<Result<EtcdVersionAnswer>(
    const std::string& endpoint, const EtcdClientTls& tls, Duration timeout)>;

struct ExternalEtcdVersionOptions {
  EtcdVersionFetcher fetch;             // empty: libcurl (fetch_etcd_version)
  std::function<void(Duration)> sleep;  // empty: the real clock
  int retries = 3;                      // after the first attempt, as kubeadm
  Duration interval{5000};              // between attempts
  Duration timeout{10000};              // one attempt
};

/// The oldest external etcd kubeadm accepts for a cluster of version `target` (e.g. "3.5.24-0").
std::string min_external_etcd_version(const config::KubeVersion& target);

/// The check. TLS files are read through the host when it runs (https endpoints only).
Check external_etcd_version(config::ExternalEtcd etcd, config::KubeVersion target,
                            ExternalEtcdVersionOptions options = {});

/// The real fetcher: libcurl through apiclient::CurlClient, one attempt, no retries of its own.
Result<EtcdVersionAnswer> fetch_etcd_version(const std::string& endpoint, const EtcdClientTls& tls,
                                             Duration timeout);

}  // namespace kadm::preflight
