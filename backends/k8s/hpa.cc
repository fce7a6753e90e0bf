// Scaling policies into autoscaling/v2 HorizontalPodAutoscalers. The seed's scale_policy_type
// (a Riemann policy: moving average per pod over a window, mean across pods, a threshold, a
// limit, a direction and a cooldown) triggering kube_scale (`amount: '+1'`) maps as documented in
// docs/backends.md: the scale-up policy gives maxReplicas and the metric target, the scale-down
// policy minReplicas; each amount and cooldown becomes a behavior rate policy, each window a
// stabilization window.
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <regex>

#include "backends/common/json_value.h"
#include "backends/k8s/internal.h"
#include "planner/policies/policies.h"

namespace toscac::k8s {
namespace {

using Json = nlohmann::ordered_json;
using VK = ir::Value::Kind;

constexpr std::string_view kPolicyType = "scale_policy_type";

// One policy, read.
struct Rule {
  std::string policy;
  std::string metric;
  Json threshold;  // a Quantity: an integer, or a string such as "7500m"
  int64_t limit = 0;
  int64_t amount = 0;  // signed
  int64_t window = 0;
  int64_t cooldown = 0;
  diag::Loc loc;
};

auto Property(const ir::Policy& p, std::string_view name) -> const ir::Value* {
  for (const ir::Property& prop : p.properties) {
    if (prop.name == name) return &prop.value;
  }
  return nullptr;
}

auto Entry(const std::vector<std::pair<std::string, ir::Value>>& entries, std::string_view name)
    -> const ir::Value* {
  for (const auto& [key, value] : entries) {
    if (key == name) return &value;
  }
  return nullptr;
}

auto IntOf(const ir::Value* v, int64_t fallback) -> int64_t {
  return v != nullptr && v->kind == VK::kInt ? v->i : fallback;
}

class Mapper {
 public:
  Mapper(const ir::ServiceTemplate& st, std::vector<Located>& objects,
         const std::vector<bool>& incomplete, diag::Sink& sink)
      : st_(st), objects_(objects), incomplete_(incomplete), sink_(sink) {}

  auto Run() -> std::vector<Located> {
    for (const ir::Group& group : st_.groups) {
      for (const ir::Policy& policy : group.policies) {
        if (policy.type.valid() && st_.type(policy.type).name == kPolicyType) Read(group, policy);
      }
    }
    ir::TypeId scaling = st_.FindType(ir::TypeKind::kPolicy, "tosca.policies.Scaling");
    for (const ir::Policy& policy : st_.policies) {
      if (scaling.valid() && policy.type.valid() && st_.DerivesFrom(policy.type, scaling)) {
        ReadTosca(policy);
      }
    }
    std::vector<Located> out;
    for (auto& [index, rules] : by_workload_) {
      if (auto hpa = Autoscaler(index, rules.first, rules.second)) out.push_back(std::move(*hpa));
    }
    return out;
  }

 private:
  auto Fail(const ir::Policy& policy, std::string message) -> bool {
    sink_.Report(diag::Kind::kEmitPolicy, policy.loc, "", policy.name, std::move(message));
    return false;
  }

  void Read(const ir::Group& group, const ir::Policy& policy) {
    const ir::Trigger* trigger = nullptr;
    for (const ir::Trigger& t : policy.triggers) {
      const ir::Value* workflow = Entry(t.parameters, "workflow");
      if (workflow != nullptr && workflow->kind == VK::kString && workflow->s == "kube_scale") {
        trigger = &t;
      }
    }
    if (trigger == nullptr) return;  // it scales node instances, not replicas: no HPA form
    Rule rule;
    rule.policy = policy.name;
    rule.loc = policy.loc;
    const ir::Value* params = Entry(trigger->parameters, "workflow_parameters");
    const ir::Value* name = params != nullptr ? Entry(params->entries, "name") : nullptr;
    const ir::Value* amount = params != nullptr ? Entry(params->entries, "amount") : nullptr;
    if (name == nullptr || name->kind != VK::kString) {
      Fail(policy, "its kube_scale trigger names no workload (`workflow_parameters.name`)");
      return;
    }
    if (!ReadAmount(policy, amount, rule) || !ReadProperties(policy, rule)) return;
    std::optional<size_t> workload = FindWorkload(group, name->s);
    bool withheld = std::any_of(group.members.begin(), group.members.end(),
                                [&](ir::NodeId m) { return incomplete_[m.value]; });
    if (!workload && withheld) return;  // its error is reported already
    if (!workload) {
      Fail(policy, fmt::format("kube_scale scales `{}`, but no member of group `{}` deploys a "
                               "workload of that name",
                               name->s, group.name));
      return;
    }
    auto& [up, down] = by_workload_[*workload];
    std::optional<Rule>& slot = rule.amount > 0 ? up : down;
    if (slot) {
      Fail(policy, fmt::format("`{}` already scales `{}` {}; an autoscaler takes one rule per "
                               "direction",
                               slot->policy, name->s, rule.amount > 0 ? "up" : "down"));
      return;
    }
    slot = std::move(rule);
  }

  // tosca.policies.Scaling (or a type derived from it) on container applications. TOSCA names
  // no metric; a policy that has a `metric` property and a `target_value` (or `scale_out_above`)
  // becomes an autoscaler between min_instances and max_instances, `increment` pods at a time.
  void ReadTosca(const ir::Policy& policy) {
    std::vector<size_t> workloads;
    for (const std::string& target : policy.targets) {
      ir::NodeId node = st_.FindNode(target);
      if (!node.valid()) continue;
      for (size_t i = 0; i < objects_.size(); ++i) {
        if (objects_[i].object.node == node && IsScalable(objects_[i].object)) {
          workloads.push_back(i);
        }
      }
    }
    if (workloads.empty()) return;  // no container application among its targets
    const ir::Value* metric = Property(policy, "metric");
    if (metric == nullptr || metric->kind != VK::kString || metric->s.empty()) {
      sink_.Report(diag::Kind::kEmitPolicyIgnored, policy.loc, "", policy.name,
                   "it names no `metric`, so no autoscaler is emitted; the workload runs "
                   "default_instances replicas");
      return;
    }
    const ir::Value* target = Property(policy, "target_value");
    if (target == nullptr) target = Property(policy, "scale_out_above");
    Rule up;
    up.policy = policy.name;
    up.loc = policy.loc;
    up.metric = metric->s;
    up.amount = IntOf(Property(policy, "increment"), 1);
    if (!ReadThreshold(policy, target, up)) return;
    up.limit = IntOf(Property(policy, "max_instances"), 1);
    up.window = Seconds(Property(policy, "window"), 0);
    up.cooldown = Seconds(Property(policy, "cooldown"), 15);
    Rule down = up;
    down.amount = -up.amount;
    down.limit = IntOf(Property(policy, "min_instances"), 1);
    down.window = Seconds(Property(policy, "window"), 300);
    for (size_t index : workloads) {
      auto& [have_up, have_down] = by_workload_[index];
      if (have_up || have_down) {
        Fail(policy, fmt::format("`{}` already scales this workload; an autoscaler takes one "
                                 "policy",
                                 (have_up ? *have_up : *have_down).policy));
        continue;
      }
      have_up = up;
      have_down = down;
    }
  }

  static auto Seconds(const ir::Value* v, int64_t fallback) -> int64_t {
    auto seconds = v != nullptr ? ir::DurationSeconds(*v) : std::nullopt;
    return seconds ? static_cast<int64_t>(*seconds) : fallback;
  }

  auto ReadAmount(const ir::Policy& policy, const ir::Value* amount, Rule& rule) -> bool {
    std::string text = amount == nullptr ? "+1" : amount->s;
    if (amount != nullptr && amount->kind == VK::kInt) text = fmt::format("{:+}", amount->i);
    bool relative = !text.empty() && (text[0] == '+' || text[0] == '-');
    char* end = nullptr;
    rule.amount = std::strtoll(text.c_str(), &end, 10);
    if (!relative || *end != '\0' || rule.amount == 0) {
      return Fail(policy, fmt::format("amount `{}`: an autoscaler takes relative steps such as "
                                      "+1 or -1",
                                      text));
    }
    return true;
  }

  auto ReadProperties(const ir::Policy& policy, Rule& rule) -> bool {
    const ir::Value* selector = Property(policy, "service_selector");
    rule.metric = selector != nullptr && selector->kind == VK::kString
                      ? policies::PinnedMetric(selector->s)
                      : "";
    if (rule.metric.empty()) {
      return Fail(policy, fmt::format("service_selector `{}` matches metrics by pattern; an "
                                      "autoscaler needs one metric name (such as `.*name$`)",
                                      selector != nullptr ? selector->s : ""));
    }
    if (!ReadThreshold(policy, Property(policy, "scale_threshold"), rule)) return false;
    const ir::Value* direction = Property(policy, "scale_direction");
    std::string dir = direction != nullptr && direction->kind == VK::kString ? direction->s : "<";
    if ((dir == "<") != (rule.amount > 0)) {
      return Fail(policy, fmt::format("scale_direction `{}` scales {}, but its amount is {:+}", dir,
                                      dir == "<" ? "up" : "down", rule.amount));
    }
    rule.limit = IntOf(Property(policy, "scale_limit"), 10);
    rule.window = IntOf(Property(policy, "moving_window_size"), 10);
    rule.cooldown = IntOf(Property(policy, "cooldown_time"), 30);
    return true;
  }

  // A Quantity: an integer stays one, a fraction becomes milli-units (7.5 -> "7500m").
  auto ReadThreshold(const ir::Policy& policy, const ir::Value* threshold, Rule& rule) -> bool {
    if (threshold != nullptr && threshold->kind == VK::kInt) {
      rule.threshold = threshold->i;
    } else if (threshold != nullptr && threshold->kind == VK::kFloat) {
      auto milli = static_cast<int64_t>(threshold->f * 1000 + 0.5);
      rule.threshold = milli % 1000 == 0 ? Json(milli / 1000) : Json(fmt::format("{}m", milli));
    } else {
      return Fail(policy,
                  "its threshold (scale_threshold, target_value or scale_out_above) must "
                  "be a number");
    }
    return true;
  }

  static auto IsScalable(const Object& o) -> bool {
    static constexpr std::string_view kScalable[] = {"Deployment", "ReplicationController",
                                                     "ReplicaSet", "StatefulSet"};
    std::string kind = o.body["kind"].get<std::string>();
    return std::find(std::begin(kScalable), std::end(kScalable), kind) != std::end(kScalable);
  }

  auto FindWorkload(const ir::Group& group, const std::string& name) -> std::optional<size_t> {
    for (size_t i = 0; i < objects_.size(); ++i) {
      const Object& o = objects_[i].object;
      bool member =
          std::find(group.members.begin(), group.members.end(), o.node) != group.members.end();
      if (member && IsScalable(o) && o.body["metadata"]["name"] == name) return i;
    }
    return std::nullopt;
  }

  auto Autoscaler(size_t index, const std::optional<Rule>& up, const std::optional<Rule>& down)
      -> std::optional<Located> {
    Json& workload = objects_[index].object.body;
    const Rule& main = up ? *up : *down;
    if (up && down && up->metric != down->metric) {
      sink_.Report(diag::Kind::kEmitPolicy, down->loc, "", down->policy,
                   fmt::format("it reads metric `{}` but `{}` reads `{}`; an autoscaler "
                               "targets one metric here",
                               down->metric, up->policy, up->metric));
      return std::nullopt;
    }
    int64_t replicas = workload["spec"].value("replicas", int64_t{1});
    int64_t min = down ? down->limit : replicas;
    int64_t max = up ? up->limit : replicas;
    if (min < 1 || max < min) {
      sink_.Report(diag::Kind::kEmitPolicy, main.loc, "", main.policy,
                   fmt::format("the limits give {} to {} replicas; an autoscaler needs "
                               "1 <= minReplicas <= maxReplicas",
                               min, max));
      return std::nullopt;
    }
    std::string name = workload["metadata"]["name"].get<std::string>();
    std::string policies =
        up && down && up->policy != down->policy ? up->policy + ", " + down->policy : main.policy;
    Json hpa = {
        {"apiVersion", "autoscaling/v2"},
        {"kind", "HorizontalPodAutoscaler"},
        {"metadata", {{"name", name}, {"annotations", {{"toscac.io/policies", policies}}}}},
        {"spec",
         {{"scaleTargetRef",
           {{"apiVersion", workload["apiVersion"]}, {"kind", workload["kind"]}, {"name", name}}},
          {"minReplicas", min},
          {"maxReplicas", max},
          {"metrics",
           Json::array(
               {{{"type", "Pods"},
                 {"pods",
                  {{"metric", {{"name", main.metric}}},
                   {"target", {{"type", "AverageValue"}, {"averageValue", main.threshold}}}}}}})},
          {"behavior", {{"scaleUp", Behavior(up)}, {"scaleDown", Behavior(down)}}}}}};
    workload["spec"].erase("replicas");  // the autoscaler owns the count now
    return Located{Object{"", std::move(hpa), objects_[index].object.node}, main.loc};
  }

  // No rule in a direction: the policies never scale that way, so neither does the autoscaler.
  static auto Behavior(const std::optional<Rule>& rule) -> Json {
    if (!rule) return {{"selectPolicy", "Disabled"}};
    int64_t pods = rule->amount < 0 ? -rule->amount : rule->amount;
    return {
        {"stabilizationWindowSeconds", rule->window},
        {"policies",
         Json::array({{{"type", "Pods"}, {"value", pods}, {"periodSeconds", rule->cooldown}}})}};
  }

  const ir::ServiceTemplate& st_;
  std::vector<Located>& objects_;
  const std::vector<bool>& incomplete_;
  diag::Sink& sink_;
  std::map<size_t, std::pair<std::optional<Rule>, std::optional<Rule>>> by_workload_;
};

}  // namespace

auto Autoscalers(const ir::ServiceTemplate& st, std::vector<Located>& objects,
                 const std::vector<bool>& incomplete, diag::Sink& sink) -> std::vector<Located> {
  return Mapper(st, objects, incomplete, sink).Run();
}

}  // namespace toscac::k8s
