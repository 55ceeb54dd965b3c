#pragma once
// The API server URL and CA that admin.conf points at: what cluster-info publishes and what the
// printed join command names.

#include <string>

#include "common/error.h"
#include "init/init_data.h"

namespace kadm::init {

struct AdminEndpoint {
  std::string server;     // "https://host:port"
  std::string host_port;  // server without the scheme
  std::string ca_pem;     // empty only in a dry run without a CA on disk
};

// From admin.conf's current context, read through the run environment. A dry run, which wrote
// no admin.conf, finds none unless an earlier run left one: then it is what admin.conf would
// say, the configuration's control-plane URL and <certificatesDir>/ca.crt when present.
Result<AdminEndpoint> admin_endpoint(const InitData& data);

}  // namespace kadm::init
