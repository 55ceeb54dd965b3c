#pragma once
// Reading and editing the persisted host configuration the checks care about: /etc/fstab swap
// entries, /etc/selinux/config, /etc/sysctl.d, /etc/modules-load.d. Editors are pure text
// functions and return their input unchanged when nothing needs changing (idempotent fixes).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/host.h"

namespace kadm::preflight {

inline constexpr std::string_view kSysctlFile = "/etc/sysctl.d/k8s.conf";
inline constexpr std::string_view kModulesFile = "/etc/modules-load.d/k8s.conf";

// Lines of an fstab that mount swap (not commented out).
std::vector<std::string> fstab_swap_entries(std::string_view fstab);
// Comments out every active swap line, saying why.
std::string comment_out_swap(std::string_view fstab);

// The SELINUX= value of /etc/selinux/config, lower-cased; "" when absent.
std::string selinux_config_mode(std::string_view config);
// SELINUX=enforcing → SELINUX=permissive; other values stay as they are.
std::string selinux_config_permissive(std::string_view config);

struct SysctlSetting {
  std::string value;
  std::string file;  // host path of the file that decides it
};
// The value `key` gets at boot from /etc/sysctl.d/*.conf and /etc/sysctl.conf (later wins, as
// systemd-sysctl orders them), or nullopt when no file sets it.
std::optional<SysctlSetting> persisted_sysctl(const host::Host& host, const std::string& key);
// Sets `key = value` in a sysctl.d file: replaces existing lines for the key, else appends.
std::string set_sysctl_line(const std::optional<std::string>& content, const std::string& key,
                            const std::string& value);
// Live value of a sysctl from /proc/sys, trimmed.
Result<std::string> live_sysctl(const host::Host& host, const std::string& key);
std::string sysctl_proc_path(const std::string& key);

// True when some /etc/modules-load.d/*.conf lists `module`.
bool module_persisted(const host::Host& host, const std::string& module);
bool module_loaded(const host::Host& host, const std::string& module);
// Appends `module` to a modules-load.d file unless listed.
std::string add_module_line(const std::optional<std::string>& content, const std::string& module);

}  // namespace kadm::preflight
