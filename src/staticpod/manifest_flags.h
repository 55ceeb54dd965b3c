#pragma once
// A static Pod's flags, read back from its manifest: what the CIS checks look at, and which
// leader-election lease a control-plane component holds.

#include <map>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm::staticpod {

// "--name" → value, from the "--name=value" entries of the first container's command and args; a
// bare "--name" is "true"; the last occurrence wins.
using ManifestFlags = std::map<std::string, std::string>;

// Adds one command-line word (words that are not "--" flags are ignored).
void add_flag(ManifestFlags& flags, std::string_view word);

// `what` names the manifest in errors ("/etc/kubernetes/manifests/kube-scheduler.yaml").
Result<ManifestFlags> manifest_flags(const std::string& manifest_text, const std::string& what);

}  // namespace kadm::staticpod
