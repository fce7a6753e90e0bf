// planner/instances: node templates expanded into node instances and relationship instances.
//
// Rules (docs/planner.md):
// - A node gets NodeTemplate::instances.initial instances on each instance of its host when it
//   is contained in one (contained_in / HostedOn), so counts multiply down a containment chain.
// - A scaling group (ir::ScalingGroup) gets its count of group instances (on each instance of
//   its host, or of the group it is nested in); each group instance holds the member nodes'
//   counts of instances, so counts multiply through groups too.
// - Instance k of node n (k from 1, in creation order, parents first) is `n_k`; instance k of
//   scaling group g is `g_k`. Ordinals are never reused after a scale-in.
// - A contained_in relationship gives each source instance its own host instance. Any other
//   relationship follows its `connection_type`: `all_to_all` (the default) links each source
//   instance to every target instance, `all_to_one` to the first one; when source and target
//   share a scaling group, only target instances in the source's own instance of that group.
#pragma once

#include <string>
#include <vector>

#include "ir/service_template.h"

namespace toscac::plan {

using InstanceId = ir::Id<struct InstanceTag>;
using GroupInstanceId = ir::Id<struct GroupInstanceTag>;

struct NodeInstance {
  std::string id;  // n_k
  ir::NodeId node;
  InstanceId host;        // the instance it is contained in, if any
  GroupInstanceId group;  // the innermost scaling-group instance it belongs to, if any
};

struct GroupInstance {
  std::string id;                 // g_k
  uint32_t group = ir::kNoGroup;  // index into ServiceTemplate::scaling_groups
  InstanceId host;                // the node instance it lives on, if the group has a host
  GroupInstanceId parent;         // the enclosing scaling-group instance, if any
};

struct RelationshipInstance {
  ir::RelationshipId relationship;
  InstanceId source;
  InstanceId target;
};

struct Instances {
  std::vector<NodeInstance> nodes;  // every instance after what it lives in
  std::vector<GroupInstance> groups;
  std::vector<RelationshipInstance> relationships;
  std::vector<std::vector<InstanceId>> of_node;        // live instances by ir::NodeId, id order
  std::vector<std::vector<GroupInstanceId>> of_group;  // live instances by scaling group
};

/// Expands a checked template (sema has rejected containment cycles, double hosts and
/// inconsistent scaling groups).
auto Expand(const ir::ServiceTemplate& st) -> Instances;

/// What a scale workflow scales: a node template or a scaling group.
struct ScaleTarget {
  ir::NodeId node;  // or
  uint32_t group = ir::kNoGroup;
};

/// The instances after scaling `target` by `delta` on each instance of what it lives in (its
/// host, or its enclosing group instance; once when neither). Added instances take the next
/// ordinals and get everything they hold; removed ones are the highest ordinals in each place,
/// with everything they hold. `after` keeps every instance of `before` at the same id (removed
/// ones stay in `nodes`/`groups` but leave `of_node`/`of_group`), and its relationship
/// instances join live instances only.
struct ScaleResult {
  Instances after;
  std::vector<InstanceId> added;    // node instances, in creation order
  std::vector<InstanceId> removed;  // node instances, in id order
};
auto Scale(const ir::ServiceTemplate& st, const Instances& before, ScaleTarget target,
           int64_t delta) -> ScaleResult;

/// How many instances `target` has in each place it lives in now (the first place's count;
/// every place has the same), and how many places there are.
auto CountPerPlace(const ir::ServiceTemplate& st, const Instances& current, ScaleTarget target)
    -> std::pair<int64_t, size_t>;

/// Stable text for golden tests: one line per instance and per relationship instance.
auto Dump(const Instances& instances, const ir::ServiceTemplate& st) -> std::string;

}  // namespace toscac::plan
