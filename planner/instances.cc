// Instance expansion; see instances.h for the rules.
//
// Nodes and scaling groups form one tree of "scopes": a node lives in its host, or in its
// scaling group when its host is outside that group; a group lives on its host, or in the group
// it is nested in. Every scope gets its count of instances in each instance of its parent scope.
#include "planner/instances.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace toscac::plan {

namespace {

// Scope s < nodes.size() is node s; the rest are scaling groups.
struct Scope {
  bool is_group = false;
  uint32_t index = 0;
};

// A place instances are created in: nothing (the root), a node instance or a group instance.
struct Place {
  InstanceId node;
  GroupInstanceId group;
};

auto Contains(const ir::ServiceTemplate& st, uint32_t outer, uint32_t inner) -> bool {
  for (uint32_t g = inner; g != ir::kNoGroup; g = st.scaling_groups[g].parent) {
    if (g == outer) return true;
  }
  return false;
}

class ScopeTree {
 public:
  explicit ScopeTree(const ir::ServiceTemplate& st) : st_(st) {
    const size_t n = st.nodes.size(), g = st.scaling_groups.size();
    parent_.assign(n + g, kRoot);
    children_.resize(n + g + 1);
    for (uint32_t k = 0; k < n; ++k) parent_[k] = NodeParent(ir::NodeId{k});
    for (uint32_t k = 0; k < g; ++k) parent_[n + k] = GroupParent(k);
    for (uint32_t s = 0; s < n + g; ++s) children_[Slot(parent_[s])].push_back(s);
  }

  static constexpr uint32_t kRoot = UINT32_MAX;

  auto Parent(uint32_t scope) const -> uint32_t { return parent_[scope]; }
  auto Children(uint32_t scope) const -> const std::vector<uint32_t>& {
    return children_[Slot(scope)];
  }
  auto NodeScope(ir::NodeId n) const -> uint32_t { return n.value; }
  auto GroupScope(uint32_t g) const -> uint32_t {
    return static_cast<uint32_t>(st_.nodes.size()) + g;
  }
  auto Get(uint32_t scope) const -> Scope {
    if (scope < st_.nodes.size()) return {false, scope};
    return {true, static_cast<uint32_t>(scope - st_.nodes.size())};
  }
  /// Parents before children; nodes in declaration order otherwise (hosts before what they
  /// contain), which keeps ids as they were before scaling groups existed.
  auto Order() const -> std::vector<uint32_t> {
    std::vector<uint32_t> order;
    std::vector<uint8_t> placed(parent_.size(), 0);
    for (uint32_t start = 0; start < parent_.size(); ++start) {
      std::vector<uint32_t> chain;
      for (uint32_t s = start; s != kRoot && !placed[s]; s = parent_[s]) {
        placed[s] = 1;
        chain.push_back(s);
      }
      order.insert(order.end(), chain.rbegin(), chain.rend());
    }
    return order;
  }

 private:
  auto Slot(uint32_t scope) const -> size_t { return scope == kRoot ? parent_.size() : scope; }
  auto NodeParent(ir::NodeId n) const -> uint32_t {
    ir::NodeId host = st_.HostOf(n);
    uint32_t group = st_.nodes[n.value].scaling_group;
    if (host.valid() &&
        (group == ir::kNoGroup || Contains(st_, group, st_.nodes[host.value].scaling_group)))
      return NodeScope(host);
    if (group != ir::kNoGroup) return GroupScope(group);
    return host.valid() ? NodeScope(host) : kRoot;
  }
  auto GroupParent(uint32_t g) const -> uint32_t {
    const ir::ScalingGroup& sg = st_.scaling_groups[g];
    if (sg.host.valid()) return NodeScope(sg.host);
    if (sg.parent != ir::kNoGroup) return GroupScope(sg.parent);
    return kRoot;
  }

  const ir::ServiceTemplate& st_;
  std::vector<uint32_t> parent_;
  std::vector<std::vector<uint32_t>> children_;  // [scope], and [size] for the root
};

// `name_k`, without a format call: every instance gets one.
auto OrdinalId(const std::string& name, uint32_t ordinal) -> std::string {
  std::string id;
  id.reserve(name.size() + 8);
  id.append(name).append("_").append(std::to_string(ordinal));
  return id;
}

auto ConnectionType(const ir::Relationship& rel) -> std::string_view {
  for (const ir::Property& p : rel.properties) {
    if (p.name == "connection_type" && p.value.kind == ir::Value::Kind::kString) return p.value.s;
  }
  return "all_to_all";
}

// Creates instances of scopes; ordinals continue per node and per group, never reused.
class Grower {
 public:
  Grower(const ir::ServiceTemplate& st, const ScopeTree& tree, Instances& out)
      : st_(st), tree_(tree), out_(out) {
    next_node_.assign(st.nodes.size(), 0);
    next_group_.assign(st.scaling_groups.size(), 0);
    for (const NodeInstance& n : out.nodes) ++next_node_[n.node.value];
    for (const GroupInstance& g : out.groups) ++next_group_[g.group];
  }

  /// `count` instances of `scope` in `place`; with `recurse`, each with its contents.
  void Add(uint32_t scope, Place place, int64_t count, bool recurse) {
    for (int64_t k = 0; k < count; ++k) {
      Place made = AddOne(scope, place);
      if (!recurse) continue;
      for (uint32_t child : tree_.Children(scope)) Add(child, made, Count(child), true);
    }
  }

  auto Count(uint32_t scope) const -> int64_t {
    Scope s = tree_.Get(scope);
    int64_t n = s.is_group ? st_.scaling_groups[s.index].instances.initial
                           : st_.nodes[s.index].instances.initial;
    return std::max<int64_t>(n, 0);
  }

  std::vector<InstanceId> added;

 private:
  // The group instance a new instance in `place` belongs to.
  auto EnclosingGroup(Place place) const -> GroupInstanceId {
    if (place.group.valid()) return place.group;
    if (place.node.valid()) return out_.nodes[place.node.value].group;
    return {};
  }
  auto HostIn(Place place) const -> InstanceId {
    if (place.node.valid()) return place.node;
    if (place.group.valid()) return out_.groups[place.group.value].host;
    return {};
  }

  auto AddOne(uint32_t scope, Place place) -> Place {
    Scope s = tree_.Get(scope);
    if (s.is_group) {
      GroupInstanceId id{static_cast<uint32_t>(out_.groups.size())};
      out_.groups.push_back(
          {fmt::format("{}_{}", st_.scaling_groups[s.index].name, ++next_group_[s.index]), s.index,
           HostIn(place), EnclosingGroup(place)});
      out_.of_group[s.index].push_back(id);
      return {InstanceId{}, id};
    }
    InstanceId id{static_cast<uint32_t>(out_.nodes.size())};
    // A node on a host is on the host instance of its place; a node without one has none.
    InstanceId host = st_.HostOf(ir::NodeId{s.index}).valid() ? HostIn(place) : InstanceId{};
    out_.nodes.push_back({OrdinalId(st_.nodes[s.index].name, ++next_node_[s.index]),
                          ir::NodeId{s.index}, host, EnclosingGroup(place)});
    out_.of_node[s.index].push_back(id);
    added.push_back(id);
    return {id, GroupInstanceId{}};
  }

  const ir::ServiceTemplate& st_;
  const ScopeTree& tree_;
  Instances& out_;
  std::vector<uint32_t> next_node_, next_group_;
};

// The places a scope's instances live in: its parent scope's live instances, or the root.
auto PlacesOf(const ScopeTree& tree, const Instances& in, uint32_t scope) -> std::vector<Place> {
  uint32_t parent = tree.Parent(scope);
  if (parent == ScopeTree::kRoot) return {Place{}};
  std::vector<Place> places;
  Scope p = tree.Get(parent);
  if (p.is_group) {
    for (GroupInstanceId g : in.of_group[p.index]) places.push_back({InstanceId{}, g});
  } else {
    for (InstanceId n : in.of_node[p.index]) places.push_back({n, GroupInstanceId{}});
  }
  return places;
}

// Whether an instance lives in `place` (directly).
auto InPlace(const ScopeTree& tree, const Instances& in, uint32_t scope, uint32_t instance,
             Place place) -> bool {
  Scope s = tree.Get(scope);
  uint32_t parent = tree.Parent(scope);
  if (parent == ScopeTree::kRoot) return true;
  bool parent_is_group = tree.Get(parent).is_group;
  if (s.is_group) {
    const GroupInstance& g = in.groups[instance];
    return parent_is_group ? g.parent == place.group : g.host == place.node;
  }
  const NodeInstance& n = in.nodes[instance];
  return parent_is_group ? n.group == place.group : n.host == place.node;
}

// The instance of scaling group `g` that encloses group instance `gi` (or an invalid id).
auto AncestorOf(const Instances& in, GroupInstanceId gi, uint32_t g) -> GroupInstanceId {
  for (; gi.valid(); gi = in.groups[gi.value].parent) {
    if (in.groups[gi.value].group == g) return gi;
  }
  return {};
}

// The innermost scaling group both nodes are in, or kNoGroup.
auto CommonGroup(const ir::ServiceTemplate& st, ir::NodeId a, ir::NodeId b) -> uint32_t {
  for (uint32_t g = st.nodes[a.value].scaling_group; g != ir::kNoGroup;
       g = st.scaling_groups[g].parent) {
    if (Contains(st, g, st.nodes[b.value].scaling_group)) return g;
  }
  return ir::kNoGroup;
}

void LinkOne(const ir::ServiceTemplate& st, uint32_t r, Instances& out) {
  const ir::Relationship& rel = st.relationships[r];
  if (rel.hosted_on) {
    for (InstanceId source : out.of_node[rel.source.value]) {
      out.relationships.push_back({ir::RelationshipId{r}, source, out.nodes[source.value].host});
    }
    return;
  }
  // Fan-out stays inside the instance of the innermost scaling group both ends share.
  uint32_t common = CommonGroup(st, rel.source, rel.target);
  std::map<uint32_t, std::vector<InstanceId>> targets_in;  // by group instance (or 0)
  for (InstanceId t : out.of_node[rel.target.value]) {
    GroupInstanceId key = common == ir::kNoGroup
                              ? GroupInstanceId{}
                              : AncestorOf(out, out.nodes[t.value].group, common);
    targets_in[key.value].push_back(t);
  }
  bool to_one = ConnectionType(rel) == "all_to_one";
  for (InstanceId source : out.of_node[rel.source.value]) {
    GroupInstanceId key = common == ir::kNoGroup
                              ? GroupInstanceId{}
                              : AncestorOf(out, out.nodes[source.value].group, common);
    auto it = targets_in.find(key.value);
    if (it == targets_in.end()) continue;
    for (InstanceId target : it->second) {
      out.relationships.push_back({ir::RelationshipId{r}, source, target});
      if (to_one) break;
    }
  }
}

void Link(const ir::ServiceTemplate& st, Instances& out) {
  out.relationships.clear();
  for (uint32_t r = 0; r < st.relationships.size(); ++r) {
    const ir::Relationship& rel = st.relationships[r];
    if (rel.source.valid() && rel.target.valid()) LinkOne(st, r, out);
  }
}

// Marks everything that lives (transitively) in a removed instance as removed too.
void CloseOverContents(const Instances& in, std::vector<uint8_t>& nodes,
                       std::vector<uint8_t>& groups) {
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t k = 0; k < in.groups.size(); ++k) {
      const GroupInstance& g = in.groups[k];
      bool gone =
          (g.host.valid() && nodes[g.host.value]) || (g.parent.valid() && groups[g.parent.value]);
      if (gone && !groups[k]) {
        groups[k] = 1;
        changed = true;
      }
    }
    for (uint32_t k = 0; k < in.nodes.size(); ++k) {
      const NodeInstance& n = in.nodes[k];
      bool gone =
          (n.host.valid() && nodes[n.host.value]) || (n.group.valid() && groups[n.group.value]);
      if (gone && !nodes[k]) {
        nodes[k] = 1;
        changed = true;
      }
    }
  }
}

auto TargetScope(const ScopeTree& tree, ScaleTarget target) -> uint32_t {
  return target.node.valid() ? tree.NodeScope(target.node) : tree.GroupScope(target.group);
}

// The live instances of a scope, as raw indexes into nodes or groups.
auto LiveOf(const ScopeTree& tree, const Instances& in, uint32_t scope) -> std::vector<uint32_t> {
  Scope s = tree.Get(scope);
  std::vector<uint32_t> ids;
  if (s.is_group) {
    for (GroupInstanceId g : in.of_group[s.index]) ids.push_back(g.value);
  } else {
    for (InstanceId n : in.of_node[s.index]) ids.push_back(n.value);
  }
  return ids;
}

}  // namespace

auto Expand(const ir::ServiceTemplate& st) -> Instances {
  Instances out;
  out.of_node.resize(st.nodes.size());
  out.of_group.resize(st.scaling_groups.size());
  ScopeTree tree(st);
  Grower grow(st, tree, out);
  for (uint32_t scope : tree.Order()) {
    for (Place place : PlacesOf(tree, out, scope)) grow.Add(scope, place, grow.Count(scope), false);
  }
  Link(st, out);
  return out;
}

auto Scale(const ir::ServiceTemplate& st, const Instances& before, ScaleTarget target,
           int64_t delta) -> ScaleResult {
  ScaleResult result;
  result.after = before;
  Instances& after = result.after;
  ScopeTree tree(st);
  uint32_t scope = TargetScope(tree, target);
  std::vector<Place> places = PlacesOf(tree, before, scope);
  if (delta > 0) {
    Grower grow(st, tree, after);
    for (Place place : places) grow.Add(scope, place, delta, true);
    result.added = std::move(grow.added);
  } else if (delta < 0) {
    std::vector<uint8_t> nodes(before.nodes.size(), 0), groups(before.groups.size(), 0);
    Scope s = tree.Get(scope);
    for (Place place : places) {
      std::vector<uint32_t> here;
      for (uint32_t i : LiveOf(tree, before, scope)) {
        if (InPlace(tree, before, scope, i, place)) here.push_back(i);
      }
      size_t drop = std::min<size_t>(here.size(), static_cast<size_t>(-delta));
      for (size_t k = here.size() - drop; k < here.size(); ++k)
        (s.is_group ? groups : nodes)[here[k]] = 1;
    }
    CloseOverContents(before, nodes, groups);
    for (uint32_t k = 0; k < nodes.size(); ++k) {
      if (nodes[k]) result.removed.push_back(InstanceId{k});
    }
    for (auto& ids : after.of_node) {
      ids.erase(
          std::remove_if(ids.begin(), ids.end(), [&](InstanceId i) { return nodes[i.value]; }),
          ids.end());
    }
    for (auto& ids : after.of_group) {
      ids.erase(std::remove_if(ids.begin(), ids.end(),
                               [&](GroupInstanceId g) { return groups[g.value]; }),
                ids.end());
    }
  }
  Link(st, after);
  return result;
}

auto CountPerPlace(const ir::ServiceTemplate& st, const Instances& current, ScaleTarget target)
    -> std::pair<int64_t, size_t> {
  ScopeTree tree(st);
  uint32_t scope = TargetScope(tree, target);
  std::vector<Place> places = PlacesOf(tree, current, scope);
  int64_t count = 0;
  for (uint32_t i : LiveOf(tree, current, scope)) {
    if (!places.empty() && InPlace(tree, current, scope, i, places.front())) ++count;
  }
  return {count, places.size()};
}

auto Dump(const Instances& instances, const ir::ServiceTemplate& st) -> std::string {
  std::string out;
  for (const GroupInstance& g : instances.groups) {
    fmt::format_to(std::back_inserter(out), "group {} of {}{}{}\n", g.id,
                   st.scaling_groups[g.group].name,
                   g.host.valid() ? " on " + instances.nodes[g.host.value].id : "",
                   g.parent.valid() ? " in " + instances.groups[g.parent.value].id : "");
  }
  for (const NodeInstance& n : instances.nodes) {
    fmt::format_to(std::back_inserter(out), "instance {} of {}{}{}\n", n.id,
                   st.nodes[n.node.value].name,
                   n.host.valid() ? " on " + instances.nodes[n.host.value].id : "",
                   n.group.valid() ? " in " + instances.groups[n.group.value].id : "");
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
