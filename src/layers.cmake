# ARCHITECTURE.md's layer table, bottom first: which folders of src/ make each layer. Read by
# src/CMakeLists.txt (one library per layer) and tests/layers/ (the wrong-way include probes).
set(KADM_LAYERS common engine seams output domains runenv workflows)
set(KADM_LAYER_common common)
set(KADM_LAYER_engine workflow)
set(KADM_LAYER_seams plan host http apiclient cri etcd)
set(KADM_LAYER_output output cli)
set(KADM_LAYER_domains config certs token kubeconfig manifests kubelet patches preflight
    clusterobjects cis staticpod renewal)
set(KADM_LAYER_runenv runenv)
set(KADM_LAYER_workflows init join reset upgrade)
