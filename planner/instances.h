// planner/instances: node templates expanded into node instances and relationship instances.
//
// Rules (docs/planner.md): a node gets NodeTemplate::instances.initial instances, on each
// instance of its host when it is contained in one (contained_in / HostedOn), so counts multiply
// down a containment chain. Instance k of node n (k from 1, in creation order, hosts first) is
// `n_k`. A contained_in relationship gives each source instance its own host instance; other
// relationships follow the relationship's `connection_type`: `all_to_all` (the default) links
// each source instance to every target instance, `all_to_one` to the target's first instance.
#pragma once

#include <string>
#include <vector>

#include "ir/service_template.h"

namespace toscac::plan {

using InstanceId = ir::Id<struct InstanceTag>;

struct NodeInstance {
  std::string id;  // n_k
  ir::NodeId node;
  InstanceId host;  // the instance it is contained in, if any
};

struct RelationshipInstance {
  ir::RelationshipId relationship;
  InstanceId source;
  InstanceId target;
};

struct Instances {
  std::vector<NodeInstance> nodes;  // every host before what it contains
  std::vector<RelationshipInstance> relationships;
  std::vector<std::vector<InstanceId>> of_node;  // indexed by ir::NodeId, in id order
};

/// Expands a checked template (sema has rejected containment cycles and double hosts).
auto Expand(const ir::ServiceTemplate& st) -> Instances;

/// Stable text for golden tests: one line per instance and per relationship instance.
auto Dump(const Instances& instances, const ir::ServiceTemplate& st) -> std::string;

}  // namespace toscac::plan
