// Shared by the Kubernetes backend's files; not part of its interface.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backends/k8s/k8s.h"

namespace toscac::k8s {

/// An object and the place in the blueprint it comes from, for diagnostics.
struct Located {
  Object object;
  diag::Loc loc;
};

/// ir::Value into JSON. A value that is not known yet (a runtime function, a secret) is reported
/// as T1001 naming `what` and the flag that would supply it, and gives nullopt.
class ValueWriter {
 public:
  ValueWriter(const ir::ServiceTemplate& st, diag::Sink& sink) : st_(st), sink_(sink) {}
  auto ToJson(const ir::Value& value, const std::string& what)
      -> std::optional<nlohmann::ordered_json>;

 private:
  auto Hint(const ir::Value& function) const -> std::string;
  auto ProxiedDeployment(ir::NodeId proxy) const -> std::string;
  const ir::ServiceTemplate& st_;
  diag::Sink& sink_;
};

/// Whether the node is a tosca.nodes.Container.Application (containers.cc).
auto IsContainerApplication(const ir::ServiceTemplate& st, ir::NodeId node) -> bool;
/// Its Deployment and, when it has endpoint capabilities with ports, its Service; empty after
/// reporting why not (T1002 when it cannot be expressed, T1001 for unknown values).
auto ContainerObjects(const ir::ServiceTemplate& st, ir::NodeId node, ValueWriter& values,
                      diag::Sink& sink) -> std::vector<nlohmann::ordered_json>;

/// One HorizontalPodAutoscaler per workload that `scale_policy_type` policies drive through
/// kube_scale triggers; the workloads they own lose `spec.replicas`.
/// `incomplete[node]`: the node's objects were withheld after an error, so policies on it stay
/// quiet rather than report a missing workload.
auto Autoscalers(const ir::ServiceTemplate& st, std::vector<Located>& objects,
                 const std::vector<bool>& incomplete, diag::Sink& sink) -> std::vector<Located>;

}  // namespace toscac::k8s
