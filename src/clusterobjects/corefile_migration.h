#pragma once
// Migrating a Corefile from the CoreDNS release a cluster runs to the one an upgrade deploys, the
// way kubeadm does with the corefile-migration library: every release in between applies its
// rows of corefile_rules.h. Versions are written without the leading "v" ("1.13.1").

#include <string>
#include <string_view>
#include <vector>

#include "clusterobjects/corefile.h"
#include "common/error.h"

namespace kadm::clusterobjects {

struct CorefileNotice {
  std::string plugin;
  std::string option;    // "" = the plugin itself
  std::string severity;  // "ignored", "removed", "unsupported"
  std::string release;   // the first release it applies to
  // `Option "upstream" in plugin "kubernetes" is removed in 1.7.1.`
  std::string text() const;
};

// Validation error unless `from` is a release kadm can migrate from and `to` is it or a later one.
Status check_migration_path(std::string_view from, std::string_view to);

// What the releases after `from` up to `to` ignore or removed of this Corefile (one notice per
// plugin or option, at the first release it applies to); none when from == to.
Result<std::vector<CorefileNotice>> corefile_changes(std::string_view from, std::string_view to,
                                                     const Corefile& corefile);

// The plugins and options of this Corefile the rules do not know in some release after `from` up
// to `to`: a migration leaves them as they are, unchecked; none when from == to.
Result<std::vector<CorefileNotice>> corefile_unsupported(std::string_view from, std::string_view to,
                                                         const Corefile& corefile);

// kubeadm migrates only when something was removed; an ignored option alone keeps the Corefile.
bool migration_required(const std::vector<CorefileNotice>& changes);

// The Corefile as `to` needs it: removed options dropped or moved, ignored extra arguments
// dropped; unknown plugins and options kept. from == to returns it unchanged.
Result<Corefile> migrate_corefile(std::string_view from, std::string_view to, Corefile corefile);

}  // namespace kadm::clusterobjects
