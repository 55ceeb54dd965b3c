// CIS Kubernetes Benchmark 1.12: the automatable scored checks a node's files decide, one row
// each (a check that covers several files has a row per file, under the same id). The texts
// are kadm's summaries of what each recommendation asks.

#include "cis/benchmark.h"

namespace kadm::cis {

namespace {
constexpr auto CP = Scope::ControlPlane;
constexpr auto ALL = Scope::AllNodes;
}  // namespace

const std::vector<Check>& checks() {
  static const std::vector<Check> table = {
      // 1.1 Control plane node configuration files.
      {"1.1.1", "kube-apiserver manifest mode 600 or stricter", CP, Source::FileMode,
       "{manifests}/kube-apiserver.yaml", Op::ModeAtMost, "600"},
      {"1.1.2", "kube-apiserver manifest owned by root:root", CP, Source::FileOwner,
       "{manifests}/kube-apiserver.yaml", Op::OwnerIs, "root:root"},
      {"1.1.3", "kube-controller-manager manifest mode 600 or stricter", CP, Source::FileMode,
       "{manifests}/kube-controller-manager.yaml", Op::ModeAtMost, "600"},
      {"1.1.4", "kube-controller-manager manifest owned by root:root", CP, Source::FileOwner,
       "{manifests}/kube-controller-manager.yaml", Op::OwnerIs, "root:root"},
      {"1.1.5", "kube-scheduler manifest mode 600 or stricter", CP, Source::FileMode,
       "{manifests}/kube-scheduler.yaml", Op::ModeAtMost, "600"},
      {"1.1.6", "kube-scheduler manifest owned by root:root", CP, Source::FileOwner,
       "{manifests}/kube-scheduler.yaml", Op::OwnerIs, "root:root"},
      {"1.1.7", "etcd manifest mode 600 or stricter", CP, Source::FileMode, "{manifests}/etcd.yaml",
       Op::ModeAtMost, "600"},
      {"1.1.8", "etcd manifest owned by root:root", CP, Source::FileOwner, "{manifests}/etcd.yaml",
       Op::OwnerIs, "root:root"},
      {"1.1.11", "etcd data directory mode 700 or stricter", CP, Source::FileMode,
       "{etcd-data-dir}", Op::ModeAtMost, "700"},
      {"1.1.12", "etcd data directory owned by etcd:etcd", CP, Source::FileOwner, "{etcd-data-dir}",
       Op::OwnerIs, "etcd:etcd"},
      {"1.1.13", "admin.conf mode 600 or stricter", CP, Source::FileMode, "{kubernetes}/admin.conf",
       Op::ModeAtMost, "600"},
      {"1.1.13", "super-admin.conf (if present) mode 600 or stricter", CP, Source::FileMode,
       "{kubernetes}/super-admin.conf", Op::ModeAtMost, "600", true},
      {"1.1.14", "admin.conf owned by root:root", CP, Source::FileOwner, "{kubernetes}/admin.conf",
       Op::OwnerIs, "root:root"},
      {"1.1.14", "super-admin.conf (if present) owned by root:root", CP, Source::FileOwner,
       "{kubernetes}/super-admin.conf", Op::OwnerIs, "root:root", true},
      {"1.1.15", "scheduler.conf mode 600 or stricter", CP, Source::FileMode,
       "{kubernetes}/scheduler.conf", Op::ModeAtMost, "600"},
      {"1.1.16", "scheduler.conf owned by root:root", CP, Source::FileOwner,
       "{kubernetes}/scheduler.conf", Op::OwnerIs, "root:root"},
      {"1.1.17", "controller-manager.conf mode 600 or stricter", CP, Source::FileMode,
       "{kubernetes}/controller-manager.conf", Op::ModeAtMost, "600"},
      {"1.1.18", "controller-manager.conf owned by root:root", CP, Source::FileOwner,
       "{kubernetes}/controller-manager.conf", Op::OwnerIs, "root:root"},
      {"1.1.19", "PKI directory and every file in it owned by root:root", CP, Source::FileOwner,
       "{pki}", Op::OwnerIs, "root:root", false, true},

      // 1.2 kube-apiserver.
      {"1.2.2", "--token-auth-file is not set", CP, Source::ApiServer, "--token-auth-file",
       Op::NotSet, ""},
      {"1.2.4", "--kubelet-client-certificate is set", CP, Source::ApiServer,
       "--kubelet-client-certificate", Op::Set, ""},
      {"1.2.4", "--kubelet-client-key is set", CP, Source::ApiServer, "--kubelet-client-key",
       Op::Set, ""},
      {"1.2.5", "--kubelet-certificate-authority is set", CP, Source::ApiServer,
       "--kubelet-certificate-authority", Op::Set, ""},
      {"1.2.6", "--authorization-mode does not include AlwaysAllow", CP, Source::ApiServer,
       "--authorization-mode", Op::NotHave, "AlwaysAllow"},
      {"1.2.7", "--authorization-mode includes Node", CP, Source::ApiServer, "--authorization-mode",
       Op::Has, "Node"},
      {"1.2.8", "--authorization-mode includes RBAC", CP, Source::ApiServer, "--authorization-mode",
       Op::Has, "RBAC"},
      {"1.2.10", "admission plugin AlwaysAdmit is not enabled", CP, Source::ApiServer,
       "--enable-admission-plugins", Op::NotHave, "AlwaysAdmit", true},
      {"1.2.12", "admission plugin ServiceAccount is not disabled", CP, Source::ApiServer,
       "--disable-admission-plugins", Op::NotHave, "ServiceAccount", true},
      {"1.2.13", "admission plugin NamespaceLifecycle is not disabled", CP, Source::ApiServer,
       "--disable-admission-plugins", Op::NotHave, "NamespaceLifecycle", true},
      {"1.2.14", "admission plugin NodeRestriction is enabled", CP, Source::ApiServer,
       "--enable-admission-plugins", Op::Has, "NodeRestriction"},
      {"1.2.15", "--profiling=false", CP, Source::ApiServer, "--profiling", Op::Eq, "false"},
      {"1.2.16", "--audit-log-path is set", CP, Source::ApiServer, "--audit-log-path", Op::Set, ""},
      {"1.2.17", "--audit-log-maxage is 30 or more", CP, Source::ApiServer, "--audit-log-maxage",
       Op::Gte, "30"},
      {"1.2.18", "--audit-log-maxbackup is 10 or more", CP, Source::ApiServer,
       "--audit-log-maxbackup", Op::Gte, "10"},
      {"1.2.19", "--audit-log-maxsize is 100 or more", CP, Source::ApiServer, "--audit-log-maxsize",
       Op::Gte, "100"},
      {"1.2.21", "--service-account-lookup is true (the default)", CP, Source::ApiServer,
       "--service-account-lookup", Op::Eq, "true", true},
      {"1.2.22", "--service-account-key-file is set", CP, Source::ApiServer,
       "--service-account-key-file", Op::Set, ""},
      {"1.2.23", "--etcd-certfile is set", CP, Source::ApiServer, "--etcd-certfile", Op::Set, ""},
      {"1.2.23", "--etcd-keyfile is set", CP, Source::ApiServer, "--etcd-keyfile", Op::Set, ""},
      {"1.2.24", "--tls-cert-file is set", CP, Source::ApiServer, "--tls-cert-file", Op::Set, ""},
      {"1.2.24", "--tls-private-key-file is set", CP, Source::ApiServer, "--tls-private-key-file",
       Op::Set, ""},
      {"1.2.25", "--client-ca-file is set", CP, Source::ApiServer, "--client-ca-file", Op::Set, ""},
      {"1.2.26", "--etcd-cafile is set", CP, Source::ApiServer, "--etcd-cafile", Op::Set, ""},
      {"1.2.30", "--service-account-extend-token-expiration=false", CP, Source::ApiServer,
       "--service-account-extend-token-expiration", Op::Eq, "false"},

      // 1.3 kube-controller-manager.
      {"1.3.2", "--profiling=false", CP, Source::ControllerManager, "--profiling", Op::Eq, "false"},
      {"1.3.3", "--use-service-account-credentials is not false", CP, Source::ControllerManager,
       "--use-service-account-credentials", Op::NotEq, "false"},
      {"1.3.4", "--service-account-private-key-file is set", CP, Source::ControllerManager,
       "--service-account-private-key-file", Op::Set, ""},
      {"1.3.5", "--root-ca-file is set", CP, Source::ControllerManager, "--root-ca-file", Op::Set,
       ""},
      {"1.3.6", "feature gate RotateKubeletServerCertificate is not turned off", CP,
       Source::ControllerManager, "--feature-gates", Op::NotHave,
       "RotateKubeletServerCertificate=false", true},
      {"1.3.7", "--bind-address is 127.0.0.1 (or unset)", CP, Source::ControllerManager,
       "--bind-address", Op::Eq, "127.0.0.1", true},

      // 1.4 kube-scheduler.
      {"1.4.1", "--profiling=false", CP, Source::Scheduler, "--profiling", Op::Eq, "false"},
      {"1.4.2", "--bind-address is 127.0.0.1 (or unset)", CP, Source::Scheduler, "--bind-address",
       Op::Eq, "127.0.0.1", true},

      // 2 etcd.
      {"2.1", "--cert-file is set", CP, Source::Etcd, "--cert-file", Op::Set, ""},
      {"2.1", "--key-file is set", CP, Source::Etcd, "--key-file", Op::Set, ""},
      {"2.2", "--client-cert-auth=true", CP, Source::Etcd, "--client-cert-auth", Op::Eq, "true"},
      {"2.3", "--auto-tls is not true", CP, Source::Etcd, "--auto-tls", Op::Eq, "false", true},
      {"2.4", "--peer-cert-file is set", CP, Source::Etcd, "--peer-cert-file", Op::Set, ""},
      {"2.4", "--peer-key-file is set", CP, Source::Etcd, "--peer-key-file", Op::Set, ""},
      {"2.5", "--peer-client-cert-auth=true", CP, Source::Etcd, "--peer-client-cert-auth", Op::Eq,
       "true"},
      {"2.6", "--peer-auto-tls is not true", CP, Source::Etcd, "--peer-auto-tls", Op::Eq, "false",
       true},

      // 4.1 Worker node configuration files (every node).
      {"4.1.1", "kubelet service file mode 600 or stricter", ALL, Source::FileMode,
       "{kubelet-service}", Op::ModeAtMost, "600"},
      {"4.1.2", "kubelet service file owned by root:root", ALL, Source::FileOwner,
       "{kubelet-service}", Op::OwnerIs, "root:root"},
      {"4.1.5", "kubelet.conf mode 600 or stricter", ALL, Source::FileMode, "{kubelet-kubeconfig}",
       Op::ModeAtMost, "600"},
      {"4.1.6", "kubelet.conf owned by root:root", ALL, Source::FileOwner, "{kubelet-kubeconfig}",
       Op::OwnerIs, "root:root"},
      {"4.1.9", "kubelet config.yaml mode 600 or stricter", ALL, Source::FileMode,
       "{kubelet-config}", Op::ModeAtMost, "600"},
      {"4.1.10", "kubelet config.yaml owned by root:root", ALL, Source::FileOwner,
       "{kubelet-config}", Op::OwnerIs, "root:root"},

      // 4.2 kubelet (a flag wins over the config.yaml field after '|').
      {"4.2.1", "anonymous requests refused", ALL, Source::Kubelet,
       "--anonymous-auth|authentication.anonymous.enabled", Op::Eq, "false"},
      {"4.2.2", "authorization mode is not AlwaysAllow", ALL, Source::Kubelet,
       "--authorization-mode|authorization.mode", Op::NotHave, "AlwaysAllow"},
      {"4.2.3", "client CA file is set", ALL, Source::Kubelet,
       "--client-ca-file|authentication.x509.clientCAFile", Op::Set, ""},
      {"4.2.6", "makeIPTablesUtilChains is true (the default)", ALL, Source::Kubelet,
       "--make-iptables-util-chains|makeIPTablesUtilChains", Op::Eq, "true", true},
      {"4.2.10", "rotateCertificates is not false", ALL, Source::Kubelet,
       "--rotate-certificates|rotateCertificates", Op::Eq, "true", true},

      // 4.3 kube-proxy.
      {"4.3.1", "kube-proxy metrics bound to 127.0.0.1 (or the default)", ALL, Source::KubeProxy,
       "metricsBindAddress", Op::HasSubstr, "127.0.0.1", true},
  };
  return table;
}

}  // namespace kadm::cis
