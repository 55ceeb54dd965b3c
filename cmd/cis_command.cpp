// `kadm cis check`: evaluates the CIS Kubernetes Benchmark 1.12 automatable scored checks that a
// node's files decide (src/cis/), on this host or on a root directory. It exits 1 when a check
// fails, so scripts and CI can gate on it.
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include "cis/benchmark.h"
#include "registry.h"

namespace kadm::cli {
namespace {

struct CisFlags {
  std::string root = "/";
  std::string role = "auto";
  std::string output = "text";
  std::string kube_proxy_config;
  std::vector<std::string> kubelet_service;
  bool show_pass = true;
};

Status run_cis_check(const CisFlags& f) {
  if (f.output != "text" && f.output != "json") {
    return fail(ErrorKind::Validation,
                "invalid output format \"" + f.output + "\": use one of text, json");
  }
  cis::Options opt;
  if (f.role == "control-plane") {
    opt.role = cis::NodeRole::ControlPlane;
  } else if (f.role == "worker") {
    opt.role = cis::NodeRole::Worker;
  } else if (f.role != "auto") {
    return fail(ErrorKind::Validation,
                "invalid --role \"" + f.role + "\": use one of auto, control-plane, worker");
  }
  opt.kube_proxy_config = f.kube_proxy_config;
  if (!f.kubelet_service.empty()) opt.kubelet_service = f.kubelet_service;
  auto view = cis::host_view(f.root);
  const cis::Report report = KADM_TRY(cis::evaluate(*view, opt));

  if (f.output == "json") {
    nlohmann::ordered_json j;
    j["benchmark"] = "CIS Kubernetes Benchmark 1.12";
    j["node"] = report.control_plane ? "control-plane" : "worker";
    j["findings"] = nlohmann::json::array();
    for (const auto& x : report.findings) {
      j["findings"].push_back(nlohmann::ordered_json{{"id", x.check->id},
                                                     {"check", x.check->text},
                                                     {"status", cis::status_name(x.status)},
                                                     {"detail", x.detail}});
    }
    j["summary"] = {{"pass", report.count(cis::Status::Pass)},
                    {"fail", report.count(cis::Status::Fail)},
                    {"notApplicable", report.count(cis::Status::NotApplicable)}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "CIS Kubernetes Benchmark 1.12, automatable scored checks ("
              << (report.control_plane ? "control-plane" : "worker") << " node)\n";
    for (const auto& x : report.findings) {
      std::cout << "[" << cis::status_name(x.status) << "] " << x.check->id << " " << x.check->text
                << ": " << x.detail << "\n";
    }
    std::cout << report.count(cis::Status::Pass) << " passed, " << report.count(cis::Status::Fail)
              << " failed, " << report.count(cis::Status::NotApplicable)
              << " not applicable (by check id)\n";
  }
  if (const int failed = report.count(cis::Status::Fail); failed > 0) {
    return fail(ErrorKind::General, std::to_string(failed) +
                                        " CIS check(s) failed; each FAIL line names the file or "
                                        "flag and what the benchmark expects");
  }
  return {};
}

const Registrar reg(760, "cis", [](CLI::App& root, Context& ctx) {
  auto* cis = root.add_subcommand("cis", "CIS Kubernetes Benchmark checks of this node");
  cis->require_subcommand(1);
  auto flags = std::make_shared<CisFlags>();
  auto* check = cis->add_subcommand(
      "check",
      "Evaluate the CIS Kubernetes Benchmark 1.12 automatable scored checks on this node's files "
      "(static pod manifests, kubeconfigs, PKI, etcd data directory, kubelet configuration); "
      "exits 1 if any fails");
  check->add_option("--root", flags->root, "Root directory of the node's filesystem")
      ->capture_default_str();
  check
      ->add_option("--role", flags->role,
                   "Which checks apply: auto (control plane when the kube-apiserver manifest "
                   "exists), control-plane, worker")
      ->capture_default_str();
  check->add_option("--kube-proxy-config", flags->kube_proxy_config,
                    "kube-proxy's configuration (the kube-proxy ConfigMap, or its config.conf), "
                    "for check 4.3.1; relative to --root");
  check->add_option("--kubelet-service", flags->kubelet_service,
                    "The kubelet unit file(s) to check (4.1.1, 4.1.2); default: kubeadm's drop-in "
                    "at its usual places");
  check->add_option("-o,--output", flags->output, "Output format: text or json")
      ->capture_default_str();
  on_run(check, ctx, [flags] { return run_cis_check(*flags); });
});

}  // namespace
}  // namespace kadm::cli
