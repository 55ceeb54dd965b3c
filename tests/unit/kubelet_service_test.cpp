#include "kubelet/kubelet_service.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "lib/fixture_host.h"
#include "lib/temp_dir.h"

namespace kadm::kubelet {
namespace {

// One line per action, so a test reads as the plan: "run systemctl stop kubelet", "write ...".
std::vector<std::string> describe(const std::vector<plan::Action>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) {
    if (const auto* run = std::get_if<plan::RunCommand>(&a)) {
      std::string line = "run";
      for (const auto& w : run->argv) line += " " + w;
      out.push_back(line);
    } else if (const auto* w = std::get_if<plan::WriteFile>(&a)) {
      out.push_back("write " + w->path.string() + " " + std::to_string(w->mode));
    } else if (const auto* d = std::get_if<plan::MakeDir>(&a)) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(d->mode));
      out.push_back("mkdir " + d->path.string() + " " + mode +
                    (d->restrict_existing ? " restrict" : ""));
    } else {
      out.push_back("other");
    }
  }
  return out;
}

TEST(KubeletService, StopWriteStartWhenTheHostHasTheService) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  host.services["kubelet"] = {true, true, true, true};
  plan::RecordingEffects effects;
  stop_kubelet(host, effects);
  ASSERT_TRUE(write_kubelet_files({"/var/lib/kubelet", "FLAGS", "CONFIG", "INSTANCE"}, effects));
  auto started = start_kubelet(host, effects, "unused");
  ASSERT_TRUE(started);
  EXPECT_TRUE(*started);
  EXPECT_EQ(describe(effects.actions),
            (std::vector<std::string>{
                "run systemctl stop kubelet", "mkdir /var/lib/kubelet 0700 restrict",
                "write /var/lib/kubelet/kubeadm-flags.env 420",
                "write /var/lib/kubelet/instance-config.yaml 420",
                "write /var/lib/kubelet/config.yaml 420", "run systemctl restart kubelet"}));
}

TEST(KubeletService, WithoutTheServiceOnlyTheFilesAreWritten) {
  test::TempDir dir;
  test::FixtureHost host(dir.path());
  plan::RecordingEffects effects;
  stop_kubelet(host, effects);
  ASSERT_TRUE(write_kubelet_files({"/var/lib/kubelet", "FLAGS", "CONFIG", ""}, effects));
  auto started = start_kubelet(host, effects, "start it yourself");
  ASSERT_TRUE(started);
  EXPECT_FALSE(*started);
  EXPECT_EQ(describe(effects.actions),
            (std::vector<std::string>{"mkdir /var/lib/kubelet 0700 restrict",
                                      "write /var/lib/kubelet/kubeadm-flags.env 420",
                                      "write /var/lib/kubelet/config.yaml 420"}));
  const auto* env = std::get_if<plan::WriteFile>(&effects.actions[1]);
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->content, "FLAGS");
}

}  // namespace
}  // namespace kadm::kubelet
