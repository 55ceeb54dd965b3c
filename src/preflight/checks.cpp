// kubeadm's preflight checks (spec §8.2). Messages follow kubeadm's wording where scripts or users
// may match them; the check names are the interface for --ignore-preflight-errors.
#include "preflight/checks.h"

#include <algorithm>
#include <sstream>

#include "common/net.h"
#include "common/strings.h"
#include "preflight/host_files.h"
#include "preflight/names.h"

namespace kadm::preflight {

namespace {

std::string join_ints(const std::vector<int>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + std::to_string(v[i]);
  return s;
}

// Which swap message applies to a target version (newest first): kubeadm relaxed swap from a
// fatal error to a warning as the kubelet learned to run with it.
struct SwapRule {
  int from_minor;
  Severity severity;
  const char* message;
};
constexpr SwapRule kSwapRules[] = {
    {32, Severity::Warning,
     "swap is supported for cgroup v2 only. The kubelet must be properly configured to use swap. "
     "Please refer to https://kubernetes.io/docs/concepts/architecture/nodes/#swap-memory, or "
     "disable swap on the node"},
    {28, Severity::Warning,
     "swap is supported for cgroup v2 only; the NodeSwap feature gate of the kubelet is beta but "
     "disabled by default"},
    {22, Severity::Warning,
     "swap is enabled; production deployments should disable swap unless testing the NodeSwap "
     "feature gate of the kubelet"},
    {0, Severity::Error, "running with swap on is not supported. Please disable swap"},
};

const SwapRule& swap_rule(const config::KubeVersion& v) {
  for (const auto& rule : kSwapRules) {
    if (v.at_least(1, rule.from_minor)) return rule;
  }
  return kSwapRules[std::size(kSwapRules) - 1];
}

bool swap_live(const host::Host& host) {
  auto swaps = host.read_file("/proc/swaps");
  if (!swaps) return false;
  return str::split(*swaps, '\n').size() > 1;  // first line is the header
}

// Minimum kubelet minor below the control plane, newest rule first.
struct KubeletSkew {
  int from_minor;
  int allowed_older_minors;
};
constexpr KubeletSkew kKubeletSkew[] = {{29, 3}, {0, 1}};

}  // namespace

Fix swap_fix() {
  return Fix{
      "turn swap off now (swapoff -a) and comment out swap entries in /etc/fstab",
      [](const host::Host& host) {
        std::vector<FixStep> steps;
        if (swap_live(host)) steps.push_back(LiveCommand{{"swapoff", "-a"}, "disable swap"});
        steps.push_back(FileEdit{"/etc/fstab", 0644, [](const std::optional<std::string>& current) {
                                   return comment_out_swap(current.value_or(""));
                                 }});
        return steps;
      }};
}

Fix sysctl_fix(const std::string& key) {
  return Fix{
      "set " + key + " = 1 now (sysctl -w) and at boot (" + std::string(kSysctlFile) + ")",
      [key](const host::Host& host) {
        std::vector<FixStep> steps;
        bool bridge = str::starts_with(key, "net.bridge.");
        if (bridge) {
          if (!module_loaded(host, "br_netfilter")) {
            steps.push_back(LiveCommand{{"modprobe", "br_netfilter"},
                                        "the net.bridge sysctls exist only with br_netfilter"});
          }
          steps.push_back(
              FileEdit{std::string(kModulesFile), 0644, [](const std::optional<std::string>& c) {
                         return add_module_line(c, "br_netfilter");
                       }});
        }
        auto live = live_sysctl(host, key);
        if (!live || *live != "1") {
          steps.push_back(LiveCommand{{"sysctl", "-w", key + "=1"}, "set " + key});
        }
        // Edit the file that decides the boot value, so a later file cannot undo ours.
        auto persisted = persisted_sysctl(host, key);
        std::string file =
            persisted && persisted->value != "1" ? persisted->file : std::string(kSysctlFile);
        steps.push_back(FileEdit{file, 0644, [key](const std::optional<std::string>& c) {
                                   return set_sysctl_line(c, key, "1");
                                 }});
        return steps;
      }};
}

Check is_privileged_user() {
  return Check{"IsPrivilegedUser", Severity::Error,
               [](const host::Host& host) {
                 return host.effective_uid() == 0 ? Findings{}
                                                  : error("user is not running as root");
               },
               std::nullopt, "run kadm as root (sudo)"};
}

Check num_cpu(int minimum) {
  return Check{"NumCPU", Severity::Error,
               [minimum](const host::Host& host) {
                 auto n = host.cpu_count();
                 if (!n)
                   return error("could not determine the number of CPUs: " + n.error().text());
                 if (*n < minimum) {
                   return error("the number of available CPUs " + std::to_string(*n) +
                                " is less than the required " + std::to_string(minimum));
                 }
                 return Findings{};
               },
               std::nullopt, "use a machine with at least " + std::to_string(minimum) + " CPUs"};
}

Check mem(std::uint64_t minimum_mb) {
  return Check{
      "Mem", Severity::Error,
      [minimum_mb](const host::Host& host) {
        auto mb = host.memory_mb();
        if (!mb) return error("could not determine the system RAM: " + mb.error().text());
        if (*mb < minimum_mb) {
          return error("the system RAM (" + std::to_string(*mb) + " MB) is less than the minimum " +
                       std::to_string(minimum_mb) + " MB");
        }
        return Findings{};
      },
      std::nullopt, "use a machine with at least " + std::to_string(minimum_mb) + " MB RAM"};
}

Check kubernetes_version(std::string configured, config::KubeVersion newest) {
  return Check{
      "KubernetesVersion", Severity::Warning,
      [configured, newest](const host::Host&) {
        auto v = config::parse_kube_version(configured);
        if (!v) {
          return error("couldn't parse Kubernetes version \"" + configured +
                       "\": " + v.error().text());
        }
        if (v->major > newest.major || (v->major == newest.major && v->minor > newest.minor)) {
          return warning(
              "Kubernetes version is greater than kadm version. Please consider to "
              "upgrade kadm. Kubernetes version: " +
              v->str() + ". Kadm version: " + std::to_string(newest.major) + "." +
              std::to_string(newest.minor) + ".x");
        }
        return Findings{};
      },
      std::nullopt, ""};
}

Check firewalld(std::vector<int> ports) {
  return Check{"Firewalld", Severity::Warning,
               [ports](const host::Host& host) {
                 auto s = host.service_state("firewalld");
                 if (s.init_system_known && s.active) {
                   return warning("firewalld is active, please ensure ports [" + join_ints(ports) +
                                  "] are open or your cluster may not function correctly");
                 }
                 return Findings{};
               },
               std::nullopt, "open the ports with firewall-cmd --add-port=<port>/tcp --permanent"};
}

Check port_open(int port, std::string address) {
  return Check{"Port-" + std::to_string(port), Severity::Error,
               [port, address](const host::Host& host) {
                 return host.port_in_use(port, address)
                            ? error("Port " + std::to_string(port) + " is in use")
                            : Findings{};
               },
               std::nullopt, "stop whatever listens on the port (ss -ltnp), or kadm reset"};
}

Check file_available(std::string path) {
  auto name = file_available_name(path);
  return Check{name, Severity::Error,
               [path](const host::Host& host) {
                 return host.exists(path) ? error(path + " already exists") : Findings{};
               },
               std::nullopt, "remove the file (kadm reset) if it is left over from an earlier run"};
}

Check dir_available(std::string path) {
  auto name = dir_available_name(path);
  return Check{name, Severity::Error,
               [path](const host::Host& host) {
                 auto empty = host.dir_empty(path);
                 if (!empty) return error("cannot read " + path + ": " + empty.error().text());
                 return *empty ? Findings{} : error(path + " is not empty");
               },
               std::nullopt,
               "empty the directory (kadm reset) if it is left over from an earlier run"};
}

Check file_content(std::string path, std::string want, std::string sysctl_key) {
  Check c{file_content_name(path), Severity::Error,
          [path, want](const host::Host& host) {
            auto content = host.read_file(path);
            if (!content) return error(path + " does not exist");
            if (!str::starts_with(*content, want)) {
              return error(path + " contents are not set to " + want);
            }
            return Findings{};
          },
          std::nullopt, ""};
  if (!sysctl_key.empty()) {
    c.fix = sysctl_fix(sysctl_key);
    c.hint = "sysctl -w " + sysctl_key + "=1 and persist it in " + std::string(kSysctlFile);
  }
  return c;
}

Check in_path(std::string binary, Severity severity) {
  return Check{file_existing_name(binary), severity,
               [binary, severity](const host::Host& host) {
                 if (host.find_executable(binary)) return Findings{};
                 auto msg = binary + " not found in system path";
                 return severity == Severity::Error ? error(msg) : warning(msg);
               },
               std::nullopt, "install the package that provides " + binary};
}

std::string proxy_for(const host::Host& host, std::string_view scheme, std::string_view target) {
  auto get = [&](const std::string& upper) {
    if (auto v = host.env(upper); v && !v->empty()) return *v;
    if (auto v = host.env(str::lower(upper)); v && !v->empty()) return *v;
    return std::string();
  };
  std::string proxy = get(scheme == "https" ? "HTTPS_PROXY" : "HTTP_PROXY");
  if (proxy.empty()) return "";
  // Without its port ("[::1]:6443", "10.0.0.1:6443") to compare hosts.
  const auto hp = net::split_host_port(target);
  const std::string h = hp ? hp->host : std::string(target);
  auto ip = net::parse_ip(h);
  if (h == "localhost" ||
      (ip && ((!ip->v6 && ip->bytes[0] == 127) || (ip->v6 && ip->str() == "::1")))) {
    return "";  // loopback never goes through a proxy
  }
  for (const auto& raw : str::split(get("NO_PROXY"), ',')) {
    auto entry = str::lower(str::trim(raw));
    if (entry.empty()) continue;
    if (entry == "*") return "";
    if (auto cidr = net::parse_cidr(entry)) {
      if (ip && cidr->contains(*ip)) return "";
      continue;
    }
    if (ip) {
      if (auto e = net::parse_ip(entry); e && e->bytes == ip->bytes) return "";
      continue;
    }
    if (entry.front() == '.') entry.erase(0, 1);
    auto lh = str::lower(h);
    if (lh == entry ||
        (lh.size() > entry.size() &&
         lh.compare(lh.size() - entry.size() - 1, std::string::npos, "." + entry) == 0)) {
      return "";
    }
  }
  return proxy;
}

Check http_proxy(std::string url_host) {
  return Check{"HTTPProxy", Severity::Warning,
               [url_host](const host::Host& host) {
                 auto p = proxy_for(host, "https", url_host);
                 if (p.empty()) return Findings{};
                 return warning("Connection to \"https://" + url_host + "\" uses proxy \"" + p +
                                "\". If that is not intended, adjust your proxy settings");
               },
               std::nullopt, "add the address to NO_PROXY"};
}

Check http_proxy_cidr(std::vector<std::string> cidrs) {
  return Check{"HTTPProxyCIDR", Severity::Warning,
               [cidrs](const host::Host& host) {
                 Findings f;
                 for (const auto& text : cidrs) {
                   auto cidr = net::parse_cidr(text);
                   if (!cidr) {
                     f.errors.push_back("couldn't parse CIDR \"" + text + "\"");
                     continue;
                   }
                   auto p = proxy_for(host, "https", cidr->nth(1).str());
                   if (!p.empty()) {
                     f.warnings.push_back(
                         "connection to \"" + text + "\" uses proxy \"" + p +
                         "\". This may lead to malfunctional cluster setup. Make sure that Pod "
                         "and Services IP ranges specified correctly as exceptions in proxy "
                         "configuration");
                   }
                 }
                 return f;
               },
               std::nullopt, "add the pod and service CIDRs to NO_PROXY"};
}

Check external_etcd_client_certificates(config::ExternalEtcd etcd) {
  return Check{"ExternalEtcdClientCertificates", Severity::Error,
               [etcd](const host::Host& host) {
                 Findings f;
                 for (const auto& p : {etcd.ca_file, etcd.cert_file, etcd.key_file}) {
                   if (!p.empty() && !host.exists(p)) f.errors.push_back(p + " doesn't exist");
                 }
                 return f;
               },
               std::nullopt, "copy the external etcd client certificates to the configured paths"};
}

const std::vector<std::string>& known_cri_endpoints() {
  static const std::vector<std::string> endpoints = {"unix:///var/run/containerd/containerd.sock",
                                                     "unix:///var/run/crio/crio.sock",
                                                     "unix:///var/run/cri-dockerd.sock"};
  return endpoints;
}

Check swap(config::KubeVersion target, std::optional<Result<kubelet::SwapSettings>> kubelet) {
  const auto& rule = swap_rule(target);
  const bool kubelet_refuses = kubelet && *kubelet && (*kubelet)->fail_swap_on;
  Check c{"Swap", kubelet_refuses ? Severity::Error : rule.severity,
          [rule, kubelet](const host::Host& host) {
            // No /proc/swaps: a kernel without swap. There but unreadable: say so, do not guess.
            if (auto swaps = host.read_file("/proc/swaps"); !swaps && host.exists("/proc/swaps")) {
              return warning("cannot read /proc/swaps (" + swaps.error().text() +
                             "), so whether swap is on is unknown");
            }
            if (!swap_live(host)) return Findings{};
            if (rule.severity == Severity::Error) return error(rule.message);
            if (kubelet && !*kubelet) {
              return error("swap is on, and whether the kubelet accepts it is unknown: " +
                           kubelet->error().text());
            }
            if (kubelet && (*kubelet)->fail_swap_on) {
              // kubeadm only warns here, and the kubelet then refuses to start.
              return error(
                  "swap is on, but the kubelet configuration kadm writes has failSwapOn: true, so "
                  "the kubelet would refuse to start. Either turn swap off (swapoff -a, and remove "
                  "the swap lines from /etc/fstab; `--fix` does both), or let the kubelet run "
                  "with swap: add a KubeletConfiguration document to --config with "
                  "failSwapOn: false and memorySwap: {swapBehavior: NoSwap} (or LimitedSwap)");
            }
            return warning(rule.message);
          },
          swap_fix(),
          "swapoff -a, and comment out the swap lines in /etc/fstab (or failSwapOn: false with a "
          "memorySwap.swapBehavior in the KubeletConfiguration)"};
  return c;
}

Check system_verification() {
  struct CgroupSet {
    int version;
    std::vector<std::string> required;
    std::vector<std::string> optional;
  };
  // cgroup v2 has no cpuacct/devices/freezer controllers in cgroup.controllers: the kernel
  // provides them implicitly there.
  static const CgroupSet kCgroups[] = {
      {1,
       {"cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids"},
       {"hugetlb", "blkio"}},
      {2, {"cpu", "cpuset", "memory", "pids"}, {"hugetlb"}},
  };
  return Check{
      "SystemVerification", Severity::Error,
      [](const host::Host& host) {
        Findings f;
        if (auto release = host.kernel_release()) {
          int major = 0, minor = 0;
          char dot = 0;
          std::istringstream in(*release);
          if (!(in >> major >> dot >> minor) || dot != '.') {
            f.errors.push_back("failed to parse kernel release \"" + *release + "\"");
          } else if (major < 3 || (major == 3 && minor < 10)) {
            f.errors.push_back("kernel release " + *release +
                               " is unsupported: kadm needs Linux 3.10 or newer");
          } else if (major < 4 || (major == 4 && minor < 19)) {
            f.warnings.push_back("kernel release " + *release +
                                 " is old; Linux 4.19 or a newer LTS release is recommended");
          }
        } else {
          f.errors.push_back("failed to read the kernel release: " + release.error().text());
        }
        auto cg = host.cgroup_controllers();
        if (!cg) {
          f.errors.push_back("failed to read cgroup controllers: " + cg.error().text());
          return f;
        }
        for (const auto& set : kCgroups) {
          if (set.version != cg->version) continue;
          std::vector<std::string> missing, missing_optional;
          for (const auto& c : set.required) {
            if (!cg->enabled.contains(c)) missing.push_back(c);
          }
          for (const auto& c : set.optional) {
            if (!cg->enabled.contains(c)) missing_optional.push_back(c);
          }
          if (!missing.empty()) {
            f.errors.push_back("missing required cgroups: " + str::join(missing, " "));
          }
          if (!missing_optional.empty()) {
            f.warnings.push_back("missing optional cgroups: " + str::join(missing_optional, " "));
          }
        }
        return f;
      },
      std::nullopt, "enable the missing cgroup controllers on the kernel command line"};
}

Check hostname(std::string node_name, bool explicit_name) {
  Check c{"Hostname", Severity::Warning,
          [node_name, explicit_name](const host::Host& host) {
            Findings f;
            auto current = host.hostname();
            std::string name = node_name;
            if (name.empty()) {
              if (!current)
                return error("could not determine the host name: " + current.error().text());
              name = *current;
            }
            if (auto why = net::dns1123_subdomain_problem(name); !why.empty()) {
              f.errors.push_back(
                  "hostname \"" + name +
                  "\" is not a valid node name (a lower-case RFC 1123 subdomain): " + why);
              return f;
            }
            if (name == "localhost" || str::starts_with(name, "localhost.")) {
              f.warnings.push_back("hostname \"" + name +
                                   "\" would clash with every other node called localhost; give "
                                   "this node its own name (--node-name)");
            }
            if (auto addrs = host.resolve(name); !addrs || addrs->empty()) {
              f.warnings.push_back("hostname \"" + name + "\" could not be reached");
              if (!addrs)
                f.warnings.push_back("hostname \"" + name + "\": " + addrs.error().text());
            }
            if (explicit_name && current && *current != name) {
              f.warnings.push_back("the node name \"" + name + "\" differs from the host name \"" +
                                   *current + "\"");
            }
            return f;
          },
          std::nullopt, "give the node a unique, resolvable, lower-case name"};
  if (explicit_name && net::is_dns1123_subdomain(node_name)) {
    c.fix = Fix{"set the host name to \"" + node_name + "\"", [node_name](const host::Host& host) {
                  std::vector<FixStep> steps;
                  auto current = host.hostname();
                  if (!current || *current != node_name) {
                    if (host.find_executable("hostnamectl")) {
                      steps.push_back(LiveCommand{{"hostnamectl", "set-hostname", node_name},
                                                  "rename the host"});
                    } else {
                      steps.push_back(LiveCommand{{"hostname", node_name}, "rename the host"});
                    }
                  }
                  steps.push_back(FileEdit{
                      "/etc/hostname", 0644,
                      [node_name](const std::optional<std::string>&) { return node_name + "\n"; }});
                  return steps;
                }};
  }
  return c;
}

Check kubelet_version(config::KubeVersion cp, bool refuse_newer) {
  return Check{"KubeletVersion", Severity::Error,
               [cp, refuse_newer](const host::Host& host) {
                 auto out = host.query_command({"kubelet", "--version"});
                 if (!out) return error("couldn't get kubelet version: " + out.error().text());
                 auto words = str::split(str::trim(out->output), ' ');
                 auto v = words.empty() ? config::parse_kube_version("")
                                        : config::parse_kube_version(words.back());
                 if (out->exit_code != 0 || !v) {
                   return error("couldn't get kubelet version: cannot parse \"" +
                                str::trim(out->output) + "\"");
                 }
                 int older = 1;
                 for (const auto& s : kKubeletSkew) {
                   if (cp.at_least(1, s.from_minor)) {
                     older = s.allowed_older_minors;
                     break;
                   }
                 }
                 if (v->major < cp.major || (v->major == cp.major && v->minor < cp.minor - older)) {
                   return error("Kubelet version \"" + v->str() +
                                "\" is lower than kadm can support. Please upgrade kubelet");
                 }
                 if (refuse_newer && v->major == cp.major && v->minor > cp.minor) {
                   return error(
                       "the kubelet version is higher than the control plane version. This is not "
                       "a supported version skew and may lead to a malfunctional cluster. Kubelet "
                       "version: \"" +
                       v->str() + "\" Control plane version: \"" + cp.str() + "\"");
                 }
                 return Findings{};
               },
               std::nullopt, "install a kubelet matching the control plane version"};
}

Check service_kubelet() {
  return Check{
      "Service-Kubelet", Severity::Warning,
      [](const host::Host& host) {
        auto s = host.service_state("kubelet.service");
        if (!s.init_system_known) {
          return warning("no supported init system detected, skipping checking for services");
        }
        if (!s.exists) return warning("kubelet service does not exist");
        if (!s.enabled) {
          return warning(
              "kubelet service is not enabled, please run 'systemctl enable kubelet.service'");
        }
        return Findings{};
      },
      std::nullopt, "systemctl enable kubelet.service"};
}

}  // namespace kadm::preflight
