// planner/steps: operations of instances and relationship instances as plan steps. Internal to
// the planner (workflows.cc builds chains of these phases); not part of its interface.
#pragma once

#include <string_view>
#include <vector>

#include "ir/service_template.h"
#include "planner/instances.h"
#include "planner/plan.h"

namespace toscac::plan {

/// Steps that may run together: one lifecycle operation, or one relationship phase's operations.
using Phase = std::vector<uint32_t>;

/// A relationship phase's operation names: Cloudify's (the same on both ends) and TOSCA's for
/// the source and the target end.
struct RelationshipPhase {
  std::string_view cloudify;
  std::string_view tosca_source;
  std::string_view tosca_target;
};
inline constexpr RelationshipPhase kPreconfigure{"preconfigure", "pre_configure_source",
                                                 "pre_configure_target"};
inline constexpr RelationshipPhase kPostconfigure{"postconfigure", "post_configure_source",
                                                  "post_configure_target"};
inline constexpr RelationshipPhase kEstablish{"establish", "add_target", "add_source"};
inline constexpr RelationshipPhase kUnlink{"unlink", "remove_target", "remove_source"};

class StepFactory {
 public:
  StepFactory(const ir::ServiceTemplate& st, const Instances& instances);

  /// The lifecycle operation `name` (Cloudify lifecycle or TOSCA Standard) of an instance, as a
  /// phase of zero or one step. Deployment proxies' install operations read (`<=`).
  auto NodeOperation(InstanceId instance, std::string_view name, Action action) -> Phase;
  /// One phase's operations of relationship instances (indexes into Instances::relationships):
  /// the source end's, then the target end's, for each in order.
  auto RelationshipOperations(const std::vector<uint32_t>& relationships,
                              const RelationshipPhase& phase, Action action) -> Phase;

  /// create, preconfigure, configure, postconfigure, start, establish.
  auto InstallPhases(InstanceId instance, Action action) -> std::vector<Phase>;
  /// stop, unlink, delete.
  auto UninstallPhases(InstanceId instance, Action action) -> std::vector<Phase>;

  /// Relationship instances whose source is `instance`, in order.
  auto Outgoing(InstanceId instance) const -> const std::vector<uint32_t>& {
    return outgoing_[instance.value];
  }

  /// The instances the workflow installs, removes or reinstalls; every other instance stays,
  /// and a relationship operation that runs on one that stays changes it (`~`) whatever the
  /// workflow does to the other end.
  void SetRebuilt(const std::vector<InstanceId>& rebuilt);

  /// Every step of `before` comes before every step of `after`.
  void Link(const Phase& before, const Phase& after);

  /// The finished plan: edges sorted and deduplicated, waves computed.
  auto Finish() -> Plan;
  auto plan() -> Plan& { return plan_; }

 private:
  auto AddStep(InstanceId instance, const ir::Interface& iface, const ir::Operation& op,
               Action action) -> uint32_t;

  const ir::ServiceTemplate& st_;
  const Instances& instances_;
  std::vector<std::vector<uint32_t>> outgoing_;
  ir::TypeId proxy_type_;
  std::vector<uint8_t> staying_;
  // Per ir::Relationship: 1 when it has no implemented relationship operation at all (most
  // contained_in ones), so the phases skip it without looking up operation names.
  std::vector<uint8_t> no_operations_;
  Plan plan_;
};

}  // namespace toscac::plan
