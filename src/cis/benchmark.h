#pragma once
// The automatable scored checks of the CIS Kubernetes Benchmark 1.12 that a node's files decide
// (control plane: 1.1 files, 1.2 kube-apiserver, 1.3 kube-controller-manager, 1.4 kube-scheduler,
// 2 etcd; every node: 4.1 files, 4.2 kubelet, 4.3 kube-proxy), as data: each row says what is
// read and what is expected. `evaluate` walks the table against a NodeView (a root directory on
// the real host, or a fake in tests). Nothing here writes.

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kadm::cis {

// Which nodes a check applies to.
enum class Scope { ControlPlane, AllNodes };

// What a check reads.
enum class Source {
  FileMode,           // a file's permission bits
  FileOwner,          // a file's owner:group (names)
  ApiServer,          // kube-apiserver's command line (its static pod manifest)
  ControllerManager,  // kube-controller-manager's command line
  Scheduler,          // kube-scheduler's command line
  Etcd,               // etcd's command line
  Kubelet,            // the kubelet: a command-line flag wins over its config.yaml field
  KubeProxy,          // kube-proxy's configuration (given with --kube-proxy-config)
};

// How the value read is compared with `value`.
enum class Op {
  Set,         // the flag is present (any value)
  NotSet,      // the flag is absent
  Eq,          // equal (booleans compared case-insensitively)
  NotEq,       // present and not equal
  Has,         // a comma-separated list that contains `value`
  NotHave,     // a comma-separated list that does not contain `value`
  Gte,         // an integer >= value
  HasSubstr,   // contains `value` as a substring (an address:port that names 127.0.0.1)
  ModeAtMost,  // file permission bits within the octal mask `value` (no bit outside it)
  OwnerIs,     // "user:group" equals `value`
};

struct Check {
  std::string_view id;
  std::string_view text;  // what the benchmark asks, in kadm's words
  Scope scope;
  Source source;
  // A flag name ("--profiling"), a kubelet config path ("authentication.anonymous.enabled"
  // after a '|': "--anonymous-auth|authentication.anonymous.enabled"), or a file name with
  // placeholders ({manifests}, {kubernetes}, {pki}, {etcd-data-dir}, {kubelet-config},
  // {kubelet-kubeconfig}, {kubelet-service}).
  std::string_view subject;
  Op op;
  std::string_view value;
  // An absent flag/field passes (the component's default is compliant), and for files: an absent
  // file is not applicable.
  bool absent_ok = false;
  // File checks: every file under the directory too.
  bool recursive = false;
};

// The table (CIS 1.12 automatable scored checks that a node's files decide), in benchmark order.
const std::vector<Check>& checks();

// What a check found on a node.
enum class Status { Pass, Fail, NotApplicable };
std::string_view status_name(Status s);

struct Finding {
  const Check* check = nullptr;
  Status status = Status::Fail;
  std::string detail;  // what was found ("--profiling is not set", "mode 0644 > 0600")
};

struct FileInfo {
  mode_t mode = 0;  // permission bits only
  uid_t uid = 0;
  gid_t gid = 0;
  bool is_dir = false;
};

// The node's files as the checker sees them: the real filesystem under a root directory, or a
// fake in tests.
class NodeView {
 public:
  virtual ~NodeView() = default;
  // nullopt: the file does not exist.
  virtual std::optional<FileInfo> stat(const std::string& path) const = 0;
  virtual Result<std::string> read(const std::string& path) const = 0;
  // Every entry under `dir` (recursively), as absolute paths.
  virtual std::vector<std::string> list_recursive(const std::string& dir) const = 0;
  // Names of ids ("" when unknown).
  virtual std::string user_name(uid_t uid) const = 0;
  virtual std::string group_name(gid_t gid) const = 0;
};

// The real host's files under `root` ("/" for this host); user and group names from
// <root>/etc/passwd and <root>/etc/group.
std::unique_ptr<NodeView> host_view(std::string root);

enum class NodeRole { Auto, ControlPlane, Worker };

struct Options {
  NodeRole role = NodeRole::Auto;  // Auto: a control plane when the apiserver manifest exists
  std::string kubernetes_dir = "/etc/kubernetes";
  std::string kubelet_config = "/var/lib/kubelet/config.yaml";
  std::string kubelet_flags_env = "/var/lib/kubelet/kubeadm-flags.env";
  std::string kubelet_extra_args_env = "/etc/default/kubelet";
  // The kubelet unit's files (unit and drop-ins); the first that exists is checked.
  std::vector<std::string> kubelet_service = {
      "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
      "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
      "/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
  };
  // kube-proxy's KubeProxyConfiguration (from the kube-proxy ConfigMap); "" = 4.3.1 is not
  // applicable on this run.
  std::string kube_proxy_config;
};

struct Report {
  bool control_plane = false;
  std::vector<Finding> findings;  // one per table row that applies to this node
  // One result per check id: Fail if any of its rows failed, Pass if any passed, else N/A.
  std::vector<std::pair<std::string, Status>> by_id() const;
  int count(Status s) const;  // over by_id()
};

Result<Report> evaluate(const NodeView& node, const Options& options);

}  // namespace kadm::cis
