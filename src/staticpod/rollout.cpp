#include "staticpod/rollout.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <ctime>

#include "common/fs.h"
#include "common/yaml_json.h"
#include "staticpod/probe_url.h"

namespace kadm::staticpod {

namespace stdfs = std::filesystem;
using nlohmann::json;

MirrorPod parse_mirror_pod(const json& pod, const std::string& component) {
  MirrorPod out;
  if (!pod.is_object()) return out;
  const auto annotations = pod.value("/metadata/annotations"_json_pointer, json::object());
  if (annotations.is_object()) {
    const auto it = annotations.find(std::string(kConfigHashAnnotation));
    if (it != annotations.end() && it->is_string()) out.hash = it->get<std::string>();
  }
  out.uid = pod.value("/metadata/uid"_json_pointer, "");
  out.phase = pod.value("/status/phase"_json_pointer, "");
  const auto conditions = pod.value("/status/conditions"_json_pointer, json::array());
  for (const auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == "Ready")
      out.ready = c.value("status", "") == "True";
  }
  const auto statuses = pod.value("/status/containerStatuses"_json_pointer, json::array());
  if (statuses.is_array()) {
    // The component's container; a pod of one container may name it otherwise (patched).
    for (const auto& st : statuses) {
      if (!st.is_object()) continue;
      if (st.value("name", "") == component || statuses.size() == 1) {
        out.container_id = st.value("containerID", "");
      }
    }
  }
  return out;
}

std::string mirror_pod_path(const std::string& component, const std::string& node_name) {
  return "/api/v1/namespaces/kube-system/pods/" + component + "-" + node_name;
}

Result<std::string> health_url(const std::string& manifest_text, const std::string& component) {
  json pod;
  try {
    pod = yaml_to_json(YAML::Load(manifest_text));
  } catch (const std::exception& e) {
    return fail(ErrorKind::Validation,
                "the " + component + " manifest is not valid YAML: " + std::string(e.what()));
  }
  const auto containers = pod.value("/spec/containers"_json_pointer, json::array());
  if (!containers.is_array() || containers.empty() || !containers[0].is_object()) {
    return fail(ErrorKind::Validation, "the " + component + " manifest has no container");
  }
  const json* c = &containers[0];
  for (const auto& each : containers) {
    if (each.is_object() && each.value("name", "") == component) c = &each;
  }
  json get;
  if (component == "kube-apiserver") {
    get = c->value("/readinessProbe/httpGet"_json_pointer, json());
  }
  if (!get.is_object()) get = c->value("/livenessProbe/httpGet"_json_pointer, json());
  if (!get.is_object()) {
    return fail(ErrorKind::Validation,
                "the " + component + " manifest has no HTTP liveness probe to check");
  }
  return probe_url(*c, get, "the " + component + " manifest");
}

stdfs::path backup_dir(const stdfs::path& kubernetes_dir,
                       std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d-%H-%M-%S", &tm);
  return kubernetes_dir / "tmp" / (std::string("kubeadm-backup-manifests-") + buf);
}

namespace {

std::string short_id(const std::string& id) {
  auto pos = id.find("://");
  std::string bare = pos == std::string::npos ? id : id.substr(pos + 3);
  return bare.substr(0, 13);
}

// Not-yet reasons are errors whose text says what was observed.
std::unexpected<Error> not_yet(std::string what) { return fail(ErrorKind::General, what); }

class Rollout {
 public:
  Rollout(const RolloutRequest& r, const Seams& s)
      : m_r(r),
        m_s(s),
        m_manifest(r.manifest_dir / (r.component + ".yaml")),
        m_backup(r.backup_dir / (r.component + ".yaml")),
        m_pod_path(mirror_pod_path(r.component, r.node_name)) {}

  Result<RolloutReport> run();
  Result<RolloutReport> plan();
  Status restore();
  Status plan_restore() {
    KADM_TRY(put_back_backup());
    return {};
  }

 private:
  const std::string& prefix() const { return m_r.log_prefix; }

  Result<MirrorPod> read_pod() {
    auto got = m_s.client.get(m_pod_path);
    if (!got) {
      return not_yet("mirror pod " + pod_name() + " could not be read: " + got.error().text());
    }
    return parse_mirror_pod(*got, m_r.component);
  }
  std::string pod_name() const { return "kube-system/" + m_r.component + "-" + m_r.node_name; }

  // Polls `check` until it holds; false when `timeout` ran out (m_last says why).
  bool poll(const std::function<Result<bool>()>& check, Duration timeout) {
    const auto deadline = m_s.clock.now() + timeout;
    for (;;) {
      auto r = check();
      if (r && *r) return true;
      if (!r) m_last = r.error().text();
      const auto now = m_s.clock.now();
      if (now >= deadline) return false;
      m_s.clock.sleep_for(
          std::min(m_r.interval, std::chrono::duration_cast<Duration>(deadline - now)));
    }
  }

  Result<bool> healthy(const std::string& url) {
    if (auto h = m_s.probe.health(url); !h) {
      return not_yet(m_r.component + " is not healthy at " + url + ": " + h.error().text());
    }
    return true;
  }

  // The new instance runs: hash changed (replace) or container replaced (restart), Ready,
  // healthy, and the caller's condition.
  Result<bool> new_instance_up(const std::string& url) {
    auto read = read_pod();
    if (!read && !replacing() && !m_before_known) {
      // No API before the restart and none now: the health endpoint, which went down when the
      // manifest was moved out, has to come back.
      KADM_TRY(healthy(url));
      return also_holds();
    }
    auto pod = KADM_TRY(std::move(read));
    if (!replacing()) {
      if (pod.container_id.empty()) {
        return not_yet("mirror pod " + pod_name() + " shows no container yet");
      }
      if (!m_before.container_id.empty() && pod.container_id == m_before.container_id) {
        return not_yet("mirror pod " + pod_name() + " still shows the old container " +
                       short_id(pod.container_id));
      }
    } else if (pod.hash == m_before.hash) {
      return not_yet("mirror pod " + pod_name() + " still has the old " +
                     std::string(kConfigHashAnnotation) + " " + pod.hash);
    }
    m_after = pod;
    if (!pod.ready) {
      return not_yet("mirror pod " + pod_name() + " is not Ready (phase " +
                     (pod.phase.empty() ? "unknown" : pod.phase) + ")");
    }
    KADM_TRY(healthy(url));
    return also_holds();
  }

  Result<bool> also_holds() {
    if (!m_r.also_wait_for) return true;
    auto extra = m_r.also_wait_for();
    if (!extra) return std::unexpected(std::move(extra).error());
    if (!*extra) {
      return not_yet("still waiting for " + (m_r.also_wait_for_what.empty()
                                                 ? std::string("the caller's condition")
                                                 : m_r.also_wait_for_what));
    }
    return true;
  }

  // The old instance answers again (after a rollback).
  Result<bool> old_instance_up(const std::string& url) {
    auto read = read_pod();
    if (!read && !m_before_known) return healthy(url);
    auto pod = KADM_TRY(std::move(read));
    if (replacing() && !m_before.hash.empty() && pod.hash != m_before.hash) {
      return not_yet("mirror pod " + pod_name() + " has hash " + pod.hash + ", not the old " +
                     m_before.hash);
    }
    if (!pod.ready) return not_yet("mirror pod " + pod_name() + " is not Ready");
    return healthy(url);
  }

  bool replacing() const { return m_r.new_manifest.has_value(); }

  // Reads the current manifest and the health URLs of the old and the new instance.
  Status prepare();
  // Writes the backup back over the manifest; the URL the restored instance answers at.
  Result<std::string> put_back_backup();
  // Puts the backup back, waits for the old instance, and builds the error for `what`.
  std::unexpected<Error> roll_back(ErrorKind kind, const std::string& what);
  std::vector<std::string> explanation() {
    std::vector<std::string> lines;
    if (m_s.explain) lines = m_s.explain(m_r.component);
    return lines;
  }

  const RolloutRequest& m_r;
  const Seams& m_s;
  stdfs::path m_manifest, m_backup;
  std::string m_pod_path;
  std::string m_old_text;
  std::string m_old_url;
  std::string m_new_url;
  MirrorPod m_before, m_after;
  bool m_before_known = false;
  std::string m_last;
};

Status Rollout::prepare() {
  if (m_r.component.empty() || m_r.backup_dir.empty()) {
    return fail(ErrorKind::Validation, "static pod rollout needs a component and a backup dir");
  }
  auto old = fs::read_file(m_manifest);
  if (!old) {
    return fail(ErrorKind::NotFound, "there is no static pod manifest for " + m_r.component +
                                         " at " + m_manifest.string() + " (" + old.error().text() +
                                         ")");
  }
  m_old_text = std::move(*old);
  m_old_url = KADM_TRY(health_url(m_old_text, m_r.component));
  m_new_url = replacing() ? KADM_TRY(health_url(*m_r.new_manifest, m_r.component)) : m_old_url;
  return {};
}

Result<RolloutReport> Rollout::plan() {
  KADM_TRY(prepare());
  RolloutReport rep;
  rep.component = m_r.component;
  rep.restarted = !replacing();
  rep.dry_run = true;
  rep.manifest = m_manifest;
  rep.backup = m_backup;
  KADM_TRY(m_s.effects.apply(plan::MakeDir{m_r.backup_dir.parent_path(), 0700}));
  KADM_TRY(m_s.effects.apply(plan::MakeDir{m_r.backup_dir, 0700}));
  KADM_TRY(m_s.effects.apply(plan::WriteFile{m_backup, m_old_text, 0600}));
  if (replacing()) {
    KADM_TRY(m_s.effects.apply(plan::WriteFile{m_manifest, *m_r.new_manifest, 0600}));
  } else {
    KADM_TRY(m_s.effects.apply(plan::RemoveFile{m_manifest}));
    KADM_TRY(m_s.effects.apply(plan::WriteFile{m_manifest, m_old_text, 0600}));
  }
  spdlog::info("{} [dry-run] Would wait for the kubelet to restart {} (up to {})", prefix(),
               m_r.component, format_duration(m_r.timeout));
  return rep;
}

std::unexpected<Error> Rollout::roll_back(ErrorKind kind, const std::string& what) {
  std::string msg = m_r.component + ": " + what;
  if (!m_last.empty()) msg += "\n\tlast observed: " + m_last;
  for (const auto& line : explanation()) msg += "\n\t" + line;
  spdlog::warn("{} {}; restoring its previous manifest from \"{}\"", prefix(), msg,
               m_backup.string());
  m_last.clear();
  if (auto w = m_s.effects.apply(plan::WriteFile{m_manifest, m_old_text, 0600}); !w) {
    msg += "\n\tthe previous manifest could not be put back (" + w.error().text() + "): copy " +
           m_backup.string() + " to " + m_manifest.string() + " yourself";
    return fail(kind, msg);
  }
  if (poll([&] { return old_instance_up(m_old_url); }, m_r.timeout)) {
    msg += "\n\tthe previous manifest was restored from " + m_backup.string() + " and " +
           m_r.component + " is healthy again";
  } else {
    msg += "\n\tthe previous manifest was restored from " + m_backup.string() + " but " +
           m_r.component + " is not healthy again after " + format_duration(m_r.timeout) +
           " (last observed: " + m_last + ")";
  }
  return fail(kind, msg);
}

Result<RolloutReport> Rollout::run() {
  const auto started = m_s.clock.now();
  KADM_TRY(prepare());
  const std::string& new_url = m_new_url;

  // 1. What runs now.
  if (poll(
          [&]() -> Result<bool> {
            auto pod = KADM_TRY(read_pod());
            if (pod.hash.empty()) {
              return not_yet("mirror pod " + pod_name() + " has no " +
                             std::string(kConfigHashAnnotation) + " annotation");
            }
            m_before = pod;
            return true;
          },
          m_r.initial_read_timeout)) {
    m_before_known = true;
  } else if (replacing()) {
    return fail(ErrorKind::Timeout, "cannot replace " + m_r.component +
                                        ": its mirror pod could not be read within " +
                                        format_duration(m_r.initial_read_timeout) + " (" + m_last +
                                        "); nothing was changed");
  } else {
    spdlog::warn(
        "{} the mirror pod {} could not be read ({}); the restart of {} is proven by its health "
        "endpoint {} going down and coming back",
        prefix(), pod_name(), m_last, m_r.component, m_old_url);
  }
  m_last.clear();

  // 2. The backup.
  KADM_TRY(m_s.effects.apply(plan::MakeDir{m_r.backup_dir.parent_path(), 0700}));
  KADM_TRY(m_s.effects.apply(plan::MakeDir{m_r.backup_dir, 0700}));
  KADM_TRY(m_s.effects.apply(plan::WriteFile{m_backup, m_old_text, 0600}));

  // 3. The change.
  if (replacing()) {
    spdlog::info("{} Moving new manifest to \"{}\" and backing up old manifest to \"{}\"", prefix(),
                 m_manifest.string(), m_backup.string());
    if (auto w = m_s.effects.apply(plan::WriteFile{m_manifest, *m_r.new_manifest, 0600}); !w) {
      return roll_back(w.error().kind(), "writing the new manifest failed: " + w.error().text());
    }
  } else {
    spdlog::info("{} Restarting the {} static pod and backing up its manifest to \"{}\"", prefix(),
                 m_r.component, m_backup.string());
    if (auto rm = m_s.effects.apply(plan::RemoveFile{m_manifest}); !rm) {
      return roll_back(rm.error().kind(), "moving the manifest out failed: " + rm.error().text());
    }
    // The kubelet stops the pod when its manifest goes away; it is gone when its health
    // endpoint stops answering.
    const bool stopped = poll(
        [&]() -> Result<bool> {
          if (m_s.probe.health(m_old_url)) {
            return not_yet(m_r.component + " still answers at " + m_old_url);
          }
          return true;
        },
        m_r.timeout);
    if (!stopped) {
      return roll_back(ErrorKind::Timeout,
                       "the kubelet did not stop it within " + format_duration(m_r.timeout) +
                           " after its manifest was moved out of " + m_r.manifest_dir.string() +
                           " (is the kubelet running? systemctl status kubelet)");
    }
    spdlog::info("{} {} stopped; moving its manifest back to \"{}\"", prefix(), m_r.component,
                 m_manifest.string());
    if (auto w = m_s.effects.apply(plan::WriteFile{m_manifest, m_old_text, 0600}); !w) {
      return roll_back(w.error().kind(), "moving the manifest back failed: " + w.error().text());
    }
  }

  // 4. The new instance.
  spdlog::info("{} Waiting for the kubelet to restart the component", prefix());
  spdlog::info("{} This can take up to {}", prefix(), format_duration(m_r.timeout));
  if (!poll([&] { return new_instance_up(new_url); }, m_r.timeout)) {
    std::string what = replacing() ? "the kubelet did not run the new manifest"
                                   : "the kubelet did not bring it back";
    return roll_back(ErrorKind::Timeout, what + " (Ready and healthy at " + new_url + ") within " +
                                             format_duration(m_r.timeout));
  }
  RolloutReport rep{
      .component = m_r.component,
      .restarted = !replacing(),
      .dry_run = false,
      .manifest = m_manifest,
      .backup = m_backup,
      .hash_before = m_before.hash,
      .hash_after = m_after.hash,
      .container_before = m_before.container_id,
      .container_after = m_after.container_id,
      .took = std::chrono::duration_cast<Duration>(m_s.clock.now() - started),
  };
  if (replacing()) {
    spdlog::info("{} Component \"{}\" upgraded successfully!", prefix(), m_r.component);
  } else {
    spdlog::info(
        "{} Component \"{}\" restarted: container {} replaced by {}, Ready and healthy after {}",
        prefix(), m_r.component,
        m_before.container_id.empty() ? "(unknown)" : short_id(m_before.container_id),
        short_id(m_after.container_id), format_duration(rep.took));
  }
  return rep;
}

Result<std::string> Rollout::put_back_backup() {
  auto text = fs::read_file(m_backup);
  if (!text) {
    return fail(ErrorKind::NotFound, "no backup of " + m_r.component + " at " + m_backup.string() +
                                         " (" + text.error().text() + ")");
  }
  auto url = KADM_TRY(health_url(*text, m_r.component));
  spdlog::info("{} Restoring the manifest of {} from \"{}\"", prefix(), m_r.component,
               m_backup.string());
  KADM_TRY(m_s.effects.apply(plan::WriteFile{m_manifest, *text, 0600}));
  return url;
}

Status Rollout::restore() {
  const auto url = KADM_TRY(put_back_backup());
  if (!poll(
          [&]() -> Result<bool> {
            auto pod = KADM_TRY(read_pod());
            if (!pod.ready) return not_yet("mirror pod " + pod_name() + " is not Ready");
            return healthy(url);
          },
          m_r.timeout)) {
    return fail(ErrorKind::Timeout, m_r.component + " restored from " + m_backup.string() +
                                        " is not healthy after " + format_duration(m_r.timeout) +
                                        " (last observed: " + m_last + ")");
  }
  return {};
}

}  // namespace

Result<RolloutReport> roll_out(const RolloutRequest& request, const Seams& seams) {
  return Rollout(request, seams).run();
}

Status restore_from_backup(const RolloutRequest& request, const Seams& seams) {
  return Rollout(request, seams).restore();
}

Result<RolloutReport> plan_roll_out(const RolloutRequest& request, const Seams& seams) {
  return Rollout(request, seams).plan();
}

Status plan_restore(const RolloutRequest& request, const Seams& seams) {
  return Rollout(request, seams).plan_restore();
}

Rollouts dry_run_rollouts() { return Rollouts{plan_roll_out, plan_restore}; }

}  // namespace kadm::staticpod
