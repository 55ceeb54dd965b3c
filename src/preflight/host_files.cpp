#include "preflight/host_files.h"

#include <algorithm>
#include <sstream>

#include "common/strings.h"

namespace kadm::preflight {

namespace {

std::vector<std::string> lines_of(std::string_view text) {
  auto lines = str::split(text, '\n', false);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string unlines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool is_swap_entry(std::string_view line) {
  auto t = str::trim(line);
  if (t.empty() || t[0] == '#') return false;
  auto w = words(t);
  return w.size() >= 3 && w[2] == "swap";
}

// "key = value" / "key=value" / "-key = value" (leading '-' = ignore errors) → key, value.
std::optional<std::pair<std::string, std::string>> sysctl_assignment(std::string_view line) {
  auto t = str::trim(line);
  if (t.empty() || t[0] == '#' || t[0] == ';') return std::nullopt;
  auto eq = t.find('=');
  if (eq == std::string::npos) return std::nullopt;
  auto key = str::trim(t.substr(0, eq));
  if (!key.empty() && key[0] == '-') key.erase(0, 1);
  std::replace(key.begin(), key.end(), '/', '.');
  return std::pair{key, str::trim(t.substr(eq + 1))};
}

bool has_suffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::vector<std::string> fstab_swap_entries(std::string_view fstab) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(fstab)) {
    if (is_swap_entry(line)) out.push_back(line);
  }
  return out;
}

std::string comment_out_swap(std::string_view fstab) {
  auto lines = lines_of(fstab);
  bool changed = false;
  for (auto& line : lines) {
    if (is_swap_entry(line)) {
      line = "# disabled by kadm (the kubelet needs swap off): " + line;
      changed = true;
    }
  }
  return changed ? unlines(lines) : std::string(fstab);
}

std::string selinux_config_mode(std::string_view config) {
  std::string mode;
  for (const auto& line : lines_of(config)) {
    auto t = str::trim(line);
    if (str::starts_with(t, "SELINUX=")) mode = str::lower(str::trim(t.substr(8)));
  }
  return mode;
}

std::string selinux_config_permissive(std::string_view config) {
  auto lines = lines_of(config);
  bool changed = false;
  for (auto& line : lines) {
    auto t = str::trim(line);
    if (str::starts_with(t, "SELINUX=") && str::lower(str::trim(t.substr(8))) == "enforcing") {
      line = "SELINUX=permissive";
      changed = true;
    }
  }
  return changed ? unlines(lines) : std::string(config);
}

std::optional<SysctlSetting> persisted_sysctl(const host::Host& host, const std::string& key) {
  std::vector<std::string> files;
  for (const auto& name : host.list_dir("/etc/sysctl.d")) {
    if (has_suffix(name, ".conf")) files.push_back("/etc/sysctl.d/" + name);
  }
  // /etc/sysctl.conf is read last (it is linked as 99-sysctl.conf on systemd distributions).
  files.push_back("/etc/sysctl.conf");
  std::optional<SysctlSetting> result;
  for (const auto& file : files) {
    auto content = host.read_file(file);
    if (!content) continue;
    for (const auto& line : lines_of(*content)) {
      auto kv = sysctl_assignment(line);
      if (kv && kv->first == key) result = SysctlSetting{kv->second, file};
    }
  }
  return result;
}

std::string set_sysctl_line(const std::optional<std::string>& content, const std::string& key,
                            const std::string& value) {
  auto lines = lines_of(content.value_or(""));
  bool found = false;
  bool changed = false;
  for (auto& line : lines) {
    auto kv = sysctl_assignment(line);
    if (kv && kv->first == key) {
      found = true;
      if (kv->second != value) {
        line = key + " = " + value;
        changed = true;
      }
    }
  }
  if (!found) {
    lines.push_back(key + " = " + value);
    changed = true;
  }
  return changed ? unlines(lines) : content.value_or("");
}

std::string sysctl_proc_path(const std::string& key) {
  std::string path = "/proc/sys/" + key;
  std::replace(path.begin() + 10, path.end(), '.', '/');
  return path;
}

Result<std::string> live_sysctl(const host::Host& host, const std::string& key) {
  auto v = host.read_file(sysctl_proc_path(key));
  if (!v) return std::unexpected(v.error());
  return str::trim(*v);
}

bool module_persisted(const host::Host& host, const std::string& module) {
  for (const auto& name : host.list_dir("/etc/modules-load.d")) {
    if (!has_suffix(name, ".conf")) continue;
    auto content = host.read_file("/etc/modules-load.d/" + name);
    if (!content) continue;
    for (const auto& line : lines_of(*content)) {
      if (str::trim(line) == module) return true;
    }
  }
  return false;
}

bool module_loaded(const host::Host& host, const std::string& module) {
  // /sys/module/<name> also exists for modules built into the kernel.
  if (host.is_dir("/sys/module/" + module)) return true;
  // br_netfilter is what creates /proc/sys/net/bridge, even where /sys/module is hidden.
  if (module == "br_netfilter" && host.is_dir("/proc/sys/net/bridge")) return true;
  auto modules = host.read_file("/proc/modules");
  if (!modules) return false;
  for (const auto& line : lines_of(*modules)) {
    auto w = words(line);
    if (!w.empty() && w[0] == module) return true;
  }
  return false;
}

std::string add_module_line(const std::optional<std::string>& content, const std::string& module) {
  auto lines = lines_of(content.value_or(""));
  for (const auto& line : lines) {
    if (str::trim(line) == module) return content.value_or("");
  }
  lines.push_back(module);
  return unlines(lines);
}

}  // namespace kadm::preflight
