// planner/workflows: a workflow over a template's instances, as a plan::Plan.
//
// Rules (docs/planner.md):
// - install: per instance create -> pre-configure relationship operations -> configure ->
//   post-configure -> start -> establish (Cloudify cloudify.interfaces.lifecycle and
//   relationship_lifecycle; TOSCA Standard and Configure: pre_configure_source/target,
//   post_configure_source/target, add_target/add_source). An instance starts only after every
//   instance it has a relationship to (or depends on through an override) has finished.
// - uninstall: stop -> unlink (remove_target/remove_source) -> delete; an instance is removed
//   only after every instance with a relationship to it.
// - scale: installs the added instances (and what they contain), establishes relationships of
//   existing instances to them; or uninstalls the removed ones after unlinking the rest.
// - heal: reinstalls an instance's outermost host and everything in it, unlinking and then
//   re-establishing the relationships other instances have to them.
// - kube_scale (the Kubernetes plugin's workflow): one change of a microservice's replicas.
// Only operations with an implementation become steps; relationship operations of one phase may
// run together.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "diag/diagnostic.h"
#include "ir/service_template.h"
#include "planner/instances.h"
#include "planner/plan.h"

namespace toscac::plan {

struct WorkflowRequest {
  std::string workflow = "install";
  std::string target;          // scale: a node template
  int64_t delta = 0;           // scale: instances to add (> 0) or remove (< 0) per host
  bool scale_compute = false;  // scale: scale the target's outermost host instead
  std::string instance;        // heal: the failed instance
  // Parameters of a blueprint-defined workflow (kube_scale), as given on the command line;
  // the workflow's declared defaults fill the rest.
  std::vector<std::pair<std::string, std::string>> parameters;
  // A policy whose execute_workflow trigger names the workflow and its parameters (the seed's
  // scaleup_policy runs kube_scale with amount '+1'); `parameters` above override its values.
  std::string policy;
  // kube_scale: the replicas the workload runs now, when the deployment has changed since the
  // blueprint (an autoscale replay); -1: what the blueprint's descriptor says.
  int64_t replicas = -1;
};

/// Plans `request` over `current` (the instances the deployment has now: Expand(st) for a new
/// one). Problems go to `sink`, located at the template element they concern; returns nullopt
/// when the workflow cannot be planned. `st` must be free of errors.
auto MakePlan(const ir::ServiceTemplate& st, const Instances& current,
              const WorkflowRequest& request, diag::Sink& sink) -> std::optional<Plan>;

}  // namespace toscac::plan
