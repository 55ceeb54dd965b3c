#include "kubeconfig/kubeconfig_file.h"

#include <yaml-cpp/yaml.h>

#include "common/strings.h"
#include "common/yaml_emit.h"
#include "common/yaml_json.h"

namespace kadm::kubeconfig {
namespace {

constexpr std::string_view kInline = "(inline)";

// The entry of a named list ("clusters", "users", "contexts") with the given name, to edit.
YAML::Node find_named(const YAML::Node& root, const char* list, const std::string& name) {
  const YAML::Node items = root[list];
  if (items && items.IsSequence()) {
    for (const auto& item : items) {
      // As the reader: an entry without a name is named "".
      if (item.IsMap() && (item["name"] ? item["name"].as<std::string>() : "") == name) {
        return item;
      }
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

apiclient::ReadOptions node_file_options() {
  apiclient::ReadOptions o;
  o.source = kInline;
  o.references = apiclient::FileReferences::Keep;
  o.require_user = true;
  return o;
}

}  // namespace

std::string render(const KubeconfigSpec& spec) {
  const std::string context = spec.user + "@" + spec.cluster_name;
  nlohmann::json user = nlohmann::json::object();
  if (!spec.client_cert_file.empty()) {
    user["client-certificate"] = spec.client_cert_file;
    user["client-key"] = spec.client_key_file;
  } else if (!spec.token.empty()) {
    user["token"] = spec.token;
  } else {
    user["client-certificate-data"] = str::base64_encode(spec.client_cert_pem);
    user["client-key-data"] = str::base64_encode(spec.client_key_pem);
  }
  // Keys sorted, as client-go writes a kubeconfig (sigs.k8s.io/yaml).
  const nlohmann::json config = {
      {"apiVersion", "v1"},
      {"clusters",
       {{{"cluster",
          {{"certificate-authority-data", str::base64_encode(spec.ca_pem)},
           {"server", spec.server}}},
         {"name", spec.cluster_name}}}},
      {"contexts",
       {{{"context", {{"cluster", spec.cluster_name}, {"user", spec.user}}}, {"name", context}}}},
      {"current-context", context},
      {"kind", "Config"},
      {"preferences", nlohmann::json::object()},
      {"users", {{{"name", spec.user}, {"user", user}}}},
  };
  return yaml::emit(config);
}

Result<apiclient::Kubeconfig> parse(std::string_view yaml) {
  return apiclient::read_kubeconfig(yaml, node_file_options());
}

Result<apiclient::Kubeconfig> load(const std::filesystem::path& path) {
  return apiclient::load_kubeconfig(path.string(), node_file_options());
}

Result<std::string> replace_client_credentials(std::string_view yaml, const std::string& cert_pem,
                                               const std::string& key_pem) {
  try {
    auto current = KADM_TRY(parse(yaml));
    YAML::Node root = YAML::Load(std::string(yaml));
    YAML::Node user = find_named(root, "users", current.user_name);
    if (!user || !user["user"]) {
      return fail(ErrorKind::Validation, "kubeconfig has no user \"" + current.user_name + "\"");
    }
    YAML::Node u = user["user"];
    u.remove("client-certificate");
    u.remove("client-key");
    u["client-certificate-data"] = str::base64_encode(cert_pem);
    u["client-key-data"] = str::base64_encode(key_pem);
    return yaml::emit(yaml_to_json(root));
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation, std::string("invalid kubeconfig YAML: ") + e.what());
  }
}

}  // namespace kadm::kubeconfig
