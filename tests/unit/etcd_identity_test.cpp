// Under the cis profile etcd runs as the owner of its data directory and reads copies of its TLS
// files that belong to that user; the root-owned PKI is left alone.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "certs/phase.h"
#include "certs/pki_state.h"
#include "common/fs.h"
#include "config/profile.h"
#include "lib/control_plane_config.h"
#include "lib/log_capture.h"
#include "lib/paths_host.h"
#include "lib/temp_dir.h"
#include "manifests/etcd_identity.h"
#include "manifests/pod.h"
#include "manifests/pod_specs.h"
#include "manifests/write.h"
#include "plan/effects.h"
#include "renewal/expiration.h"

namespace kadm {
namespace {

using config::Profile;
using manifests::kEtcdTlsDir;

constexpr fs::Owner kEtcdUser{103, 106};

config::InitConfiguration etcd_config(const std::string& cert_dir = "/etc/kubernetes/pki") {
  return test::control_plane_config(cert_dir);
}

std::vector<std::string> command_of(const nlohmann::json& pod) {
  return pod["spec"]["containers"][0]["command"].get<std::vector<std::string>>();
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::ranges::find(v, s) != v.end();
}

// The PKI's etcd files, each holding its own name.
void write_etcd_pki(const std::filesystem::path& cert_dir) {
  ASSERT_TRUE(fs::make_dirs(cert_dir / "etcd", 0700));
  for (const auto name : manifests::etcd_tls_files()) {
    ASSERT_TRUE(fs::write_file_atomic(cert_dir / "etcd" / name, std::string(name), 0600));
  }
}

TEST(EtcdIdentity, OnlyTheCisProfileRunsEtcdAsTheDataDirOwner) {
  const auto cfg = etcd_config();
  test::PathsHost host;
  host.owners["/var/lib/etcd"] = kEtcdUser;  // Debian's etcd-server package leaves it so, too
  EXPECT_FALSE(manifests::etcd_run_as(cfg.cluster, Profile::Default, host));
  EXPECT_EQ(manifests::etcd_run_as(cfg.cluster, Profile::Cis, host), kEtcdUser);

  host.owners["/var/lib/etcd"] = fs::Owner{0, 0};
  EXPECT_FALSE(manifests::etcd_run_as(cfg.cluster, Profile::Cis, host));
  host.owners.clear();  // a dry run made no directory
  EXPECT_FALSE(manifests::etcd_run_as(cfg.cluster, Profile::Cis, host));

  auto external = etcd_config();
  external.cluster.etcd.local.reset();
  external.cluster.etcd.external = config::ExternalEtcd{};
  host.owners["/var/lib/etcd"] = kEtcdUser;
  EXPECT_FALSE(manifests::etcd_run_as(external.cluster, Profile::Cis, host));
}

TEST(EtcdIdentity, AnEtcdRunAsAUserReadsTheCopiesAndIsNotRoot) {
  const auto cfg = etcd_config();
  const test::PathsHost host;
  const auto as_root = manifests::to_json(*manifests::etcd_pod(cfg, {}, host));
  const auto as_etcd = manifests::to_json(*manifests::etcd_pod(cfg, {}, host, kEtcdUser));

  EXPECT_FALSE(as_root["spec"]["securityContext"].contains("runAsUser"));
  EXPECT_TRUE(has(command_of(as_root), "--cert-file=/etc/kubernetes/pki/etcd/server.crt"));

  const auto& sc = as_etcd["spec"]["securityContext"];
  EXPECT_EQ(sc["runAsUser"], 103);
  EXPECT_EQ(sc["runAsGroup"], 106);
  EXPECT_EQ(sc["runAsNonRoot"], true);
  EXPECT_EQ(sc["seccompProfile"]["type"], "RuntimeDefault");
  const auto cmd = command_of(as_etcd);
  const std::string dir(kEtcdTlsDir);
  for (const auto& flag :
       {"--cert-file=" + dir + "/server.crt", "--key-file=" + dir + "/server.key",
        "--peer-cert-file=" + dir + "/peer.crt", "--peer-key-file=" + dir + "/peer.key",
        "--trusted-ca-file=" + dir + "/ca.crt", "--peer-trusted-ca-file=" + dir + "/ca.crt"}) {
    EXPECT_TRUE(has(cmd, flag)) << flag;
  }
  for (const auto& arg : cmd) EXPECT_EQ(arg.find("/etc/kubernetes/pki"), std::string::npos) << arg;
  bool mounted = false;
  for (const auto& v : as_etcd["spec"]["volumes"]) {
    if (v["name"] == "etcd-certs") mounted = v["hostPath"]["path"] == dir;
  }
  EXPECT_TRUE(mounted);
  EXPECT_EQ(manifests::pod_run_as(as_etcd), kEtcdUser);
  EXPECT_FALSE(manifests::pod_run_as(as_root));
}

TEST(EtcdIdentity, InitWritesOwnedCopiesBeforeTheManifestThatReadsThem) {
  test::TempDir dir;
  auto cfg = etcd_config((dir.path() / "pki").string());
  write_etcd_pki(dir.path() / "pki");
  test::PathsHost host;
  host.owners["/var/lib/etcd"] = kEtcdUser;
  plan::RecordingEffects effects;
  ASSERT_TRUE(
      manifests::write_local_etcd_manifest(cfg, "/tmp/m", effects, nullptr, host, Profile::Cis));
  std::vector<std::string> copies;
  ptrdiff_t tls_dir_at = -1, last_copy_at = -1, manifest_at = -1;
  for (size_t i = 0; i < effects.actions.size(); ++i) {
    const auto at = static_cast<ptrdiff_t>(i);
    if (const auto* d = std::get_if<plan::MakeDir>(&effects.actions[i]);
        d && d->path == kEtcdTlsDir) {
      EXPECT_EQ(d->mode, 0700u);
      EXPECT_EQ(d->owner, kEtcdUser);
      tls_dir_at = at;
    }
    const auto* w = std::get_if<plan::WriteFile>(&effects.actions[i]);
    if (w == nullptr) continue;
    if (w->path.parent_path() == kEtcdTlsDir) {
      EXPECT_EQ(w->mode, 0600u);
      EXPECT_EQ(w->owner, kEtcdUser);
      EXPECT_EQ(w->content, w->path.filename().string());  // copied from the PKI
      EXPECT_EQ(w->sensitive, w->path.extension() == ".key");
      copies.push_back(w->path.filename().string());
      last_copy_at = at;
    }
    if (w->path == "/tmp/m/etcd.yaml") {
      manifest_at = at;
      EXPECT_NE(w->content.find("runAsUser: 103"), std::string::npos);
    }
  }
  EXPECT_EQ(copies, (std::vector<std::string>{"ca.crt", "peer.crt", "peer.key", "server.crt",
                                              "server.key"}));
  EXPECT_LT(tls_dir_at, last_copy_at);
  EXPECT_LT(last_copy_at, manifest_at);

  // The default profile leaves etcd as kubeadm runs it, whoever owns the directory.
  plan::RecordingEffects plain;
  ASSERT_TRUE(manifests::write_local_etcd_manifest(cfg, "/tmp/m", plain, nullptr, host));
  for (const auto& a : plain.actions) {
    if (const auto* w = std::get_if<plan::WriteFile>(&a)) {
      EXPECT_NE(w->path.parent_path(), kEtcdTlsDir);
      EXPECT_EQ(w->content.find("runAsUser"), std::string::npos);
    }
  }
}

TEST(EtcdIdentity, AMissingPkiFileIsNamedAndNothingIsWritten) {
  test::TempDir dir;
  auto cfg = etcd_config((dir.path() / "pki").string());
  write_etcd_pki(dir.path() / "pki");
  std::filesystem::remove(dir.path() / "pki" / "etcd" / "peer.key");
  test::PathsHost host;
  plan::RecordingEffects effects;
  auto r = manifests::write_etcd_tls(cfg.cluster, kEtcdUser, effects, host);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find((dir.path() / "pki" / "etcd" / "peer.key").string()),
            std::string::npos);
  EXPECT_TRUE(effects.actions.empty());
}

TEST(EtcdIdentity, RenewalRefreshesTheCopiesOnlyWhereThereAreCopies) {
  test::TempDir dir;
  auto cfg = etcd_config((dir.path() / "pki").string());
  write_etcd_pki(dir.path() / "pki");
  test::PathsHost host;
  plan::RecordingEffects none;
  ASSERT_TRUE(manifests::refresh_etcd_tls(cfg.cluster, none, host));
  EXPECT_TRUE(none.actions.empty());

  host.owners[std::string(kEtcdTlsDir) + "/server.crt"] = kEtcdUser;
  plan::RecordingEffects effects;
  ASSERT_TRUE(manifests::refresh_etcd_tls(cfg.cluster, effects, host));
  int copies = 0;
  for (const auto& a : effects.actions) {
    if (const auto* w = std::get_if<plan::WriteFile>(&a)) {
      EXPECT_EQ(w->owner, kEtcdUser);
      ++copies;
    }
  }
  EXPECT_EQ(copies, 5);
}

// `certs renew` refreshes etcd's copies after it renewed etcd-server or etcd-peer, and only then.
TEST(EtcdIdentity, RenewingEtcdsOwnCertificatesRefreshesItsCopies) {
  test::TempDir dir;
  auto cfg = etcd_config((dir.path() / "pki").string());
  {
    certs::PkiState state;
    plan::RealEffects real;
    test::LogCapture quiet;
    ASSERT_TRUE(certs::run_all_certs(cfg, state, real));
  }
  test::PathsHost host;
  host.owners[std::string(kEtcdTlsDir) + "/server.crt"] = kEtcdUser;
  auto copies_after_renewing = [&](const std::string& name) {
    plan::RecordingEffects effects;
    test::LogCapture quiet;
    auto renewed = renewal::renew_certificates(name, cfg, dir.path(), effects, host);
    EXPECT_TRUE(renewed) << name << ": " << renewed.error().text();
    int copies = 0;
    for (const auto& a : effects.actions) {
      const auto* w = std::get_if<plan::WriteFile>(&a);
      if (w && w->path.string().starts_with(kEtcdTlsDir)) {
        EXPECT_EQ(w->owner, kEtcdUser) << w->path;
        ++copies;
      }
    }
    return copies;
  };
  EXPECT_EQ(copies_after_renewing("etcd-server"), 5);
  EXPECT_EQ(copies_after_renewing("etcd-peer"), 5);
  EXPECT_EQ(copies_after_renewing("apiserver"), 0);
  EXPECT_EQ(copies_after_renewing("etcd-healthcheck-client"), 0);
}

TEST(EtcdIdentity, WrittenFilesHaveTheirOwnerFromTheStart) {
  test::TempDir dir;
  const fs::Owner me{::getuid(), ::getgid()};
  const auto path = dir.path() / "server.key";
  ASSERT_TRUE(fs::write_file_atomic(path, "key", 0600, me));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, me.uid);
  EXPECT_EQ(st.st_gid, me.gid);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(fs::owner_of(path).value(), me);
  EXPECT_FALSE(fs::owner_of(dir.path() / "absent").value());
  ASSERT_TRUE(fs::chown_dir(dir.path(), me));
  if (::getuid() != 0) {
    // Giving a file away needs root: the error names the file and nothing is left behind.
    auto r = fs::write_file_atomic(dir.path() / "other", "x", 0600, fs::Owner{0, 0});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().text().find("chown"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "other"));
  }
}

}  // namespace
}  // namespace kadm
