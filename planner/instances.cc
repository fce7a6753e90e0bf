// Instance expansion; see instances.h for the rules.
#include "planner/instances.h"

#include <fmt/format.h>

namespace toscac::plan {
namespace {

auto HostOf(const ir::ServiceTemplate& st, ir::NodeId node) -> ir::NodeId {
  for (ir::RelationshipId r : st.nodes[node.value].relationships) {
    if (st.relationships[r.value].hosted_on) return st.relationships[r.value].target;
  }
  return {};
}

// Hosts before what they contain; sema guarantees the containment graph is a forest.
auto HostsFirst(const ir::ServiceTemplate& st) -> std::vector<ir::NodeId> {
  std::vector<ir::NodeId> order;
  std::vector<uint8_t> state(st.nodes.size(), 0);  // 0 new, 1 visiting, 2 placed
  for (uint32_t start = 0; start < st.nodes.size(); ++start) {
    std::vector<ir::NodeId> chain;
    for (ir::NodeId n{start}; n.valid() && state[n.value] == 0; n = HostOf(st, n)) {
      state[n.value] = 1;
      chain.push_back(n);
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      state[it->value] = 2;
      order.push_back(*it);
    }
  }
  return order;
}

auto ConnectionType(const ir::Relationship& rel) -> std::string_view {
  for (const ir::Property& p : rel.properties) {
    if (p.name == "connection_type" && p.value.kind == ir::Value::Kind::kString) return p.value.s;
  }
  return "all_to_all";
}

}  // namespace

auto Expand(const ir::ServiceTemplate& st) -> Instances {
  Instances out;
  out.of_node.resize(st.nodes.size());
  for (ir::NodeId node : HostsFirst(st)) {
    const ir::NodeTemplate& tpl = st.nodes[node.value];
    ir::NodeId host = HostOf(st, node);
    std::vector<InstanceId> hosts{InstanceId{}};  // an uncontained node: one round, no host
    if (host.valid()) hosts = out.of_node[host.value];
    int64_t count = std::max<int64_t>(tpl.instances.initial, 0);
    for (InstanceId on : hosts) {
      for (int64_t k = 0; k < count; ++k) {
        InstanceId id{static_cast<uint32_t>(out.nodes.size())};
        size_t ordinal = out.of_node[node.value].size() + 1;
        out.nodes.push_back(NodeInstance{fmt::format("{}_{}", tpl.name, ordinal), node, on});
        out.of_node[node.value].push_back(id);
      }
    }
  }
  for (uint32_t r = 0; r < st.relationships.size(); ++r) {
    const ir::Relationship& rel = st.relationships[r];
    if (!rel.source.valid() || !rel.target.valid()) continue;
    const std::vector<InstanceId>& targets = out.of_node[rel.target.value];
    for (InstanceId source : out.of_node[rel.source.value]) {
      if (rel.hosted_on) {
        out.relationships.push_back({ir::RelationshipId{r}, source, out.nodes[source.value].host});
      } else if (ConnectionType(rel) == "all_to_one") {
        if (!targets.empty())
          out.relationships.push_back({ir::RelationshipId{r}, source, targets[0]});
      } else {
        for (InstanceId target : targets) {
          out.relationships.push_back({ir::RelationshipId{r}, source, target});
        }
      }
    }
  }
  return out;
}

auto Dump(const Instances& instances, const ir::ServiceTemplate& st) -> std::string {
  std::string out;
  for (const NodeInstance& n : instances.nodes) {
    fmt::format_to(std::back_inserter(out), "instance {} of {}{}\n", n.id,
                   st.nodes[n.node.value].name,
                   n.host.valid() ? " on " + instances.nodes[n.host.value].id : "");
  }
  for (const RelationshipInstance& r : instances.relationships) {
    const ir::Relationship& rel = st.relationships[r.relationship.value];
    fmt::format_to(std::back_inserter(out), "link {} -> {} ({})\n",
                   instances.nodes[r.source.value].id, instances.nodes[r.target.value].id,
                   rel.type.valid() ? st.types[rel.type.value].name : "?");
  }
  return out;
}

}  // namespace toscac::plan
