#include "preflight/cri_checks.h"

#include <spdlog/spdlog.h>

#include "common/strings.h"
#include "cri/grpc_runtime.h"
#include "cri/image_pull.h"
#include "preflight/checks.h"

namespace kadm::preflight {

namespace {

constexpr std::string_view kNotConnected = "could not connect to the container runtime: ";
constexpr std::string_view kRuntimeHint =
    "install and start a container runtime (containerd or CRI-O), or name its socket with "
    "--cri-socket / nodeRegistration.criSocket";

std::string describe(const cri::VersionInfo& v) {
  if (v.runtime_name.empty()) return "the container runtime";
  return v.runtime_name + (v.runtime_version.empty() ? "" : " " + v.runtime_version);
}

// The image named ".../pause:<tag>" in a list of images, if any.
std::optional<std::string> pause_image(const std::vector<std::string>& images) {
  for (const auto& image : images) {
    auto name = image.substr(0, image.rfind(':'));
    auto slash = name.rfind('/');
    if ((slash == std::string::npos ? name : name.substr(slash + 1)) == "pause") return image;
  }
  return std::nullopt;
}

}  // namespace

CriProbe::CriProbe(std::string endpoint, cri::Connector connect)
    : m_configured(std::move(endpoint)),
      m_connect(connect ? std::move(connect) : cri::grpc_connector()) {}

std::shared_ptr<CriProbe> make_cri_probe(std::string endpoint, cri::Connector connect) {
  return std::make_shared<CriProbe>(std::move(endpoint), std::move(connect));
}

Result<std::string> CriProbe::endpoint(const host::Host& host) {
  std::scoped_lock lock(m_mu);
  if (m_endpoint) return *m_endpoint;
  if (!m_configured.empty()) {
    m_endpoint = m_configured;
    return *m_endpoint;
  }
  std::vector<std::string> found;
  for (const auto& e : known_cri_endpoints()) {
    auto path = cri::socket_path(e);
    if (path && host.exists(*path)) found.push_back(e);
  }
  if (found.empty()) {
    m_endpoint = fail(ErrorKind::NotFound, std::string(kNotConnected) +
                                               "no container runtime socket found (looked for " +
                                               str::join(known_cri_endpoints(), ", ") + ")");
  } else if (found.size() > 1) {
    m_endpoint = fail(ErrorKind::Validation,
                      "found multiple CRI endpoints on the host. Please define which one do you "
                      "wish to use by setting the 'criSocket' field in the kubeadm configuration "
                      "file: " +
                          str::join(found, ", "));
  } else {
    m_endpoint = found.front();
  }
  return *m_endpoint;
}

Result<const cri::Runtime*> CriProbe::runtime(const host::Host& host) {
  std::scoped_lock lock(m_mu);
  if (!m_ready) {
    m_ready = [&]() -> Status {
      auto chosen = KADM_TRY(endpoint(host));
      auto path = cri::socket_path(chosen);
      if (!path) return fail(std::string(kNotConnected) + path.error().text());
      // Fixture roots (kadm preflight --root) keep their sockets below the root too.
      auto connected = m_connect("unix://" + host.real_path(*path));
      if (!connected) return fail(std::string(kNotConnected) + connected.error().text());
      m_runtime = std::move(*connected);
      auto version = m_runtime->version();
      if (!version) return fail(std::string(kNotConnected) + version.error().text());
      m_version = *version;
      auto status = m_runtime->status(true);
      if (!status) return fail(std::string(kNotConnected) + status.error().text());
      m_sandbox = cri::sandbox_image(*status);
      spdlog::debug("[preflight] {} at {} speaks CRI {}", describe(*version), chosen,
                    version->runtime_api_version);
      const auto* ready = status->condition("RuntimeReady");
      if (!ready || !ready->status) {
        std::string why =
            ready ? ready->reason + (ready->message.empty() ? "" : ": " + ready->message)
                  : "it reports no RuntimeReady condition";
        return fail("the container runtime at " + chosen + " is not ready: " + why);
      }
      // NetworkReady stays false until a pod network add-on is installed, after init: not a
      // problem now.
      if (const auto* net = status->condition("NetworkReady"); net && !net->status) {
        spdlog::debug("[preflight] container runtime network not ready yet: {} {}", net->reason,
                      net->message);
      }
      return {};
    }();
  }
  if (!*m_ready) return std::unexpected(m_ready->error());
  return m_runtime.get();
}

Result<std::optional<cri::RuntimeConfigInfo>> CriProbe::runtime_config(const host::Host& host) {
  std::scoped_lock lock(m_mu);
  if (!m_config) {
    auto rt = runtime(host);
    if (!rt) {
      m_config = std::unexpected(rt.error());
    } else {
      m_config = (*rt)->runtime_config();
    }
  }
  return *m_config;
}

Check cri_check(std::shared_ptr<CriProbe> probe) {
  return Check{"CRI", Severity::Error,
               [probe](const host::Host& host) {
                 auto rt = probe->runtime(host);
                 return rt ? Findings{} : error(rt.error().text());
               },
               std::nullopt, std::string(kRuntimeHint)};
}

Check cri_check(std::string endpoint) { return cri_check(make_cri_probe(std::move(endpoint))); }

Check container_runtime_version(std::shared_ptr<CriProbe> probe) {
  return Check{
      "ContainerRuntimeVersion", Severity::Warning,
      [probe](const host::Host& host) {
        if (!probe->runtime(host)) return Findings{};  // the CRI check reports it
        auto config = probe->runtime_config(host);
        if (!config) {
          return warning("could not ask the container runtime for its configuration: " +
                         config.error().text());
        }
        if (*config) return Findings{};
        std::string who = probe->version() ? describe(*probe->version()) : "the container runtime";
        return warning(who +
                       " does not implement the CRI method RuntimeConfig, so the kubelet has to "
                       "take the cgroup driver from its own configuration; kubelets from v1.36 "
                       "no longer do that: update the container runtime to a release that "
                       "implements RuntimeConfig");
      },
      std::nullopt, "update the container runtime to a release implementing CRI RuntimeConfig"};
}

Check image_pull(std::vector<std::string> images, std::string pull_policy, bool serial,
                 std::shared_ptr<CriProbe> probe, bool cri_ignored) {
  return Check{
      "ImagePull", Severity::Error,
      [images, pull_policy, serial, probe, cri_ignored](const host::Host& host) {
        Findings f;
        auto policy = cri::parse_pull_policy(pull_policy);
        if (!policy) return error(policy.error().text());
        auto rt = probe->runtime(host);
        if (!rt) {
          if (cri_ignored) {
            return warning("not pulling images: " + rt.error().text());
          }
          return error("cannot pull images: " + rt.error().text());
        }
        // Pods start from the runtime's sandbox image, not from the pause image kadm pulls.
        if (auto pause = pause_image(images);
            pause && probe->sandbox_image() && *probe->sandbox_image() != *pause) {
          f.warnings.push_back("the container runtime's sandbox image is \"" +
                               *probe->sandbox_image() + "\" but kadm's pause image is \"" +
                               *pause + "\"; configure the runtime to use \"" + *pause +
                               "\" (sandbox_image in containerd's CRI configuration)");
        }
        for (const auto& r : cri::ensure_images(**rt, images, *policy, serial)) {
          if (r.action == cri::PullAction::Failed) {
            f.errors.push_back("failed to pull image " + r.image + ": " + r.error);
          } else {
            spdlog::debug("[preflight] image {} {}", r.image,
                          r.action == cri::PullAction::Pulled ? "pulled" : "already present");
          }
        }
        return f;
      },
      std::nullopt,
      "check that the node reaches the image registry (or set imageRepository to a mirror), or "
      "pull the images beforehand with 'kadm config images pull'"};
}

}  // namespace kadm::preflight
