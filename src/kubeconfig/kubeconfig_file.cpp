#include "kubeconfig/kubeconfig_file.h"

#include <yaml-cpp/yaml.h>

#include "common/fs.h"
#include "common/strings.h"

namespace kadm::kubeconfig {
namespace {

std::string scalar(const YAML::Node& node, const char* key) {
  const YAML::Node v = node[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

// The entry of a named list ("clusters", "users", "contexts") with the given name.
YAML::Node find_named(const YAML::Node& root, const char* list, const std::string& name) {
  const YAML::Node items = root[list];
  if (items && items.IsSequence()) {
    for (const auto& item : items) {
      if (item["name"] && item["name"].as<std::string>() == name) return item;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

Result<std::string> decode_data(const std::string& b64, const char* what) {
  if (b64.empty()) return std::string();
  std::string out;
  if (!str::base64_decode(b64, out)) {
    return fail(ErrorKind::Validation, std::string("invalid base64 in ") + what);
  }
  return out;
}

Result<KubeconfigFile> parse_node(const YAML::Node& root) {
  if (!root.IsMap()) return fail(ErrorKind::Validation, "kubeconfig is not a YAML mapping");
  KubeconfigFile f;
  f.current_context = scalar(root, "current-context");
  if (f.current_context.empty()) {
    return fail(ErrorKind::Validation, "kubeconfig has no current-context");
  }
  YAML::Node ctx = find_named(root, "contexts", f.current_context);
  if (!ctx || !ctx["context"]) {
    return fail(ErrorKind::Validation,
                "kubeconfig has no context named \"" + f.current_context + "\"");
  }
  f.cluster_name = scalar(ctx["context"], "cluster");
  f.user_name = scalar(ctx["context"], "user");
  YAML::Node cluster = find_named(root, "clusters", f.cluster_name);
  if (!cluster || !cluster["cluster"]) {
    return fail(ErrorKind::Validation,
                "kubeconfig has no cluster named \"" + f.cluster_name + "\"");
  }
  const YAML::Node c = cluster["cluster"];
  f.server = scalar(c, "server");
  f.ca_data =
      KADM_TRY(decode_data(scalar(c, "certificate-authority-data"), "certificate-authority-data"));
  f.ca_file = scalar(c, "certificate-authority");
  f.insecure_skip_tls_verify = scalar(c, "insecure-skip-tls-verify") == "true";
  YAML::Node user = find_named(root, "users", f.user_name);
  if (user && user["user"]) {
    const YAML::Node u = user["user"];
    f.client_cert_data =
        KADM_TRY(decode_data(scalar(u, "client-certificate-data"), "client-certificate-data"));
    f.client_key_data = KADM_TRY(decode_data(scalar(u, "client-key-data"), "client-key-data"));
    f.client_cert_file = scalar(u, "client-certificate");
    f.client_key_file = scalar(u, "client-key");
    f.token = scalar(u, "token");
  }
  return f;
}

}  // namespace

std::string render(const KubeconfigSpec& spec) {
  std::string context = spec.user + "@" + spec.cluster_name;
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "v1";
  out << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "certificate-authority-data" << YAML::Value
      << str::base64_encode(spec.ca_pem);
  out << YAML::Key << "server" << YAML::Value << spec.server;
  out << YAML::EndMap;
  out << YAML::Key << "name" << YAML::Value << spec.cluster_name;
  out << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "context" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "cluster" << YAML::Value << spec.cluster_name;
  out << YAML::Key << "user" << YAML::Value << spec.user;
  out << YAML::EndMap;
  out << YAML::Key << "name" << YAML::Value << context;
  out << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "current-context" << YAML::Value << context;
  out << YAML::Key << "kind" << YAML::Value << "Config";
  out << YAML::Key << "preferences" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << spec.user;
  out << YAML::Key << "user" << YAML::Value << YAML::BeginMap;
  if (!spec.token.empty()) {
    out << YAML::Key << "token" << YAML::Value << spec.token;
  } else {
    out << YAML::Key << "client-certificate-data" << YAML::Value
        << str::base64_encode(spec.client_cert_pem);
    out << YAML::Key << "client-key-data" << YAML::Value << str::base64_encode(spec.client_key_pem);
  }
  out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

Result<KubeconfigFile> parse(std::string_view yaml) {
  try {
    return parse_node(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation, std::string("invalid kubeconfig YAML: ") + e.what());
  }
}

Result<KubeconfigFile> load(const std::filesystem::path& path) {
  auto text = KADM_TRY(fs::read_file(path));
  auto f = parse(text);
  if (!f) return fail_with(std::move(f), "failed to load kubeconfig " + path.string());
  return f;
}

Result<std::string> replace_client_credentials(std::string_view yaml, const std::string& cert_pem,
                                               const std::string& key_pem) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    auto current = KADM_TRY(parse_node(root));
    YAML::Node user = find_named(root, "users", current.user_name);
    if (!user || !user["user"]) {
      return fail(ErrorKind::Validation, "kubeconfig has no user \"" + current.user_name + "\"");
    }
    YAML::Node u = user["user"];
    u.remove("client-certificate");
    u.remove("client-key");
    u["client-certificate-data"] = str::base64_encode(cert_pem);
    u["client-key-data"] = str::base64_encode(key_pem);
    YAML::Emitter out;
    out << root;
    return std::string(out.c_str()) + "\n";
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation, std::string("invalid kubeconfig YAML: ") + e.what());
  }
}

}  // namespace kadm::kubeconfig
