#include "upgrade/node_files.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <regex>

#include "apiclient/kubeconfig_reader.h"
#include "certs/x509.h"
#include "common/strings.h"
#include "common/yaml_json.h"
#include "config/defaults.h"
#include "manifests/etcd_identity.h"
#include "manifests/write.h"
#include "reset/pod_sandboxes.h"
#include "upgrade/plan.h"

namespace kadm::upgrade {

namespace {

std::optional<nlohmann::json> pod_json(const std::string& yaml) {
  try {
    return yaml_to_json(YAML::Load(yaml));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The value of "--<name>=" in the first container's command of a manifest.
std::string command_flag(const nlohmann::json& pod, std::string_view name) {
  const std::string prefix = "--" + std::string(name) + "=";
  try {
    for (const auto& arg : pod.at("spec").at("containers").at(0).at("command")) {
      if (arg.is_string() && arg.get<std::string>().starts_with(prefix)) {
        return arg.get<std::string>().substr(prefix.size());
      }
    }
  } catch (const nlohmann::json::exception&) {
  }
  return "";
}

std::vector<int> numbers(std::string_view tag) {
  std::vector<int> out;
  if (!tag.empty() && tag[0] == 'v') tag.remove_prefix(1);
  for (const auto& part : str::split(tag, '.')) {
    int n = 0;
    std::from_chars(part.data(), part.data() + part.size(), n);
    out.push_back(n);
  }
  return out;
}

}  // namespace

Result<std::vector<NewManifest>> new_manifests(const config::InitConfiguration& cfg,
                                               const patches::PatchSet* patches, bool with_etcd,
                                               const host::Host& host,
                                               const std::filesystem::path& manifests_dir) {
  std::vector<NewManifest> out;
  if (with_etcd && cfg.cluster.etcd.local) {
    std::optional<fs::Owner> run_as;
    if (auto current = host.read_file((manifests_dir / "etcd.yaml").string())) {
      if (auto pod = pod_json(*current)) run_as = manifests::pod_run_as(*pod);
    }
    auto pod = KADM_TRY(manifests::etcd_pod(cfg, {}, host, run_as));
    out.push_back({"etcd", KADM_TRY(manifests::manifest_yaml(pod, patches))});
  }
  out.push_back({"kube-apiserver", KADM_TRY(manifests::manifest_yaml(
                                       KADM_TRY(manifests::apiserver_pod(cfg, host)), patches))});
  out.push_back({"kube-controller-manager",
                 KADM_TRY(manifests::manifest_yaml(
                     KADM_TRY(manifests::controller_manager_pod(cfg, host)), patches))});
  out.push_back({"kube-scheduler", KADM_TRY(manifests::manifest_yaml(
                                       KADM_TRY(manifests::scheduler_pod(cfg, host)), patches))});
  return out;
}

bool same_pod(const std::string& a_yaml, const std::string& b_yaml) {
  auto a = pod_json(a_yaml);
  auto b = pod_json(b_yaml);
  return a && b && *a == *b;
}

std::string manifest_image_tag(const std::string& yaml) {
  auto pod = pod_json(yaml);
  if (!pod) return "";
  try {
    return image_tag(pod->at("spec").at("containers").at(0).at("image").get<std::string>());
  } catch (const nlohmann::json::exception&) {
    return "";
  }
}

int compare_etcd_tags(std::string_view a, std::string_view b) {
  auto x = numbers(a.substr(0, a.find('-')));
  auto y = numbers(b.substr(0, b.find('-')));
  if (x != y) return x < y ? -1 : 1;
  auto suffix = [](std::string_view t) {
    auto dash = t.find('-');
    return dash == std::string_view::npos ? std::vector<int>{} : numbers(t.substr(dash + 1));
  };
  auto sx = suffix(a), sy = suffix(b);
  if (sx != sy) return sx < sy ? -1 : 1;
  return 0;
}

Result<NodeIdentity> read_node_identity(const host::Host& host,
                                        const std::filesystem::path& kubernetes_dir,
                                        const std::filesystem::path& kubelet_dir,
                                        bool control_plane) {
  NodeIdentity id;
  const auto kubelet_conf = kubernetes_dir / "kubelet.conf";
  if (auto kc = apiclient::load_kubeconfig(kubelet_conf.string())) {
    if (auto cert = certs::load_certificate(kc->client_cert_pem)) {
      std::string cn = certs::inspect(cert->get()).common_name;
      if (cn.starts_with("system:node:")) id.name = cn.substr(12);
    }
  }
  if (id.name.empty()) id.name = str::lower(host.hostname().value_or(""));
  if (id.name.empty()) {
    return fail(ErrorKind::General, "cannot tell this node's name: " + kubelet_conf.string() +
                                        " has no node certificate and the host has no name");
  }
  if (control_plane) {
    const auto path = kubernetes_dir / "manifests" / "kube-apiserver.yaml";
    auto text =
        KADM_TRY_CTX(host.read_file(path.string()), "reading this node's API server manifest");
    auto pod = pod_json(text);
    if (!pod) return fail(ErrorKind::Validation, path.string() + " is not a valid Pod manifest");
    id.advertise_address = command_flag(*pod, "advertise-address");
    std::string port = command_flag(*pod, "secure-port");
    id.bind_port = port.empty() ? 6443 : std::stoi(port);
  }
  id.cri_socket = reset::node_cri_endpoint(host, kubelet_dir, "").endpoint;
  return id;
}

config::InitConfiguration node_configuration(config::ClusterConfiguration cluster,
                                             const config::KubeVersion& target,
                                             const NodeIdentity& node,
                                             const std::string& kubelet_yaml,
                                             const std::string& kube_proxy_yaml) {
  config::InitConfiguration cfg;
  cluster.kubernetes_version = target.str();
  cfg.cluster = std::move(cluster);
  cfg.node_registration.name = node.name;
  cfg.node_registration.cri_socket = node.cri_socket;
  cfg.node_registration.taints = std::vector<config::Taint>{};
  cfg.local_api_endpoint.advertise_address = node.advertise_address;
  cfg.local_api_endpoint.bind_port = node.bind_port;
  cfg.kubelet_config_yaml = kubelet_yaml;
  cfg.kube_proxy_config_yaml = kube_proxy_yaml;
  config::set_init_defaults(cfg);
  cfg.bootstrap_tokens.clear();
  return cfg;
}

std::string upgraded_flags_env(const std::string& text, bool move_endpoint, std::string& moved) {
  moved.clear();
  static const std::regex pause(R"(\s*--pod-infra-container-image(=|\s+)\S+)");
  static const std::regex endpoint(R"(\s*--container-runtime-endpoint(=|\s+)(\S+?)(?=["\s]|$))");
  std::string out = std::regex_replace(text, pause, "");
  if (move_endpoint) {
    std::smatch m;
    if (std::regex_search(out, m, endpoint)) {
      moved = m[2].str();
      out = std::regex_replace(out, endpoint, "");
    }
  }
  // KUBELET_KUBEADM_ARGS=" --a" -> KUBELET_KUBEADM_ARGS="--a"
  static const std::regex leading(R"(="\s+)");
  return std::regex_replace(out, leading, "=\"");
}

}  // namespace kadm::upgrade
