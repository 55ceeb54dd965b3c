#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "config/defaults.h"
#include "host/linux_host.h"
#include "lib/fake_api_server.h"
#include "lib/fake_clock.h"
#include "lib/temp_dir.h"
#include "manifests/pod_specs.h"
#include "manifests/write.h"
#include "plan/effects.h"
#include "runenv/environment.h"
#include "upgrade/phases.h"

namespace kadm::upgrade {
namespace {

// --- phases -----------------------------------------------------------------------------------

std::vector<std::string> names(const std::vector<workflow::Phase<UpgradeData>>& phases) {
  std::vector<std::string> out;
  for (const auto& p : phases) out.push_back(p.name);
  return out;
}

TEST(UpgradePhases, ApplyAndNodeRunInKubeadmsOrder) {
  EXPECT_EQ(names(apply_phases()),
            (std::vector<std::string>{"preflight", "control-plane", "upload-config",
                                      "kubelet-config", "bootstrap-token", "addon"}));
  EXPECT_EQ(names(node_phases()),
            (std::vector<std::string>{"preflight", "control-plane", "kubelet-config", "addon"}));
  auto addon = apply_phases().back();
  EXPECT_EQ(names(addon.children), (std::vector<std::string>{"all", "coredns", "kube-proxy"}));
}

TEST(UpgradePhases, CertificatesRenewedBeforeEachComponent) {
  EXPECT_EQ(certificates_renewed_before("kube-apiserver", true),
            (std::vector<std::string>{"apiserver", "apiserver-kubelet-client", "front-proxy-client",
                                      "apiserver-etcd-client"}));
  EXPECT_EQ(certificates_renewed_before("kube-apiserver", false).size(), 3u);
  EXPECT_TRUE(certificates_renewed_before("etcd", false).empty());
  EXPECT_EQ(certificates_renewed_before("", true),
            (std::vector<std::string>{"admin.conf", "super-admin.conf"}));
}

TEST(UpgradePhases, ConfirmationTakesOnlyYes) {
  std::ostringstream out;
  std::istringstream yes(" Yes\n"), no("n\n"), none("");
  EXPECT_TRUE(confirm_upgrade(yes, out).has_value());
  EXPECT_FALSE(confirm_upgrade(no, out).has_value());
  EXPECT_FALSE(confirm_upgrade(none, out).has_value());
  EXPECT_NE(out.str().find("[upgrade] Are you sure you want to proceed? [y/N]: "),
            std::string::npos);
}

// --- the control-plane phase's rollback ---------------------------------------------------------

// Healthy except for the URLs listed in `down`.
class SomeDownProbe final : public staticpod::Probe {
 public:
  Status health(const std::string& url) override {
    asked.push_back(url);
    for (const auto& d : down) {
      if (url.find(d) != std::string::npos) return fail(ErrorKind::Timeout, "connection refused");
    }
    return {};
  }
  Result<std::string> served_serial(const std::string&, int, const std::string&, const std::string&,
                                    const std::string&) override {
    return std::string("1");
  }
  std::vector<std::string> down;
  std::vector<std::string> asked;
};

// The cluster's leader-election leases: a leading component's lease is renewed between any two
// reads; a stalled one's is not. Everything else goes to a FakeApiServer.
class LeaseCluster final : public apiclient::Client {
 public:
  struct Lease {
    bool renewing = true;
    int renewals = 0;
  };
  apiclient::ApiResult<apiclient::json> send(const apiclient::Request& r) override {
    for (auto& [name, lease] : leases) {
      if (r.method == "GET" && r.path.ends_with("/namespaces/kube-system/leases/" + name)) {
        if (lease.renewing) ++lease.renewals;
        return apiclient::json{{"spec", {{"renewTime", std::to_string(lease.renewals)}}}};
      }
    }
    return api.send(r);
  }
  std::map<std::string, Lease> leases{{"kube-controller-manager", {}}, {"kube-scheduler", {}}};
  test::FakeApiServer api;
};

void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// A failed kube-apiserver: kube-controller-manager and kube-scheduler are left as they were, but
// one that does not answer (the kubelet's crash back-off after it lost the API server), or
// answers without renewing its leader-election lease (it leads nothing, so nothing is scheduled),
// is restarted, so apply leaves a control plane that works; one that still does not lead is
// named in apply's error.
TEST(UpgradeControlPlane, AfterARollbackAComponentThatDoesNotAnswerOrLeadIsRestarted) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "manifests");
  UpgradeData d;
  d.options.kubernetes_dir = dir.path();
  d.options.etcd_upgrade = false;
  d.options.certificate_renewal = false;
  config::set_init_defaults(d.init.cfg);
  d.init.cfg.cluster.kubernetes_version = "v1.37.2";
  d.init.cfg.local_api_endpoint.advertise_address = "10.213.0.81";
  d.init.host = std::make_unique<host::LinuxHost>();
  d.init.effects = std::make_unique<plan::RecordingEffects>();
  d.init.connect = runenv::dry_run_connectors();
  test::FakeClock clock;
  d.init.connect.clock = &clock;
  std::vector<std::string> rollouts;
  bool restart_makes_it_lead = true;
  auto cluster = std::make_unique<LeaseCluster>();
  auto& leases = cluster->leases;
  d.init.connect.static_pods.roll_out =
      [&](const staticpod::RolloutRequest& r,
          const staticpod::Seams&) -> Result<staticpod::RolloutReport> {
    rollouts.push_back(r.component + (r.new_manifest ? " replace" : " restart"));
    if (r.component == "kube-apiserver") return fail(ErrorKind::Timeout, "not healthy");
    if (restart_makes_it_lead) leases[r.component].renewing = true;
    return staticpod::RolloutReport{};
  };
  d.reader = std::move(cluster);
  auto probe = std::make_unique<SomeDownProbe>();
  auto& health = *probe;
  d.probe = std::move(probe);
  d.node.name = "cp1";
  // The other components already run the target's manifests; only the API server changes.
  auto cm = manifests::manifest_yaml(*manifests::controller_manager_pod(d.init.cfg, *d.init.host),
                                     nullptr);
  auto sched =
      manifests::manifest_yaml(*manifests::scheduler_pod(d.init.cfg, *d.init.host), nullptr);
  ASSERT_TRUE(cm && sched);
  write_text(dir.path() / "manifests/kube-controller-manager.yaml", *cm);
  write_text(dir.path() / "manifests/kube-scheduler.yaml", *sched);
  write_text(dir.path() / "manifests/kube-apiserver.yaml", "apiVersion: v1\nkind: Pod\n");
  const auto phases = apply_phases();
  const auto& control_plane = phases.at(1);
  ASSERT_EQ(control_plane.name, "control-plane");

  health.down = {":10257/"};  // kube-controller-manager's health port
  auto s = control_plane.run(d);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("couldn't upgrade control plane"), std::string::npos);
  EXPECT_EQ(rollouts, (std::vector<std::string>{"kube-apiserver replace",
                                                "kube-controller-manager restart"}));
  EXPECT_GE(clock.now() - apiclient::Clock::TimePoint{}, std::chrono::seconds(20));

  // Both answer and lead: nothing is restarted.
  rollouts.clear();
  health.down.clear();
  health.asked.clear();
  ASSERT_FALSE(control_plane.run(d));
  EXPECT_EQ(rollouts, (std::vector<std::string>{"kube-apiserver replace"}));
  EXPECT_EQ(health.asked.size(), 2u);

  // kube-scheduler answers but its lease is not renewed: restarted, then it leads.
  rollouts.clear();
  leases["kube-scheduler"].renewing = false;
  s = control_plane.run(d);
  ASSERT_FALSE(s);
  EXPECT_EQ(rollouts,
            (std::vector<std::string>{"kube-apiserver replace", "kube-scheduler restart"}));
  EXPECT_EQ(s.error().text().find("leader-election lease"), std::string::npos) << s.error().text();

  // ... and when even the restarted one does not lead, apply's error says so.
  rollouts.clear();
  leases["kube-scheduler"].renewing = false;
  restart_makes_it_lead = false;
  s = control_plane.run(d);
  ASSERT_FALSE(s);
  EXPECT_EQ(rollouts,
            (std::vector<std::string>{"kube-apiserver replace", "kube-scheduler restart"}));
  EXPECT_NE(s.error().text().find("kube-scheduler has not renewed its leader-election lease "
                                  "kube-system/kube-scheduler since the rollback"),
            std::string::npos)
      << s.error().text();

  // Without leader election there is no lease to wait for.
  rollouts.clear();
  auto text = *d.init.host->read_file((dir.path() / "manifests/kube-scheduler.yaml").string());
  auto at = text.find("--leader-elect=true");
  ASSERT_NE(at, std::string::npos);
  write_text(dir.path() / "manifests/kube-scheduler.yaml",
             text.replace(at, std::string("--leader-elect=true").size(), "--leader-elect=false"));
  ASSERT_FALSE(control_plane.run(d));
  EXPECT_EQ(rollouts, (std::vector<std::string>{"kube-apiserver replace"}));
}

}  // namespace
}  // namespace kadm::upgrade
