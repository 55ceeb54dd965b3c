// The InitConfiguration table (schema.h).
#include "config/schema.h"

namespace kadm::config::schema {

namespace {

const Rows<BootstrapToken>& bootstrap_token() {
  static const Rows<BootstrapToken> rows = {
      field("token", &BootstrapToken::token),   field("description", &BootstrapToken::description),
      field("ttl", &BootstrapToken::ttl),       field("expires", &BootstrapToken::expires),
      field("usages", &BootstrapToken::usages), field("groups", &BootstrapToken::groups),
  };
  return rows;
}

}  // namespace

const Rows<InitConfiguration>& init() {
  static const Rows<InitConfiguration> rows = concat(
      Rows<InitConfiguration>{
          list("bootstrapTokens", &InitConfiguration::bootstrap_tokens, &bootstrap_token),
          object("nodeRegistration", &InitConfiguration::node_registration, &node_registration),
          object("localAPIEndpoint", &InitConfiguration::local_api_endpoint, &api_endpoint),
          field("certificateKey", &InitConfiguration::certificate_key),
      },
      command_tail<InitConfiguration>());
  return rows;
}

}  // namespace kadm::config::schema
