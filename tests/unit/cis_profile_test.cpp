#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "certs/keys.h"
#include "clusterobjects/kubelet_serving_csr.h"
#include "clusterobjects/serving_csr_approval.h"
#include "common/strings.h"
#include "config/defaults.h"
#include "config/init_flags.h"
#include "config/load.h"
#include "config/profile.h"
#include "init/serving_csr_approval.h"
#include "kubelet/kubelet_config.h"
#include "lib/control_plane_config.h"
#include "lib/fake_clock.h"
#include "lib/paths_host.h"
#include "manifests/pod_specs.h"
#include "manifests/write.h"
#include "plan/effects.h"

namespace kadm {
namespace {

using config::Profile;

config::InitConfiguration base_config() { return test::control_plane_config(); }

test::PathsHost no_host() { return {}; }

bool has_arg(const std::vector<std::string>& command, const std::string& arg) {
  return std::ranges::find(command, arg) != command.end();
}

int count_prefix(const std::vector<std::string>& command, const std::string& prefix) {
  return static_cast<int>(
      std::ranges::count_if(command, [&](const auto& a) { return a.starts_with(prefix); }));
}

TEST(CisProfile, Names) {
  EXPECT_EQ(*config::parse_profile("cis"), Profile::Cis);
  EXPECT_EQ(*config::parse_profile("default"), Profile::Default);
  EXPECT_EQ(*config::parse_profile(""), Profile::Default);
  auto bad = config::parse_profile("hardened");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::Validation);
  EXPECT_NE(bad.error().message().find("default, cis"), std::string::npos);
}

TEST(CisProfile, DefaultChangesNothing) {
  auto cfg = base_config();
  const auto before = cfg;
  ASSERT_TRUE(config::apply_profile(cfg, Profile::Default));
  EXPECT_EQ(cfg, before);
}

TEST(CisProfile, ComponentsGetTheHardeningFlagsThroughTheBuilders) {
  auto cfg = base_config();
  ASSERT_TRUE(config::apply_profile(cfg, Profile::Cis));
  auto api = manifests::apiserver_pod(cfg, no_host());
  ASSERT_TRUE(api) << api.error().text();
  const auto& cmd = api->container.command;
  for (const char* a :
       {"--profiling=false", "--audit-log-path=/var/log/kubernetes/audit/audit.log",
        "--audit-log-maxage=30", "--audit-log-maxbackup=10", "--audit-log-maxsize=100",
        "--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
        "--service-account-extend-token-expiration=false",
        "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt"}) {
    EXPECT_TRUE(has_arg(cmd, a)) << a;
  }
  // kubeadm's own flags are still there.
  EXPECT_TRUE(has_arg(cmd, "--authorization-mode=Node,RBAC"));
  bool policy = false, log = false;
  for (const auto& v : api->volumes) {
    if (v.name == "audit-policy") {
      policy = v.path == "/etc/kubernetes/audit-policy.yaml" && v.type == "File";
    }
    if (v.name == "audit-log") {
      log = v.path == "/var/log/kubernetes/audit" && v.type == "DirectoryOrCreate";
    }
  }
  EXPECT_TRUE(policy);
  EXPECT_TRUE(log);
  for (const auto& m : api->container.volume_mounts) {
    if (m.name == "audit-log") {
      EXPECT_FALSE(m.read_only);
    }
    if (m.name == "audit-policy") {
      EXPECT_TRUE(m.read_only);
    }
  }
  auto kcm = manifests::controller_manager_pod(cfg, no_host());
  ASSERT_TRUE(kcm);
  EXPECT_TRUE(has_arg(kcm->container.command, "--profiling=false"));
  auto sched = manifests::scheduler_pod(cfg, no_host());
  ASSERT_TRUE(sched);
  EXPECT_TRUE(has_arg(sched->container.command, "--profiling=false"));
  // The default profile has none of them.
  auto plain = manifests::apiserver_pod(base_config(), no_host());
  ASSERT_TRUE(plain);
  EXPECT_EQ(count_prefix(plain->container.command, "--profiling"), 0);
  EXPECT_EQ(count_prefix(plain->container.command, "--audit"), 0);
}

TEST(CisProfile, UserValuesWinAndApplyingTwiceChangesNothing) {
  auto cfg = base_config();
  cfg.cluster.api_server.extra_args = {{"profiling", "true"}, {"audit-log-maxage", "90"}};
  ASSERT_TRUE(config::apply_profile(cfg, Profile::Cis));
  const auto once = cfg;
  ASSERT_TRUE(config::apply_profile(cfg, Profile::Cis));
  EXPECT_EQ(cfg, once);
  auto api = manifests::apiserver_pod(cfg, no_host());
  ASSERT_TRUE(api);
  const auto& cmd = api->container.command;
  EXPECT_EQ(count_prefix(cmd, "--profiling="), 1);
  EXPECT_TRUE(has_arg(cmd, "--profiling=true"));
  EXPECT_EQ(count_prefix(cmd, "--audit-log-maxage="), 1);
  EXPECT_TRUE(has_arg(cmd, "--audit-log-maxage=90"));
}

TEST(CisProfile, AuditLogVolumeFollowsTheUsersLogPath) {
  auto cfg = base_config();
  cfg.cluster.api_server.extra_args = {{"audit-log-path", "/srv/audit/api.log"}};
  ASSERT_TRUE(config::apply_profile(cfg, Profile::Cis));
  EXPECT_EQ(config::audit_log_dir(cfg.cluster), "/srv/audit");
  auto api = manifests::apiserver_pod(cfg, no_host());
  ASSERT_TRUE(api);
  bool found = false;
  for (const auto& v : api->volumes)
    found = found || (v.name == "audit-log" && v.path == "/srv/audit");
  EXPECT_TRUE(found);
}

TEST(CisProfile, KubeletConfigurationGetsServingCertificatesUnderTheUsersDocument) {
  auto cfg = base_config();
  ASSERT_TRUE(config::apply_profile(cfg, Profile::Cis));
  EXPECT_TRUE(kubelet::server_tls_bootstrap(cfg.kubelet_config_yaml));
  auto in = kubelet::init_kubelet_inputs(cfg);
  ASSERT_TRUE(in);
  in->static_pod_path = "/etc/kubernetes/manifests";
  auto yaml = kubelet::kubelet_config_yaml(*in, *config::parse_kube_version("v1.37.2"));
  ASSERT_TRUE(yaml);
  EXPECT_NE(yaml->find("serverTLSBootstrap: true"), std::string::npos) << *yaml;
  EXPECT_NE(yaml->find("readOnlyPort: 0"), std::string::npos);
  EXPECT_NE(yaml->find("anonymous:\n    enabled: false"), std::string::npos);

  auto user = base_config();
  user.kubelet_config_yaml =
      "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
      "serverTLSBootstrap: false\ncgroupDriver: cgroupfs\n";
  ASSERT_TRUE(config::apply_profile(user, Profile::Cis));
  EXPECT_FALSE(kubelet::server_tls_bootstrap(user.kubelet_config_yaml));
  EXPECT_NE(user.kubelet_config_yaml.find("cgroupDriver: cgroupfs"), std::string::npos);
  EXPECT_NE(user.kubelet_config_yaml.find("readOnlyPort: 0"), std::string::npos);

  EXPECT_FALSE(kubelet::server_tls_bootstrap(base_config().kubelet_config_yaml));
}

TEST(CisProfile, FileFacts) {
  EXPECT_EQ(config::profile_files(Profile::Default).kubelet_config_mode, 0644u);
  EXPECT_EQ(config::profile_files(Profile::Cis).kubelet_config_mode, 0600u);
  EXPECT_EQ(config::profile_files(Profile::Cis).etcd_data_dir_owner, "etcd");
  EXPECT_TRUE(config::profile_files(Profile::Default).etcd_data_dir_owner.empty());
}

TEST(CisProfile, EtcdDataDirIsGivenToEtcdOnlyWithTheProfile) {
  auto cfg = base_config();
  plan::RecordingEffects plain;
  ASSERT_TRUE(manifests::ensure_etcd_data_dir(cfg.cluster, plain, Profile::Default));
  ASSERT_EQ(plain.actions.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<plan::MakeDir>(plain.actions[0]));

  plan::RecordingEffects cis;
  ASSERT_TRUE(manifests::ensure_etcd_data_dir(cfg.cluster, cis, Profile::Cis));
  ASSERT_EQ(cis.actions.size(), 3u);
  const auto& mk = std::get<plan::MakeDir>(cis.actions[0]);
  EXPECT_EQ(mk.mode, 0700u);
  EXPECT_TRUE(mk.restrict_existing);
  const auto& user = std::get<plan::RunCommand>(cis.actions[1]);
  EXPECT_NE(user.argv.back().find("useradd --system"), std::string::npos);
  const auto& chown = std::get<plan::RunCommand>(cis.actions[2]);
  EXPECT_EQ(chown.argv, (std::vector<std::string>{"chown", "-R", "etcd:etcd", "/var/lib/etcd"}));
}

TEST(CisProfile, AuditFilesAreWrittenOnlyWhenTheApiserverUsesThem) {
  plan::RecordingEffects none;
  ASSERT_TRUE(manifests::write_audit_files(base_config().cluster, none));
  EXPECT_TRUE(none.actions.empty());

  auto cfg = base_config();
  ASSERT_TRUE(config::apply_profile(cfg, Profile::Cis));
  plan::RecordingEffects rec;
  ASSERT_TRUE(manifests::write_audit_files(cfg.cluster, rec));
  ASSERT_EQ(rec.actions.size(), 2u);
  const auto& policy = std::get<plan::WriteFile>(rec.actions[0]);
  EXPECT_EQ(policy.path, "/etc/kubernetes/audit-policy.yaml");
  EXPECT_EQ(policy.mode, 0600u);
  EXPECT_NE(policy.content.find("level: Metadata"), std::string::npos);
  EXPECT_EQ(policy.content.find("level: Request"), std::string::npos);  // never bodies
  const auto& dir = std::get<plan::MakeDir>(rec.actions[1]);
  EXPECT_EQ(dir.path, "/var/log/kubernetes/audit");
  EXPECT_EQ(dir.mode, 0700u);
}

TEST(CisProfile, KadmConfigurationDocument) {
  auto loaded = config::load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n---\n"
      "apiVersion: kadm.io/v1alpha1\nkind: KadmConfiguration\nprofile: cis\n",
      "c.yaml");
  ASSERT_TRUE(loaded) << loaded.error().text();
  ASSERT_TRUE(loaded->profile);
  EXPECT_EQ(*loaded->profile, Profile::Cis);

  auto bad = config::load_config_text(
      "apiVersion: kadm.io/v1alpha1\nkind: KadmConfiguration\nprofile: strict\nflavour: x\n",
      "c.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("c.yaml:3"), std::string::npos) << bad.error().message();
  EXPECT_NE(bad.error().message().find("unknown profile \"strict\""), std::string::npos);
  EXPECT_NE(bad.error().message().find("unknown field \"flavour\""), std::string::npos);

  auto kind = config::load_config_text("apiVersion: kadm.io/v1alpha1\nkind: Profile\n", "c.yaml");
  ASSERT_FALSE(kind);
  EXPECT_NE(kind.error().message().find("supported kinds: KadmConfiguration"), std::string::npos);
}

TEST(CisProfile, FlagAllowedWithConfigAndValidated) {
  EXPECT_TRUE(config::check_config_flag_mix({"profile"}, true));
  config::InitFlags flags;
  flags.profile = "nope";
  auto r = config::resolve_init_config(flags, std::nullopt, "node1", []() -> Result<std::string> {
    return std::string("10.0.0.1");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Validation);
  EXPECT_NE(r.error().text().find("--profile"), std::string::npos);

  flags.profile = "cis";
  config::Profile p = Profile::Default;
  auto ok = config::resolve_init_config(
      flags, std::nullopt, "node1", []() -> Result<std::string> { return std::string("10.0.0.1"); },
      &p);
  ASSERT_TRUE(ok) << ok.error().text();
  EXPECT_EQ(p, Profile::Cis);
  const auto& args = ok->cluster.api_server.extra_args;
  EXPECT_TRUE(std::ranges::any_of(args, [](const auto& a) { return a.name == "profiling"; }));
}

// --- kubelet serving CSRs -------------------------------------------------------------------

std::string csr_pem(const std::string& cn, const std::vector<std::string>& orgs,
                    const std::string& san) {
  auto key = certs::generate_key(config::EncryptionAlgorithm::ECDSAP256);
  EXPECT_TRUE(key);
  X509_REQ* req = X509_REQ_new();
  X509_NAME* name = X509_REQ_get_subject_name(req);
  for (const auto& o : orgs) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  if (!san.empty()) {
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
    EXPECT_NE(ext, nullptr);
    sk_X509_EXTENSION_push(exts, ext);
    X509_REQ_add_extensions(req, exts);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  X509_REQ_set_pubkey(req, key->get());
  X509_REQ_sign(req, key->get(), EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, req);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  X509_REQ_free(req);
  return pem;
}

nlohmann::json csr(const std::string& pem, const std::string& user = "system:node:w1",
                   std::vector<std::string> usages = {"digital signature", "server auth"}) {
  return {{"metadata", {{"name", "csr-abc"}}},
          {"spec",
           {{"request", str::base64_encode(pem)},
            {"signerName", "kubernetes.io/kubelet-serving"},
            {"username", user},
            {"groups", {"system:nodes", "system:authenticated"}},
            {"usages", usages}}},
          {"status", nlohmann::json::object()}};
}

nlohmann::json node_w1() {
  return {{"metadata", {{"name", "w1"}}},
          {"status",
           {{"addresses",
             {{{"type", "InternalIP"}, {"address", "10.213.0.11"}},
              {{"type", "Hostname"}, {"address", "w1"}}}}}}};
}

TEST(KubeletServingCsr, OwnAddressesAreApproved) {
  auto v = clusterobjects::check_kubelet_serving_csr(
      csr(csr_pem("system:node:w1", {"system:nodes"}, "DNS:w1,IP:10.213.0.11")), node_w1());
  EXPECT_TRUE(v.approve) << v.reason;
  auto approved = clusterobjects::approved_csr(csr("x"));
  EXPECT_EQ(approved["status"]["conditions"][0]["type"], "Approved");
  EXPECT_TRUE(clusterobjects::csr_decided(approved));
}

TEST(KubeletServingCsr, AnythingBeyondTheNodeIsRefused) {
  const std::string good = csr_pem("system:node:w1", {"system:nodes"}, "DNS:w1,IP:10.213.0.11");
  struct Case {
    std::string what;
    nlohmann::json csr;
    nlohmann::json node;
    std::string reason;
  };
  auto other_signer = csr(good);
  other_signer["spec"]["signerName"] = "kubernetes.io/kube-apiserver-client";
  auto no_group = csr(good);
  no_group["spec"]["groups"] = {"system:authenticated"};
  std::vector<Case> cases = {
      {"another node's name", csr(csr_pem("system:node:w1", {"system:nodes"}, "DNS:w1,DNS:cp1")),
       node_w1(), "DNS name \"cp1\""},
      {"another IP", csr(csr_pem("system:node:w1", {"system:nodes"}, "IP:10.213.0.10")), node_w1(),
       "IP \"10.213.0.10\""},
      {"a node asking for another", csr(good, "system:node:w2"), node_w1(), "subject CN"},
      {"not a node", csr(good, "alice"), node_w1(), "not requested by a node"},
      {"client usage", csr(good, "system:node:w1", {"digital signature", "client auth"}), node_w1(),
       "usage \"client auth\""},
      {"no server usage", csr(good, "system:node:w1", {"digital signature"}), node_w1(),
       "server auth"},
      {"extra organization",
       csr(csr_pem("system:node:w1", {"system:nodes", "system:masters"}, "DNS:w1")), node_w1(),
       "organization"},
      {"an e-mail SAN", csr(csr_pem("system:node:w1", {"system:nodes"}, "DNS:w1,email:a@b.test")),
       node_w1(), "e-mail"},
      {"no SAN", csr(csr_pem("system:node:w1", {"system:nodes"}, "")), node_w1(), "no DNS"},
      {"no Node", csr(good), nullptr, "no Node"},
      {"other signer", other_signer, node_w1(), "signer"},
      {"not in system:nodes", no_group, node_w1(), "system:nodes"},
      {"already approved", clusterobjects::approved_csr(csr(good)), node_w1(), "already"},
  };
  for (const auto& c : cases) {
    auto v = clusterobjects::check_kubelet_serving_csr(c.csr, c.node);
    EXPECT_FALSE(v.approve) << c.what;
    EXPECT_NE(v.reason.find(c.reason), std::string::npos) << c.what << ": " << v.reason;
  }
}

// A cluster in memory: CSRs and Nodes, and what was PUT.
class CsrApi final : public apiclient::Client {
 public:
  std::vector<nlohmann::json> csrs;
  std::map<std::string, nlohmann::json> nodes;
  std::vector<std::string> approvals;
  apiclient::ApiResult<apiclient::json> send(const apiclient::Request& r) override {
    if (r.method == "GET" && r.path == "/apis/certificates.k8s.io/v1/certificatesigningrequests") {
      return nlohmann::json{{"items", csrs}};
    }
    if (r.method == "GET" && r.path.starts_with("/api/v1/nodes/")) {
      auto it = nodes.find(r.path.substr(14));
      if (it == nodes.end())
        return std::unexpected(apiclient::ApiError(ErrorKind::NotFound, "nf", 404, "NotFound"));
      return it->second;
    }
    if (r.method == "PUT" && r.path.ends_with("/approval")) {
      approvals.push_back(r.path);
      return *r.body;
    }
    return std::unexpected(apiclient::ApiError(ErrorKind::Api, "unexpected " + r.path, 500, ""));
  }
};

TEST(KubeletServingCsr, ApprovalPassApprovesOnlyGoodRequests) {
  CsrApi api;
  api.nodes["w1"] = node_w1();
  auto good = csr(csr_pem("system:node:w1", {"system:nodes"}, "DNS:w1,IP:10.213.0.11"));
  good["metadata"]["name"] = "csr-good";
  auto bad = csr(csr_pem("system:node:w1", {"system:nodes"}, "DNS:kubernetes.default"));
  bad["metadata"]["name"] = "csr-bad";
  auto client = csr(csr_pem("system:node:w1", {"system:nodes"}, "DNS:w1"));
  client["spec"]["signerName"] = "kubernetes.io/kube-apiserver-client-kubelet";
  api.csrs = {good, bad, client};
  auto pass = clusterobjects::approve_kubelet_serving_csrs(api, "");
  ASSERT_TRUE(pass);
  EXPECT_EQ(api.approvals, std::vector<std::string>{
                               "/apis/certificates.k8s.io/v1/certificatesigningrequests/csr-good/"
                               "approval"});
  ASSERT_EQ(pass->refused.size(), 1u);
  EXPECT_EQ(pass->refused[0].first, "csr-bad");
  // Only another node's requests: nothing to do.
  CsrApi other;
  other.nodes["w1"] = node_w1();
  other.csrs = {good};
  auto none = clusterobjects::approve_kubelet_serving_csrs(other, "w2");
  ASSERT_TRUE(none);
  EXPECT_TRUE(other.approvals.empty());
}

TEST(KubeletServingCsr, InitWaitsForItsOwnRequestAndOnlyWarnsWithoutOne) {
  CsrApi api;
  api.nodes["w1"] = node_w1();
  test::FakeClock clock;
  // No request at all: the wait ends after the timeout without failing init.
  ASSERT_TRUE(clusterobjects::approve_own_serving_csr(api, "w1", Duration(10000), "[t]", &clock));
  EXPECT_TRUE(api.approvals.empty());
  EXPECT_GE(clock.sleeps().size(), 5u);
  // The node's request is there: approved on the first pass.
  auto good = csr(csr_pem("system:node:w1", {"system:nodes"}, "DNS:w1"));
  api.csrs = {good};
  test::FakeClock clock2;
  ASSERT_TRUE(clusterobjects::approve_own_serving_csr(api, "w1", Duration(10000), "[t]", &clock2));
  EXPECT_EQ(api.approvals.size(), 1u);
}

}  // namespace
}  // namespace kadm
