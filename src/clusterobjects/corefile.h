#pragma once
// A CoreDNS Corefile as server blocks, plugins and plugin options (the three levels the upgrade's
// migration reads), parsed from the text the coredns ConfigMap holds and printed back in the
// layout the corefile-migration library prints (4-space indents), so a migrated Corefile reads as
// kubeadm's would.

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace kadm::clusterobjects {

struct CorefileOption {
  std::string name;
  std::vector<std::string> args;
  bool operator==(const CorefileOption&) const = default;
};

struct CorefilePlugin {
  std::string name;
  std::vector<std::string> args;
  std::vector<CorefileOption> options;
  bool operator==(const CorefilePlugin&) const = default;
};

struct CorefileServer {
  std::vector<std::string> keys;  // ".:53", "example.org:53", ...
  std::vector<CorefilePlugin> plugins;
  bool operator==(const CorefileServer&) const = default;
};

struct Corefile {
  std::vector<CorefileServer> servers;
  bool operator==(const Corefile&) const = default;
};

// Caddyfile tokens (quotes, comments, braces); a block nested deeper than plugin options, an
// unbalanced brace or an unterminated quote is a Validation error.
Result<Corefile> parse_corefile(std::string_view text);
std::string print_corefile(const Corefile& corefile);

// Same servers, plugins and options with the same arguments, in any order (the order of plugins
// in a server block does not change what CoreDNS does; it orders plugins itself).
bool equivalent(const Corefile& a, const Corefile& b);

}  // namespace kadm::clusterobjects
