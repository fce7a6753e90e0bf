// Workflows as plans; see workflows.h for the rules.
#include "planner/workflows.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <set>

#include "planner/blueprint_workflows.h"
#include "planner/steps.h"

namespace toscac::plan {
namespace {

using Phase = std::vector<uint32_t>;

// Instance-level ordering: an instance waits for the instances it has relationships to and for
// the instances of nodes it depends on (override reads). Kept per instance, deduplicated.
auto WaitsFor(const ir::ServiceTemplate& st, const Instances& inst)
    -> std::vector<std::vector<InstanceId>> {
  std::vector<std::vector<InstanceId>> waits(inst.nodes.size());
  for (const RelationshipInstance& r : inst.relationships) {
    waits[r.source.value].push_back(r.target);
  }
  for (uint32_t n = 0; n < st.nodes.size(); ++n) {
    for (ir::NodeId dep : st.nodes[n].depends_on) {
      for (InstanceId source : inst.of_node[n]) {
        for (InstanceId target : inst.of_node[dep.value]) waits[source.value].push_back(target);
      }
    }
  }
  for (auto& w : waits) {
    std::sort(w.begin(), w.end(), [](InstanceId a, InstanceId b) { return a.value < b.value; });
    w.erase(std::unique(w.begin(), w.end()), w.end());
  }
  return waits;
}

// Orders a set of instances so that each comes after those it waits for (`reverse`: before),
// considering only waits inside the set. Ties keep id order, so plans read top-down.
auto Topological(const std::vector<InstanceId>& set,
                 const std::vector<std::vector<InstanceId>>& waits, bool reverse)
    -> std::vector<InstanceId> {
  const size_t n = waits.size();
  std::vector<uint8_t> member(n, 0);
  for (InstanceId i : set) member[i.value] = 1;
  std::vector<std::vector<InstanceId>> next(n);
  std::vector<uint32_t> pending(n, 0);
  for (InstanceId i : set) {
    for (InstanceId w : waits[i.value]) {
      if (!member[w.value]) continue;
      InstanceId first = reverse ? i : w, then = reverse ? w : i;
      next[first.value].push_back(then);
      ++pending[then.value];
    }
  }
  std::deque<InstanceId> ready;
  for (InstanceId i : set) {
    if (pending[i.value] == 0) ready.push_back(i);
  }
  std::vector<InstanceId> order;
  while (!ready.empty()) {
    InstanceId i = ready.front();
    ready.pop_front();
    order.push_back(i);
    for (InstanceId j : next[i.value]) {
      if (--pending[j.value] == 0) ready.push_back(j);
    }
  }
  return order;  // the template's dependency graph is acyclic (checked first), so all of `set`
}

// Gives instances their chains of phases in dependency order, linking each chain after the
// chains it waits for. An instance without steps passes its predecessors on, so the order
// between the instances around it survives.
class Scheduler {
 public:
  using ChainOf = std::function<std::vector<Phase>(InstanceId)>;
  using ExtraWait = std::function<Phase(InstanceId)>;

  Scheduler(StepFactory& steps, const std::vector<std::vector<InstanceId>>& waits)
      : steps_(steps), waits_(waits), exits_(waits.size()) {}

  /// Install order (`reverse` false): an instance after those it waits for within `set`.
  /// Uninstall order (`reverse`): an instance after those within `set` that wait for it.
  /// `extra` adds steps outside the set an instance must also wait for.
  void Run(const std::vector<InstanceId>& set, bool reverse, const ChainOf& chain_of,
           const ExtraWait& extra = nullptr) {
    std::vector<std::vector<InstanceId>> waited_by;
    if (reverse) waited_by = Invert(set);
    for (InstanceId i : Topological(set, waits_, reverse)) {
      const std::vector<InstanceId>& preds = reverse ? waited_by[i.value] : waits_[i.value];
      Phase entry_preds = extra ? extra(i) : Phase{};
      for (InstanceId p : preds) {
        const Phase& e = exits_[p.value];
        entry_preds.insert(entry_preds.end(), e.begin(), e.end());
      }
      std::sort(entry_preds.begin(), entry_preds.end());
      entry_preds.erase(std::unique(entry_preds.begin(), entry_preds.end()), entry_preds.end());
      Phase first, last;
      for (Phase& phase : chain_of(i)) {
        if (phase.empty()) continue;
        steps_.Link(last.empty() ? entry_preds : last, phase);
        if (first.empty()) first = phase;
        last = std::move(phase);
      }
      exits_[i.value] = last.empty() ? std::move(entry_preds) : std::move(last);
    }
  }

  /// The steps that finish an instance's chain (or stand in for it).
  auto Exits(InstanceId i) const -> const Phase& { return exits_[i.value]; }

 private:
  auto Invert(const std::vector<InstanceId>& set) const -> std::vector<std::vector<InstanceId>> {
    std::vector<uint8_t> member(waits_.size(), 0);
    for (InstanceId i : set) member[i.value] = 1;
    std::vector<std::vector<InstanceId>> waited_by(waits_.size());
    for (InstanceId i : set) {
      for (InstanceId w : waits_[i.value]) {
        if (member[w.value]) waited_by[w.value].push_back(i);
      }
    }
    return waited_by;
  }

  StepFactory& steps_;
  const std::vector<std::vector<InstanceId>>& waits_;
  std::vector<Phase> exits_;  // empty for instances outside every set run so far
};

auto AllInstances(const Instances& inst) -> std::vector<InstanceId> {
  std::vector<InstanceId> all;
  for (const auto& ids : inst.of_node) all.insert(all.end(), ids.begin(), ids.end());
  std::sort(all.begin(), all.end(), [](InstanceId a, InstanceId b) { return a.value < b.value; });
  return all;
}

void Record(Plan& plan, const Instances& inst, const std::vector<InstanceId>& ids, Change change,
            const ir::ServiceTemplate& st) {
  for (InstanceId i : ids) {
    const NodeInstance& n = inst.nodes[i.value];
    plan.instances.push_back({n.id, st.nodes[n.node.value].name,
                              n.host.valid() ? inst.nodes[n.host.value].id : "", change});
  }
}

// The template's ordering graph (relationships and override reads) must be acyclic. Sema rejects
// relationship cycles, so a cycle found here goes through an override's implicit dependency.
auto CheckAcyclic(const ir::ServiceTemplate& st, diag::Sink& sink) -> bool {
  const size_t n = st.nodes.size();
  std::vector<std::vector<std::pair<ir::NodeId, bool>>> next(n);  // (target, through override)
  for (const ir::Relationship& r : st.relationships) {
    if (r.source.valid() && r.target.valid()) next[r.source.value].push_back({r.target, false});
  }
  for (uint32_t k = 0; k < n; ++k) {
    for (ir::NodeId d : st.nodes[k].depends_on) next[k].push_back({d, true});
  }
  std::vector<uint8_t> color(n, 0);  // 0 new, 1 on the stack, 2 done
  for (uint32_t start = 0; start < n; ++start) {
    if (color[start]) continue;
    std::vector<std::pair<uint32_t, size_t>> stack{{start, 0}};
    color[start] = 1;
    while (!stack.empty()) {
      auto& [node, edge] = stack.back();
      if (edge == next[node].size()) {
        color[node] = 2;
        stack.pop_back();
        continue;
      }
      auto [to, via_override] = next[node][edge++];
      if (color[to.value] == 0) {
        color[to.value] = 1;
        stack.push_back({to.value, 0});
      } else if (color[to.value] == 1) {
        std::string path;
        size_t from = 0;
        while (stack[from].first != to.value) ++from;
        for (size_t k = from; k < stack.size(); ++k) path += st.nodes[stack[k].first].name + " -> ";
        path += st.nodes[to.value].name;
        const ir::NodeTemplate& at = st.nodes[to.value];
        sink.Report(diag::Kind::kDependencyCycle, at.loc, "node_templates." + at.name, path);
        sink.AddNote(at.loc,
                     "overrides that read another node's attributes (`@{node,...}`) order "
                     "this node after that one");
        return false;
      }
    }
  }
  return true;
}

class WorkflowPlanner {
 public:
  WorkflowPlanner(const ir::ServiceTemplate& st, const Instances& current, diag::Sink& sink)
      : st_(st), current_(current), sink_(sink) {}

  auto Install() -> Plan { return Whole(/*install=*/true); }
  auto Uninstall() -> Plan { return Whole(/*install=*/false); }

  auto Scale(const WorkflowRequest& request) -> std::optional<Plan> {
    ScaleTarget target{st_.FindNode(request.target)};
    for (uint32_t g = 0; g < st_.scaling_groups.size() && !target.node.valid(); ++g) {
      if (st_.scaling_groups[g].name == request.target) target.group = g;
    }
    if (!target.node.valid() && target.group == ir::kNoGroup) {
      ReportUnknownTarget(request.target);
      return std::nullopt;
    }
    if (request.scale_compute && target.node.valid()) {
      for (ir::NodeId host = st_.HostOf(target.node); host.valid(); host = st_.HostOf(host))
        target.node = host;
    }
    if (!CheckBounds(target, request.delta)) return std::nullopt;
    ScaleResult scaled = plan::Scale(st_, current_, target, request.delta);
    return request.delta >= 0 ? ScaleOut(scaled) : ScaleIn(scaled);
  }

  auto Heal(const WorkflowRequest& request) -> std::optional<Plan> {
    InstanceId failed = FindInstance(request.instance);
    if (!failed.valid()) return std::nullopt;
    InstanceId root = failed;
    while (current_.nodes[root.value].host.valid()) root = current_.nodes[root.value].host;
    std::vector<uint8_t> inside(current_.nodes.size(), 0);
    std::vector<InstanceId> subtree;
    for (InstanceId i : AllInstances(current_)) {
      InstanceId h = current_.nodes[i.value].host;
      if (i == root || (h.valid() && inside[h.value])) {
        inside[i.value] = 1;
        subtree.push_back(i);
      }
    }
    StepFactory steps(st_, current_);
    steps.SetRebuilt(subtree);
    auto waits = WaitsFor(st_, current_);
    // Relationships from outside into the subtree: unlinked before it goes, re-established after.
    std::vector<std::vector<uint32_t>> into(current_.nodes.size());
    for (uint32_t r = 0; r < current_.relationships.size(); ++r) {
      const RelationshipInstance& ri = current_.relationships[r];
      if (!inside[ri.source.value] && inside[ri.target.value]) into[ri.target.value].push_back(r);
    }
    Scheduler down(steps, waits);
    down.Run(
        subtree, true, [&](InstanceId i) { return steps.UninstallPhases(i, Action::kDelete); },
        [&](InstanceId i) {
          return steps.RelationshipOperations(into[i.value], kUnlink, Action::kChange);
        });
    Scheduler up(steps, waits);
    up.Run(
        subtree, false, [&](InstanceId i) { return steps.InstallPhases(i, Action::kCreate); },
        [&](InstanceId i) { return down.Exits(i); });
    for (InstanceId i : subtree) {
      steps.Link(up.Exits(i),
                 steps.RelationshipOperations(into[i.value], kEstablish, Action::kChange));
    }
    Plan& plan = steps.plan();
    plan.parameters = {{"instance", request.instance}};
    Record(plan, current_, subtree, Change::kReinstall, st_);
    Record(plan, current_, Changed(plan, current_), Change::kChange, st_);
    return steps.Finish();
  }

 private:
  // Every instance installed (targets first) or uninstalled (sources first).
  auto Whole(bool install) -> Plan {
    StepFactory steps(st_, current_);
    auto waits = WaitsFor(st_, current_);
    Scheduler scheduler(steps, waits);
    auto all = AllInstances(current_);
    scheduler.Run(all, /*reverse=*/!install, [&](InstanceId i) {
      return install ? steps.InstallPhases(i, Action::kCreate)
                     : steps.UninstallPhases(i, Action::kDelete);
    });
    Record(steps.plan(), current_, all, install ? Change::kInstall : Change::kUninstall, st_);
    return steps.Finish();
  }

  auto ScaleOut(const ScaleResult& scaled) -> Plan {
    const Instances& after = scaled.after;
    StepFactory steps(st_, after);
    steps.SetRebuilt(scaled.added);
    auto waits = WaitsFor(st_, after);
    Scheduler scheduler(steps, waits);
    scheduler.Run(scaled.added, false,
                  [&](InstanceId i) { return steps.InstallPhases(i, Action::kCreate); });
    std::vector<uint8_t> added(after.nodes.size(), 0);
    for (InstanceId i : scaled.added) added[i.value] = 1;
    // Existing instances learn about new targets: their establish operations, once the target runs.
    for (uint32_t r = 0; r < after.relationships.size(); ++r) {
      const RelationshipInstance& ri = after.relationships[r];
      if (added[ri.source.value] || !added[ri.target.value]) continue;
      steps.Link(scheduler.Exits(ri.target),
                 steps.RelationshipOperations({r}, kEstablish, Action::kChange));
    }
    Record(steps.plan(), after, scaled.added, Change::kInstall, st_);
    Record(steps.plan(), after, Changed(steps.plan(), after), Change::kChange, st_);
    return steps.Finish();
  }

  auto ScaleIn(const ScaleResult& scaled) -> Plan {
    StepFactory steps(st_, current_);
    auto waits = WaitsFor(st_, current_);
    std::vector<uint8_t> removed(current_.nodes.size(), 0);
    for (InstanceId i : scaled.removed) removed[i.value] = 1;
    steps.SetRebuilt(scaled.removed);
    // Remaining instances with relationships to removed ones unlink them first.
    std::vector<std::vector<uint32_t>> into(current_.nodes.size());
    for (uint32_t r = 0; r < current_.relationships.size(); ++r) {
      const RelationshipInstance& ri = current_.relationships[r];
      if (!removed[ri.source.value] && removed[ri.target.value]) into[ri.target.value].push_back(r);
    }
    Scheduler scheduler(steps, waits);
    scheduler.Run(
        scaled.removed, true,
        [&](InstanceId i) { return steps.UninstallPhases(i, Action::kDelete); },
        [&](InstanceId i) {
          return steps.RelationshipOperations(into[i.value], kUnlink, Action::kChange);
        });
    Record(steps.plan(), current_, scaled.removed, Change::kUninstall, st_);
    Record(steps.plan(), current_, Changed(steps.plan(), current_), Change::kChange, st_);
    return steps.Finish();
  }

  // Bounds hold per place (instances.h: counts are per host or group instance).
  auto CheckBounds(ScaleTarget target, int64_t delta) -> bool {
    auto [now, places] = CountPerPlace(st_, current_, target);
    bool is_group = !target.node.valid();
    const ir::InstanceCount& bounds = is_group ? st_.scaling_groups[target.group].instances
                                               : st_.nodes[target.node.value].instances;
    const std::string& name =
        is_group ? st_.scaling_groups[target.group].name : st_.nodes[target.node.value].name;
    diag::Loc loc =
        is_group ? st_.scaling_groups[target.group].loc : st_.nodes[target.node.value].loc;
    int64_t after = now + delta;
    std::string why;
    if (after < std::max<int64_t>(bounds.min, 0)) {
      why = bounds.min > 0 ? fmt::format("below its min_instances {}", bounds.min)
                           : std::string("and there cannot be fewer than 0");
    } else if (bounds.max >= 0 && after > bounds.max) {
      why = fmt::format("above its max_instances {}", bounds.max);
    }
    if (why.empty()) return true;
    ir::NodeId outer_host =
        is_group ? st_.scaling_groups[target.group].host : st_.HostOf(target.node);
    bool per_place = places > 1 || outer_host.valid();
    sink_.Report(diag::Kind::kScaleOutOfBounds, loc,
                 (is_group ? "groups." : "node_templates.") + name, name,
                 fmt::format("{:+}", delta), after, after == 1 ? "" : "s",
                 per_place ? " in each place it lives in" : "", why);
    sink_.AddNote(loc, fmt::format("it has {} now; it may have {} to {}", now,
                                   std::max<int64_t>(bounds.min, 0),
                                   bounds.max >= 0 ? std::to_string(bounds.max) : "any number"));
    return false;
  }

  void ReportUnknownTarget(const std::string& target) {
    sink_.Report(diag::Kind::kPlanUnknownTarget, diag::Loc{st_.root_file}, "", target);
    std::vector<std::string_view> names;
    for (const ir::NodeTemplate& n : st_.nodes) names.push_back(n.name);
    for (const ir::ScalingGroup& g : st_.scaling_groups) names.push_back(g.name);
    if (auto close = diag::ClosestName(target, names); !close.empty()) {
      ir::NodeId node = st_.FindNode(close);
      sink_.AddNote(node.valid() ? st_.nodes[node.value].loc : diag::Loc{st_.root_file},
                    fmt::format("did you mean `{}`?", close));
    }
  }

  auto FindInstance(const std::string& id) -> InstanceId {
    std::vector<std::string_view> ids;
    for (InstanceId i : AllInstances(current_)) {
      if (current_.nodes[i.value].id == id) return i;
      ids.push_back(current_.nodes[i.value].id);
    }
    sink_.Report(diag::Kind::kPlanUnknownInstance, diag::Loc{st_.root_file}, "", id);
    if (auto close = diag::ClosestName(id, ids); !close.empty()) {
      sink_.AddNote(diag::Loc{st_.root_file}, fmt::format("did you mean `{}`?", close));
    } else {
      sink_.AddNote(diag::Loc{st_.root_file},
                    "instance k of node n is n_k (docs/planner.md); `toscac plan` lists them");
    }
    return {};
  }

  // Instances that stay but run operations (`~`), other than those the plan already lists (a
  // relationship's target end may run on an instance that is being installed or removed).
  static auto Changed(const Plan& plan, const Instances& inst) -> std::vector<InstanceId> {
    std::set<std::string_view> names;
    for (const Step& s : plan.steps) {
      if (s.action == Action::kChange) names.insert(s.instance);
    }
    for (const PlannedInstance& listed : plan.instances) names.erase(listed.id);
    std::vector<InstanceId> ids;
    for (InstanceId i : AllInstances(inst)) {
      if (names.count(inst.nodes[i.value].id)) ids.push_back(i);
    }
    return ids;
  }

  const ir::ServiceTemplate& st_;
  const Instances& current_;
  diag::Sink& sink_;
};

}  // namespace

auto MakePlan(const ir::ServiceTemplate& st, const Instances& current,
              const WorkflowRequest& request, diag::Sink& sink) -> std::optional<Plan> {
  if (!CheckAcyclic(st, sink)) return std::nullopt;
  WorkflowRequest resolved = request;
  if (!request.policy.empty() && !FromPolicyTrigger(st, request, resolved, sink))
    return std::nullopt;
  WorkflowPlanner planner(st, current, sink);
  std::optional<Plan> plan;
  const std::string& wf = resolved.workflow;
  if (wf == "install") {
    plan = planner.Install();
  } else if (wf == "uninstall") {
    plan = planner.Uninstall();
  } else if (wf == "scale") {
    plan = planner.Scale(resolved);
    if (plan) {
      plan->parameters = {{"target", resolved.target},
                          {"delta", fmt::format("{:+}", resolved.delta)},
                          {"scale_compute", resolved.scale_compute ? "true" : "false"}};
    }
  } else if (wf == "heal") {
    plan = planner.Heal(resolved);
  } else {
    plan = PlanBlueprintWorkflow(st, current, resolved, sink);
  }
  if (!plan) return std::nullopt;
  plan->workflow = wf;
  plan->blueprint = st.files.empty() ? "" : st.files[0];
  return plan;
}

}  // namespace toscac::plan
