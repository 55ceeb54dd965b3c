#include "renewal/renew_restart.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "apiclient/kubeconfig_reader.h"
#include "certs/x509.h"
#include "common/fs.h"
#include "common/net.h"
#include "common/strings.h"
#include "common/yaml_json.h"

namespace kadm::renewal {

using namespace certs;  // renewal is the certs domain one layer up

namespace stdfs = std::filesystem;

namespace {

// Facts: who reads what `kadm certs renew` renews (flags of kadm's manifests).
const std::map<std::string_view, std::vector<std::string_view>, std::less<>>& readers() {
  static const std::map<std::string_view, std::vector<std::string_view>, std::less<>> table = {
      {"admin.conf", {}},
      {"super-admin.conf", {}},
      {"apiserver", {"kube-apiserver"}},                         // --tls-cert-file
      {"apiserver-etcd-client", {"kube-apiserver"}},             // --etcd-certfile
      {"apiserver-kubelet-client", {"kube-apiserver"}},          // --kubelet-client-certificate
      {"front-proxy-client", {"kube-apiserver"}},                // --proxy-client-cert-file
      {"controller-manager.conf", {"kube-controller-manager"}},  // --kubeconfig
      {"scheduler.conf", {"kube-scheduler"}},                    // --kubeconfig
      {"etcd-server", {"etcd"}},                                 // --cert-file
      {"etcd-peer", {"etcd"}},                                   // --peer-cert-file
      {"etcd-healthcheck-client", {}},  // probes use plain HTTP on the metrics port
  };
  return table;
}

constexpr std::string_view kOrder[] = {"etcd", "kube-apiserver", "kube-controller-manager",
                                       "kube-scheduler"};

// The serving certificates whose served serial is checked after the restart.
struct ServingFact {
  std::string_view renewed_name;
  std::string_view component;
  std::string_view cert;    // under the cert dir
  std::string_view ca;      // under the cert dir
  std::string_view client;  // client certificate base name under the cert dir ("" none)
};
constexpr ServingFact kServing[] = {
    {"apiserver", "kube-apiserver", "apiserver.crt", "ca.crt", ""},
    {"etcd-server", "etcd", "etcd/server.crt", "etcd/ca.crt", "apiserver-etcd-client"},
};

Result<std::string> file_serial(const stdfs::path& path) {
  auto text = KADM_TRY(fs::read_file(path));
  auto cert = KADM_TRY(load_certificate(text));
  return inspect(cert.get()).serial;
}

// "https://10.0.0.1:6443/readyz" → {"10.0.0.1", 6443}; "[fd00::1]:2379" forms too.
Result<std::pair<std::string, int>> host_port_of(const std::string& url) {
  auto hp = net::parse_url_host_port(url);
  if (!hp) return fail_with(std::move(hp), "reading the address of " + url);
  if (!hp->port) return fail(ErrorKind::Validation, "no port in " + url);
  return std::pair{hp->host, *hp->port};
}

// Where a component serves what is checked: kube-apiserver at its readiness probe's host and
// port (the advertise address and secure port), etcd at the first https URL of
// --listen-client-urls.
Result<std::pair<std::string, int>> serving_address(const std::string& component,
                                                    const std::string& manifest) {
  if (component == "kube-apiserver") {
    return host_port_of(KADM_TRY(staticpod::health_url(manifest, component)));
  }
  nlohmann::json pod;
  try {
    pod = yaml_to_json(YAML::Load(manifest));
  } catch (const std::exception& e) {
    return fail(ErrorKind::Validation,
                "the etcd manifest is not valid YAML: " + std::string(e.what()));
  }
  for (const auto& c : pod.value("/spec/containers"_json_pointer, nlohmann::json::array())) {
    for (const auto& arg : c.value("command", nlohmann::json::array())) {
      if (!arg.is_string()) continue;
      const auto s = arg.get<std::string>();
      const std::string flag = "--listen-client-urls=";
      if (!str::starts_with(s, flag)) continue;
      for (const auto& u : str::split(s.substr(flag.size()), ',')) {
        if (str::starts_with(u, "https://")) return host_port_of(u);
      }
    }
  }
  return std::pair{std::string("127.0.0.1"), 2379};
}

}  // namespace

const std::vector<std::string_view>& components_reading(std::string_view renewable_name) {
  static const std::vector<std::string_view> none;
  const auto it = readers().find(renewable_name);
  return it == readers().end() ? none : it->second;
}

std::vector<std::string> components_to_restart(const std::vector<std::string>& renewed) {
  std::vector<std::string> out;
  for (auto component : kOrder) {
    const bool wanted = std::ranges::any_of(renewed, [&](const std::string& name) {
      return std::ranges::find(components_reading(name), component) !=
             components_reading(name).end();
    });
    if (wanted) out.emplace_back(component);
  }
  return out;
}

std::string restart_hint(bool all, const std::vector<std::string>& components) {
  if (all) {
    return "Done renewing certificates. You must restart the kube-apiserver, "
           "kube-controller-manager, kube-scheduler and etcd, so that they can use the new "
           "certificates.";
  }
  if (components.empty()) return "";
  std::string list;
  for (size_t i = 0; i < components.size(); ++i) {
    if (i > 0) list += i + 1 == components.size() ? " and " : ", ";
    list += components[i];
  }
  return "Done renewing certificates. You must restart the " + list + ", so that " +
         (components.size() == 1 ? "it uses" : "they use") + " the new certificate.";
}

std::string kubelet_node_name(const stdfs::path& kubelet_conf, std::string fallback) {
  auto kc = apiclient::load_kubeconfig(kubelet_conf.string());
  if (!kc || kc->client_cert_pem.empty()) return fallback;
  auto cert = load_certificate(kc->client_cert_pem);
  if (!cert) return fallback;
  const auto cn = inspect(cert->get()).common_name;
  constexpr std::string_view prefix = "system:node:";
  if (!str::starts_with(cn, prefix) || cn.size() == prefix.size()) return fallback;
  return cn.substr(prefix.size());
}

Result<RestartReport> restart_components(const std::vector<std::string>& renewed,
                                         const RestartOptions& options,
                                         const staticpod::Seams& seams) {
  RestartReport report;
  std::vector<std::string> todo;
  for (const auto& c : components_to_restart(renewed)) {
    if (fs::exists(options.manifest_dir / (c + ".yaml")).value_or(false)) {
      todo.push_back(c);
    } else {
      report.skipped.push_back(c);
    }
  }
  for (const auto& c : report.skipped) {
    spdlog::warn(
        "[renew] {} reads a renewed certificate, but there is no static pod manifest for it in "
        "{}: not restarted here (restart it where it runs)",
        c, options.manifest_dir.string());
  }
  if (todo.empty()) return report;
  if (auto k = seams.probe.health(options.kubelet_healthz_url); !k) {
    return fail(ErrorKind::General,
                "the certificates were renewed, but the static pods that read them (" +
                    str::join(todo, ", ") + ") cannot be restarted: no kubelet answers at " +
                    options.kubelet_healthz_url + " (" + k.error().text() +
                    "). Start the kubelet (systemctl start kubelet) and run this command again, "
                    "or restart the components yourself; --restart=false renews without "
                    "restarting");
  }
  for (const auto& c : todo) {
    staticpod::RolloutRequest req;
    req.component = c;
    req.node_name = options.node_name;
    req.manifest_dir = options.manifest_dir;
    req.backup_dir = options.backup_dir;
    req.timeout = options.timeout;
    req.interval = options.interval;
    req.log_prefix = "[renew]";
    // A renewed serving certificate must be what the restarted component serves.
    std::optional<ServedCertificate> served;
    std::string want, ca, client;
    std::pair<std::string, int> where;
    for (const auto& fact : kServing) {
      if (fact.component != c || std::ranges::find(renewed, fact.renewed_name) == renewed.end()) {
        continue;
      }
      const auto manifest = KADM_TRY(fs::read_file(options.manifest_dir / (c + ".yaml")));
      where = KADM_TRY(serving_address(c, manifest));
      want = KADM_TRY_CTX(file_serial(options.cert_dir / fact.cert),
                          "reading the renewed " + std::string(fact.renewed_name) + " certificate");
      ca = (options.cert_dir / fact.ca).string();
      if (!fact.client.empty() &&
          fs::exists(options.cert_dir / (std::string(fact.client) + ".crt")).value_or(false)) {
        client = (options.cert_dir / fact.client).string();
      }
      served = ServedCertificate{c, where.first + ":" + std::to_string(where.second), "", ""};
      if (auto before = seams.probe.served_serial(where.first, where.second, ca,
                                                  client.empty() ? "" : client + ".crt",
                                                  client.empty() ? "" : client + ".key")) {
        served->serial_before = *before;
      }
    }
    if (served) {
      req.also_wait_for = [&, s = &*served]() -> Result<bool> {
        auto got = seams.probe.served_serial(where.first, where.second, ca,
                                             client.empty() ? "" : client + ".crt",
                                             client.empty() ? "" : client + ".key");
        if (!got) return std::unexpected(std::move(got).error());
        s->serial_after = *got;
        return *got == want;
      };
      req.also_wait_for_what =
          c + " to serve the renewed certificate (serial " + want + ") at " + served->address;
    }
    auto rolled = staticpod::roll_out(req, seams);
    if (!rolled) {
      auto e = std::move(rolled).error();
      std::string done;
      for (const auto& r : report.restarted) done += (done.empty() ? "" : ", ") + r.component;
      return fail(std::move(e).with_context(
          "restarting " + c + " after the certificate renewal" +
          (done.empty() ? std::string() : " (already restarted: " + done + ")")));
    }
    report.restarted.push_back(std::move(*rolled));
    if (served) {
      // kube-apiserver and etcd reload serving certificates from disk themselves, so the
      // renewed serial may already have been served before the restart.
      const std::string before = served->serial_before.empty() ? "not read before the restart"
                                 : served->serial_before == served->serial_after
                                     ? "already served before the restart"
                                     : "was " + served->serial_before;
      spdlog::info("[renew] {} serves the renewed certificate at {}: serial {} ({})", c,
                   served->address, served->serial_after, before);
      report.served.push_back(std::move(*served));
    }
  }
  return report;
}

}  // namespace kadm::renewal
