#include "upgrade/print_config.h"

#include "config/print.h"

namespace kadm::upgrade {

std::string configuration_used(const config::ClusterConfiguration& cfg) {
  std::string out = "[upgrade/config] Configuration used:\n";
  const std::string yaml = config::cluster_configuration_yaml(cfg);
  // Line by line as Go's bufio.Scanner reads them: a final newline ends the last line, it does
  // not start an empty one.
  std::size_t start = 0;
  while (start < yaml.size()) {
    auto end = yaml.find('\n', start);
    if (end == std::string::npos) end = yaml.size();
    out += "\t" + yaml.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace kadm::upgrade
