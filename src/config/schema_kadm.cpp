// kadm's own kind (kadm.io/v1alpha1 KadmConfiguration): settings kubeadm's kinds do not have.
// Unlike in the kubeadm kinds, an unknown field here is an error.
#include "config/schema.h"

namespace kadm::config::schema {

void load_kadm_configuration(Ctx& ctx, const YAML::Node& doc, int line,
                             std::optional<Profile>& out) {
  for (const auto& kv : doc) {
    const std::string key = kv.first.as<std::string>();
    if (key == "apiVersion" || key == "kind") continue;
    if (key != "profile") {
      ctx.errors.push_back(ctx.at(line_of(kv.first, line)) + "unknown field \"" + key + "\" in " +
                           std::string(kKadmConfigurationKind) + " (known: profile)");
      continue;
    }
    if (!kv.second.IsScalar()) {
      ctx.errors.push_back(ctx.at(line_of(kv.second, line)) + std::string(kKadmConfigurationKind) +
                           " field \"profile\": must be a string (default or cis)");
      continue;
    }
    auto p = parse_profile(kv.second.Scalar());
    if (!p) {
      ctx.errors.push_back(ctx.at(line_of(kv.second, line)) + std::string(kKadmConfigurationKind) +
                           " field \"profile\": " + p.error().message());
      continue;
    }
    out = *p;
  }
  if (!out) out = Profile::Default;
}

}  // namespace kadm::config::schema
