// Scaling groups and instance counts; see scaling.h.
#include "frontend/sema/scaling.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

namespace toscac::sema {
namespace {

auto IsScalingPolicy(const ir::ServiceTemplate& st, const ir::Policy& p) -> bool {
  if (!p.type.valid()) return false;
  for (std::string_view name : {"cloudify.policies.scaling", "tosca.policies.Scaling"}) {
    ir::TypeId t = st.FindType(ir::TypeKind::kPolicy, name);
    if (t.valid() && st.DerivesFrom(p.type, t)) return true;
  }
  return false;
}

class Builder {
 public:
  Builder(ir::ServiceTemplate& st, diag::Sink& sink) : st_(st), sink_(sink) {}

  void Run() {
    CollectFromPolicies();
    if (!LinkNestedGroups()) return;
    OrderParentsFirst();
    AssignNodes();
  }

 private:
  // One scaling group per group a scaling policy targets, and one for the nodes a policy
  // targets directly.
  void CollectFromPolicies() {
    for (const ir::Policy& p : st_.policies) {
      if (!IsScalingPolicy(st_, p)) continue;
      std::vector<ir::NodeId> direct;
      for (const std::string& target : p.targets) {
        if (ir::NodeId n = st_.FindNode(target); n.valid()) {
          direct.push_back(n);
        } else if (const ir::Group* g = FindGroup(target)) {
          AddGroup(*g, p);
        }
      }
      if (!direct.empty()) {
        ir::ScalingGroup sg;
        sg.name = p.name;
        sg.policy = p.name;
        sg.members = direct;
        sg.loc = p.loc;
        st_.scaling_groups.push_back(std::move(sg));
      }
    }
  }

  void AddGroup(const ir::Group& g, const ir::Policy& p) {
    for (const ir::ScalingGroup& existing : st_.scaling_groups) {
      if (existing.name == g.name) {
        sink_.Report(diag::Kind::kScalingGroupTwoPolicies, p.loc, "policies." + p.name, g.name,
                     existing.policy, p.name);
        return;
      }
    }
    ir::ScalingGroup sg;
    sg.name = g.name;
    sg.policy = p.name;
    sg.members = g.members;
    sg.loc = g.loc;
    // Members that are plain groups (no scaling policy) lend their nodes; scaling groups nest.
    for (const std::string& m : g.member_groups) {
      if (const ir::Group* inner = FindGroup(m); inner && !IsScaled(m)) {
        sg.members.insert(sg.members.end(), inner->members.begin(), inner->members.end());
      }
    }
    st_.scaling_groups.push_back(std::move(sg));
  }

  auto IsScaled(std::string_view group) const -> bool {
    for (const ir::Policy& p : st_.policies) {
      if (IsScalingPolicy(st_, p) &&
          std::find(p.targets.begin(), p.targets.end(), group) != p.targets.end())
        return true;
    }
    return false;
  }

  auto FindGroup(std::string_view name) const -> const ir::Group* {
    for (const ir::Group& g : st_.groups) {
      if (g.name == name) return &g;
    }
    return nullptr;
  }

  auto FindScaling(std::string_view name) const -> uint32_t {
    for (uint32_t k = 0; k < st_.scaling_groups.size(); ++k) {
      if (st_.scaling_groups[k].name == name) return k;
    }
    return ir::kNoGroup;
  }

  // A scaling group named among another's members is nested in it; cycles are errors.
  auto LinkNestedGroups() -> bool {
    for (uint32_t k = 0; k < st_.scaling_groups.size(); ++k) {
      const ir::Group* g = FindGroup(st_.scaling_groups[k].name);
      if (g == nullptr) continue;
      for (const std::string& m : g->member_groups) {
        uint32_t inner = FindScaling(m);
        if (inner != ir::kNoGroup) st_.scaling_groups[inner].parent = k;
      }
    }
    for (uint32_t k = 0; k < st_.scaling_groups.size(); ++k) {
      std::vector<uint32_t> chain{k};
      for (uint32_t p = st_.scaling_groups[k].parent; p != ir::kNoGroup;
           p = st_.scaling_groups[p].parent) {
        if (p == k) {
          std::string path;
          for (uint32_t c : chain) path += st_.scaling_groups[c].name + " -> ";
          path += st_.scaling_groups[k].name;
          sink_.Report(diag::Kind::kScalingGroupCycle, st_.scaling_groups[k].loc,
                       "groups." + st_.scaling_groups[k].name, path);
          return false;
        }
        if (chain.size() > st_.scaling_groups.size()) break;  // a cycle not through k
        chain.push_back(p);
      }
    }
    return true;
  }

  // Parents before children, so that the planner expands groups in one pass.
  void OrderParentsFirst() {
    std::vector<ir::ScalingGroup>& groups = st_.scaling_groups;
    std::vector<uint32_t> order, depth(groups.size(), 0);
    for (uint32_t k = 0; k < groups.size(); ++k) {
      for (uint32_t p = groups[k].parent; p != ir::kNoGroup; p = groups[p].parent) ++depth[k];
      order.push_back(k);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return depth[a] < depth[b]; });
    std::vector<uint32_t> new_index(groups.size());
    for (uint32_t k = 0; k < order.size(); ++k) new_index[order[k]] = k;
    std::vector<ir::ScalingGroup> sorted;
    for (uint32_t old : order) {
      sorted.push_back(std::move(groups[old]));
      if (sorted.back().parent != ir::kNoGroup)
        sorted.back().parent = new_index[sorted.back().parent];
    }
    groups = std::move(sorted);
  }

  auto Contains(uint32_t outer, uint32_t inner) const -> bool {
    for (uint32_t g = inner; g != ir::kNoGroup; g = st_.scaling_groups[g].parent) {
      if (g == outer) return true;
    }
    return false;
  }

  // Each node's innermost named group (two unrelated ones are an error), then what containment
  // adds: a node on a host in a group is in that group too. Then each group's host.
  void AssignNodes() {
    std::vector<uint32_t> named(st_.nodes.size(), ir::kNoGroup);
    for (uint32_t k = 0; k < st_.scaling_groups.size(); ++k) {
      for (ir::NodeId n : st_.scaling_groups[k].members) {
        uint32_t& current = named[n.value];
        if (current == ir::kNoGroup || Contains(current, k)) {
          current = k;
        } else if (!Contains(k, current)) {
          sink_.Report(diag::Kind::kScalingGroupOverlap, st_.scaling_groups[k].loc,
                       "groups." + st_.scaling_groups[k].name, st_.nodes[n.value].name,
                       st_.scaling_groups[current].name, st_.scaling_groups[k].name);
          sink_.AddNote(st_.scaling_groups[current].loc,
                        fmt::format("`{}` is also a member here", st_.nodes[n.value].name));
        }
      }
    }
    for (uint32_t n = 0; n < st_.nodes.size(); ++n)
      st_.nodes[n].scaling_group = EffectiveGroup(ir::NodeId{n}, named, 0);
    AssignHosts(named);
  }

  auto EffectiveGroup(ir::NodeId node, const std::vector<uint32_t>& named, size_t depth) const
      -> uint32_t {
    if (named[node.value] != ir::kNoGroup || depth > st_.nodes.size()) return named[node.value];
    ir::NodeId host = st_.HostOf(node);
    return host.valid() ? EffectiveGroup(host, named, depth + 1) : ir::kNoGroup;
  }

  // A named member whose host is outside the group puts the group's instances on that host; all
  // such members must agree.
  void AssignHosts(const std::vector<uint32_t>& named) {
    std::vector<ir::NodeId> witness(st_.scaling_groups.size());
    for (uint32_t n = 0; n < st_.nodes.size(); ++n) {
      uint32_t g = named[n];
      if (g == ir::kNoGroup) continue;
      ir::NodeId host = st_.HostOf(ir::NodeId{n});
      if (!host.valid() || Contains(g, st_.nodes[host.value].scaling_group)) continue;
      ir::ScalingGroup& sg = st_.scaling_groups[g];
      if (!sg.host.valid()) {
        sg.host = host;
        witness[g] = ir::NodeId{n};
      } else if (sg.host != host) {
        sink_.Report(diag::Kind::kScalingGroupHosts, sg.loc, "groups." + sg.name, sg.name,
                     st_.nodes[witness[g].value].name, st_.nodes[sg.host.value].name,
                     st_.nodes[n].name, st_.nodes[host.value].name);
      }
    }
  }

  ir::ServiceTemplate& st_;
  diag::Sink& sink_;
};

struct CountValues {
  std::optional<int64_t> initial, min, max;  // initial: only when written, not a type default
  bool present = true;                       // false: no scalable capability at all
  diag::Loc initial_loc, min_loc;
};

auto ReadCounts(const std::vector<ir::Property>& props, diag::Loc fallback) -> CountValues {
  CountValues out;
  out.initial_loc = out.min_loc = fallback;
  for (const ir::Property& p : props) {
    if (p.value.kind != ir::Value::Kind::kInt) continue;
    if (p.name == "default_instances") {
      if (p.from_default) continue;
      out.initial = p.value.i;
      out.initial_loc = p.value.loc;
    } else if (p.name == "min_instances") {
      out.min = p.value.i;
      if (!p.from_default) out.min_loc = p.value.loc;
    } else if (p.name == "max_instances") {
      out.max = p.value.i;
    }
  }
  return out;
}

// Bounds as Cloudify and TOSCA define them: max -1 is no limit; default within [min, max].
// `path` makes the YAML path only when there is something to report: this runs for every node.
template <typename PathFn>
auto CheckCounts(ir::InstanceCount& c, const CountValues& v, const PathFn& path, diag::Sink& sink)
    -> void {
  if (v.min) c.min = *v.min;
  if (v.max) c.max = *v.max < 0 ? -1 : *v.max;
  c.initial = v.initial ? *v.initial : std::max<int64_t>(c.min, 1);
  if (c.max >= 0 && c.min > c.max) {
    sink.Report(diag::Kind::kBadInstances, v.min_loc, path() + ".min_instances",
                fmt::format("min_instances {} exceeds max_instances {}", c.min, c.max));
  } else if (c.initial < c.min || (c.max >= 0 && c.initial > c.max)) {
    sink.Report(diag::Kind::kBadInstances, v.initial_loc, path() + ".default_instances",
                fmt::format("default_instances {} is outside [{}, {}]", c.initial, c.min,
                            c.max >= 0 ? std::to_string(c.max) : "unbounded"));
  }
}

// The property defaults of the `scalable` capability the node's type declares, as a template
// that does not assign it would have them; empty when the type declares none.
auto ScalableDefaults(const ir::ServiceTemplate& st, const ir::NodeTemplate& node)
    -> std::vector<ir::Property> {
  std::vector<ir::Property> out;
  if (!node.type.valid()) return out;
  for (const ir::CapabilityDef& def : st.types[node.type.value].capabilities) {
    if (def.name != "scalable" || !def.type.valid()) continue;
    for (const ir::PropertyDef& p : st.types[def.type.value].properties) {
      if (p.has_default) out.push_back(ir::Property{p.name, p.default_value, true});
    }
  }
  return out;
}

}  // namespace

void BuildScalingGroups(ir::ServiceTemplate& st, diag::Sink& sink) { Builder(st, sink).Run(); }

void ReadInstanceCounts(ir::ServiceTemplate& st, diag::Sink& sink) {
  // Defaults per node type, computed once: a blueprint has many nodes of few types.
  std::vector<std::optional<CountValues>> type_defaults(st.types.size());
  for (ir::NodeTemplate& node : st.nodes) {
    auto path = [&] { return "node_templates." + node.name + ".capabilities.scalable.properties"; };
    const ir::CapabilityValues* written = nullptr;
    for (const ir::CapabilityValues& cap : node.capabilities) {
      if (cap.name == "scalable") written = &cap;
    }
    if (written != nullptr) {
      CheckCounts(node.instances, ReadCounts(written->properties, node.loc), path, sink);
      continue;
    }
    // Not assigned, yet the type declares it (TOSCA): the capability type's defaults bound the
    // node as they bound one that assigns only some of them. Cloudify types declare no
    // capabilities, so a Cloudify node stays unbounded unless it writes `scalable`.
    if (!node.type.valid()) continue;
    std::optional<CountValues>& defaults = type_defaults[node.type.value];
    if (!defaults) {
      std::vector<ir::Property> props = ScalableDefaults(st, node);
      defaults = props.empty() ? CountValues{} : ReadCounts(props, diag::Loc{});
      defaults->present = !props.empty();
    }
    if (!defaults->present) continue;
    CountValues at_node = *defaults;
    at_node.initial_loc = at_node.min_loc = node.loc;
    CheckCounts(node.instances, at_node, path, sink);
  }
  for (ir::ScalingGroup& g : st.scaling_groups) {
    for (const ir::Policy& p : st.policies) {
      if (p.name != g.policy) continue;
      CheckCounts(
          g.instances, ReadCounts(p.properties, p.loc),
          [&] { return "policies." + p.name + ".properties"; }, sink);
    }
  }
}

}  // namespace toscac::sema
