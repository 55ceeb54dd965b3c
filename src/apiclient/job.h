#pragma once
// Running a Job to completion: created (retried while the API refuses it), polled until its
// Complete condition (or its Pod has exited 0), then deleted with its Pods. What upgrade's
// CreateJob health check asks of a cluster: that it can schedule, pull and run a workload.

#include <string>

#include "apiclient/client.h"
#include "apiclient/clock.h"

namespace kadm::apiclient {

struct JobRunOptions {
  Duration interval{1000};
  Duration create_timeout{15000};
  Duration complete_timeout{15000};
  // More time when nothing has acted on the Job by then (no Pod, or one the scheduler has not
  // looked at): the cluster has not been judged yet, as when kube-controller-manager or
  // kube-scheduler restarts and its successor waits for the old lease to expire.
  Duration no_pod_grace{45000};
  Clock* clock = nullptr;  // null: the real clock
  std::string log_tag;     // "upgrade/health": the tag of the lines about the Job
};

// `job` is a batch/v1 Job with metadata.namespace and metadata.generateName (or name). Returns
// the name the server gave it. A Job that does not complete in time (or fails) is an error naming
// it, saying what its Pod reports (unschedulable, image pull, exit code) and what to check. The
// Job is deleted (foreground, so its Pods go first) whatever the outcome: a Job whose Pod never
// started never finishes, so its ttlSecondsAfterFinished would never remove it.
Result<std::string> run_job_to_completion(Client& client, const json& job,
                                          const JobRunOptions& options);

// "upgrade-health-check" for generateName "upgrade-health-check-" (else metadata.name).
std::string job_name_prefix(const json& job);

}  // namespace kadm::apiclient
