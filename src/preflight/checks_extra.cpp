// Host preparation that kubeadm only documents (spec §8.2, last paragraph) and users trip over:
// SELinux, br_netfilter, the forwarding sysctls, swap in fstab, overlapping networks and the
// cgroup driver. These checks never fail a run kubeadm would have let through unless the cluster
// could not work (SELinux enforcing, pod and service networks overlapping).
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "common/net.h"
#include "common/strings.h"
#include "preflight/checks.h"
#include "preflight/cri_checks.h"
#include "preflight/host_files.h"

namespace kadm::preflight {

const std::vector<std::string>& required_sysctls() {
  static const std::vector<std::string> keys = {"net.bridge.bridge-nf-call-iptables",
                                                "net.bridge.bridge-nf-call-ip6tables",
                                                "net.ipv4.ip_forward"};
  return keys;
}

Check swap_fstab() {
  return Check{
      "SwapFstab", Severity::Warning,
      [](const host::Host& host) {
        Findings f;
        auto fstab = host.read_file("/etc/fstab");
        if (!fstab) return f;
        for (const auto& line : fstab_swap_entries(*fstab)) {
          f.warnings.push_back("/etc/fstab turns swap on at boot: \"" + str::trim(line) + "\"");
        }
        return f;
      },
      swap_fix(), "comment out the swap lines in /etc/fstab"};
}

Check selinux() {
  static const std::string kHint =
      "run 'setenforce 0' and set SELINUX=permissive in /etc/selinux/config (kadm preflight "
      "--fix does both)";
  return Check{
      "SELinux", Severity::Error,
      [](const host::Host& host) {
        Findings f;
        auto enforce = host.read_file("/sys/fs/selinux/enforce");
        bool enforcing = enforce && str::trim(*enforce) == "1";
        if (enforcing) {
          f.errors.push_back(
              "SELinux is enforcing, which blocks the control-plane containers "
              "from reading host files; " +
              kHint);
        }
        if (auto config = host.read_file("/etc/selinux/config");
            config && selinux_config_mode(*config) == "enforcing") {
          f.warnings.push_back(
              "/etc/selinux/config has SELINUX=enforcing, so SELinux enforces "
              "again after a reboot; set SELINUX=permissive");
        }
        return f;
      },
      Fix{"switch SELinux to permissive now (setenforce 0) and at boot (/etc/selinux/config)",
          [](const host::Host& host) {
            std::vector<FixStep> steps;
            auto enforce = host.read_file("/sys/fs/selinux/enforce");
            if (enforce && str::trim(*enforce) == "1") {
              steps.push_back(LiveCommand{{"setenforce", "0"}, "make SELinux permissive"});
            }
            steps.push_back(
                FileEdit{"/etc/selinux/config", 0644, [](const std::optional<std::string>& c) {
                           return selinux_config_permissive(c.value_or(""));
                         }});
            return steps;
          }},
      kHint};
}

Check bridge_netfilter() {
  return Check{
      "BridgeNetfilter", Severity::Warning,
      [](const host::Host& host) {
        Findings f;
        if (!module_loaded(host, "br_netfilter")) {
          f.warnings.push_back(
              "the br_netfilter module is not loaded, so bridged pod traffic "
              "bypasses iptables (kube-proxy Services break)");
        }
        if (!module_persisted(host, "br_netfilter")) {
          f.warnings.push_back(
              "br_netfilter is not loaded at boot: no /etc/modules-load.d/*.conf "
              "lists it");
        }
        return f;
      },
      Fix{"load br_netfilter now (modprobe) and at boot (" + std::string(kModulesFile) + ")",
          [](const host::Host& host) {
            std::vector<FixStep> steps;
            if (!module_loaded(host, "br_netfilter")) {
              steps.push_back(LiveCommand{{"modprobe", "br_netfilter"}, "load br_netfilter"});
            }
            steps.push_back(
                FileEdit{std::string(kModulesFile), 0644, [](const std::optional<std::string>& c) {
                           return add_module_line(c, "br_netfilter");
                         }});
            return steps;
          }},
      "modprobe br_netfilter; echo br_netfilter >> " + std::string(kModulesFile)};
}

Check sysctl(std::string key) {
  return Check{
      "Sysctl-" + key, Severity::Warning,
      [key](const host::Host& host) {
        Findings f;
        auto live = live_sysctl(host, key);
        if (!live) {
          f.warnings.push_back(sysctl_proc_path(key) + " does not exist" +
                               (str::starts_with(key, "net.bridge.")
                                    ? " (the br_netfilter module is not loaded)"
                                    : ""));
        } else if (*live != "1") {
          f.warnings.push_back(key + " is " + *live + ", the cluster network needs 1");
        }
        auto persisted = persisted_sysctl(host, key);
        if (!persisted) {
          f.warnings.push_back(key +
                               " = 1 is not set in /etc/sysctl.d/*.conf or "
                               "/etc/sysctl.conf, so it is lost at reboot");
        } else if (persisted->value != "1") {
          f.warnings.push_back(persisted->file + " sets " + key + " = " + persisted->value +
                               " at boot; the cluster network needs 1");
        }
        return f;
      },
      sysctl_fix(key),
      "sysctl -w " + key + "=1 and add \"" + key + " = 1\" to " + std::string(kSysctlFile)};
}

Check network_overlap(std::string pod_subnet, std::string service_subnet) {
  return Check{
      "NetworkOverlap", Severity::Error,
      [pod_subnet, service_subnet](const host::Host& host) {
        Findings f;
        struct Named {
          std::string text;
          net::Cidr cidr;
        };
        std::vector<Named> pods, services;
        for (const auto& [text, out] :
             {std::pair{&pod_subnet, &pods}, {&service_subnet, &services}}) {
          for (const auto& part : str::split(*text, ',')) {
            if (auto c = net::parse_cidr(str::trim(part)))
              out->push_back({str::trim(part), *c});
            else
              f.errors.push_back("couldn't parse CIDR \"" + str::trim(part) + "\"");
          }
        }
        for (const auto& p : pods) {
          for (const auto& s : services) {
            if (p.cidr.overlaps(s.cidr)) {
              f.errors.push_back("the pod network " + p.text + " overlaps the service network " +
                                 s.text + "; choose disjoint ranges");
            }
          }
        }
        for (const auto& a : host.interface_addresses()) {
          std::string node_text = a.address + "/" + std::to_string(a.prefix_length);
          auto node_net = net::parse_cidr(node_text);
          if (!node_net) continue;
          for (const auto* list : {&pods, &services}) {
            for (const auto& c : *list) {
              if (c.cidr.overlaps(*node_net)) {
                f.warnings.push_back(std::string(list == &pods ? "pod" : "service") + " network " +
                                     c.text + " overlaps the network " + node_text +
                                     " of interface " + a.interface +
                                     "; traffic to that network may be misrouted");
              }
            }
          }
        }
        return f;
      },
      std::nullopt,
      "pick pod and service CIDRs that overlap neither each other nor the node's networks"};
}

namespace {

struct DriverSource {
  std::string driver;
  std::string source;
};

// containerd's config states the driver per runtime (SystemdCgroup); "" when it says nothing.
DriverSource containerd_config_driver(const host::Host& host) {
  auto toml = host.read_file("/etc/containerd/config.toml");
  if (!toml) return {};
  DriverSource d{"", "SystemdCgroup in /etc/containerd/config.toml"};
  for (const auto& line : str::split(*toml, '\n')) {
    auto t = str::trim(line);
    if (!str::starts_with(t, "SystemdCgroup")) continue;
    auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    d.driver = str::lower(str::trim(t.substr(eq + 1))) == "true" ? "systemd" : "cgroupfs";
  }
  return d;
}

DriverSource kubelet_driver(const host::Host& host, const std::string& kubelet_default_driver,
                            bool planned) {
  if (planned) return {kubelet_default_driver, "the KubeletConfiguration this run writes"};
  DriverSource d{kubelet_default_driver,
                 kubelet_default_driver.empty() ? "" : "kadm's kubelet default"};
  auto cfg = host.read_file("/var/lib/kubelet/config.yaml");
  if (!cfg) return d;
  for (const auto& line : str::split(*cfg, '\n')) {
    auto t = str::trim(line);
    if (str::starts_with(t, "cgroupDriver:")) {
      d.driver = str::trim(t.substr(13));
      d.driver.erase(std::remove(d.driver.begin(), d.driver.end(), '"'), d.driver.end());
      d.source = "/var/lib/kubelet/config.yaml";
    }
  }
  return d;
}

}  // namespace

Check cgroup_driver(std::string kubelet_default_driver, std::shared_ptr<CriProbe> probe,
                    bool planned) {
  return Check{
      "CgroupDriver", Severity::Warning,
      [kubelet_default_driver, probe, planned](const host::Host& host) {
        Findings f;
        // What the runtime says over CRI wins over what its config file seems to say.
        DriverSource runtime;
        if (probe) {
          if (auto rc = probe->runtime_config(host); rc && *rc && (*rc)->cgroup_driver) {
            runtime = {std::string(cri::to_string(*(*rc)->cgroup_driver)),
                       "reported over CRI RuntimeConfig"};
          }
        }
        if (runtime.driver.empty()) runtime = containerd_config_driver(host);
        if (runtime.driver.empty()) return f;  // not stated: defaults differ by version
        auto kubelet = kubelet_driver(host, kubelet_default_driver, planned);
        if (kubelet.driver.empty()) return f;  // decided later (join: by the cluster)
        if (kubelet.driver != runtime.driver) {
          f.warnings.push_back("the container runtime uses the " + runtime.driver +
                               " cgroup driver (" + runtime.source + ") but the kubelet uses " +
                               kubelet.driver + " (" + kubelet.source +
                               "); both must agree or pods restart at random");
        }
        return f;
      },
      std::nullopt,
      "set SystemdCgroup = true in /etc/containerd/config.toml and restart containerd, or set the "
      "kubelet's cgroupDriver to match"};
}

std::optional<std::string> kubelet_config_cgroup_driver(std::string_view kubelet_config_yaml) {
  try {
    auto driver = YAML::Load(std::string(kubelet_config_yaml))["cgroupDriver"];
    if (driver && driver.IsScalar()) return driver.Scalar();
  } catch (const YAML::Exception&) {
  }
  return std::nullopt;
}

}  // namespace kadm::preflight
