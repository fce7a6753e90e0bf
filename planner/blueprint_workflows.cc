// Blueprint-defined workflows and policy triggers; see blueprint_workflows.h.
#include "planner/blueprint_workflows.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "planner/policies/policies.h"

namespace toscac::plan {
namespace {

// A workflow parameter as the command line would give it.
auto ParameterText(const ir::Value& v) -> std::string {
  return v.kind == ir::Value::Kind::kString ? v.s : ir::ValueToString(v);
}

auto FindPolicy(const ir::ServiceTemplate& st, std::string_view name) -> const ir::Policy* {
  for (const ir::Group& g : st.groups) {
    for (const ir::Policy& p : g.policies) {
      if (p.name == name) return &p;
    }
  }
  for (const ir::Policy& p : st.policies) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

auto Given(const WorkflowRequest& request, std::string_view name) -> const std::string* {
  for (const auto& [k, v] : request.parameters) {
    if (k == name) return &v;
  }
  return nullptr;
}

}  // namespace

// The replicas a microservice runs now: its descriptor's spec.replicas after the overrides, else
// its `replicas` property (what `kubectl run` was given).
auto MicroserviceReplicas(const ir::NodeTemplate& node, std::string& workload) -> int64_t {
  for (const ir::ConfigFile& c : node.config_files) {
    if (c.replicas >= 0) {
      workload = c.kind + "/" + c.name;
      return c.replicas;
    }
  }
  for (const ir::Property& p : node.properties) {
    if (p.name == "replicas" && p.value.kind == ir::Value::Kind::kInt) {
      workload = "Deployment/" + node.name;
      return p.value.i;
    }
  }
  workload = "Deployment/" + node.name;
  return 1;
}

namespace {

class KubeScale {
 public:
  KubeScale(const ir::ServiceTemplate& st, const Instances& current, const ir::Workflow& wf,
            const WorkflowRequest& request, diag::Sink& sink)
      : st_(st), current_(current), wf_(wf), request_(request), sink_(sink) {}

  auto Run() -> std::optional<Plan> {
    if (!ResolveParameters()) return std::nullopt;
    ir::NodeId node = st_.FindNode(Param("name"));
    ir::TypeId microservice = st_.FindType(ir::TypeKind::kNode, "cloudify.kubernetes.Microservice");
    if (!node.valid() || !microservice.valid() ||
        !st_.DerivesFrom(st_.nodes[node.value].type, microservice)) {
      return Fail(
          fmt::format("`name` is `{}`, which is not a cloudify.kubernetes.Microservice "
                      "node template",
                      Param("name")));
    }
    if (!st_.FindNode(Param("master")).valid()) {
      return Fail(fmt::format("`master` is `{}`, which is not a node template", Param("master")));
    }
    const ir::NodeTemplate& tpl = st_.nodes[node.value];
    std::string workload;
    int64_t now = MicroserviceReplicas(tpl, workload), after = 0;
    if (request_.replicas >= 0) now = request_.replicas;
    if (!policies::ApplyAmount(Param("amount"), now, after)) {
      return Fail(fmt::format("`amount` is `{}`; it takes a count (3) or a change (+1, -1)",
                              Param("amount")));
    }
    if (after < 0) {
      return Fail(fmt::format("`amount` {} leaves {} replicas of {} (it runs {})", Param("amount"),
                              after, workload, now));
    }
    Plan plan;
    for (auto& [name, value] : values_) plan.parameters.emplace_back(name, value);
    if (after == now) return plan;  // nothing to change
    for (InstanceId i : current_.of_node[node.value]) {
      Step step;
      step.instance = current_.nodes[i.value].id;
      step.node = tpl.name;
      step.node_type = st_.types[tpl.type.value].name;
      step.interface = "workflows";
      step.operation = wf_.name;
      step.implementation = wf_.mapping;
      step.action = Action::kChange;
      step.inputs.push_back({"workload", "\"" + workload + "\"", "", false});
      step.inputs.push_back({"replicas", std::to_string(after), "", false});
      step.inputs.push_back({"replicas_before", std::to_string(now), "", false});
      step.inputs.push_back({"master", "\"" + Param("master") + "\"", "", false});
      plan.steps.push_back(std::move(step));
      plan.instances.push_back({current_.nodes[i.value].id, tpl.name, "", Change::kChange});
    }
    ComputeWaves(plan);
    return plan;
  }

 private:
  auto ResolveParameters() -> bool {
    bool ok = true;
    for (const auto& given : request_.parameters) {
      const std::string& name = given.first;  // a lambda cannot capture a structured binding
      auto declared = std::find_if(wf_.parameters.begin(), wf_.parameters.end(),
                                   [&](const ir::PropertyDef& p) { return p.name == name; });
      if (declared == wf_.parameters.end()) {
        std::string names;
        for (const ir::PropertyDef& p : wf_.parameters)
          names += (names.empty() ? "" : ", ") + p.name;
        Fail(fmt::format("it has no parameter `{}` (its parameters: {})", name, names));
        ok = false;
      }
    }
    for (const ir::PropertyDef& p : wf_.parameters) {
      if (const std::string* v = Given(request_, p.name)) {
        values_.emplace_back(p.name, *v);
      } else if (p.has_default) {
        values_.emplace_back(p.name, ParameterText(p.default_value));
      } else {
        Fail(fmt::format("parameter `{}` is required (-p {}=VALUE)", p.name, p.name));
        ok = false;
      }
    }
    return ok;
  }

  auto Param(std::string_view name) const -> std::string {
    for (const auto& [k, v] : values_) {
      if (k == name) return v;
    }
    return "";
  }

  auto Fail(std::string why) -> std::optional<Plan> {
    sink_.Report(diag::Kind::kWorkflowParameter, wf_.loc, "workflows." + wf_.name, wf_.name, why);
    return std::nullopt;
  }

  const ir::ServiceTemplate& st_;
  const Instances& current_;
  const ir::Workflow& wf_;
  const WorkflowRequest& request_;
  diag::Sink& sink_;
  std::vector<std::pair<std::string, std::string>> values_;
};

auto Param(const WorkflowRequest& r, std::string_view name) -> std::string {
  const std::string* v = Given(r, name);
  return v ? *v : "";
}

// Cloudify's own heal and scale workflows take their subject as parameters
// (`node_instance_id`; `scalable_entity_name` or the older `node_id`, `delta`, `scale_compute`).
auto MapBuiltinParameters(const ir::Policy& policy, WorkflowRequest& out, diag::Sink& sink)
    -> bool {
  auto fail = [&](std::string why) {
    sink.Report(diag::Kind::kPolicyTrigger, policy.loc, "", policy.name, why);
    return false;
  };
  if (out.workflow == "heal") {
    out.instance = Param(out, "node_instance_id");
    if (out.instance.empty()) return fail("its heal trigger gives no `node_instance_id`");
  } else if (out.workflow == "scale") {
    out.target = Param(out, "scalable_entity_name");
    if (out.target.empty()) out.target = Param(out, "node_id");
    if (out.target.empty())
      return fail("its scale trigger gives no `scalable_entity_name` (or `node_id`)");
    std::string delta = Param(out, "delta");
    int64_t n = 0;
    if (delta.empty() ||
        !policies::ApplyAmount(delta[0] == '-' || delta[0] == '+' ? delta : "+" + delta, 0, n))
      return fail(
          fmt::format("its scale trigger's `delta` must be a count such as 1 or -1, not "
                      "`{}`",
                      delta));
    out.delta = n;
    out.scale_compute = Param(out, "scale_compute") == "true";
  } else {
    return true;
  }
  out.parameters.clear();
  return true;
}

}  // namespace

auto FromPolicyTrigger(const ir::ServiceTemplate& st, const WorkflowRequest& request,
                       WorkflowRequest& out, diag::Sink& sink) -> bool {
  const ir::Policy* policy = FindPolicy(st, request.policy);
  if (policy == nullptr) {
    sink.Report(diag::Kind::kPolicyTrigger, diag::Loc{st.root_file}, "", request.policy,
                "the blueprint has no such policy");
    std::vector<std::string_view> names;
    for (const ir::Group& g : st.groups) {
      for (const ir::Policy& p : g.policies) names.push_back(p.name);
    }
    for (const ir::Policy& p : st.policies) names.push_back(p.name);
    if (auto close = diag::ClosestName(request.policy, names); !close.empty()) {
      sink.AddNote(FindPolicy(st, close)->loc, fmt::format("did you mean `{}`?", close));
    }
    return false;
  }
  for (const ir::Trigger& t : policy->triggers) {
    if (t.type != "cloudify.policies.triggers.execute_workflow") continue;
    out.parameters.clear();
    for (const auto& [key, value] : t.parameters) {
      if (key == "workflow") out.workflow = ParameterText(value);
      if (key != "workflow_parameters" || value.kind != ir::Value::Kind::kMap) continue;
      for (const auto& [name, v] : value.entries) {
        if (Given(request, name) == nullptr) out.parameters.emplace_back(name, ParameterText(v));
      }
    }
    for (const auto& given : request.parameters) out.parameters.push_back(given);
    return MapBuiltinParameters(*policy, out, sink);
  }
  sink.Report(diag::Kind::kPolicyTrigger, policy->loc, "", request.policy,
              "it has no cloudify.policies.triggers.execute_workflow trigger");
  return false;
}

auto PlanBlueprintWorkflow(const ir::ServiceTemplate& st, const Instances& current,
                           const WorkflowRequest& request, diag::Sink& sink)
    -> std::optional<Plan> {
  const ir::Workflow* wf = nullptr;
  std::vector<std::string_view> names = {"install", "uninstall", "scale", "heal"};
  for (const ir::Workflow& w : st.workflows) {
    if (w.name == request.workflow) wf = &w;
    names.push_back(w.name);
  }
  if (wf == nullptr) {
    std::string defined;
    for (std::string_view n : names) {
      if (n != "install" && n != "uninstall" && n != "scale" && n != "heal")
        defined += fmt::format("{}`{}`", defined.empty() ? "" : ", ", n);
    }
    sink.Report(diag::Kind::kPlanUnknownWorkflow, diag::Loc{st.root_file}, "", request.workflow,
                defined.empty() ? "" : "; the blueprint defines " + defined);
    if (auto close = diag::ClosestName(request.workflow, names); !close.empty())
      sink.AddNote(diag::Loc{st.root_file}, fmt::format("did you mean `{}`?", close));
    return std::nullopt;
  }
  std::string_view mapping = wf->mapping;
  constexpr std::string_view kKubeScale = ".kube_scale";
  if (mapping.size() < kKubeScale.size() ||
      mapping.substr(mapping.size() - kKubeScale.size()) != kKubeScale) {
    sink.Report(diag::Kind::kWorkflowNotPlannable, wf->loc, "workflows." + wf->name, wf->name,
                wf->mapping.empty() ? std::string("a TOSCA imperative workflow")
                                    : fmt::format("plugin code (`{}`)", wf->mapping));
    sink.AddNote(wf->loc,
                 "toscac plans install, uninstall, scale, heal and the Kubernetes plugin's "
                 "kube_scale");
    return std::nullopt;
  }
  return KubeScale(st, current, *wf, request, sink).Run();
}

}  // namespace toscac::plan
