#include "upgrade/etcd_recovery.h"

#include <gtest/gtest.h>

#include <deque>

#include "lib/fake_clock.h"

namespace kadm::upgrade {
namespace {

// Answers health checks from a script: true is 200, false is "connection refused"; after the
// script, the last answer repeats.
class ScriptedProbe final : public staticpod::Probe {
 public:
  explicit ScriptedProbe(std::deque<bool> answers) : m_answers(std::move(answers)) {}
  Status health(const std::string& url) override {
    urls.push_back(url);
    bool up = m_answers.front();
    if (m_answers.size() > 1) m_answers.pop_front();
    if (up) return {};
    return fail(ErrorKind::General, "connection refused");
  }
  Result<std::string> served_serial(const std::string&, int, const std::string&, const std::string&,
                                    const std::string&) override {
    return fail(ErrorKind::General, "not used");
  }
  std::vector<std::string> urls;

 private:
  std::deque<bool> m_answers;
};

EtcdRecovery recovery() {
  EtcdRecovery r;
  r.manifest = "/etc/kubernetes/manifests/etcd.yaml";
  r.old_manifest = "kind: Pod\n";
  r.data_dir = "/var/lib/etcd";
  r.data_backup = "/etc/kubernetes/tmp/kubeadm-backup-etcd-X/etcd";
  r.health_url = "http://127.0.0.1:2381/livez";
  r.tries = 3;
  return r;
}

std::vector<std::vector<std::string>> commands(const plan::RecordingEffects& e) {
  std::vector<std::vector<std::string>> out;
  for (const auto& a : e.actions) {
    if (const auto* c = std::get_if<plan::RunCommand>(&a)) out.push_back(c->argv);
  }
  return out;
}

TEST(UpgradeEtcdRecovery, AnEtcdThatAnswersAgainKeepsItsData) {
  plan::RecordingEffects effects;
  ScriptedProbe probe({false, true});
  test::FakeClock clock;
  auto r = recover_etcd(recovery(), effects, probe, clock);
  ASSERT_TRUE(r.has_value()) << r.error().text();
  EXPECT_EQ(*r, EtcdRecovered::AnsweredAgain);
  EXPECT_TRUE(effects.actions.empty());
  EXPECT_EQ(clock.sleeps().size(), 1u);
}

TEST(UpgradeEtcdRecovery, AnEtcdStillDownGetsItsDataBackThroughAStagedCopy) {
  plan::RecordingEffects effects;
  // down for all three tries, down once stopped, then up on the restored data
  ScriptedProbe probe({false, false, false, false, true});
  test::FakeClock clock;
  auto r = recover_etcd(recovery(), effects, probe, clock);
  ASSERT_TRUE(r.has_value()) << r.error().text();
  EXPECT_EQ(*r, EtcdRecovered::DataRolledBack);
  ASSERT_GE(effects.actions.size(), 6u);
  EXPECT_EQ(std::get<plan::RemoveFile>(effects.actions.front()).path,
            "/etc/kubernetes/manifests/etcd.yaml");
  const std::vector<std::vector<std::string>> want = {
      {"rm", "-rf", "/var/lib/etcd.kadm-restore"},
      {"cp", "-a", "/etc/kubernetes/tmp/kubeadm-backup-etcd-X/etcd", "/var/lib/etcd.kadm-restore"},
      {"rm", "-rf", "/var/lib/etcd"},
      {"mv", "/var/lib/etcd.kadm-restore", "/var/lib/etcd"}};
  EXPECT_EQ(commands(effects), want);
  const auto& back = std::get<plan::WriteFile>(effects.actions.back());
  EXPECT_EQ(back.path, "/etc/kubernetes/manifests/etcd.yaml");
  EXPECT_EQ(back.content, "kind: Pod\n");
  EXPECT_EQ(back.mode, 0600u);
}

TEST(UpgradeEtcdRecovery, AnEtcdThatKeepsAnsweringWhenStoppedKeepsItsData) {
  plan::RecordingEffects effects;
  // Flapping: down for the first wait, then up for good once the manifest is gone.
  ScriptedProbe probe({false, false, false, true});
  test::FakeClock clock;
  auto r = recover_etcd(recovery(), effects, probe, clock);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().text().find("its data was not touched"), std::string::npos);
  EXPECT_TRUE(commands(effects).empty());
}

TEST(UpgradeEtcdRecovery, NoAnswerOnRestoredDataNamesTheBackup) {
  plan::RecordingEffects effects;
  ScriptedProbe probe({false});
  test::FakeClock clock;
  auto r = recover_etcd(recovery(), effects, probe, clock);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().text().find("kubeadm-backup-etcd-X/etcd"), std::string::npos);
  EXPECT_EQ(r.error().kind(), ErrorKind::Timeout);
}

}  // namespace
}  // namespace kadm::upgrade
