// init's API client is made while wait-control-plane still waits, once kube-apiserver answers,
// and only when the run goes on to the API phases (init/api_client.h).

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "init/api_client.h"
#include "init/init_phases.h"
#include "lib/dry_run_init_data.h"
#include "lib/fake_api_server.h"
#include "lib/temp_dir.h"

namespace kadm::init {
namespace {

struct Counted {
  std::atomic<int> connects{0};
  std::atomic<int> refusals{0};  // the first this many connects fail
  std::atomic<bool> off_main_thread{false};
  std::thread::id main = std::this_thread::get_id();
  std::atomic<test::FakeApiServer*> last{nullptr};
};

struct Fixture {
  test::TempDir tmp;
  Counted counted;
  InitData d;
  Fixture() {
    test::fill_dry_run_init_data(d, tmp.path());
    d.connect.api = [c = &counted](const std::filesystem::path&,
                                   Duration) -> Result<std::unique_ptr<apiclient::Client>> {
      if (std::this_thread::get_id() != c->main) c->off_main_thread = true;
      if (c->connects++ < c->refusals) return fail(ErrorKind::Api, "connection refused");
      auto server = std::make_unique<test::FakeApiServer>();
      c->last = server.get();
      return std::unique_ptr<apiclient::Client>(std::move(server));
    };
  }
  bool binding_created() const {
    for (const auto& r : counted.last.load()->requests) {
      if (r.method == "POST" && r.path == "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings")
        return true;
    }
    return false;
  }
};

// "upload-config/kubeadm": a top-level phase, then a child.
workflow::Phase<InitData> phase_named(const std::string& path) {
  auto slash = path.find('/');
  for (auto& p : init_phases()) {
    if (p.name != path.substr(0, slash)) continue;
    if (slash == std::string::npos) return p;
    for (auto& c : p.children) {
      if (c.name == path.substr(slash + 1)) return c;
    }
  }
  ADD_FAILURE() << "no phase " << path;
  return {};
}

TEST(EarlyApiClient, MadeOnceInTheBackgroundAndTakenByTheFirstApiPhase) {
  Fixture f;
  f.d.api_wanted = true;
  start_api_client(f.d);
  start_api_client(f.d);  // the answer of another poll: still one client
  ASSERT_TRUE(f.d.early_api.valid());
  auto client = api_client(f.d);
  ASSERT_TRUE(client) << client.error().text();
  EXPECT_EQ(*client, f.counted.last.load());
  EXPECT_EQ(f.counted.connects, 1);
  EXPECT_TRUE(f.counted.off_main_thread);
  EXPECT_TRUE(f.binding_created());
  EXPECT_EQ(*api_client(f.d), *client);
  EXPECT_EQ(f.counted.connects, 1);
}

TEST(EarlyApiClient, NotBegunForARunWithoutApiPhases) {
  Fixture f;
  start_api_client(f.d);
  EXPECT_FALSE(f.d.early_api.valid());
  EXPECT_EQ(f.counted.connects, 0);
}

TEST(EarlyApiClient, MadeAgainWhenTheEarlyTryFailed) {
  Fixture f;
  f.counted.refusals = 1;
  f.d.api_wanted = true;
  start_api_client(f.d);
  auto client = api_client(f.d);
  ASSERT_TRUE(client) << client.error().text();
  EXPECT_EQ(f.counted.connects, 2);
  EXPECT_TRUE(f.binding_created());
}

// The wiring: upload-config/kubeadm's prepare hook asks for the client, and wait-control-plane
// begins it when kube-apiserver (not another component) first answers.
TEST(EarlyApiClient, WaitControlPlaneBeginsItWhenKubeApiServerAnswers) {
  for (bool with_upload_config : {false, true}) {
    Fixture f;
    if (with_upload_config) {
      auto upload = phase_named("upload-config/kubeadm");
      ASSERT_TRUE(upload.prepare);
      upload.prepare(f.d);
    }
    std::atomic<bool> began_before_apiserver{false};
    f.d.connect.wait_healthy = [&](const std::vector<staticpod::HealthEndpoint>&,
                                   const staticpod::WaitOptions& o) -> Status {
      o.answered("kube-scheduler");
      began_before_apiserver = f.d.early_api.valid();
      o.answered("kube-apiserver");
      return {};
    };
    auto wait = phase_named("wait-control-plane");
    ASSERT_TRUE(wait.run);
    auto ran = wait.run(f.d);
    ASSERT_TRUE(ran) << ran.error().text();
    EXPECT_FALSE(began_before_apiserver);
    EXPECT_EQ(f.d.early_api.valid(), with_upload_config);
  }
}

}  // namespace
}  // namespace kadm::init
