#include "apiclient/objects.h"
#include "clusterobjects/addons.h"
#include "clusterobjects/rbac.h"
#include "clusterobjects/upload_config.h"

namespace kadm::clusterobjects {

namespace {

constexpr std::string_view kCoreDns = "coredns";
const json kDnsLabels = {{"k8s-app", "kube-dns"}};

json probe(std::string_view path, json port) {
  return {{"httpGet", {{"path", path}, {"port", std::move(port)}, {"scheme", "HTTP"}}}};
}

json coredns_container(const CoreDnsInputs& in) {
  const bool named = in.rules.coredns_named_probe_ports;
  json ports = json::array({
      {{"containerPort", 53}, {"name", "dns"}, {"protocol", "UDP"}},
      {{"containerPort", 53}, {"name", "dns-tcp"}, {"protocol", "TCP"}},
      {{"containerPort", 9153}, {"name", "metrics"}, {"protocol", "TCP"}},
  });
  if (named) {
    ports.push_back({{"containerPort", 8080}, {"name", "liveness-probe"}, {"protocol", "TCP"}});
    ports.push_back({{"containerPort", 8181}, {"name", "readiness-probe"}, {"protocol", "TCP"}});
  }
  json liveness = probe("/health", named ? json("liveness-probe") : json(8080));
  liveness["initialDelaySeconds"] = 60;
  liveness["timeoutSeconds"] = 5;
  liveness["successThreshold"] = 1;
  liveness["failureThreshold"] = 5;
  return {
      {"name", "coredns"},
      {"image", in.image},
      {"imagePullPolicy", "IfNotPresent"},
      {"args", {"-conf", "/etc/coredns/Corefile"}},
      {"resources",
       {{"limits", {{"memory", "170Mi"}}}, {"requests", {{"cpu", "100m"}, {"memory", "70Mi"}}}}},
      {"volumeMounts",
       json::array(
           {{{"name", "config-volume"}, {"mountPath", "/etc/coredns"}, {"readOnly", true}}})},
      {"ports", ports},
      {"livenessProbe", liveness},
      {"readinessProbe", probe("/ready", named ? json("readiness-probe") : json(8181))},
      {"securityContext",
       {{"allowPrivilegeEscalation", false},
        {"capabilities", {{"add", {"NET_BIND_SERVICE"}}, {"drop", {"ALL"}}}},
        {"readOnlyRootFilesystem", true}}},
  };
}

json coredns_deployment(const CoreDnsInputs& in) {
  json d = object_meta("apps/v1", "Deployment", apiclient::kKubeSystem, kCoreDns);
  d["metadata"]["labels"] = kDnsLabels;
  json pod_spec = {
      {"priorityClassName", "system-cluster-critical"},
      {"serviceAccountName", kCoreDns},
      {"tolerations", json::array({{{"key", "CriticalAddonsOnly"}, {"operator", "Exists"}},
                                   {{"key", in.rules.coredns_control_plane_toleration},
                                    {"effect", "NoSchedule"}}})},
      {"nodeSelector", {{"kubernetes.io/os", "linux"}}},
      {"containers", json::array({coredns_container(in)})},
      {"dnsPolicy", "Default"},
      {"volumes",
       json::array({{{"name", "config-volume"},
                     {"configMap",
                      {{"name", kCoreDns},
                       {"items", json::array({{{"key", "Corefile"}, {"path", "Corefile"}}})}}}}})},
  };
  if (in.rules.coredns_anti_affinity) {
    pod_spec["affinity"] = {
        {"podAntiAffinity",
         {{"preferredDuringSchedulingIgnoredDuringExecution",
           json::array({{{"weight", 100},
                         {"podAffinityTerm",
                          {{"labelSelector",
                            {{"matchExpressions", json::array({{{"key", "k8s-app"},
                                                                {"operator", "In"},
                                                                {"values", {"kube-dns"}}}})}}},
                           {"topologyKey", "kubernetes.io/hostname"}}}}})}}}};
  }
  d["spec"] = {
      {"replicas", 2},
      {"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 1}}}}},
      {"selector", {{"matchLabels", kDnsLabels}}},
      {"template", {{"metadata", {{"labels", kDnsLabels}}}, {"spec", pod_spec}}},
  };
  return d;
}

json kube_dns_service(const CoreDnsInputs& in) {
  json s = object_meta("v1", "Service", apiclient::kKubeSystem, "kube-dns");
  s["metadata"]["labels"] = {{"k8s-app", "kube-dns"},
                             {"kubernetes.io/cluster-service", "true"},
                             {"kubernetes.io/name", "CoreDNS"}};
  s["metadata"]["annotations"] = {{"prometheus.io/port", "9153"}, {"prometheus.io/scrape", "true"}};
  s["spec"] = {
      {"clusterIP", in.dns_ip},
      {"selector", kDnsLabels},
      {"ports",
       json::array({
           {{"name", "dns"}, {"port", 53}, {"protocol", "UDP"}, {"targetPort", 53}},
           {{"name", "dns-tcp"}, {"port", 53}, {"protocol", "TCP"}, {"targetPort", 53}},
           {{"name", "metrics"}, {"port", 9153}, {"protocol", "TCP"}, {"targetPort", 9153}},
       })},
  };
  return s;
}

}  // namespace

std::string corefile(const std::string& dns_domain, const ObjectRules& rules) {
  std::string cache = rules.coredns_cache_block ? "    cache 30 {\n"
                                                  "       disable success " +
                                                      dns_domain +
                                                      "\n"
                                                      "       disable denial " +
                                                      dns_domain + "\n    }\n"
                                                : "    cache 30\n";
  return ".:53 {\n"
         "    errors\n"
         "    health {\n"
         "       lameduck 5s\n"
         "    }\n"
         "    ready\n"
         "    kubernetes " +
         dns_domain +
         " in-addr.arpa ip6.arpa {\n"
         "       pods insecure\n"
         "       fallthrough in-addr.arpa ip6.arpa\n"
         "       ttl 30\n"
         "    }\n"
         "    prometheus :9153\n"
         "    forward . /etc/resolv.conf {\n"
         "       max_concurrent 1000\n"
         "    }\n" +
         cache +
         "    loop\n"
         "    reload\n"
         "    loadbalance\n"
         "}\n";
}

std::vector<json> coredns_objects(const CoreDnsInputs& in) {
  std::vector<PolicyRule> rules = {
      {{""}, {"endpoints", "services", "pods", "namespaces"}, {}, {"list", "watch"}}};
  if (in.rules.coredns_endpointslices) {
    rules.push_back({{"discovery.k8s.io"}, {"endpointslices"}, {}, {"list", "watch"}});
  } else {
    rules.push_back({{""}, {"nodes"}, {}, {"get"}});
  }
  json cm = object_meta("v1", "ConfigMap", apiclient::kKubeSystem, kCoreDns);
  cm["data"] = {{"Corefile", corefile(in.dns_domain, in.rules)}};
  return {
      object_meta("v1", "ServiceAccount", apiclient::kKubeSystem, kCoreDns),
      make_cluster_role("system:coredns", rules),
      make_cluster_role_binding(
          "system:coredns", "system:coredns",
          {{"ServiceAccount", std::string(kCoreDns), std::string(apiclient::kKubeSystem)}}),
      cm,
      coredns_deployment(in),
      kube_dns_service(in),
  };
}

}  // namespace kadm::clusterobjects
