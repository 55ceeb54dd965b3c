// The run environment's kubelet, static pod, image and file seams: the dry-run implementation of
// each says what it would do and touches neither the machine nor the network; the real one acts.

#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "lib/fake_api_server.h"
#include "lib/fixture_host.h"
#include "lib/log_capture.h"
#include "lib/temp_dir.h"
#include "runenv/environment.h"

using namespace kadm;

namespace {

int count_runs(const std::vector<plan::Action>& actions) {
  int n = 0;
  for (const auto& a : actions) n += std::holds_alternative<plan::RunCommand>(a) ? 1 : 0;
  return n;
}

kubelet::ClientCredentialsRequest credentials_request(const test::TempDir& tmp) {
  return {"w1",
          "https://10.0.0.1:6443",
          "CA PEM\n",
          tmp.path() / "k8s",
          tmp.path() / "kubelet",
          Duration{1000}};
}

}  // namespace

TEST(RunEnvironmentSeams, ADryRunStartsNoKubeletSoNothingWaitsForOne) {
  test::TempDir tmp;
  test::FixtureHost host(tmp.path());
  host.services["kubelet"] = {true, true, true, true};
  plan::RecordingEffects real_effects, dry_effects;
  test::LogCapture log;
  auto real = runenv::real_connectors().start_kubelet(host, real_effects, "hint");
  auto dry = runenv::dry_run_connectors().start_kubelet(host, dry_effects, "hint");
  ASSERT_TRUE(real && dry);
  EXPECT_TRUE(*real);
  EXPECT_FALSE(*dry);
  // The same restart goes to the run's Effects, which a dry run's only print.
  EXPECT_EQ(count_runs(real_effects.actions), 1);
  EXPECT_EQ(count_runs(dry_effects.actions), 1);
}

TEST(RunEnvironmentSeams, ADryRunPlansKubeletCredentialsWithoutAskingTheCluster) {
  test::TempDir tmp;
  test::FakeApiServer api;
  test::LogCapture log;
  auto files = runenv::dry_run_connectors().client_credentials(api, credentials_request(tmp));
  ASSERT_TRUE(files) << files.error().text();
  EXPECT_TRUE(api.requests.empty());
  ASSERT_EQ(files->size(), 2u);
  const auto* pem = std::get_if<plan::WriteFile>(&(*files)[0]);
  const auto* conf = std::get_if<plan::WriteFile>(&(*files)[1]);
  ASSERT_TRUE(pem && conf);
  EXPECT_EQ(pem->path, tmp.path() / "kubelet" / "pki" / "kubelet-client-current.pem");
  EXPECT_TRUE(pem->content.empty());
  EXPECT_EQ(conf->path, tmp.path() / "k8s" / "kubelet.conf");
  EXPECT_NE(conf->content.find("client-certificate: " + pem->path.string()), std::string::npos);
  EXPECT_NE(log.str().find("Would request a client certificate for \"system:node:w1\""),
            std::string::npos);
}

TEST(RunEnvironmentSeams, RealKubeletCredentialsAskTheCluster) {
  test::TempDir tmp;
  test::FakeApiServer api;  // nobody signs: the CSR is sent, then the wait runs out
  auto files = runenv::real_connectors().client_credentials(api, credentials_request(tmp));
  EXPECT_FALSE(files);
  ASSERT_FALSE(api.requests.empty());
  EXPECT_EQ(api.requests.front().method, "POST");
  EXPECT_EQ(api.requests.front().path, "/apis/certificates.k8s.io/v1/certificatesigningrequests");
}

TEST(RunEnvironmentSeams, ADryRunApprovesNoServingCertificate) {
  bool asked = false;
  auto client = [&]() -> Result<apiclient::Client*> {
    asked = true;
    return fail(ErrorKind::General, "no client in a dry run");
  };
  test::LogCapture log;
  EXPECT_TRUE(runenv::dry_run_connectors().approve_serving(client, "cp1", Duration{1000}, "[t]"));
  EXPECT_FALSE(asked);
  EXPECT_NE(log.str().find("[dryrun] Would approve the kubelet serving certificate request of "
                           "node \"cp1\""),
            std::string::npos);
  // The real one needs the client.
  EXPECT_FALSE(runenv::real_connectors().approve_serving(client, "cp1", Duration{1000}, "[t]"));
  EXPECT_TRUE(asked);
}

TEST(RunEnvironmentSeams, FilesThisRunWroteAreMissingOnlyInADryRun) {
  test::TempDir tmp;
  test::FixtureHost host(tmp.path());
  auto real = runenv::real_connectors().read_written;
  auto dry = runenv::dry_run_connectors().read_written;
  EXPECT_FALSE(real(host, "/etc/kubernetes/admin.conf"));
  auto planned = dry(host, "/etc/kubernetes/admin.conf");
  ASSERT_TRUE(planned);
  EXPECT_FALSE(planned->has_value());
  host.write("/etc/kubernetes/admin.conf", "earlier run");
  EXPECT_EQ(real(host, "/etc/kubernetes/admin.conf")->value(), "earlier run");
  EXPECT_EQ(dry(host, "/etc/kubernetes/admin.conf")->value(), "earlier run");
}

TEST(RunEnvironmentSeams, ADryRunOnlyAnnouncesTheImagePull) {
  test::TempDir tmp;
  test::FixtureHost host(tmp.path());
  const std::vector<std::string> images = {"mirror.example.test/k8s/pause:3.10"};
  config::NodeRegistration node;
  preflight::IgnoreSet ignore;
  std::ostringstream out;
  preflight::Report report;
  bool connected = false;
  auto probe = preflight::make_cri_probe("unix:///run/none.sock", [&](const std::string&) {
    connected = true;
    return Result<std::unique_ptr<cri::Runtime>>(fail(ErrorKind::General, "no runtime"));
  });
  const preflight::ImagePullStep step{images, node,   probe,    host,          ignore,
                                      out,    report, "PULL\n", "WOULD PULL\n"};
  runenv::dry_run_connectors().pull_images(step);
  EXPECT_EQ(out.str(), "WOULD PULL\n[dryrun] Would pull mirror.example.test/k8s/pause:3.10\n");
  EXPECT_FALSE(connected);
  EXPECT_TRUE(report.results.empty());
  const std::string announced = out.str();
  runenv::real_connectors().pull_images(step);
  EXPECT_TRUE(connected);
  EXPECT_EQ(out.str().rfind(announced + "PULL\n", 0), 0u);
  EXPECT_FALSE(report.results.empty());
}
