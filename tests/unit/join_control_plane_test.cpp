#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "clusterobjects/upload_certs_objects.h"
#include "common/strings.h"
#include "config/defaults.h"
#include "host/linux_host.h"
#include "join/control_plane_config.h"
#include "join/control_plane_join.h"
#include "join/download_certs.h"
#include "join/etcd_join.h"
#include "join/join_phases.h"
#include "lib/fake_api_server.h"
#include "lib/fake_clock.h"
#include "plan/action.h"
#include "runenv/environment.h"
#include "token/certificate_key.h"

namespace kadm::join {
namespace {

using nlohmann::json;

constexpr std::string_view kKey =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::string_view kOtherKey =
    "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

config::ClusterConfiguration local_etcd_cluster() {
  config::ClusterConfiguration c;
  c.certificates_dir = "/etc/kubernetes/pki";
  c.etcd.local = config::LocalEtcd{};
  return c;
}

json sealed_secret(std::string_view key, const std::map<std::string, std::string>& files) {
  std::string raw = *token::decode_certificate_key(key);
  std::map<std::string, std::string> sealed;
  for (const auto& [name, content] : files) {
    sealed[name] = content.empty() ? "" : *token::seal(raw, content);
  }
  return clusterobjects::kubeadm_certs_secret(sealed, "bootstrap-token-abcdef", "uid-1");
}

const plan::WriteFile& write_at(const std::vector<plan::Action>& actions, const std::string& path) {
  for (const auto& a : actions) {
    if (const auto* w = std::get_if<plan::WriteFile>(&a); w && w->path == path) return *w;
  }
  ADD_FAILURE() << "no write of " << path;
  static const plan::WriteFile none;
  return none;
}

TEST(JoinDownloadCerts, OpensEveryValueToItsPathWithKeysPrivate) {
  auto secret = sealed_secret(kKey, {{"ca.crt", "CA CERT"},
                                     {"ca.key", "CA KEY"},
                                     {"sa.pub", "SA PUB"},
                                     {"sa.key", "SA KEY"},
                                     {"front-proxy-ca.crt", ""},
                                     {"etcd-ca.crt", "ETCD CA"},
                                     {"etcd-ca.key", "ETCD KEY"}});
  auto writes = open_kubeadm_certs(secret, kKey, local_etcd_cluster());
  ASSERT_TRUE(writes) << writes.error().message();
  EXPECT_EQ(writes->size(), 6u);  // the empty front-proxy value is skipped
  const auto& ca_key = write_at(*writes, "/etc/kubernetes/pki/ca.key");
  EXPECT_EQ(ca_key.content, "CA KEY");
  EXPECT_EQ(ca_key.mode, 0600u);
  EXPECT_TRUE(ca_key.sensitive);
  const auto& etcd_ca = write_at(*writes, "/etc/kubernetes/pki/etcd/ca.crt");
  EXPECT_EQ(etcd_ca.content, "ETCD CA");
  EXPECT_EQ(etcd_ca.mode, 0644u);
  EXPECT_FALSE(etcd_ca.sensitive);
  EXPECT_EQ(write_at(*writes, "/etc/kubernetes/pki/etcd/ca.key").mode, 0600u);
}

TEST(JoinDownloadCerts, WrongKeyOpensNothing) {
  auto secret = sealed_secret(kKey, {{"ca.crt", "CA CERT"}, {"ca.key", "CA KEY"}});
  auto writes = open_kubeadm_certs(secret, kOtherKey, local_etcd_cluster());
  ASSERT_FALSE(writes);
  EXPECT_NE(writes.error().message().find("the certificate key does not decrypt kubeadm-certs"),
            std::string::npos)
      << writes.error().message();
  EXPECT_EQ(writes.error().message().find(kOtherKey), std::string::npos);
}

TEST(JoinDownloadCerts, MalformedKeyIsRefused) {
  auto secret = sealed_secret(kKey, {{"ca.crt", "CA CERT"}});
  EXPECT_FALSE(open_kubeadm_certs(secret, "abc", local_etcd_cluster()));
}

TEST(JoinDownloadCerts, MissingSecretMessageSaysHowToUploadAgain) {
  auto m = missing_certs_secret_message();
  EXPECT_NE(m.find("kubeadm-certs"), std::string::npos);
  EXPECT_NE(m.find("expired"), std::string::npos);
  EXPECT_NE(m.find("kadm init phase upload-certs --upload-certs"), std::string::npos);
}

TEST(JoinControlPlaneConfig, CombinesClusterAndThisNode) {
  auto cluster = local_etcd_cluster();
  cluster.control_plane_endpoint = "cp.kadm.test:6443";
  config::JoinConfiguration join;
  join.node_registration.name = "cp2";
  join.control_plane = config::JoinControlPlane{};
  join.control_plane->local_api_endpoint.advertise_address = "10.213.0.42";
  join.control_plane->local_api_endpoint.bind_port = 6443;
  join.timeouts.etcd_api_call = Duration{7000};
  auto cfg = control_plane_init_configuration(cluster, join);
  EXPECT_EQ(cfg.cluster.control_plane_endpoint, "cp.kadm.test:6443");
  EXPECT_EQ(cfg.node_registration.name, "cp2");
  EXPECT_EQ(cfg.local_api_endpoint.advertise_address, "10.213.0.42");
  EXPECT_EQ(cfg.local_api_endpoint.bind_port, 6443);
  EXPECT_EQ(cfg.timeouts.etcd_api_call, Duration{7000});
}

class FakeMembers final : public etcd::EtcdMembers {
 public:
  std::vector<etcd::EtcdMember> members;
  int list_calls_until_started = 0;
  int promote_refusals = 0;
  int promotes = 0;

  Result<std::vector<etcd::EtcdMember>> list() override {
    if (list_calls_until_started > 0 && --list_calls_until_started == 0) {
      for (auto& m : members) {
        if (m.name.empty()) m.name = "cp2";
      }
    }
    return members;
  }
  Status remove(const std::string&) override { return {}; }
  Result<etcd::AddedMember> add(const std::vector<std::string>& peer_urls, bool learner) override {
    etcd::EtcdMember m;
    m.id = "42";
    m.peer_urls = peer_urls;
    m.is_learner = learner;
    members.push_back(m);
    return etcd::AddedMember{m, members};
  }
  Status promote(const std::string& id) override {
    ++promotes;
    if (promote_refusals > 0) {
      --promote_refusals;
      return fail(ErrorKind::General, "can only promote a learner member which is in sync");
    }
    for (auto& m : members) {
      if (m.id == id) m.is_learner = false;
    }
    return {};
  }
};

etcd::EtcdMember started(std::string id, std::string name, std::string peer) {
  etcd::EtcdMember m;
  m.id = std::move(id);
  m.name = std::move(name);
  m.peer_urls = {std::move(peer)};
  m.client_urls = {"https://x:2379"};
  return m;
}

TEST(JoinEtcd, AnnouncesLearnerAndListsEveryMember) {
  FakeMembers fake;
  fake.members = {started("1", "cp1", "https://10.0.0.1:2380")};
  auto a = announce_member(fake, "cp2", "https://10.0.0.2:2380", true);
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->id, "42");
  EXPECT_TRUE(a->learner);
  ASSERT_EQ(a->initial_cluster.size(), 2u);
  EXPECT_EQ(a->initial_cluster[0].name, "cp1");
  EXPECT_EQ(a->initial_cluster[1].name, "cp2");
  EXPECT_EQ(a->initial_cluster[1].peer_url, "https://10.0.0.2:2380");
  EXPECT_EQ(fake.members.size(), 2u);
}

TEST(JoinEtcd, RerunDoesNotAddTwice) {
  FakeMembers fake;
  fake.members = {started("1", "cp1", "https://10.0.0.1:2380"),
                  started("42", "", "https://10.0.0.2:2380")};
  fake.members[1].is_learner = true;
  auto a = announce_member(fake, "cp2", "https://10.0.0.2:2380", true);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id, "42");
  EXPECT_EQ(fake.members.size(), 2u);
  EXPECT_EQ(a->initial_cluster.size(), 2u);
}

TEST(JoinEtcd, PromotesOnceStartedAndInSync) {
  FakeMembers fake;
  fake.members = {started("1", "cp1", "https://10.0.0.1:2380")};
  ASSERT_TRUE(announce_member(fake, "cp2", "https://10.0.0.2:2380", true));
  fake.list_calls_until_started = 3;
  fake.promote_refusals = 2;
  test::FakeClock clock;
  PromoteOptions o;
  o.clock = &clock;
  ASSERT_TRUE(promote_when_ready(fake, "42", o));
  EXPECT_EQ(fake.promotes, 3);
  EXPECT_FALSE(fake.members[1].is_learner);
}

TEST(JoinEtcd, PromotionGivesUpAtTheTimeout) {
  FakeMembers fake;
  fake.members = {started("1", "cp1", "https://10.0.0.1:2380")};
  ASSERT_TRUE(announce_member(fake, "cp2", "https://10.0.0.2:2380", true));
  test::FakeClock clock;
  PromoteOptions o;
  o.clock = &clock;
  o.timeout = Duration{3000};
  auto s = promote_when_ready(fake, "42", o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::Timeout);
  EXPECT_NE(s.error().message().find("has not started"), std::string::npos);
  EXPECT_EQ(fake.promotes, 0);
}

TEST(JoinEtcd, UnstartedMemberMakesClusterUnhealthy) {
  std::vector<etcd::EtcdMember> ok = {started("1", "cp1", "https://10.0.0.1:2380")};
  EXPECT_TRUE(check_members_started(ok));
  auto bad = ok;
  bad.push_back(started("2", "", "https://10.0.0.9:2380"));
  bad.back().client_urls.clear();
  auto s = check_members_started(bad);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("https://10.0.0.9:2380"), std::string::npos);
}

TEST(JoinEtcd, ExistingEtcdUrlFromTheApiServerUrl) {
  EXPECT_EQ(*existing_etcd_client_url(host::LinuxHost{}, "https://10.213.0.41:6443"),
            "https://10.213.0.41:2379");
  EXPECT_EQ(*existing_etcd_client_url(host::LinuxHost{}, "https://[fd00::1]:6443"),
            "https://[fd00::1]:2379");
  EXPECT_EQ(*existing_etcd_client_url(host::LinuxHost{}, "https://localhost:6443"),
            "https://127.0.0.1:2379");
  EXPECT_FALSE(existing_etcd_client_url(host::LinuxHost{}, "https://:6443"));
}

// One ordered log of what a phase did to the machine (actions) and to etcd (member changes).
struct OrderLog {
  std::vector<std::string> events;
};

class LoggingEffects final : public plan::Effects {
 public:
  explicit LoggingEffects(OrderLog& log) : m_log(log) {}
  Status apply(const plan::Action& action) override {
    actions.push_back(action);
    m_log.events.push_back(plan::describe(action));
    return {};
  }
  std::vector<plan::Action> actions;

 private:
  OrderLog& m_log;
};

// A member API whose members start and catch up at once; changes go to the log.
class LoggingMembers final : public etcd::EtcdMembers {
 public:
  explicit LoggingMembers(OrderLog& log) : m_log(log) {}
  Result<std::vector<etcd::EtcdMember>> list() override { return m_members; }
  Status remove(const std::string& id) override {
    m_log.events.push_back("remove " + id);
    return {};
  }
  Result<etcd::AddedMember> add(const std::vector<std::string>& peer_urls, bool learner) override {
    m_log.events.push_back("add " + peer_urls.at(0) + (learner ? " learner" : ""));
    etcd::EtcdMember m{"42", "cp2", peer_urls, {"https://10.213.0.42:2379"}, learner};
    m_members.push_back(m);
    return etcd::AddedMember{m, m_members};
  }
  Status promote(const std::string& id) override {
    m_log.events.push_back("promote " + id);
    for (auto& m : m_members) m.is_learner = false;
    return {};
  }

 private:
  OrderLog& m_log;
  std::vector<etcd::EtcdMember> m_members;
};

// CIS 1.1.11 at control-plane join too: the etcd data directory is 0700 before the member is
// announced and its manifest written; none for external etcd.
// cp2 (10.213.0.42) joining the control plane whose endpoint is cp1's 10.213.0.41, with local
// etcd; the connectors are a dry run's (the health wait answers at once, no API object exists).
void set_etcd_join_data(JoinData& d) {
  config::InitConfiguration cfg;
  config::set_init_defaults(cfg);
  cfg.cluster.kubernetes_version = "v1.37.2";
  cfg.cluster.etcd.local = config::LocalEtcd{};
  cfg.cluster.etcd.local->data_dir = "/var/lib/etcd";
  cfg.node_registration.name = "cp2";
  cfg.local_api_endpoint.advertise_address = "10.213.0.42";
  d.control_plane_cfg = cfg;
  d.discovered.emplace();
  d.discovered->server = "https://10.213.0.41:6443";
  d.host = std::make_unique<host::LinuxHost>();
  d.connect = runenv::dry_run_connectors();
}

TEST(JoinEtcd, DataDirIs0700BeforeTheMemberIsAnnounced) {
  OrderLog log;
  JoinData d;
  set_etcd_join_data(d);
  std::vector<std::string> etcd_urls;
  d.connect.etcd = [&](const std::string& url, const std::string&,
                       const std::string&) -> Result<std::unique_ptr<etcd::EtcdMembers>> {
    etcd_urls.push_back(url);
    return std::make_unique<LoggingMembers>(log);
  };
  auto effects = std::make_unique<LoggingEffects>(log);
  auto& recorded = *effects;
  d.effects = std::move(effects);
  auto s = run_etcd_join(d);
  ASSERT_TRUE(s) << s.error().text();
  ASSERT_FALSE(recorded.actions.empty());
  const auto* dir = std::get_if<plan::MakeDir>(&recorded.actions[0]);
  ASSERT_NE(dir, nullptr);
  EXPECT_EQ(dir->path, "/var/lib/etcd");
  EXPECT_EQ(dir->mode, 0700u);
  EXPECT_TRUE(dir->restrict_existing);
  // The data directory came first; only then was the member announced, as a learner.
  ASSERT_GE(log.events.size(), 2u);
  EXPECT_EQ(log.events[1], "add https://10.213.0.42:2380 learner");
  EXPECT_EQ(etcd_urls, std::vector<std::string>{"https://10.213.0.41:2379"});
  EXPECT_NE(std::find(log.events.begin(), log.events.end(), "promote 42"), log.events.end());

  d.control_plane_cfg->cluster.etcd.local.reset();
  d.control_plane_cfg->cluster.etcd.external = config::ExternalEtcd{};
  recorded.actions.clear();
  log.events.clear();
  ASSERT_TRUE(run_etcd_join(d));
  EXPECT_TRUE(recorded.actions.empty());
  EXPECT_TRUE(log.events.empty());
}

constexpr std::string_view kEtcdPodsPath =
    "/api/v1/namespaces/kube-system/pods?labelSelector=component%3Detcd%2Ctier%3Dcontrol-plane";

apiclient::json etcd_pod_list(const std::vector<std::string>& urls) {
  apiclient::json items = apiclient::json::array();
  for (const auto& url : urls) {
    apiclient::json pod = {{"metadata", {{"name", "etcd-x"}}}};
    if (!url.empty()) {
      pod["metadata"]["annotations"]["kubeadm.kubernetes.io/etcd.advertise-client-urls"] = url;
    }
    items.push_back(pod);
  }
  return {{"kind", "PodList"}, {"items", items}};
}

TEST(JoinEtcd, MemberUrlsComeFromTheEtcdPodsAnnotations) {
  test::FakeApiServer api;
  api.put(std::string(kEtcdPodsPath),
          etcd_pod_list({"https://10.213.0.43:2379", "",
                         "https://10.213.0.41:2379,https://[fd00::41]:2379",
                         "https://10.213.0.43:2379"}));
  EXPECT_EQ(*etcd_client_urls_from_pods(api),
            (std::vector<std::string>{"https://10.213.0.41:2379", "https://10.213.0.43:2379",
                                      "https://[fd00::41]:2379"}));
  test::FakeApiServer none;
  EXPECT_FALSE(etcd_client_urls_from_pods(none));  // 404: the caller falls back
}

// Behind a load balancer that forwards only 6443, or with the first control plane gone, the
// endpoint's :2379 is not etcd: the join asks the members the etcd Pods name, in turn, and uses
// the first that answers.
TEST(JoinEtcd, TheExistingEtcdIsTheFirstMemberThatAnswers) {
  OrderLog log;
  JoinData d;
  set_etcd_join_data(d);
  d.discovered->server = "https://lb.example.test:6443";
  d.connect.api = [](const std::filesystem::path&,
                     Duration) -> Result<std::unique_ptr<apiclient::Client>> {
    auto api = std::make_unique<test::FakeApiServer>();
    api->put(std::string(kEtcdPodsPath),
             etcd_pod_list({"https://10.213.0.41:2379", "https://10.213.0.43:2379"}));
    return api;
  };
  std::vector<std::string> tried;
  d.connect.etcd = [&](const std::string& url, const std::string&,
                       const std::string&) -> Result<std::unique_ptr<etcd::EtcdMembers>> {
    tried.push_back(url);
    if (url == "https://10.213.0.41:2379")
      return fail("dial tcp 10.213.0.41:2379: no route to host");
    return std::make_unique<LoggingMembers>(log);
  };
  d.effects = std::make_unique<LoggingEffects>(log);
  auto s = run_etcd_join(d);
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(tried,
            (std::vector<std::string>{"https://10.213.0.41:2379", "https://10.213.0.43:2379"}));
  EXPECT_NE(std::find(log.events.begin(), log.events.end(), "add https://10.213.0.42:2380 learner"),
            log.events.end());

  // None answers: the error names each URL and why.
  d.connect.etcd = [](const std::string& url, const std::string&,
                      const std::string&) -> Result<std::unique_ptr<etcd::EtcdMembers>> {
    return fail("dial " + url + ": refused");
  };
  auto none = run_etcd_join(d);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().text().find("no existing etcd member answered"), std::string::npos);
  EXPECT_NE(
      none.error().text().find("https://10.213.0.43:2379: dial https://10.213.0.43:2379: refused"),
      std::string::npos);
}

// A joining control plane approves its own kubelet's serving request, as init does, only when
// the kubelet configuration this join wrote asks for one (serverTLSBootstrap).
TEST(JoinApproveServingCert, ApprovesThisNodeOnlyWhenTheWrittenConfigAsksForIt) {
  JoinData d;
  config::InitConfiguration cfg;
  config::set_init_defaults(cfg);
  cfg.node_registration.name = "cp2";
  d.control_plane_cfg = cfg;
  d.host = std::make_unique<host::LinuxHost>();
  d.options.kubelet_dir = "/kubelet-dir";
  d.connect = runenv::dry_run_connectors();
  std::optional<std::string> written;
  std::vector<std::string> read_paths;
  d.connect.read_written = [&](const host::Host&,
                               const std::string& path) -> Result<std::optional<std::string>> {
    read_paths.push_back(path);
    return written;
  };
  std::vector<std::string> approved;
  d.connect.approve_serving = [&](const std::function<Result<apiclient::Client*>()>&,
                                  const std::string& node, Duration timeout,
                                  std::string_view prefix) -> Status {
    approved.push_back(node + " " + std::to_string(timeout.count()) + " " + std::string(prefix));
    return {};
  };
  ASSERT_TRUE(run_join_approve_serving_cert(d));  // no config written (a dry run): nothing
  written = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";
  ASSERT_TRUE(run_join_approve_serving_cert(d));
  EXPECT_TRUE(approved.empty());
  written = *written + "serverTLSBootstrap: true\n";
  ASSERT_TRUE(run_join_approve_serving_cert(d));
  EXPECT_EQ(approved, (std::vector<std::string>{"cp2 60000 [kubelet-finalize]"}));
  EXPECT_EQ(read_paths.back(), "/kubelet-dir/config.yaml");
}

TEST(JoinControlPlanePhases, KubeadmOrderWithControlPlaneSteps) {
  std::vector<std::string> names;
  for (const auto& p : join_phases()) {
    names.push_back(p.name);
    if (p.name == "control-plane-join") {
      std::vector<std::string> kids;
      for (const auto& c : p.children) kids.push_back(c.name);
      EXPECT_EQ(kids, (std::vector<std::string>{"all", "etcd", "mark-control-plane",
                                                "approve-serving-cert"}));
    }
    if (p.name == "control-plane-prepare") {
      std::vector<std::string> kids;
      for (const auto& c : p.children) kids.push_back(c.name);
      EXPECT_EQ(kids, (std::vector<std::string>{"all", "download-certs", "certs", "kubeconfig",
                                                "control-plane"}));
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"preflight", "control-plane-prepare", "check-etcd",
                                             "kubelet-start", "control-plane-join"}));
  auto text = control_plane_joined_text();
  EXPECT_NE(text.find("a new control plane instance was created"), std::string::npos);
  EXPECT_NE(text.find("/etc/kubernetes/admin.conf"), std::string::npos);
}

}  // namespace
}  // namespace kadm::join
