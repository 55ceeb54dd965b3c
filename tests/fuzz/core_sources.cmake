# The part of kadm_core that the fuzz targets reach, which is all a KADM_FUZZ build compiles:
# clang with ASan, UBSan and coverage instrumentation at -O1 is slow, and the whole library
# would add minutes to every suite run on a 2-core machine. A target that starts calling into
# another module (or a listed file that starts needing one) fails to link with "undefined
# reference": add the file here.
set(KADM_FUZZ_CORE_SOURCES
  apiclient/backoff.cpp apiclient/client.cpp apiclient/clock.cpp apiclient/curl_client.cpp http/curl_handles.cpp
  http/curl_library.cpp
  apiclient/kubeconfig_reader.cpp apiclient/objects.cpp
  certs/openssl_ptr.cpp certs/pin.cpp certs/x509.cpp
  clusterobjects/corefile.cpp clusterobjects/corefile_migration.cpp clusterobjects/corefile_rules.cpp
  clusterobjects/kube_proxy.cpp clusterobjects/rbac.cpp clusterobjects/upload_config.cpp
  common/duration.cpp common/error.cpp common/fs.cpp common/net.cpp common/strings.cpp
  common/time_format.cpp common/yaml_emit.cpp common/yaml_json.cpp common/yaml_scalar_forms.cpp
  config/binding.cpp config/convert.cpp config/defaults.cpp config/load.cpp config/print.cpp config/profile.cpp
  config/schema_cluster.cpp config/schema_init.cpp config/schema_join.cpp config/schema_kadm.cpp
  config/schema_reset.cpp config/schema_shared.cpp config/token_rules.cpp config/validate.cpp
  config/version.cpp config/yaml_tree.cpp
  cri/grpc.cpp cri/messages.cpp cri/protobuf.cpp
  join/discovery.cpp join/discovery_deadline.cpp join/discovery_file.cpp
  kubelet/kubelet_config.cpp
  patches/patches.cpp patches/strategic_merge.cpp
  token/bootstrap_token.cpp token/certificate_key.cpp token/jws.cpp token/token_secret.cpp)
