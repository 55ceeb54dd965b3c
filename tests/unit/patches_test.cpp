#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/defaults.h"
#include "host/linux_host.h"
#include "init/api_phases.h"
#include "init/init_patches.h"
#include "kubelet/kubelet_config.h"
#include "lib/control_plane_config.h"
#include "lib/dry_run_init_data.h"
#include "lib/log_capture.h"
#include "lib/paths_host.h"
#include "lib/temp_dir.h"
#include "manifests/pod_specs.h"
#include "manifests/write.h"
#include "patches/patches.h"
#include "patches/strategic_merge.h"
#include "plan/effects.h"
#include "runenv/environment.h"
#include "staticpod/health_wait.h"

namespace kadm::patches {
namespace {

using json = nlohmann::json;

void write(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

ParsedName parsed(std::string_view name) {
  auto p = parse_file_name(name);
  EXPECT_TRUE(p.has_value()) << name;
  return p.value_or(ParsedName{});
}

// ---- File names: target[suffix][+patchtype].extension

TEST(PatchFileName, TargetSuffixTypeAndExtension) {
  EXPECT_EQ(parsed("etcd.json").target, "etcd");
  EXPECT_EQ(parsed("etcd.json").type, PatchType::StrategicMerge);
  auto p = parsed("kube-apiserver0+merge.yaml");
  EXPECT_EQ(p.target, "kube-apiserver");
  EXPECT_EQ(p.type, PatchType::Merge);
  p = parsed("kube-scheduler-extra+json.json");
  EXPECT_EQ(p.target, "kube-scheduler");
  EXPECT_EQ(p.type, PatchType::Json);
  p = parsed("kube-controller-manager+strategic.yaml");
  EXPECT_EQ(p.target, "kube-controller-manager");
  EXPECT_EQ(p.type, PatchType::StrategicMerge);
  EXPECT_EQ(parsed("kubeletconfiguration.yaml").target, "kubeletconfiguration");
  EXPECT_EQ(parsed("corednsdeployment+json.json").target, "corednsdeployment");
  EXPECT_EQ(parsed("kubeproxydaemonset.yaml").target, "kubeproxydaemonset");
  // The suffix stops at the first '.', so this is a strategic patch of kube-apiserver.
  p = parsed("kube-apiserver.old.yaml");
  EXPECT_EQ(p.target, "kube-apiserver");
  EXPECT_EQ(p.type, PatchType::StrategicMerge);
}

TEST(PatchFileName, IgnoredWithAReason) {
  for (auto name : {"README.md", "kube-apiserver.yml", ".yaml", "kube-apiserver.yaml.orig"}) {
    auto p = parsed(name);
    EXPECT_TRUE(p.target.empty()) << name;
    EXPECT_EQ(p.ignore_reason, "the file extension must be one of [json yaml]") << name;
  }
  for (auto name : {"kube-proxy.yaml", "apiserver.yaml", "Etcd.json"}) {
    auto p = parsed(name);
    EXPECT_TRUE(p.target.empty()) << name;
    EXPECT_EQ(p.ignore_reason,
              "unknown target, must be one of [etcd kube-apiserver kube-controller-manager "
              "kube-scheduler kubeletconfiguration corednsdeployment kubeproxydaemonset]")
        << name;
  }
}

TEST(PatchFileName, UnknownTypeAfterPlusIsAnError) {
  for (auto name : {"kube-apiserver+foo.yaml", "kube-apiserver+.yaml", "etcd0+JSON.json"}) {
    auto p = parse_file_name(name);
    ASSERT_FALSE(p.has_value()) << name;
    EXPECT_EQ(p.error().kind(), ErrorKind::Validation);
    EXPECT_EQ(p.error().text(),
              "unknown or missing patch type after '+', must be one of [json merge strategic]");
  }
}

// ---- Loading a directory

TEST(PatchLoad, LexicalOrderSubdirectoriesEmptyAndIgnoredFiles) {
  test::TempDir dir;
  const auto& d = dir.path();
  write(d / "kube-apiserver1+merge.yaml", "metadata:\n  labels:\n    step: \"4\"\n");
  write(d / "kube-apiserver0.yaml", "metadata:\n  labels:\n    step: \"3\"\n");
  write(d / "kube-apiserver.yaml", "metadata:\n  labels:\n    step: \"2\"\n");
  write(d / "kube-apiserver+json.json",
        R"([{"op": "add", "path": "/metadata/labels/step", "value": "1"}])");
  write(d / "notes.txt", "not a patch");
  write(d / "kube-proxy.yaml", "spec: {}\n");
  write(d / "etcd.yaml", "");
  write(d / "more" / "kube-scheduler.yaml", "metadata:\n  labels:\n    tier: x\n");

  test::LogCapture log;
  auto set = load(d);
  ASSERT_TRUE(set.has_value()) << set.error().text();
  std::vector<std::string> names;
  for (const auto& f : set->files()) names.push_back(f.path.filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"kube-apiserver+json.json", "kube-apiserver.yaml",
                                             "kube-apiserver0.yaml", "kube-apiserver1+merge.yaml",
                                             "kube-scheduler.yaml"}));
  const std::string out = log.str();
  EXPECT_NE(out.find("[patches] Reading patches from path \"" + d.string() + "\""),
            std::string::npos);
  EXPECT_NE(out.find("[patches] Ignoring file \"notes.txt\": the file extension must be one of "
                     "[json yaml]"),
            std::string::npos);
  EXPECT_NE(out.find("[patches] Ignoring file \"kube-proxy.yaml\": unknown target"),
            std::string::npos);
  EXPECT_NE(out.find("[patches] Ignoring empty file: \"etcd.yaml\""), std::string::npos);
  EXPECT_NE(out.find("[patches] Found the following patch files: [kube-apiserver+json.json "
                     "kube-apiserver.yaml kube-apiserver0.yaml kube-apiserver1+merge.yaml "
                     "kube-scheduler.yaml]"),
            std::string::npos);
  EXPECT_NE(out.find("[patches] Ignored the following files: [etcd.yaml kube-proxy.yaml "
                     "notes.txt]"),
            std::string::npos);
  EXPECT_FALSE(set->has("etcd"));
  EXPECT_TRUE(set->has("kube-scheduler"));

  // Applied in that order: json, strategic, strategic, merge; the last one wins.
  test::LogCapture applied;
  auto pod = set->apply("kube-apiserver",
                        {{"metadata", {{"name", "kube-apiserver"}, {"labels", json::object()}}}});
  ASSERT_TRUE(pod.has_value()) << pod.error().text();
  EXPECT_EQ((*pod)["metadata"]["labels"]["step"], "4");
  EXPECT_EQ(applied.str(),
            "[patches] Applied patch of type \"application/json-patch+json\" to target "
            "\"kube-apiserver\"\n"
            "[patches] Applied patch of type \"application/strategic-merge-patch+json\" to "
            "target \"kube-apiserver\"\n"
            "[patches] Applied patch of type \"application/strategic-merge-patch+json\" to "
            "target \"kube-apiserver\"\n"
            "[patches] Applied patch of type \"application/merge-patch+json\" to target "
            "\"kube-apiserver\"\n");
}

TEST(PatchLoad, SeveralDocumentsInOneFileApplyInOrder) {
  test::TempDir dir;
  write(dir.path() / "kube-scheduler+json.yaml",
        "- op: add\n  path: /metadata/labels\n  value: {a: \"1\"}\n---\n# only a comment\n---\n"
        "- op: replace\n  path: /metadata/labels/a\n  value: \"2\"\n");
  auto set = load(dir.path());
  ASSERT_TRUE(set.has_value()) << set.error().text();
  ASSERT_EQ(set->files().size(), 1u);
  EXPECT_EQ(set->files()[0].documents.size(), 2u);
  auto pod = set->apply("kube-scheduler", {{"metadata", json::object()}}, true);
  ASSERT_TRUE(pod.has_value()) << pod.error().text();
  EXPECT_EQ((*pod)["metadata"]["labels"]["a"], "2");
}

TEST(PatchLoad, ErrorsNameTheDirectoryOrTheFile) {
  test::TempDir dir;
  const auto& d = dir.path();

  auto missing = load(d / "nope");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind(), ErrorKind::Validation);
  EXPECT_NE(missing.error().text().find("could not list patch files for path \"" +
                                        (d / "nope").string() + "\": No such file"),
            std::string::npos)
      << missing.error().text();

  write(d / "plain-file", "x");
  auto not_dir = load(d / "plain-file");
  ASSERT_FALSE(not_dir.has_value());
  EXPECT_NE(not_dir.error().text().find("not a directory"), std::string::npos);

  struct Case {
    std::string file;
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"kube-apiserver+foo.yaml", "{}", "unknown or missing patch type after '+'"},
      {"kube-apiserver.yaml", "spec: [unclosed\n", "not valid YAML or JSON"},
      {"kube-apiserver+json.yaml", "op: add\npath: /x\n",
       "a json patch must be a list of operations"},
      {"kube-apiserver+json.json", R"([{"op": "frobnicate", "path": "/x"}])",
       "unknown json patch operation \"frobnicate\""},
      {"kube-apiserver+merge.yaml", "- a\n- b\n", "a merge patch must be a mapping"},
      {"kube-apiserver.yaml", "just a string\n", "a strategic merge patch must be a mapping"},
  };
  for (const auto& c : cases) {
    test::TempDir one;
    write(one.path() / c.file, c.text);
    auto set = load(one.path());
    ASSERT_FALSE(set.has_value()) << c.file;
    EXPECT_EQ(set.error().kind(), ErrorKind::Validation) << c.file;
    const std::string text = set.error().text();
    EXPECT_NE(text.find((one.path() / c.file).string()), std::string::npos) << text;
    EXPECT_NE(text.find(c.expected), std::string::npos) << text;
  }
}

TEST(PatchApply, FailingJsonPatchNamesFileDocumentAndTarget) {
  test::TempDir dir;
  write(dir.path() / "kube-apiserver+json.yaml",
        "- op: test\n  path: /metadata/name\n  value: kube-apiserver\n---\n"
        "- op: test\n  path: /metadata/name\n  value: something-else\n");
  write(dir.path() / "etcd+json.json", R"([{"op": "remove", "path": "/spec/nothing"}])");
  auto set = load(dir.path());
  ASSERT_TRUE(set.has_value()) << set.error().text();

  auto r = set->apply("kube-apiserver", {{"metadata", {{"name", "kube-apiserver"}}}}, true);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::Validation);
  const std::string text = r.error().text();
  EXPECT_NE(text.find("could not apply the patch of type \"application/json-patch+json\" in \"" +
                      (dir.path() / "kube-apiserver+json.yaml").string() +
                      "\" (document 2 of 2) to target \"kube-apiserver\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("the test operation {\"op\":\"test\",\"path\":\"/metadata/name\","
                      "\"value\":\"something-else\"} failed"),
            std::string::npos)
      << text;

  auto e = set->apply("etcd", {{"spec", json::object()}}, true);
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().text().find("etcd+json.json"), std::string::npos) << e.error().text();
  EXPECT_NE(e.error().text().find("nothing"), std::string::npos) << e.error().text();
}

TEST(PatchApply, MergePatchIsRfc7386) {
  PatchSet set({PatchFile{"kubeletconfiguration+merge.yaml",
                          "kubeletconfiguration",
                          PatchType::Merge,
                          {json::parse(R"({"a": {"b": null, "c": 2}, "l": [9]})")}}});
  auto r = set.apply("kubeletconfiguration",
                     json::parse(R"({"a": {"b": 1, "d": 3}, "l": [1, 2], "k": "v"})"), true);
  ASSERT_TRUE(r.has_value()) << r.error().text();
  EXPECT_EQ(*r, json::parse(R"({"a": {"c": 2, "d": 3}, "l": [9], "k": "v"})"));
}

// ---- Strategic merge on a Pod

json apiserver_pod_json() {
  return json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "kube-apiserver", "namespace": "kube-system",
                 "labels": {"component": "kube-apiserver", "tier": "control-plane"}},
    "spec": {
      "containers": [{
        "name": "kube-apiserver",
        "command": ["kube-apiserver", "--event-ttl=1h0m0s", "--secure-port=6443"],
        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
        "ports": [{"containerPort": 6443, "name": "probe-port", "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "250m"}},
        "volumeMounts": [{"name": "ca-certs", "mountPath": "/etc/ssl/certs", "readOnly": true},
                         {"name": "k8s-certs", "mountPath": "/etc/kubernetes/pki", "readOnly": true}]
      }],
      "hostNetwork": true,
      "volumes": [{"name": "ca-certs", "hostPath": {"path": "/etc/ssl/certs", "type": "DirectoryOrCreate"}},
                  {"name": "k8s-certs", "hostPath": {"path": "/etc/kubernetes/pki", "type": "DirectoryOrCreate"}}]
    },
    "status": {}
  })");
}

json smp(const json& original, const std::string& patch_yaml, ObjectSchema schema) {
  PatchSet set({PatchFile{"p.yaml",
                          schema == ObjectSchema::Pod ? "kube-apiserver" : "kubeletconfiguration",
                          PatchType::StrategicMerge,
                          {json::parse(patch_yaml)}}});
  auto r = set.apply(schema == ObjectSchema::Pod ? "kube-apiserver" : "kubeletconfiguration",
                     original, true);
  EXPECT_TRUE(r.has_value()) << r.error().text();
  return r.value_or(json());
}

TEST(StrategicMerge, KubeadmDocsResourcesExampleMergesTheContainerByName) {
  // The docs' example: raise the API server's CPU request, nothing else changes.
  auto out = smp(apiserver_pod_json(),
                 R"({"spec": {"containers": [{"name": "kube-apiserver",
                      "resources": {"requests": {"cpu": "500m"}, "limits": {"memory": "1Gi"}}}]}})",
                 ObjectSchema::Pod);
  auto expected = apiserver_pod_json();
  expected["spec"]["containers"][0]["resources"] = {{"requests", {{"cpu", "500m"}}},
                                                    {"limits", {{"memory", "1Gi"}}}};
  EXPECT_EQ(out, expected);
}

TEST(StrategicMerge, CommandIsReplacedNotMerged) {
  auto out = smp(apiserver_pod_json(),
                 R"({"spec": {"containers": [{"name": "kube-apiserver",
                      "command": ["kube-apiserver", "--v=3"]}]}})",
                 ObjectSchema::Pod);
  EXPECT_EQ(out["spec"]["containers"][0]["command"], json::parse(R"(["kube-apiserver", "--v=3"])"));
  EXPECT_EQ(out["spec"]["containers"][0]["env"].size(), 2u);
}

TEST(StrategicMerge, VolumesByNameMountsByMountPathNewElementsFirst) {
  auto out = smp(apiserver_pod_json(), R"({"spec": {
      "volumes": [{"name": "audit", "hostPath": {"path": "/var/log/audit", "type": "DirectoryOrCreate"}},
                  {"name": "k8s-certs", "hostPath": {"path": "/srv/pki"}}],
      "containers": [{"name": "kube-apiserver",
                      "volumeMounts": [{"name": "audit", "mountPath": "/var/log/audit"},
                                       {"name": "ca-certs", "mountPath": "/etc/ssl/certs", "readOnly": false}]}]}})",
                 ObjectSchema::Pod);
  // Patch elements in the patch's order, new ones ahead; an element only the original has
  // stays before a patch element that came after it in the original.
  EXPECT_EQ(out["spec"]["volumes"], json::parse(R"([
      {"name": "audit", "hostPath": {"path": "/var/log/audit", "type": "DirectoryOrCreate"}},
      {"name": "ca-certs", "hostPath": {"path": "/etc/ssl/certs", "type": "DirectoryOrCreate"}},
      {"name": "k8s-certs", "hostPath": {"path": "/srv/pki", "type": "DirectoryOrCreate"}}])"));
  EXPECT_EQ(out["spec"]["containers"][0]["volumeMounts"], json::parse(R"([
      {"name": "audit", "mountPath": "/var/log/audit"},
      {"name": "ca-certs", "mountPath": "/etc/ssl/certs", "readOnly": false},
      {"name": "k8s-certs", "mountPath": "/etc/kubernetes/pki", "readOnly": true}])"));
}

TEST(StrategicMerge, NewContainerEnvByNamePortsByContainerPort) {
  auto out = smp(apiserver_pod_json(), R"({"spec": {"containers": [
      {"name": "sidecar", "image": "busybox", "env": [{"name": "X", "value": null}]},
      {"name": "kube-apiserver",
       "env": [{"name": "B", "value": "20"}, {"name": "C", "value": "3"}],
       "ports": [{"containerPort": 6443, "name": "https"}]}]}})",
                 ObjectSchema::Pod);
  const auto& cs = out["spec"]["containers"];
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0],
            json::parse(R"({"name": "sidecar", "image": "busybox", "env": [{"name": "X"}]})"));
  EXPECT_EQ(cs[1]["env"], json::parse(R"([{"name": "A", "value": "1"}, {"name": "B", "value": "20"},
                                           {"name": "C", "value": "3"}])"));
  EXPECT_EQ(cs[1]["ports"],
            json::parse(R"([{"containerPort": 6443, "name": "https", "protocol": "TCP"}])"));
  EXPECT_EQ(cs[1]["command"].size(), 3u);
}

TEST(StrategicMerge, NullDeleteAndReplaceDirectives) {
  auto out = smp(apiserver_pod_json(), R"({
      "metadata": {"labels": {"tier": null}},
      "spec": {"hostNetwork": null,
               "volumes": [{"name": "ca-certs", "$patch": "delete"}],
               "containers": [{"name": "kube-apiserver",
                               "resources": {"$patch": "replace", "limits": {"cpu": "1"}},
                               "env": [{"$patch": "replace"}, {"name": "ONLY", "value": "x"}]}]}})",
                 ObjectSchema::Pod);
  EXPECT_EQ(out["metadata"]["labels"], json::parse(R"({"component": "kube-apiserver"})"));
  EXPECT_FALSE(out["spec"].contains("hostNetwork"));
  ASSERT_EQ(out["spec"]["volumes"].size(), 1u);
  EXPECT_EQ(out["spec"]["volumes"][0]["name"], "k8s-certs");
  EXPECT_EQ(out["spec"]["containers"][0]["resources"], json::parse(R"({"limits": {"cpu": "1"}})"));
  EXPECT_EQ(out["spec"]["containers"][0]["env"],
            json::parse(R"([{"name": "ONLY", "value": "x"}])"));
}

TEST(StrategicMerge, ErrorsSayWhereThePatchIsWrong) {
  auto missing_key = strategic_merge(
      apiserver_pod_json(), json::parse(R"({"spec": {"volumes": [{"hostPath": {"path": "/x"}}]}})"),
      ObjectSchema::Pod);
  ASSERT_FALSE(missing_key.has_value());
  EXPECT_NE(missing_key.error().text().find("spec.volumes: an element has no merge key \"name\""),
            std::string::npos)
      << missing_key.error().text();
  auto bad_directive =
      strategic_merge(apiserver_pod_json(),
                      json::parse(R"({"metadata": {"$patch": "frobnicate"}})"), ObjectSchema::Pod);
  ASSERT_FALSE(bad_directive.has_value());
  EXPECT_NE(bad_directive.error().text().find("metadata: unsupported \"$patch: frobnicate\""),
            std::string::npos)
      << bad_directive.error().text();
}

TEST(StrategicMerge, UntypedListsAreReplacedMapsMerged) {
  auto out =
      smp(json::parse(R"({"clusterDNS": ["10.96.0.10"], "authentication": {"anonymous":
                   {"enabled": false}, "webhook": {"enabled": true}}, "maxPods": 110})"),
          R"({"clusterDNS": ["169.254.20.10"], "authentication": {"anonymous": {"enabled": true}},
                     "maxPods": 50})",
          ObjectSchema::Untyped);
  EXPECT_EQ(out, json::parse(R"({"clusterDNS": ["169.254.20.10"], "authentication": {"anonymous":
                   {"enabled": true}, "webhook": {"enabled": true}}, "maxPods": 50})"));
}

TEST(StrategicMerge, DeploymentPodTemplateContainersByName) {
  json deployment = json::parse(R"({"kind": "Deployment", "spec": {"replicas": 2, "template": {
      "spec": {"containers": [{"name": "coredns", "args": ["-conf", "/etc/coredns/Corefile"],
                               "resources": {"limits": {"memory": "170Mi"}}}]}}}})");
  auto out = strategic_merge(deployment, json::parse(R"({"spec": {"replicas": 1, "template": {
      "spec": {"containers": [{"name": "coredns", "resources": {"limits": {"memory": "300Mi"}}}]}}}})"),
                             ObjectSchema::Deployment);
  ASSERT_TRUE(out.has_value()) << out.error().text();
  EXPECT_EQ((*out)["spec"]["replicas"], 1);
  const auto& c = (*out)["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]["args"].size(), 2u);
  EXPECT_EQ(c[0]["resources"]["limits"]["memory"], "300Mi");
}

// ---- Where kadm writes: static Pod manifests, their health checks, the kubelet's config.yaml

config::InitConfiguration test_config() { return test::control_plane_config(); }

test::PathsHost test_host() { return {}; }

std::string written(const plan::RecordingEffects& effects, const std::string& file) {
  for (const auto& a : effects.actions) {
    if (const auto* w = std::get_if<plan::WriteFile>(&a); w && w->path.filename() == file) {
      return w->content;
    }
  }
  return "";
}

TEST(PatchedManifests, WrittenManifestCarriesThePatchOthersUnchanged) {
  test::TempDir dir;
  write(dir.path() / "kube-apiserver+json.yaml",
        "- op: add\n  path: /spec/containers/0/command/-\n  value: --v=3\n");
  auto set = load(dir.path());
  ASSERT_TRUE(set.has_value()) << set.error().text();
  const auto cfg = test_config();
  plan::RecordingEffects patched;
  plan::RecordingEffects plain;
  ASSERT_TRUE(manifests::write_control_plane_manifests(cfg, "/m", "", patched, &*set, test_host()));
  ASSERT_TRUE(manifests::write_control_plane_manifests(cfg, "/m", "", plain, nullptr, test_host()));
  const std::string api = written(patched, "kube-apiserver.yaml");
  EXPECT_NE(api.find("    - --v=3\n"), std::string::npos) << api;
  EXPECT_EQ(written(plain, "kube-apiserver.yaml").find("--v=3"), std::string::npos);
  // Only the flag differs; the YAML style is kadm's usual one.
  std::string without = api;
  without.erase(without.find("    - --v=3\n"), std::string("    - --v=3\n").size());
  EXPECT_EQ(without, written(plain, "kube-apiserver.yaml"));
  EXPECT_EQ(written(patched, "kube-scheduler.yaml"), written(plain, "kube-scheduler.yaml"));
}

TEST(PatchedManifests, NothingIsWrittenWhenALaterPatchFails) {
  test::TempDir dir;
  write(dir.path() / "kube-scheduler+json.json",
        R"([{"op": "test", "path": "/spec/hostNetwork", "value": false}])");
  auto set = load(dir.path());
  ASSERT_TRUE(set.has_value()) << set.error().text();
  plan::RecordingEffects effects;
  auto r = manifests::write_control_plane_manifests(test_config(), "/m", "", effects, &*set,
                                                    test_host());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::Validation);
  EXPECT_NE(r.error().text().find("kube-scheduler+json.json"), std::string::npos);
  EXPECT_TRUE(effects.actions.empty());
  // The up-front check finds the same problem without writing.
  auto check = manifests::check_static_pod_patches(test_config(), *set, test_host());
  ASSERT_FALSE(check.has_value());
  EXPECT_NE(check.error().text().find("to target \"kube-scheduler\""), std::string::npos);
}

// The apiserver is waited for through its readiness probe (/readyz).
TEST(PatchedManifests, HealthCheckFollowsAPatchedProbe) {
  PatchSet set({PatchFile{"kube-apiserver+json.json",
                          "kube-apiserver",
                          PatchType::Json,
                          {json::parse(R"([{"op": "replace",
                            "path": "/spec/containers/0/readinessProbe/httpGet/port", "value": 7443},
                            {"op": "replace", "path": "/spec/containers/0/readinessProbe/httpGet/host",
                             "value": "127.0.0.1"}])")}}});
  auto endpoints = staticpod::control_plane_health_endpoints(test_config(), test_host(), &set);
  ASSERT_TRUE(endpoints.has_value()) << endpoints.error().text();
  EXPECT_EQ((*endpoints)[0].component, "kube-apiserver");
  EXPECT_EQ((*endpoints)[0].url, "https://127.0.0.1:7443/readyz");
  auto plain = staticpod::control_plane_health_endpoints(test_config(), test_host());
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ((*plain)[0].url, "https://192.168.0.10:6443/readyz");
  EXPECT_EQ((*plain)[1].url, (*endpoints)[1].url);
}

TEST(PatchedKubeletConfig, PatchesApplyToConfigYamlOnly) {
  const std::string yaml =
      "apiVersion: kubelet.config.k8s.io/v1beta1\nclusterDNS:\n- 10.96.0.10\nkind: "
      "KubeletConfiguration\nmaxPods: 110\n";
  auto same = kubelet::patched_kubelet_config(yaml, nullptr);
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(*same, yaml);

  test::TempDir dir;
  write(dir.path() / "kubeletconfiguration.yaml", "maxPods: 50\nshutdownGracePeriod: 30s\n");
  auto set = load(dir.path());
  ASSERT_TRUE(set.has_value()) << set.error().text();
  test::LogCapture log;
  auto out = kubelet::patched_kubelet_config(yaml, &*set);
  ASSERT_TRUE(out.has_value()) << out.error().text();
  EXPECT_EQ(*out,
            "apiVersion: kubelet.config.k8s.io/v1beta1\nclusterDNS:\n- 10.96.0.10\nkind: "
            "KubeletConfiguration\nmaxPods: 50\nshutdownGracePeriod: 30s\n");
  EXPECT_EQ(log.str(),
            "[patches] Applied patch of type \"application/strategic-merge-patch+json\" to "
            "target \"kubeletconfiguration\"\n");
}

// ---- init: the directory is read and every patch tried before any phase

struct InitFixture {
  test::TempDir tmp;
  init::InitData d;
  InitFixture() {
    test::fill_dry_run_init_data(d, tmp.path());
    d.cfg.patches_directory = (tmp.path() / "patches").string();
    std::filesystem::create_directories(d.cfg.patches_directory);
  }
};

TEST(InitPatches, APatchThatCannotApplyStopsInitUpFront) {
  struct Case {
    std::string file;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"etcd+json.json", R"([{"op": "remove", "path": "/spec/nothing"}])"},
      {"kubeletconfiguration+json.yaml", "- op: test\n  path: /kind\n  value: Pod\n"},
      {"corednsdeployment+json.json", R"([{"op": "replace", "path": "/spec/none/x", "value": 1}])"},
      {"kubeproxydaemonset.yaml",
       "spec:\n  template:\n    spec:\n      containers:\n"
       "      - image: x\n"},
  };
  for (const auto& c : cases) {
    InitFixture f;
    write(std::filesystem::path(f.d.cfg.patches_directory) / c.file, c.text);
    auto r = init::load_init_patches(f.d);
    ASSERT_FALSE(r.has_value()) << c.file;
    EXPECT_EQ(r.error().kind(), ErrorKind::Validation) << c.file;
    EXPECT_NE(r.error().text().find(c.file), std::string::npos) << r.error().text();
  }
  InitFixture none;
  none.d.cfg.patches_directory.clear();
  ASSERT_TRUE(init::load_init_patches(none.d));
  EXPECT_FALSE(none.d.patches.has_value());
}

TEST(InitPatches, AddonPatchesChangeOnlyTheirWorkload) {
  InitFixture f;
  const std::filesystem::path dir = f.d.cfg.patches_directory;
  write(dir / "corednsdeployment.yaml",
        "spec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: coredns\n"
        "        resources:\n          limits:\n            memory: 300Mi\n");
  write(dir / "kubeproxydaemonset+merge.yaml", "metadata:\n  labels:\n    patched: \"yes\"\n");
  ASSERT_TRUE(init::load_init_patches(f.d));
  auto dns = init::coredns_addon_objects(f.d, true);
  ASSERT_TRUE(dns.has_value()) << dns.error().text();
  bool saw_deployment = false;
  for (const auto& o : *dns) {
    if (o["kind"] != "Deployment") continue;
    saw_deployment = true;
    EXPECT_EQ(o["spec"]["replicas"], 3);
    const auto& c = o["spec"]["template"]["spec"]["containers"];
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0]["resources"]["limits"]["memory"], "300Mi");
    EXPECT_FALSE(c[0]["image"].get<std::string>().empty());  // merged, not replaced
  }
  EXPECT_TRUE(saw_deployment);
  auto proxy = init::kube_proxy_addon_objects(f.d, true);
  ASSERT_TRUE(proxy.has_value()) << proxy.error().text();
  for (const auto& o : *proxy) {
    const bool labelled = o.contains("metadata") && o["metadata"].contains("labels") &&
                          o["metadata"]["labels"].value("patched", "") == "yes";
    EXPECT_EQ(labelled, o["kind"] == "DaemonSet") << o["kind"];
  }
}

}  // namespace
}  // namespace kadm::patches
