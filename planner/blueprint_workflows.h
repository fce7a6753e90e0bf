// planner/blueprint_workflows: workflows a blueprint (or its plugins) defines, and policies whose
// triggers run them. Internal to the planner; MakePlan dispatches here.
#pragma once

#include <optional>

#include "diag/diagnostic.h"
#include "ir/service_template.h"
#include "planner/instances.h"
#include "planner/plan.h"
#include "planner/workflows.h"

namespace toscac::plan {

/// Fills `out` (workflow and parameters) from the execute_workflow trigger of `request.policy`;
/// parameters given in `request` win. False, with a diagnostic, when there is no such trigger.
auto FromPolicyTrigger(const ir::ServiceTemplate& st, const WorkflowRequest& request,
                       WorkflowRequest& out, diag::Sink& sink) -> bool;

/// The replicas a microservice's blueprint gives it (its descriptor's spec.replicas after the
/// overrides, else its `replicas` property, else 1), and its workload (`Kind/name`).
auto MicroserviceReplicas(const ir::NodeTemplate& node, std::string& workload) -> int64_t;

/// A workflow from the blueprint's `workflows`: the Kubernetes plugin's kube_scale plans as one
/// change of a microservice's replicas; any other mapping is a plugin's code, not plannable.
auto PlanBlueprintWorkflow(const ir::ServiceTemplate& st, const Instances& current,
                           const WorkflowRequest& request, diag::Sink& sink) -> std::optional<Plan>;

}  // namespace toscac::plan
