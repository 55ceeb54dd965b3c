// Walks the CIS table against a node's files.

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cis/benchmark.h"
#include "common/constants.h"
#include "common/fs.h"
#include "common/strings.h"
#include "staticpod/manifest_flags.h"

namespace kadm::cis {

std::string_view status_name(Status s) {
  switch (s) {
    case Status::Pass:
      return "PASS";
    case Status::Fail:
      return "FAIL";
    case Status::NotApplicable:
      return "N/A";
  }
  return "?";
}

std::vector<std::pair<std::string, Status>> Report::by_id() const {
  std::vector<std::pair<std::string, Status>> out;
  for (const auto& f : findings) {
    auto it =
        std::ranges::find(out, std::string(f.check->id), &std::pair<std::string, Status>::first);
    if (it == out.end()) {
      out.emplace_back(std::string(f.check->id), f.status);
    } else if (f.status == Status::Fail ||
               (f.status == Status::Pass && it->second == Status::NotApplicable)) {
      it->second = f.status;
    }
  }
  return out;
}

int Report::count(Status s) const {
  int n = 0;
  for (const auto& [id, status] : by_id()) n += status == s ? 1 : 0;
  return n;
}

namespace {

namespace stdfs = std::filesystem;

// "name:x:uid:..." files: id → name.
std::map<unsigned, std::string> read_id_names(const std::string& path) {
  std::map<unsigned, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto f = str::split(line, ':', false);
    if (f.size() < 3) continue;
    try {
      out.emplace(static_cast<unsigned>(std::stoul(f[2])), f[0]);
    } catch (const std::exception&) {
    }
  }
  return out;
}

class HostView final : public NodeView {
 public:
  explicit HostView(std::string root) : m_root(std::move(root)) {
    while (m_root.size() > 1 && m_root.ends_with('/')) m_root.pop_back();
    if (m_root == "/") m_root.clear();
    m_users = read_id_names(m_root + "/etc/passwd");
    m_groups = read_id_names(m_root + "/etc/group");
  }
  std::optional<FileInfo> stat(const std::string& path) const override {
    struct ::stat st {};
    if (::lstat((m_root + path).c_str(), &st) != 0) return std::nullopt;
    return FileInfo{st.st_mode & 07777, st.st_uid, st.st_gid, S_ISDIR(st.st_mode)};
  }
  Result<std::string> read(const std::string& path) const override {
    return fs::read_file(m_root + path);
  }
  std::vector<std::string> list_recursive(const std::string& dir) const override {
    std::vector<std::string> out;
    std::error_code ec;
    stdfs::recursive_directory_iterator it(m_root + dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      out.push_back(it->path().string().substr(m_root.size()));
    }
    std::ranges::sort(out);
    return out;
  }
  std::string user_name(uid_t uid) const override { return name(m_users, uid); }
  std::string group_name(gid_t gid) const override { return name(m_groups, gid); }

 private:
  static std::string name(const std::map<unsigned, std::string>& names, unsigned id) {
    auto it = names.find(id);
    return it == names.end() ? "" : it->second;
  }
  std::string m_root;
  std::map<unsigned, std::string> m_users;
  std::map<unsigned, std::string> m_groups;
};

using Flags = staticpod::ManifestFlags;
using staticpod::add_flag;

Result<Flags> manifest_flags(const NodeView& node, const std::string& path) {
  auto text = node.read(path);
  if (!text) return fail_with(text, "read " + path);
  return staticpod::manifest_flags(*text, path);
}

// KUBELET_KUBEADM_ARGS="..." / KUBELET_EXTRA_ARGS=...: every --flag in the values.
void env_file_flags(const NodeView& node, const std::string& path, Flags& flags) {
  auto text = node.read(path);
  if (!text) return;
  for (const auto& line : str::split(*text, '\n')) {
    const auto eq = line.find('=');
    if (eq == std::string::npos || str::trim(line).starts_with("#")) continue;
    std::string value = line.substr(eq + 1);
    std::erase(value, '"');
    std::erase(value, '\'');
    for (const auto& word : str::split(value, ' ')) add_flag(flags, word);
  }
}

// A field of a YAML document by dotted path, as a string (nullopt when absent or empty).
std::optional<std::string> yaml_field(const std::string& text, std::string_view dotted) {
  try {
    YAML::Node n = YAML::Load(text);
    for (const auto& part : str::split(dotted, '.')) {
      if (!n || !n.IsMap()) return std::nullopt;
      n = n[part];
    }
    if (!n || n.IsNull()) return std::nullopt;
    if (n.IsSequence()) {
      std::vector<std::string> items;
      for (const auto& i : n) items.push_back(i.as<std::string>());
      return str::join(items, ",");
    }
    if (!n.IsScalar()) return std::nullopt;
    std::string v = n.as<std::string>();
    if (v.empty()) return std::nullopt;
    return v;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

bool list_has(std::string_view list, std::string_view item) {
  for (const auto& e : str::split(list, ',')) {
    if (str::trim(e) == item) return true;
  }
  return false;
}

std::string mode_text(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m));
  return buf;
}

// Compares a value that is present.
bool compare(Op op, const std::string& got, std::string_view want) {
  switch (op) {
    case Op::Set:
      return true;
    case Op::NotSet:
      return false;
    case Op::Eq:
      return str::lower(got) == str::lower(want);
    case Op::NotEq:
      return str::lower(got) != str::lower(want);
    case Op::Has:
      return list_has(got, want);
    case Op::NotHave:
      return !list_has(got, want);
    case Op::HasSubstr:
      return got.find(want) != std::string::npos;
    case Op::Gte: {
      try {
        size_t used = 0;
        const long long v = std::stoll(got, &used);
        return used == got.size() && v >= std::stoll(std::string(want));
      } catch (const std::exception&) {
      }
      return false;
    }
    case Op::ModeAtMost:
    case Op::OwnerIs:
      return false;
  }
  return false;
}

std::string expectation(const Check& c) {
  switch (c.op) {
    case Op::Set:
      return "set";
    case Op::NotSet:
      return "not set";
    case Op::Eq:
      return "= " + std::string(c.value);
    case Op::NotEq:
      return "!= " + std::string(c.value);
    case Op::Has:
      return "includes " + std::string(c.value);
    case Op::NotHave:
      return "does not include " + std::string(c.value);
    case Op::HasSubstr:
      return "names " + std::string(c.value);
    case Op::Gte:
      return ">= " + std::string(c.value);
    case Op::ModeAtMost:
      return "mode " + std::string(c.value) + " or stricter";
    case Op::OwnerIs:
      return "owner " + std::string(c.value);
  }
  return "";
}

Finding value_finding(const Check& c, const std::string& what,
                      const std::optional<std::string>& got) {
  if (!got) {
    if (c.op == Op::NotSet || c.absent_ok) {
      return {&c, Status::Pass, what + " is not set"};
    }
    return {&c, Status::Fail, what + " is not set (expected " + expectation(c) + ")"};
  }
  if (c.op == Op::NotSet) return {&c, Status::Fail, what + " is set to \"" + *got + "\""};
  const bool ok = compare(c.op, *got, c.value);
  return {&c, ok ? Status::Pass : Status::Fail,
          what + "=" + *got + (ok ? "" : " (expected " + expectation(c) + ")")};
}

struct Context {
  const NodeView& node;
  const Options& opt;
  std::string manifests;
  std::map<Source, Result<Flags>> flags{};
  Flags kubelet_flags{};
  std::optional<std::string> kubelet_config{};
  std::string pki{};
  std::string etcd_data_dir{};
  std::string kubelet_service{};  // "" when none of the candidates exists
};

std::string component_manifest(Source s) {
  switch (s) {
    case Source::ApiServer:
      return "kube-apiserver.yaml";
    case Source::ControllerManager:
      return "kube-controller-manager.yaml";
    case Source::Scheduler:
      return "kube-scheduler.yaml";
    case Source::Etcd:
      return "etcd.yaml";
    default:
      return "";
  }
}

std::string expand(const Context& ctx, std::string_view subject) {
  std::string s(subject);
  const std::pair<std::string_view, std::string> vars[] = {
      {"{manifests}", ctx.manifests},
      {"{kubernetes}", ctx.opt.kubernetes_dir},
      {"{pki}", ctx.pki},
      {"{etcd-data-dir}", ctx.etcd_data_dir},
      {"{kubelet-config}", ctx.opt.kubelet_config},
      {"{kubelet-kubeconfig}", ctx.opt.kubernetes_dir + "/kubelet.conf"},
      {"{kubelet-service}", ctx.kubelet_service},
  };
  for (const auto& [name, value] : vars) {
    if (auto pos = s.find(name); pos != std::string::npos) s.replace(pos, name.size(), value);
  }
  return s;
}

Finding file_finding(const Context& ctx, const Check& c) {
  if (c.subject == "{kubelet-service}" && ctx.kubelet_service.empty()) {
    return {&c, Status::NotApplicable,
            "no kubelet unit file at " + str::join(ctx.opt.kubelet_service, ", ") +
                " (it belongs to the kubelet's package)"};
  }
  const std::string path = expand(ctx, c.subject);
  auto top = ctx.node.stat(path);
  if (!top) {
    if (c.absent_ok) return {&c, Status::NotApplicable, path + " does not exist"};
    return {&c, Status::Fail, path + " does not exist"};
  }
  std::vector<std::string> paths{path};
  if (c.recursive && top->is_dir) {
    auto under = ctx.node.list_recursive(path);
    paths.insert(paths.end(), under.begin(), under.end());
  }
  std::vector<std::string> bad;
  for (const auto& p : paths) {
    auto info = ctx.node.stat(p);
    if (!info) continue;
    if (c.op == Op::ModeAtMost) {
      const mode_t mask = static_cast<mode_t>(std::stoul(std::string(c.value), nullptr, 8));
      if ((info->mode & ~mask & 0777) != 0 || (info->mode & 07000) != 0) {
        bad.push_back(p + " mode " + mode_text(info->mode));
      }
    } else {
      std::string user = ctx.node.user_name(info->uid);
      std::string group = ctx.node.group_name(info->gid);
      if (user.empty()) user = std::to_string(info->uid);
      if (group.empty()) group = std::to_string(info->gid);
      const std::string owner = user + ":" + group;
      if (owner != c.value) bad.push_back(p + " owned by " + owner);
    }
  }
  if (bad.empty()) {
    std::string what = c.op == Op::ModeAtMost ? "mode " + mode_text(top->mode) : "owner ok";
    if (paths.size() > 1) what = std::to_string(paths.size()) + " files: " + what;
    return {&c, Status::Pass, path + ": " + what};
  }
  std::string detail = bad.front();
  if (bad.size() > 1) detail += " (and " + std::to_string(bad.size() - 1) + " more)";
  return {&c, Status::Fail, detail + " (expected " + expectation(c) + ")"};
}

Finding flag_finding(Context& ctx, const Check& c) {
  auto it = ctx.flags.find(c.source);
  if (it == ctx.flags.end()) {
    it = ctx.flags
             .emplace(c.source,
                      manifest_flags(ctx.node, ctx.manifests + "/" + component_manifest(c.source)))
             .first;
  }
  if (!it->second) return {&c, Status::Fail, it->second.error().text()};
  const Flags& flags = *it->second;
  const std::string name(c.subject);
  auto f = flags.find(name);
  return value_finding(c, name,
                       f == flags.end() ? std::nullopt : std::optional<std::string>(f->second));
}

Finding kubelet_finding(const Context& ctx, const Check& c) {
  const auto bar = c.subject.find('|');
  const std::string flag(c.subject.substr(0, bar));
  const std::string field(c.subject.substr(bar + 1));
  if (auto f = ctx.kubelet_flags.find(flag); f != ctx.kubelet_flags.end()) {
    return value_finding(c, "kubelet " + flag, f->second);
  }
  if (!ctx.kubelet_config) {
    return {&c, Status::Fail, ctx.opt.kubelet_config + " is missing and " + flag + " is not set"};
  }
  return value_finding(c, ctx.opt.kubelet_config + " " + field,
                       yaml_field(*ctx.kubelet_config, field));
}

Finding kube_proxy_finding(const Context& ctx, const Check& c) {
  if (ctx.opt.kube_proxy_config.empty()) {
    return {&c, Status::NotApplicable,
            "kube-proxy's configuration not given (--kube-proxy-config)"};
  }
  auto text = ctx.node.read(ctx.opt.kube_proxy_config);
  if (!text) return {&c, Status::Fail, text.error().text()};
  // A kubeadm ConfigMap dump carries the configuration under data["config.conf"].
  std::string config = *text;
  try {
    YAML::Node doc = YAML::Load(config);
    if (doc.IsMap() && doc["data"] && doc["data"]["config.conf"]) {
      config = doc["data"]["config.conf"].as<std::string>();
    }
  } catch (const YAML::Exception& e) {
    return {&c, Status::Fail, ctx.opt.kube_proxy_config + ": not valid YAML: " + e.what()};
  }
  return value_finding(c, "kube-proxy " + std::string(c.subject), yaml_field(config, c.subject));
}

}  // namespace

std::unique_ptr<NodeView> host_view(std::string root) {
  return std::make_unique<HostView>(std::move(root));
}

Result<Report> evaluate(const NodeView& node, const Options& opt) {
  Context ctx{.node = node, .opt = opt, .manifests = opt.kubernetes_dir + "/manifests"};
  Report report;
  switch (opt.role) {
    case NodeRole::ControlPlane:
      report.control_plane = true;
      break;
    case NodeRole::Worker:
      report.control_plane = false;
      break;
    case NodeRole::Auto:
      report.control_plane = node.stat(ctx.manifests + "/kube-apiserver.yaml").has_value();
      break;
  }
  ctx.pki = opt.kubernetes_dir + "/pki";
  ctx.etcd_data_dir = std::string(constants::kDefaultEtcdDataDir);
  if (report.control_plane) {
    if (auto api = manifest_flags(node, ctx.manifests + "/kube-apiserver.yaml")) {
      if (auto ca = api->find("--client-ca-file"); ca != api->end()) {
        ctx.pki = stdfs::path(ca->second).parent_path().string();
      }
    }
    if (auto etcd = manifest_flags(node, ctx.manifests + "/etcd.yaml")) {
      if (auto d = etcd->find("--data-dir"); d != etcd->end()) ctx.etcd_data_dir = d->second;
    }
  }
  for (const auto& s : opt.kubelet_service) {
    if (node.stat(s)) {
      ctx.kubelet_service = s;
      break;
    }
  }
  env_file_flags(node, opt.kubelet_flags_env, ctx.kubelet_flags);
  env_file_flags(node, opt.kubelet_extra_args_env, ctx.kubelet_flags);
  if (auto text = node.read(opt.kubelet_config)) ctx.kubelet_config = *text;

  for (const auto& c : checks()) {
    if (c.scope == Scope::ControlPlane && !report.control_plane) continue;
    switch (c.source) {
      case Source::FileMode:
      case Source::FileOwner:
        report.findings.push_back(file_finding(ctx, c));
        break;
      case Source::ApiServer:
      case Source::ControllerManager:
      case Source::Scheduler:
      case Source::Etcd:
        report.findings.push_back(flag_finding(ctx, c));
        break;
      case Source::Kubelet:
        report.findings.push_back(kubelet_finding(ctx, c));
        break;
      case Source::KubeProxy:
        report.findings.push_back(kube_proxy_finding(ctx, c));
        break;
    }
  }
  return report;
}

}  // namespace kadm::cis
