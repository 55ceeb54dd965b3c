#pragma once
// EtcdMembers over etcd's v3 HTTP/JSON gateway (POST /v3/cluster/member/list|remove), with the
// etcd CA and the healthcheck-client certificate from the certificates dir.

#include <memory>
#include <string>

#include "common/error.h"
#include "etcd/members.h"

namespace kadm::etcd {

/// `cert_dir` is where the files are on disk (etcd/ca.crt, <client_cert>.{crt,key}); the
/// client certificate is a path under `cert_dir` without extension.
Result<std::unique_ptr<EtcdMembers>> gateway_client(
    const std::string& client_url, const std::string& cert_dir,
    const std::string& client_cert = "etcd/healthcheck-client");

}  // namespace kadm::etcd
