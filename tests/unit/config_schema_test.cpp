// The config field tables (src/config/schema_*.cpp): every row of every kind is both read and
// printed, and a row added to a table is enough to make a field loadable and printable.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>

#include "common/strings.h"
#include "config/binding.h"
#include "config/load.h"
#include "config/print.h"
#include "config/schema.h"

namespace kadm::config {
namespace {

using namespace std::chrono_literals;

ControlPlaneComponent sample_component(const std::string& tag) {
  ControlPlaneComponent c;
  c.extra_args = {{"v", tag}, {"a", "1"}};
  c.extra_volumes = {{"vol-" + tag, "/host/" + tag, "/mnt/" + tag, true, "DirectoryOrCreate"}};
  c.extra_envs = {{"ENV_" + tag, "x"}};
  return c;
}

NodeRegistration sample_node() {
  NodeRegistration n;
  n.name = "node-1";
  n.cri_socket = "unix:///run/cri.sock";
  n.taints = std::vector<Taint>{{"k", "v", "NoSchedule"}};
  n.kubelet_extra_args = {{"max-pods", "20"}};
  n.ignore_preflight_errors = {"Swap"};
  n.image_pull_policy = "Never";
  n.image_pull_serial = false;
  return n;
}

Timeouts sample_timeouts() { return {1s, 2s, 3s, 4s, 5s, 6s, 7s}; }

// Every field set to something other than its default.
InitConfiguration sample_init() {
  InitConfiguration c;
  BootstrapToken t;
  t.token = "abcdef.0123456789abcdef";
  t.description = "d";
  t.ttl = 2h;
  t.expires = std::chrono::sys_seconds{std::chrono::seconds{1900000000}};
  t.usages = {"signing"};
  t.groups = {"system:bootstrappers:x"};
  c.bootstrap_tokens = {t};
  c.dry_run = true;
  c.node_registration = sample_node();
  c.local_api_endpoint = {"10.0.0.1", 6443};
  c.certificate_key = "ck";
  c.skip_phases = {"addon/kube-proxy"};
  c.patches_directory = "/patches";
  c.timeouts = sample_timeouts();
  return c;
}

ClusterConfiguration sample_cluster() {
  ClusterConfiguration c;
  c.etcd.local =
      LocalEtcd{"reg/etcd",        "3.6",          "/var/lib/etcd2", {{"snapshot-count", "5"}},
                {{"ETCD_X", "y"}}, {"etcd.local"}, {"peer.local"}};
  c.etcd.external = ExternalEtcd{{"https://10.0.0.9:2379"}, "/ca", "/cert", "/key"};
  c.networking = {"10.96.0.0/16", "10.244.0.0/16", "example.local"};
  c.kubernetes_version = "v1.37.2";
  c.control_plane_endpoint = "cp.example:6443";
  static_cast<ControlPlaneComponent&>(c.api_server) = sample_component("api");
  c.api_server.cert_sans = {"san.example"};
  c.controller_manager = sample_component("cm");
  c.scheduler = sample_component("sched");
  c.dns = {"reg/dns", "1.12", true};
  c.proxy.disabled = true;
  c.certificates_dir = "/pki";
  c.image_repository = "reg.example";
  c.feature_gates = {{"GateA", true}, {"GateB", false}};
  c.cluster_name = "c1";
  c.encryption_algorithm = EncryptionAlgorithm::ECDSAP256;
  c.certificate_validity_period = 100h;
  c.ca_certificate_validity_period = 1000h;
  return c;
}

JoinConfiguration sample_join() {
  JoinConfiguration c;
  c.dry_run = true;
  c.node_registration = sample_node();
  c.ca_cert_path = "/ca.crt";
  c.discovery.bootstrap_token =
      BootstrapTokenDiscovery{"abcdef.0123456789abcdef", "cp:6443", {"sha256:aa"}, true};
  c.discovery.file = FileDiscovery{"/discovery.conf"};
  c.discovery.tls_bootstrap_token = "abcdef.0123456789abcdef";
  c.control_plane = JoinControlPlane{{"10.0.0.2", 6444}, "ck"};
  c.skip_phases = {"preflight"};
  c.patches_directory = "/patches";
  c.timeouts = sample_timeouts();
  return c;
}

ResetConfiguration sample_reset() {
  ResetConfiguration c;
  c.cleanup_tmp_dir = true;
  c.certificates_dir = "/pki";
  c.cri_socket = "unix:///run/cri.sock";
  c.dry_run = true;
  c.force = true;
  c.ignore_preflight_errors = {"all"};
  c.skip_phases = {"cleanup-node"};
  c.unmount_flags = {"MNT_FORCE"};
  c.timeouts = sample_timeouts();
  return c;
}

// The node at `path` ("a.b", "list[].c": "[]" takes the first item), or an invalid node.
// (YAML::Node's operator= writes through, so the walk rebinds with reset().)
YAML::Node lookup(const YAML::Node& root, const std::string& path) {
  YAML::Node node;
  node.reset(root);
  for (const auto& part : str::split(path, '.')) {
    std::string key = part;
    const bool item = key.ends_with("[]");
    if (item) key.resize(key.size() - 2);
    if (!node.IsMap() || !node[key]) return YAML::Node(YAML::NodeType::Undefined);
    node.reset(node[key]);
    if (item) {
      if (!node.IsSequence() || node.size() == 0) return YAML::Node(YAML::NodeType::Undefined);
      node.reset(node[0]);
    }
  }
  return node;
}

// Checks the table of one kind: every v1beta4 field row appears in the printed sample, the
// printed text reads back (no unknown field) to the same value, and every row that is not
// printed says why.
template <class T>
void check_table(const Rows<T>& rows, const std::string& printed, size_t min_rows) {
  const auto infos = describe_rows(rows);
  EXPECT_GE(infos.size(), min_rows);
  const auto doc = YAML::Load(printed);
  for (const auto& info : infos) {
    SCOPED_TRACE(info.path);
    switch (info.role) {
      case RowRole::Field:
        if (info.versions.in_v1beta4()) {
          EXPECT_TRUE(lookup(doc, info.path).IsDefined())
              << "field row not printed (or the sample leaves it empty):\n"
              << printed;
        }
        break;
      case RowRole::Legacy:
        EXPECT_FALSE(info.versions.in_v1beta4()) << "a legacy row is older than v1beta4";
        EXPECT_FALSE(info.note.empty()) << "a legacy row names its v1beta4 place";
        EXPECT_FALSE(lookup(doc, info.path).IsDefined());
        break;
      case RowRole::Ignored:
        EXPECT_FALSE(info.note.empty()) << "an ignored row says why";
        EXPECT_FALSE(lookup(doc, info.path).IsDefined());
        break;
    }
  }
}

// One kind: the table check above on the printed sample, then the printed text reads back
// without warnings to the sample itself (`pick` finds the kind in what was loaded).
template <class T, class Pick>
void check_kind(const Rows<T>& rows, const T& sample, std::string (*print)(const T&),
                size_t min_rows, Pick pick) {
  const auto text = print(sample);
  check_table(rows, text, min_rows);
  auto loaded = load_config_text(text, "printed.yaml");
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_TRUE(loaded->warnings.empty()) << str::join(loaded->warnings, "\n") << "\n" << text;
  const T* got = pick(*loaded);
  ASSERT_NE(got, nullptr) << text;
  EXPECT_EQ(*got, sample) << text;
}

TEST(ConfigSchema, EveryInitRowIsLoadedAndPrinted) {
  check_kind(schema::init(), sample_init(), &init_configuration_yaml, 30,
             [](const LoadedConfig& l) { return l.init ? &*l.init : nullptr; });
}

TEST(ConfigSchema, EveryClusterRowIsLoadedAndPrinted) {
  check_kind(schema::cluster(), sample_cluster(), &cluster_configuration_yaml, 50,
             [](const LoadedConfig& l) { return l.init ? &l.init->cluster : nullptr; });
}

TEST(ConfigSchema, EveryJoinRowIsLoadedAndPrinted) {
  check_kind(schema::join(), sample_join(), &join_configuration_yaml, 25,
             [](const LoadedConfig& l) { return l.join ? &*l.join : nullptr; });
}

TEST(ConfigSchema, EveryResetRowIsLoadedAndPrinted) {
  check_kind(schema::reset(), sample_reset(), &reset_configuration_yaml, 9,
             [](const LoadedConfig& l) { return l.reset ? &*l.reset : nullptr; });
}

// The legacy rows of older versions land at their v1beta4 place.
TEST(ConfigSchema, LegacyRowsConvertToTheirV1Beta4Place) {
  auto loaded = load_config_text(R"(apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  timeoutForControlPlane: 3m0s
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  timeout: 7m0s
)",
                                 "old.yaml");
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_TRUE(loaded->warnings.empty()) << str::join(loaded->warnings, "\n");
  EXPECT_EQ(loaded->init->timeouts.control_plane_component_health_check, 3min);
  EXPECT_EQ(loaded->join->timeouts.discovery, 7min);
  // In v1beta4 the same keys are unknown.
  auto v4 = load_config_text(R"(apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  timeout: 7m0s
)",
                             "new.yaml");
  ASSERT_TRUE(v4) << v4.error().message();
  ASSERT_EQ(v4->warnings.size(), 1u);
  EXPECT_NE(v4->warnings[0].find("unknown field \"discovery.timeout\""), std::string::npos);
}

// A kind of its own, outside kadm's model: the framework needs nothing but rows.
struct Toy {
  std::string name;
  int replicas = 0;
  bool operator==(const Toy&) const = default;
};

struct ToyRun {
  Toy value;
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
  std::string printed;
};

ToyRun run_toy(const Rows<Toy>& rows, const std::string& yaml) {
  Ctx ctx;
  ctx.source = "toy.yaml";
  ctx.kind = "Toy";
  ToyRun run;
  Fields f(ctx, YAML::Load(yaml), "", 0);
  load_document(f, rows, run.value);
  run.warnings = ctx.warnings;
  run.errors = ctx.errors;
  run.printed = print_rows(rows, run.value).dump();
  return run;
}

TEST(ConfigSchema, AddingARowMakesAFieldLoadableAndPrintable) {
  const std::string yaml = "name: a\nreplicas: 3\n";
  Rows<Toy> rows = {field("name", &Toy::name)};

  auto before = run_toy(rows, yaml);
  EXPECT_EQ(before.value, (Toy{"a", 0}));
  ASSERT_EQ(before.warnings.size(), 1u);
  EXPECT_EQ(before.warnings[0],
            "toy.yaml:2: unknown field \"replicas\" in Toy (kubeadm.k8s.io/v1beta4); ignored");
  EXPECT_EQ(before.printed, "name: a\n");

  rows.push_back(field("replicas", &Toy::replicas));
  auto after = run_toy(rows, yaml);
  EXPECT_EQ(after.value, (Toy{"a", 3}));
  EXPECT_TRUE(after.warnings.empty());
  EXPECT_TRUE(after.errors.empty());
  EXPECT_EQ(after.printed, "name: a\nreplicas: 3\n");

  // The new row type-checks too.
  auto bad = run_toy(rows, "replicas: many\n");
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0], "toy.yaml:1: Toy field \"replicas\": expected an integer, got \"many\"");
}

// A row's version range decides both sides: read only where it exists, printed only if it
// exists in v1beta4.
TEST(ConfigSchema, VersionRangesGateLoadingAndPrinting) {
  Rows<Toy> rows = {field("name", &Toy::name),
                    field("replicas", &Toy::replicas, Print::OmitEmpty, only(ApiVersion::V1Beta3))};
  Ctx ctx;
  ctx.source = "toy.yaml";
  ctx.kind = "Toy";
  ctx.version = ApiVersion::V1Beta3;
  Toy toy;
  Fields f(ctx, YAML::Load("name: a\nreplicas: 3\n"), "", 0);
  load_document(f, rows, toy);
  EXPECT_EQ(toy, (Toy{"a", 3}));
  EXPECT_TRUE(ctx.warnings.empty());
  EXPECT_EQ(print_rows(rows, toy).dump(), "name: a\n");
}

}  // namespace
}  // namespace kadm::config
