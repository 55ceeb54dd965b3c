#include "staticpod/component_diagnosis.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>

#include "cri/grpc_runtime.h"

namespace kadm::staticpod {

namespace {

// The labels the kubelet puts on every pod sandbox and container it creates.
constexpr const char* kPodNamespaceLabel = "io.kubernetes.pod.namespace";
constexpr const char* kPodNameLabel = "io.kubernetes.pod.name";
constexpr const char* kContainerNameLabel = "io.kubernetes.container.name";
// The annotation with the container's restart count (kubelet's own bookkeeping).
constexpr const char* kRestartCountAnnotation = "io.kubernetes.container.restartCount";

constexpr std::size_t kShortId = 13;            // as crictl shows ids
constexpr std::size_t kTailBytes = 256 * 1024;  // enough for far more than the lines shown
constexpr std::size_t kMaxLineChars = 600;      // one flag dump must not flood the error
constexpr std::chrono::milliseconds kExplainTimeout{3000};

std::string short_id(const std::string& id) { return id.substr(0, kShortId); }

// "<time> <stream> <tag> <text>"; false when `line` is not in that format.
bool parse_cri_line(std::string_view line, std::string_view& stream, std::string_view& tag,
                    std::string_view& text) {
  auto s1 = line.find(' ');
  if (s1 == std::string_view::npos || s1 == 0 || line[0] < '0' || line[0] > '9') return false;
  auto s2 = line.find(' ', s1 + 1);
  if (s2 == std::string_view::npos) return false;
  stream = line.substr(s1 + 1, s2 - s1 - 1);
  if (stream != "stdout" && stream != "stderr") return false;
  auto s3 = line.find(' ', s2 + 1);
  tag = line.substr(s2 + 1, s3 == std::string_view::npos ? std::string_view::npos : s3 - s2 - 1);
  if (tag != "P" && tag != "F") return false;
  text = s3 == std::string_view::npos ? std::string_view() : line.substr(s3 + 1);
  return true;
}

std::string shorten(std::string line) {
  if (line.size() <= kMaxLineChars) return line;
  auto more = line.size() - kMaxLineChars;
  line.resize(kMaxLineChars);
  return line + " [... " + std::to_string(more) + " more characters]";
}

std::string state_words(cri::ContainerState state) {
  switch (state) {
    case cri::ContainerState::Created:
      return "created but not started";
    case cri::ContainerState::Running:
      return "running";
    case cri::ContainerState::Exited:
      return "exited";
    case cri::ContainerState::Unknown:
      break;
  }
  return "in an unknown state";
}

std::optional<long> restart_count(const cri::StringMap& annotations) {
  auto it = annotations.find(kRestartCountAnnotation);
  if (it == annotations.end()) return std::nullopt;
  long n = 0;
  const auto& v = it->second;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size()) return std::nullopt;
  return n;
}

std::vector<std::string> explain_missing(const cri::Runtime& runtime, const std::string& component,
                                         const std::string& pod, const std::string& node_name) {
  cri::PodSandboxFilter sf;
  sf.label_selector = {{kPodNamespaceLabel, "kube-system"}, {kPodNameLabel, pod}};
  auto sandboxes = runtime.list_pod_sandboxes(sf);
  if (sandboxes && !sandboxes->empty()) {
    return {"the kubelet created the pod " + pod + " (sandbox " + short_id(sandboxes->front().id) +
                ") but no " + component + " container in it:",
            "its image may still be pulling or fail to pull, or the container fails to be "
            "created; the kubelet's log says which (journalctl -u kubelet)"};
  }
  return {"the container runtime at " + runtime.endpoint() + " has no " + component +
              " container: the kubelet has not created the pod kube-system/" + pod + ".",
          "Check that the kubelet runs (systemctl status kubelet; journalctl -u kubelet), that it "
          "reads the static Pod manifests in /etc/kubernetes/manifests, that its node name is \"" +
              node_name +
              "\" and that it uses this container runtime, and that the images are "
              "there (kadm config images pull)"};
}

}  // namespace

std::vector<std::string> cri_log_tail(std::string_view log, std::size_t max_lines) {
  if (max_lines == 0) return {};
  if (log.size() > kTailBytes) {
    log = log.substr(log.size() - kTailBytes);
    auto nl = log.find('\n');
    log = nl == std::string_view::npos ? std::string_view() : log.substr(nl + 1);
  }
  std::deque<std::string> out;
  auto keep = [&](std::string line) {
    out.push_back(shorten(std::move(line)));
    if (out.size() > max_lines) out.pop_front();
  };
  std::map<std::string, std::string, std::less<>> partial;  // by stream
  std::size_t pos = 0;
  while (pos < log.size()) {
    auto nl = log.find('\n', pos);
    auto line = log.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? log.size() : nl + 1;
    std::string_view stream, tag, text;
    if (!parse_cri_line(line, stream, tag, text)) {
      keep(std::string(line));
      continue;
    }
    auto& pending = partial[std::string(stream)];
    pending.append(text);
    if (tag == "P") continue;
    keep(std::move(pending));
    partial.erase(std::string(stream));
  }
  for (auto& [stream, pending] : partial) keep(std::move(pending));
  return {std::make_move_iterator(out.begin()), std::make_move_iterator(out.end())};
}

std::vector<std::string> explain_component(const cri::Runtime& runtime, const host::Host& host,
                                           const std::string& component,
                                           const std::string& node_name, std::size_t log_lines) {
  const std::string pod = component + "-" + node_name;
  cri::ContainerFilter filter;
  filter.label_selector = {
      {kPodNamespaceLabel, "kube-system"}, {kPodNameLabel, pod}, {kContainerNameLabel, component}};
  auto containers = runtime.list_containers(filter);
  if (!containers) {
    return {"the container runtime at " + runtime.endpoint() +
            " could not list the containers of " + pod + ": " + containers.error().text()};
  }
  if (containers->empty()) return explain_missing(runtime, component, pod, node_name);

  const auto& newest = *std::ranges::max_element(
      *containers, {}, [](const cri::Container& c) { return c.created_at; });
  std::vector<std::string> lines;
  std::string head = "its newest container " + short_id(newest.id) + " (pod " + pod + ", " +
                     std::to_string(containers->size()) + " container(s) in all) is ";
  auto status = runtime.container_status(newest.id);
  if (!status) {
    lines.push_back(head + state_words(newest.state) +
                    "; its status could not be read: " + status.error().text());
    return lines;
  }
  head += state_words(status->state);
  if (status->state == cri::ContainerState::Exited) {
    head += " with code " + std::to_string(status->exit_code);
    if (!status->reason.empty()) head += " (" + status->reason + ")";
  }
  auto restarts = restart_count(status->annotations);
  if (!restarts) restarts = restart_count(newest.annotations);
  if (restarts) head += ", restarted " + std::to_string(*restarts) + " time(s)";
  lines.push_back(head);
  if (!status->message.empty()) lines.push_back("the runtime says: " + status->message);
  if (status->log_path.empty()) {
    lines.push_back("the runtime gives no log path for it");
    return lines;
  }
  auto log = host.read_file(status->log_path);
  if (!log) {
    lines.push_back("its log " + status->log_path + " cannot be read: " + log.error().text());
    return lines;
  }
  auto tail = cri_log_tail(*log, log_lines);
  if (tail.empty()) {
    lines.push_back("its log " + status->log_path + " is empty");
    return lines;
  }
  lines.push_back("the last " + std::to_string(tail.size()) + " line(s) of its log " +
                  status->log_path + ":");
  for (auto& l : tail) lines.push_back("  " + l);
  return lines;
}

ComponentExplainer runtime_explainer(const host::Host& host, std::string cri_endpoint,
                                     std::string node_name, cri::Connector connect) {
  if (!connect) {
    cri::GrpcRuntimeOptions quick;
    quick.connect_timeout = kExplainTimeout;
    quick.call_timeout = kExplainTimeout;
    connect = cri::grpc_connector(quick);
  }
  return [&host, endpoint = std::move(cri_endpoint), node = std::move(node_name),
          connect = std::move(connect)](const std::string& component) -> std::vector<std::string> {
    auto socket = cri::socket_path(endpoint);
    // No runtime socket: the static pods do not run under a kubelet and runtime here.
    if (!socket || !host.exists(*socket)) return {};
    auto runtime = connect(endpoint);
    if (!runtime) {
      return {"the container runtime at " + endpoint +
              " could not be asked about it: " + runtime.error().text()};
    }
    return explain_component(**runtime, host, component, node);
  };
}

}  // namespace kadm::staticpod
