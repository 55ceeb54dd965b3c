#include "token/join_command.h"

namespace kadm::token {

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

}  // namespace

std::string join_command_multiline(const JoinCommandOptions& o) {
  const std::string indent = o.legacy_space_indent ? "    " : "\t";
  std::string token = o.withhold_token ? std::string(kValueWithheld) : o.token;
  std::string out = o.program + " join " + o.host_port + " --token " + token + " \\\n" + indent;
  for (const auto& hash : o.ca_cert_hashes) out += "--discovery-token-ca-cert-hash " + hash + " ";
  if (o.control_plane) {
    out += "\\\n" + indent + "--control-plane ";
    if (!o.certificate_key.empty()) {
      out += "--certificate-key ";
      out += o.withhold_certificate_key ? std::string(kValueWithheld) : o.certificate_key;
    }
  }
  return out;
}

std::string join_command_single_line(const JoinCommandOptions& options) {
  std::string out = join_command_multiline(options);
  replace_all(out, "\\\n", "");
  replace_all(out, "\t", "");
  return out;
}

std::string init_success_text(const InitSuccessOptions& o) {
  const std::string& prog = o.join.program;
  std::string out =
      "Your Kubernetes control-plane has initialized successfully!\n"
      "\n"
      "To start using your cluster, you need to run the following as a regular user:\n"
      "\n"
      "  mkdir -p $HOME/.kube\n"
      "  sudo cp -i " +
      o.admin_conf_path +
      " $HOME/.kube/config\n"
      "  sudo chown $(id -u):$(id -g) $HOME/.kube/config\n"
      "\n"
      "Alternatively, if you are the root user, you can run:\n"
      "\n"
      "  export KUBECONFIG=" +
      o.admin_conf_path +
      "\n"
      "\n"
      "You should now deploy a pod network to the cluster.\n"
      "Run \"kubectl apply -f [podnetwork].yaml\" with one of the options listed at:\n"
      "  https://kubernetes.io/docs/concepts/cluster-administration/addons/\n"
      "\n";
  if (o.control_plane_endpoint_set) {
    JoinCommandOptions cp = o.join;
    cp.control_plane = true;
    if (o.upload_certs) {
      out +=
          "You can now join any number of control-plane nodes running the following command on "
          "each as root:\n\n  " +
          join_command_multiline(cp) +
          "\n\n"
          "Please note that the certificate-key gives access to cluster sensitive data, keep it "
          "secret!\n"
          "As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use\n"
          "\"" +
          prog + " init phase upload-certs --upload-certs\" to reload certs afterward.\n\n";
    } else {
      cp.certificate_key.clear();
      out +=
          "You can now join any number of control-plane nodes by copying certificate "
          "authorities\n"
          "and service account keys on each node and then running the following as root:\n\n  " +
          join_command_multiline(cp) + "\n\n";
    }
  }
  JoinCommandOptions worker = o.join;
  worker.control_plane = false;
  worker.certificate_key.clear();
  out +=
      "Then you can join any number of worker nodes by running the following on each as root:\n\n" +
      join_command_multiline(worker) + "\n";
  return out;
}

}  // namespace kadm::token
