#include "default_init_config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstring>

#include "common/constants.h"
#include "common/strings.h"

namespace kadm::cli {
namespace {

// First non-loopback IPv4 address; kubeadm picks the default-route interface, which the real
// loader will do.
std::string detect_address() {
  ifaddrs* list = nullptr;
  std::string found = "127.0.0.1";
  if (::getifaddrs(&list) != 0) return found;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    sockaddr_in sin{};
    std::memcpy(&sin, a->ifa_addr, sizeof sin);
    char buf[INET_ADDRSTRLEN] = {};
    if (!inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf)) continue;
    if (std::string(buf).rfind("127.", 0) == 0) continue;
    found = buf;
    break;
  }
  ::freeifaddrs(list);
  return found;
}

std::string hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return str::lower(buf);
}

}  // namespace

Result<config::InitConfiguration> default_init_configuration(const BaseConfigFlags& flags) {
  if (!flags.config_path.empty()) {
    return fail(ErrorKind::Validation,
                "--config is not supported yet by this build (configuration loader pending)");
  }
  config::InitConfiguration cfg;
  cfg.node_registration.name = flags.node_name.empty() ? hostname() : flags.node_name;
  cfg.local_api_endpoint.advertise_address =
      flags.advertise_address.empty() ? detect_address() : flags.advertise_address;
  cfg.local_api_endpoint.bind_port = constants::kAPIServerPort;
  auto& c = cfg.cluster;
  c.networking.service_subnet = std::string(constants::kDefaultServiceSubnet);
  c.networking.dns_domain = std::string(constants::kDefaultDNSDomain);
  c.certificates_dir =
      flags.cert_dir.empty() ? std::string(constants::kDefaultCertificatesDir) : flags.cert_dir;
  c.cluster_name = std::string(constants::kDefaultClusterName);
  c.encryption_algorithm = config::EncryptionAlgorithm::RSA2048;
  c.certificate_validity_period = std::chrono::hours(8760);
  c.ca_certificate_validity_period = std::chrono::hours(87600);
  c.etcd.local = config::LocalEtcd{};
  c.etcd.local->data_dir = std::string(constants::kDefaultEtcdDataDir);
  return cfg;
}

CLI::App* parent_command(CLI::App& root, const std::string& name, const std::string& description) {
  // CLI11 2.1 has no non-throwing lookup.
  for (auto* sub : root.get_subcommands({})) {
    if (sub->get_name() == name) return sub;
  }
  auto* cmd = root.add_subcommand(name, description);
  cmd->require_subcommand(1);
  return cmd;
}

}  // namespace kadm::cli
