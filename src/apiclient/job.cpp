#include "apiclient/job.h"

#include <spdlog/spdlog.h>

#include "apiclient/json_access.h"
#include "apiclient/objects.h"
#include "apiclient/wait.h"

namespace kadm::apiclient {

namespace {

std::string first_image(const json& job) {
  const auto& containers =
      member(member(member(member(job, "spec"), "template"), "spec"), "containers");
  if (!containers.is_array() || containers.empty()) return {};
  return text_member(containers.at(0), "image");
}

// What one Pod of the Job says about why it has not completed.
std::string pod_state(const json& pod) {
  std::string out = "its Pod " + text_member(member(pod, "metadata"), "name") + " is " +
                    text_member(member(pod, "status"), "phase");
  const std::string node = text_member(member(pod, "spec"), "nodeName");
  out += node.empty() ? " on no Node yet" : " on Node " + node;
  for (const auto& c : member(member(pod, "status"), "conditions")) {
    if (text_member(c, "type") == "PodScheduled" && text_member(c, "status") == "False") {
      out += ", not scheduled: " + text_member(c, "message");
    }
  }
  for (const auto& s : member(member(pod, "status"), "containerStatuses")) {
    const auto& waiting = member(member(s, "state"), "waiting");
    const auto& done = member(member(s, "state"), "terminated");
    if (!text_member(waiting, "reason").empty()) {
      out += ", container waiting: " + text_member(waiting, "reason");
      if (auto m = text_member(waiting, "message"); !m.empty()) out += " (" + m + ")";
    } else if (!text_member(done, "reason").empty()) {
      out += ", container terminated: " + text_member(done, "reason") + " (exit code " +
             member(done, "exitCode").dump() + ")";
    }
  }
  return out;
}

ApiResult<json> job_pods(Client& client, std::string_view ns, const std::string& name) {
  return client.list("/api/v1/namespaces/" + std::string(ns) + "/pods?labelSelector=job-name%3D" +
                     name);
}

std::string pods_say(const ApiResult<json>& pods) {
  if (!pods) return "its Pods could not be listed: " + pods.error().text();
  const auto& items = member(*pods, "items");
  if (!items.is_array() || items.empty()) {
    return "it has no Pod (is kube-controller-manager running?)";
  }
  return pod_state(items.at(0));
}

// Whether nothing in the control plane has acted on the Job yet: no Pod, or only Pods the
// scheduler has not looked at (no Node, no PodScheduled condition). Then the cluster has not
// been judged, as when kube-controller-manager or kube-scheduler has just restarted and waits
// for its old lease to expire.
bool nothing_acted(const ApiResult<json>& pods) {
  if (!pods) return false;
  for (const auto& pod : member(*pods, "items")) {
    if (!text_member(member(pod, "spec"), "nodeName").empty()) return false;
    for (const auto& c : member(member(pod, "status"), "conditions")) {
      if (text_member(c, "type") == "PodScheduled") return false;
    }
  }
  return true;
}

// Whether a Pod of the Job has run its containers to exit code 0. The Job controller marks the
// Job Complete only after the kubelet reports the Pod Succeeded, and just after kubelets restart
// that report can lag the exit by more than the whole wait (seen: exit 0, Pod still Running at
// 15 s); what the check asks of the cluster (schedule, pull, run) has happened by then.
bool pod_exited_zero(const ApiResult<json>& pods) {
  if (!pods) return false;
  for (const auto& pod : member(*pods, "items")) {
    if (text_member(member(pod, "status"), "phase") == "Succeeded") return true;
    const auto& statuses = member(member(pod, "status"), "containerStatuses");
    if (!statuses.is_array() || statuses.empty()) continue;
    bool all_zero = true;
    for (const auto& c : statuses) {
      const auto& code = member(member(member(c, "state"), "terminated"), "exitCode");
      all_zero = all_zero && code.is_number_integer() && code.get<int>() == 0;
    }
    if (all_zero) return true;
  }
  return false;
}

Status delete_foreground(Client& client, const std::string& path) {
  Request r{
      "DELETE", path,
      json{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", "Foreground"}},
      "application/json", std::nullopt};
  auto deleted = client.send(r);
  if (!deleted && !deleted.error().is_not_found()) return std::unexpected(Error(deleted.error()));
  return {};
}

}  // namespace

std::string job_name_prefix(const json& job) {
  std::string prefix = text_member(member(job, "metadata"), "generateName");
  if (prefix.empty()) return text_member(member(job, "metadata"), "name");
  if (prefix.ends_with('-')) prefix.pop_back();
  return prefix;
}

Result<std::string> run_job_to_completion(Client& client, const json& job,
                                          const JobRunOptions& options) {
  const std::string collection = KADM_TRY(collection_path(job));
  const std::string ns = text_member(member(job, "metadata"), "namespace");
  const std::string prefix = job_name_prefix(job);
  std::string name;
  auto created = wait_for(
      [&]() -> Result<bool> {
        auto r = client.create(collection, job);
        if (!r) return std::unexpected(Error(std::move(r).error()));
        name = text_member(member(*r, "metadata"), "name");
        return true;
      },
      WaitOptions{options.interval, options.create_timeout, options.clock,
                  "a Job with the prefix \"" + prefix + "\" to be created"});
  if (!created) {
    return fail(ErrorKind::Api, "could not create a Job with the prefix \"" + prefix +
                                    "\" in the namespace \"" + ns +
                                    "\": " + created.error().text());
  }
  const std::string path = collection + "/" + name;
  const std::string full = "\"" + ns + "/" + name + "\"";
  spdlog::debug("[{}] Created the Job {}", options.log_tag, full);
  bool failed = false;
  std::string last = "not read";
  // The Job's Pods as the last poll saw them: what decides, and what the error reports.
  ApiResult<json> pods = json::object();
  auto done = [&]() -> Result<bool> {
    auto r = client.get(path);
    if (r && condition_true(*r, "Complete")) return true;
    pods = job_pods(client, ns, name);
    if (!r) {
      last = r.error().text();
      return false;
    }
    failed = condition_true(*r, "Failed");
    last = failed ? "condition Failed" : "no condition of type Complete";
    if (failed) return true;
    if (pod_exited_zero(pods)) {
      spdlog::debug("[{}] The Pod of Job {} exited 0 before the Job was marked Complete",
                    options.log_tag, full);
      return true;
    }
    return false;
  };
  auto completed = wait_for(
      done, WaitOptions{options.interval, options.complete_timeout, options.clock, "Job " + full});
  Duration waited = options.complete_timeout;
  if (!completed && !failed && options.no_pod_grace.count() > 0 && nothing_acted(pods)) {
    spdlog::info(
        "[{}] Nothing has run the Job {} after {} (no Pod, or one not scheduled); waiting up to {} "
        "more for kube-controller-manager and kube-scheduler (they may be restarting)",
        options.log_tag, full, format_duration(waited), format_duration(options.no_pod_grace));
    completed = wait_for(
        done, WaitOptions{options.interval, options.no_pod_grace, options.clock, "Job " + full});
    waited += options.no_pod_grace;
  }
  Status outcome;
  if (!completed || failed) {
    outcome = fail(failed ? ErrorKind::General : ErrorKind::Timeout,
                   "the Job " + full + " did not complete in " + format_duration(waited) + " (" +
                       last + "); " + pods_say(pods) +
                       ". The cluster must be able to schedule a Pod on a Node, pull the image " +
                       first_image(job) + " and run it");
  }
  if (auto deleted = delete_foreground(client, path); !deleted) {
    if (!outcome) {
      return fail(outcome.error().kind(),
                  outcome.error().text() + "; deleting it failed too: " + deleted.error().text());
    }
    spdlog::warn("[{}] Could not delete the Job {}: {}", options.log_tag, full,
                 deleted.error().text());
  }
  if (!outcome) return std::unexpected(outcome.error());
  return name;
}

}  // namespace kadm::apiclient
