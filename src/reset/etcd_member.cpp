#include "reset/etcd_member.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "common/strings.h"

namespace kadm::reset {

namespace {

// "--name=value" from a container command → value; "" when absent.
std::string flag_value(const std::vector<std::string>& command, std::string_view name) {
  std::string prefix = "--" + std::string(name) + "=";
  for (const auto& arg : command) {
    if (arg.starts_with(prefix)) return arg.substr(prefix.size());
  }
  return "";
}

Result<EtcdManifestFacts> facts_from(const YAML::Node& pod) {
  const YAML::Node containers = pod["spec"]["containers"];
  if (!containers || !containers.IsSequence() || containers.size() == 0) {
    return fail(ErrorKind::Validation, "the etcd manifest has no containers");
  }
  std::vector<std::string> command;
  for (const auto& part : {containers[0]["command"], containers[0]["args"]}) {
    if (!part || !part.IsSequence()) continue;
    for (const auto& arg : part) command.push_back(arg.as<std::string>());
  }
  if (command.empty() || !command[0].ends_with("etcd")) {
    return fail(ErrorKind::Validation, "the etcd manifest's container does not run etcd");
  }
  EtcdManifestFacts facts;
  facts.peer_urls = str::split(flag_value(command, "initial-advertise-peer-urls"), ',');
  for (const auto& url : str::split(flag_value(command, "listen-client-urls"), ',')) {
    if (url.starts_with("https://127.0.0.1:")) {
      facts.client_url = url;
      break;
    }
  }
  facts.data_dir = flag_value(command, "data-dir");
  if (const YAML::Node volumes = pod["spec"]["volumes"]; volumes && volumes.IsSequence()) {
    for (const auto& v : volumes) {
      if (v["name"] && v["name"].as<std::string>() == "etcd-data" && v["hostPath"]["path"]) {
        facts.data_dir = v["hostPath"]["path"].as<std::string>();
      }
    }
  }
  if (facts.peer_urls.empty()) {
    return fail(ErrorKind::Validation,
                "the etcd manifest has no --initial-advertise-peer-urls flag");
  }
  return facts;
}

}  // namespace

Result<EtcdManifestFacts> parse_etcd_manifest(std::string_view yaml) {
  try {
    return facts_from(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Validation, std::string("cannot read the etcd manifest: ") + e.what());
  }
}

Result<MemberOutcome> remove_local_member(etcd::EtcdMembers& members,
                                          const std::vector<std::string>& peer_urls,
                                          std::string* member_id) {
  auto list = KADM_TRY_CTX(members.list(), "list the etcd members");
  auto mine = std::find_if(list.begin(), list.end(), [&](const etcd::EtcdMember& m) {
    return std::any_of(m.peer_urls.begin(), m.peer_urls.end(), [&](const std::string& url) {
      return std::find(peer_urls.begin(), peer_urls.end(), url) != peer_urls.end();
    });
  });
  if (mine == list.end()) return MemberOutcome::NotAMember;
  if (member_id) *member_id = mine->id;
  if (list.size() == 1) return MemberOutcome::OnlyMember;
  KADM_TRY_CTX(members.remove(mine->id), "remove etcd member " + mine->id);
  return members.dry_run() ? MemberOutcome::WouldRemove : MemberOutcome::Removed;
}

std::string manual_remove_command(std::string_view cert_dir, std::string_view client_url,
                                  std::string_view member_id) {
  std::string dir(cert_dir);
  return "ETCDCTL_API=3 etcdctl --endpoints " + std::string(client_url) + " --cacert " + dir +
         "/etcd/ca.crt --cert " + dir + "/etcd/healthcheck-client.crt --key " + dir +
         "/etcd/healthcheck-client.key member remove " +
         (member_id.empty() ? std::string("<member id>") : std::string(member_id));
}

}  // namespace kadm::reset
