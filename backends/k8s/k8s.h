// The Kubernetes backend: a checked blueprint into the objects `kubectl apply -f DIR` takes.
//
// Sources of objects, in template order: a cloudify.kubernetes.Microservice's descriptors
// (`config_files`, overrides applied) or its embedded `config`, else a Deployment and Service
// generated from its `image`/`port`/`replicas` (what the plugin did with `kubectl run` and
// `kubectl expose`); then one HorizontalPodAutoscaler per workload that scaling policies drive.
// The mapping is documented in docs/backends.md. Values known only after apply are errors naming
// the flag that would supply them; nodes without a Kubernetes form get one warning each.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "ir/service_template.h"

namespace toscac::k8s {

struct Options {
  std::string namespace_name;  // metadata.namespace of every namespaced object; empty: none
  std::string deployment;      // the `toscac.io/deployment` label on every object
};

struct Object {
  std::string file;             // its file in the output folder: <kind>-<name>.yaml
  nlohmann::ordered_json body;  // the object as the API server takes it, keys in written order
  ir::NodeId node;              // the node template it came from
};

struct Manifests {
  std::vector<Object> objects;
};

auto Emit(const ir::ServiceTemplate& st, const Options& options, diag::Sink& sink) -> Manifests;

/// kustomization.yaml listing every object's file, in order.
auto Kustomization(const Manifests& manifests) -> std::string;

}  // namespace toscac::k8s
