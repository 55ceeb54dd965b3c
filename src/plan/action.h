#pragma once
// What a phase wants done to the host, as data. Phases compute actions and hand them to an
// Effects (effects.h); whether they are carried out or only shown is decided there, once.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/fs.h"

namespace kadm::plan {

struct WriteFile {
  std::filesystem::path path;
  std::string content;
  mode_t mode = 0644;
  // Holds key material or credentials: dry-run shows the path and mode, never the bytes.
  bool sensitive = false;
  // Another owner than the running user's, from the file's first byte (etcd's TLS copies).
  std::optional<fs::Owner> owner{};
};

// Creates the directory (and missing parents, 0755) with `mode`. An existing directory is left
// as it is unless `restrict_existing`: then the permission bits `mode` lacks are taken away
// (never added), so a directory someone made 0755 ends at most `mode` (CIS 1.1.11's data dir).
struct MakeDir {
  std::filesystem::path path;
  mode_t mode = 0755;
  bool restrict_existing = false;
  std::optional<fs::Owner> owner{};  // given to it, new or existing
};

struct RemoveFile {
  std::filesystem::path path;
};

// Removes an empty directory; a missing one is not an error, a non-empty one is.
struct RemoveDir {
  std::filesystem::path path;
};

// Deletes what is inside a directory, keeping the directory (kubeadm reset semantics).
struct RemoveContents {
  std::filesystem::path path;
};

// Points `link` at `target`, replacing an existing link atomically (rotatable credentials such
// as kubelet-client-current.pem).
struct Symlink {
  std::filesystem::path target;
  std::filesystem::path link;
};

struct RunCommand {
  std::vector<std::string> argv;
  std::string why;
  // The command that takes this one back (UndoableEffects); empty: it leaves nothing to take
  // back that matters (a stop, a stricter mode).
  std::vector<std::string> undo{};
  // Where what it starts writes (the kubelet: /var/lib/kubelet): taking it back also removes
  // what appeared there after it ran (a kubelet started again would reuse its old client
  // certificate).
  std::filesystem::path writes_into{};
};

using Action =
    std::variant<WriteFile, MakeDir, RemoveFile, RemoveDir, RemoveContents, Symlink, RunCommand>;

// One line describing the action for logs and dry-run ("write /etc/kubernetes/pki/ca.key (0600)").
std::string describe(const Action& action);

}  // namespace kadm::plan
