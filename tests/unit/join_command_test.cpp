#include "token/join_command.h"

#include <gtest/gtest.h>

namespace kadm::token {
namespace {

JoinCommandOptions worker(const std::string& program = "kubeadm") {
  JoinCommandOptions o;
  o.program = program;
  o.host_port = "10.0.0.1:6443";
  o.token = "abcdef.0123456789abcdef";
  o.ca_cert_hashes = {"sha256:aaaa"};
  return o;
}

TEST(JoinCommand, SingleLineWorkerEndsWithSpace) {
  EXPECT_EQ(join_command_single_line(worker()),
            "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef "
            "--discovery-token-ca-cert-hash sha256:aaaa ");
  EXPECT_EQ(join_command_single_line(worker("kadm")),
            "kadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef "
            "--discovery-token-ca-cert-hash sha256:aaaa ");
}

TEST(JoinCommand, SingleLineControlPlaneWithKeyHasNoTrailingSpace) {
  auto o = worker();
  o.control_plane = true;
  o.certificate_key = "k123";
  EXPECT_EQ(join_command_single_line(o),
            "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef "
            "--discovery-token-ca-cert-hash sha256:aaaa --control-plane --certificate-key k123");
}

TEST(JoinCommand, V120FiveSpaces) {
  auto o = worker();
  o.legacy_space_indent = true;
  EXPECT_EQ(join_command_single_line(o),
            "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef     "
            "--discovery-token-ca-cert-hash sha256:aaaa ");
}

TEST(JoinCommand, OneFlagPerHash) {
  auto o = worker();
  o.ca_cert_hashes = {"sha256:aa", "sha256:bb"};
  EXPECT_EQ(join_command_single_line(o),
            "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef "
            "--discovery-token-ca-cert-hash sha256:aa --discovery-token-ca-cert-hash sha256:bb ");
}

TEST(JoinCommand, MultilineIndentation) {
  auto o = worker();
  EXPECT_EQ(join_command_multiline(o),
            "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef \\\n"
            "\t--discovery-token-ca-cert-hash sha256:aaaa ");
  o.legacy_space_indent = true;
  o.control_plane = true;
  EXPECT_EQ(join_command_multiline(o),
            "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef \\\n"
            "    --discovery-token-ca-cert-hash sha256:aaaa \\\n"
            "    --control-plane ");
}

TEST(JoinCommand, Withheld) {
  auto o = worker();
  o.control_plane = true;
  o.certificate_key = "k123";
  o.withhold_token = true;
  o.withhold_certificate_key = true;
  EXPECT_EQ(join_command_multiline(o),
            "kubeadm join 10.0.0.1:6443 --token <value withheld> \\\n"
            "\t--discovery-token-ca-cert-hash sha256:aaaa \\\n"
            "\t--control-plane --certificate-key <value withheld>");
}

const char* const kHeader =
    "Your Kubernetes control-plane has initialized successfully!\n"
    "\n"
    "To start using your cluster, you need to run the following as a regular user:\n"
    "\n"
    "  mkdir -p $HOME/.kube\n"
    "  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n"
    "  sudo chown $(id -u):$(id -g) $HOME/.kube/config\n"
    "\n"
    "Alternatively, if you are the root user, you can run:\n"
    "\n"
    "  export KUBECONFIG=/etc/kubernetes/admin.conf\n"
    "\n"
    "You should now deploy a pod network to the cluster.\n"
    "Run \"kubectl apply -f [podnetwork].yaml\" with one of the options listed at:\n"
    "  https://kubernetes.io/docs/concepts/cluster-administration/addons/\n"
    "\n";

const char* const kWorkerBlock =
    "Then you can join any number of worker nodes by running the following on each as root:\n"
    "\n"
    "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef \\\n"
    "\t--discovery-token-ca-cert-hash sha256:aaaa \n";

TEST(InitSuccess, WorkerOnlyWithoutControlPlaneEndpoint) {
  InitSuccessOptions o;
  o.join = worker();
  EXPECT_EQ(init_success_text(o), std::string(kHeader) + kWorkerBlock);
}

TEST(InitSuccess, ControlPlaneWithUploadCerts) {
  InitSuccessOptions o;
  o.join = worker();
  o.join.certificate_key = "k123";
  o.control_plane_endpoint_set = true;
  o.upload_certs = true;
  EXPECT_EQ(init_success_text(o),
            std::string(kHeader) +
                "You can now join any number of control-plane nodes running the following "
                "command on each as root:\n"
                "\n"
                "  kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef \\\n"
                "\t--discovery-token-ca-cert-hash sha256:aaaa \\\n"
                "\t--control-plane --certificate-key k123\n"
                "\n"
                "Please note that the certificate-key gives access to cluster sensitive data, "
                "keep it secret!\n"
                "As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you "
                "can use\n"
                "\"kubeadm init phase upload-certs --upload-certs\" to reload certs afterward.\n"
                "\n" +
                kWorkerBlock);
}

TEST(InitSuccess, ControlPlaneWithoutUploadCertsLegacyIndent) {
  InitSuccessOptions o;
  o.join = worker("kadm");
  o.join.legacy_space_indent = true;
  o.control_plane_endpoint_set = true;
  std::string text = init_success_text(o);
  EXPECT_NE(text.find("and service account keys on each node and then running the following as "
                      "root:\n\n  kadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef \\\n"
                      "    --discovery-token-ca-cert-hash sha256:aaaa \\\n"
                      "    --control-plane \n\n"),
            std::string::npos)
      << text;
  EXPECT_TRUE(
      text.ends_with("kadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef \\\n"
                     "    --discovery-token-ca-cert-hash sha256:aaaa \n"))
      << text;
  EXPECT_EQ(text.find('\t'), std::string::npos);
}

}  // namespace
}  // namespace kadm::token
