#include "cri/image_pull.h"

#include <spdlog/spdlog.h>

#include <thread>

namespace kadm::cri {

namespace {

struct PolicyName {
  std::string_view name;
  PullPolicy policy;
};
constexpr PolicyName kPolicies[] = {
    {"IfNotPresent", PullPolicy::IfNotPresent},
    {"Always", PullPolicy::Always},
    {"Never", PullPolicy::Never},
};

PullResult ensure_one(const Runtime& runtime, const std::string& image, PullPolicy policy) {
  PullResult r{image, PullAction::Failed, ""};
  if (policy != PullPolicy::Always) {
    auto present = runtime.image_status(image);
    if (!present) {
      r.error = "could not tell whether the image is present: " + present.error().text();
      return r;
    }
    if (*present) {
      r.action = PullAction::AlreadyPresent;
      return r;
    }
    if (policy == PullPolicy::Never) {
      r.error = "the image is not present in the container runtime and imagePullPolicy is Never";
      return r;
    }
  }
  auto pulled = runtime.pull_image(image);
  if (!pulled) {
    r.error = pulled.error().text();
    return r;
  }
  spdlog::debug("[cri] pulled {} as {}", image, *pulled);
  r.action = PullAction::Pulled;
  return r;
}

}  // namespace

Result<PullPolicy> parse_pull_policy(std::string_view text) {
  if (text.empty()) return PullPolicy::IfNotPresent;
  for (const auto& p : kPolicies) {
    if (p.name == text) return p.policy;
  }
  return fail(ErrorKind::Validation, "nodeRegistration.imagePullPolicy: Unsupported value: \"" +
                                         std::string(text) +
                                         "\": supported values: \"Always\", \"IfNotPresent\", "
                                         "\"Never\"");
}

std::vector<PullResult> ensure_images(const Runtime& runtime,
                                      const std::vector<std::string>& images, PullPolicy policy,
                                      bool serial) {
  std::vector<PullResult> results(images.size());
  if (serial || images.size() < 2) {
    for (std::size_t i = 0; i < images.size(); ++i)
      results[i] = ensure_one(runtime, images[i], policy);
    return results;
  }
  {
    std::vector<std::jthread> workers;
    workers.reserve(images.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
      workers.emplace_back([&, i] { results[i] = ensure_one(runtime, images[i], policy); });
    }
  }  // jthreads join here
  return results;
}

}  // namespace kadm::cri
