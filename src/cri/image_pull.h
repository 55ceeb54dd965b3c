#pragma once
// Bringing the images a node needs into the container runtime, under nodeRegistration's
// imagePullPolicy (IfNotPresent, Always, Never) and imagePullSerial. Shared by preflight's
// ImagePull step and `kadm config images pull`.

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "cri/runtime.h"

namespace kadm::cri {

enum class PullPolicy { IfNotPresent, Always, Never };

/// "" (unset) is IfNotPresent, as kubeadm defaults it; other unknown values are errors.
Result<PullPolicy> parse_pull_policy(std::string_view text);

enum class PullAction { Pulled, AlreadyPresent, Failed };

struct PullResult {
  std::string image;
  PullAction action = PullAction::Failed;
  std::string error;  // why, when Failed (without the image name)
};

/// One result per image, in the order given. With `serial` false the images are handled in
/// parallel (one thread each); the runtime must allow concurrent calls (GrpcRuntime does).
std::vector<PullResult> ensure_images(const Runtime& runtime,
                                      const std::vector<std::string>& images, PullPolicy policy,
                                      bool serial);

}  // namespace kadm::cri
