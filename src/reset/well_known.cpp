#include "reset/well_known.h"

#include "common/constants.h"

namespace kadm::reset {

const std::vector<std::string>& kubeconfig_file_names() {
  static const std::vector<std::string> names = {
      std::string(constants::kAdminConf),
      std::string(constants::kSuperAdminConf),
      std::string(constants::kKubeletConf),
      std::string(constants::kBootstrapKubeletConf),
      std::string(constants::kControllerManagerConf),
      std::string(constants::kSchedulerConf),
  };
  return names;
}

const std::vector<Leftover>& leftovers() {
  static const std::vector<Leftover> items = {
      {"CNI configuration in /etc/cni/net.d", "rm /etc/cni/net.d/<files of your CNI plugin>"},
      {"iptables rules",
       "iptables -F && iptables -t nat -F && iptables -t mangle -F && iptables -X"},
      {"IPVS tables", "ipvsadm --clear"},
      {"container images and the container runtime's own state (containerd: /var/lib/containerd, "
       "/run/containerd)",
       "crictl rmi --prune (images no container uses), or your runtime's own tools"},
      {"your user's kubeconfig $HOME/.kube/config", "rm -f $HOME/.kube/config"},
  };
  return items;
}

}  // namespace kadm::reset
