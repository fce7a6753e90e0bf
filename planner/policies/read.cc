// Metric policies of a checked template into Rules; see policies.h.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <regex>

#include "planner/policies/policies.h"

namespace toscac::policies {
namespace {

using VK = ir::Value::Kind;

constexpr std::string_view kExecuteWorkflow = "cloudify.policies.triggers.execute_workflow";

auto Number(const ir::Value* v) -> std::optional<double> {
  if (v == nullptr) return std::nullopt;
  if (v->kind == VK::kInt) return static_cast<double>(v->i);
  if (v->kind == VK::kFloat) return v->f;
  return std::nullopt;
}

// A count from a number, bounded so that no conversion overflows (a limit of 1e300 is "none").
auto CountOf(double v) -> int64_t {
  constexpr double kLimit = 1e15;
  return static_cast<int64_t>(std::clamp(v, -kLimit, kLimit));
}

auto Text(const ir::Value& v) -> std::string {
  if (v.kind == VK::kString) return v.s;
  if (v.kind == VK::kInt) return std::to_string(v.i);
  return ir::ValueToString(v);
}

class Reader {
 public:
  explicit Reader(const ir::ServiceTemplate& st) : st_(st) {}

  auto Run() -> Rules {
    for (const ir::Group& group : st_.groups) {
      for (const ir::Policy& policy : group.policies) Cloudify(policy);
    }
    ir::TypeId scaling = st_.FindType(ir::TypeKind::kPolicy, "tosca.policies.Scaling");
    for (const ir::Policy& policy : st_.policies) {
      if (scaling.valid() && policy.type.valid() && st_.DerivesFrom(policy.type, scaling)) {
        Tosca(policy);
      } else {
        Cloudify(policy);  // Cloudify 1.3 allows policies at the top level too
      }
    }
    return std::move(out_);
  }

 private:
  auto Is(const ir::Policy& p, std::string_view type) const -> bool {
    ir::TypeId t = st_.FindType(ir::TypeKind::kPolicy, type);
    return t.valid() && p.type.valid() && st_.DerivesFrom(p.type, t);
  }

  void Skip(const ir::Policy& p, std::string why) {
    out_.skipped.push_back({p.name, std::move(why), p.loc});
  }

  auto Prop(const ir::Policy& p, std::string_view name) const -> const ir::Value* {
    return ir::FindProperty(p.properties, name);
  }

  auto Seconds(const ir::Policy& p, std::string_view name, double fallback) const -> double {
    const ir::Value* v = Prop(p, name);
    auto s = v != nullptr ? ir::DurationSeconds(*v) : std::nullopt;
    return s ? *s : fallback;
  }

  void Cloudify(const ir::Policy& policy) {
    Rule rule;
    rule.policy = policy.name;
    rule.loc = policy.loc;
    if (Is(policy, "scale_policy_type")) {
      rule.kind = Kind::kMovingAverage;
      if (!MovingAverage(policy, rule)) return;
    } else if (Is(policy, "cloudify.policies.types.threshold") ||
               Is(policy, "cloudify.policies.types.ewma_stabilized")) {
      rule.kind = Is(policy, "cloudify.policies.types.threshold") ? Kind::kThreshold : Kind::kEwma;
      if (!Threshold(policy, rule)) return;
    } else if (Is(policy, "cloudify.policies.types.host_failure")) {
      rule.kind = Kind::kHostFailure;
      const ir::Value* service = Prop(policy, "service");
      std::vector<std::string> names;
      if (service != nullptr && service->kind == VK::kList) {
        for (const ir::Value& s : service->items) names.push_back(Text(s));
      } else if (service != nullptr) {
        names.push_back(Text(*service));
      }
      for (const std::string& n : names) {
        rule.selector += (rule.selector.empty() ? "(?:" : "|(?:") + n + ")";
      }
      rule.cooldown = Seconds(policy, "interval_between_workflows", 300);
      if (!CheckSelector(policy, rule)) return;
    } else {
      return;  // not a metric policy (cloudify.policies.scaling, TOSCA placement, ...)
    }
    if (!ReadTrigger(policy, rule)) return;
    rule.metric = PinnedMetric(rule.selector);
    out_.rules.push_back(std::move(rule));
  }

  auto MovingAverage(const ir::Policy& policy, Rule& rule) -> bool {
    const ir::Value* selector = Prop(policy, "service_selector");
    rule.selector = selector != nullptr && selector->kind == VK::kString ? selector->s : ".*";
    auto threshold = Number(Prop(policy, "scale_threshold"));
    if (!threshold) return Fail(policy, "`scale_threshold` must be a number");
    rule.threshold = *threshold;
    const ir::Value* direction = Prop(policy, "scale_direction");
    std::string dir = direction != nullptr && direction->kind == VK::kString ? direction->s : "<";
    if (dir != "<" && dir != ">") {
      return Fail(policy, fmt::format("`scale_direction` is `{}`; it takes `<` (scale up) or `>` "
                                      "(scale down)",
                                      dir));
    }
    // `<`: scale up while threshold < mean, i.e. the mean is above the threshold.
    rule.fire = dir == "<" ? Fire::kAbove : Fire::kBelow;
    auto limit = Number(Prop(policy, "scale_limit"));
    rule.limit = CountOf(limit ? *limit : 10);
    rule.window = Seconds(policy, "moving_window_size", 10);
    rule.cooldown = Seconds(policy, "cooldown_time", 30);
    if (rule.window <= 0) return Fail(policy, "`moving_window_size` must be positive");
    return CheckSelector(policy, rule);
  }

  auto Threshold(const ir::Policy& policy, Rule& rule) -> bool {
    const ir::Value* service = Prop(policy, "service");
    rule.selector = service != nullptr && service->kind == VK::kString ? service->s : "service";
    auto threshold = Number(Prop(policy, "threshold"));
    if (!threshold) return Fail(policy, "`threshold` must be a number");
    rule.threshold = *threshold;
    const ir::Value* upper = Prop(policy, "upper_bound");
    rule.fire =
        upper == nullptr || upper->kind != VK::kBool || upper->b ? Fire::kAbove : Fire::kBelow;
    rule.stability = Seconds(policy, "stability_time", 0);
    rule.cooldown = Seconds(policy, "interval_between_workflows", 300);
    if (rule.cooldown < 0) rule.cooldown = 0;  // negative: runs may overlap, no pause
    const ir::Value* group = Prop(policy, "policy_operates_on_group");
    rule.per_group = group != nullptr && group->kind == VK::kBool && group->b;
    if (rule.kind == Kind::kEwma) {
      auto r = Number(Prop(policy, "ewma_timeless_r"));
      rule.ewma_r = r ? *r : 0.5;
      if (rule.ewma_r <= 0 || rule.ewma_r > 1) {
        return Fail(policy, "`ewma_timeless_r` must be in (0, 1]");
      }
    }
    return CheckSelector(policy, rule);
  }

  auto CheckSelector(const ir::Policy& policy, const Rule& rule) -> bool {
    try {
      std::regex check(rule.selector);
    } catch (const std::regex_error&) {
      return Fail(policy, fmt::format("`{}` is not a regular expression", rule.selector));
    }
    return true;
  }

  // The execute_workflow trigger: its workflow and what it changes.
  auto ReadTrigger(const ir::Policy& policy, Rule& rule) -> bool {
    // The planner plans the first execute_workflow trigger (FromPolicyTrigger): so does this.
    const ir::Trigger* trigger = nullptr;
    int triggers = 0;
    for (const ir::Trigger& t : policy.triggers) {
      if (t.type != kExecuteWorkflow || ir::FindEntry(t.parameters, "workflow") == nullptr) {
        continue;
      }
      if (trigger == nullptr) trigger = &t;
      ++triggers;
    }
    if (trigger == nullptr) return Fail(policy, "it has no execute_workflow trigger to run");
    if (triggers > 1) {
      return Fail(policy, fmt::format("it has {} execute_workflow triggers; a decision plans "
                                      "one workflow",
                                      triggers));
    }
    Action& a = rule.action;
    a.trigger = trigger->name;
    a.workflow = Text(*ir::FindEntry(trigger->parameters, "workflow"));
    const ir::Value* params = ir::FindEntry(trigger->parameters, "workflow_parameters");
    if (params != nullptr && params->kind == VK::kMap) {
      for (const auto& [name, value] : params->entries) {
        a.parameters.emplace_back(name, Text(value));
      }
    }
    auto param = [&](std::string_view name) -> std::string {
      for (const auto& [k, v] : a.parameters) {
        if (k == name) return v;
      }
      return "";
    };
    if (a.workflow == "kube_scale") {
      a.target = param("name");
      a.amount = param("amount").empty() ? "+1" : param("amount");
    } else if (a.workflow == "scale") {
      a.target = param("scalable_entity_name");
      if (a.target.empty()) a.target = param("node_id");
      std::string delta = param("delta").empty() ? "1" : param("delta");
      a.amount = delta[0] == '+' || delta[0] == '-' ? delta : "+" + delta;
    }
    int64_t ignored = 0;
    if (!a.amount.empty() && !ApplyAmount(a.amount, 0, ignored)) {
      return Fail(policy, fmt::format("its trigger's amount `{}` is not a count (3) or a change "
                                      "(+1, -1)",
                                      a.amount));
    }
    if ((a.workflow == "scale" || a.workflow == "kube_scale") && a.target.empty()) {
      return Fail(policy, fmt::format("its {} trigger names nothing to scale", a.workflow));
    }
    return true;
  }

  // tosca.policies.Scaling with a metric: the HPA's algorithm, as `emit k8s` maps it.
  void Tosca(const ir::Policy& policy) {
    const ir::Value* metric = Prop(policy, "metric");
    if (metric == nullptr || metric->kind != VK::kString || metric->s.empty()) return;
    Rule rule;
    rule.policy = policy.name;
    rule.loc = policy.loc;
    rule.kind = Kind::kTargetTracking;
    rule.metric = metric->s;
    // The metric by name, or as the last dotted part of one (`nodecellar_2.connections`):
    // collectors prefix their names with where they run.
    rule.selector = R"((^|\.))" +
                    std::regex_replace(metric->s, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                    "$";
    auto target = Number(Prop(policy, "target_value"));
    if (!target) target = Number(Prop(policy, "scale_out_above"));
    if (!target || *target <= 0) {
      Fail(policy, "it needs a positive `target_value` (or `scale_out_above`) for its metric");
      return;
    }
    rule.target = rule.threshold = *target;
    rule.out_above = Number(Prop(policy, "scale_out_above"));
    rule.in_below = Number(Prop(policy, "scale_in_below"));
    auto number = [&](std::string_view name, int64_t fallback) {
      auto n = Number(Prop(policy, name));
      return n ? CountOf(*n) : fallback;
    };
    rule.min = number("min_instances", 1);
    rule.max = number("max_instances", rule.min);
    rule.step = number("increment", 1);
    rule.cooldown = Seconds(policy, "cooldown", 15);
    rule.up_window = Seconds(policy, "window", 0);
    rule.down_window = Seconds(policy, "window", 300);
    if (rule.min < 1 || rule.max < rule.min || rule.step < 1) {
      Fail(policy, fmt::format("it allows {} to {} instances, {} at a time; that needs "
                               "1 <= min_instances <= max_instances and increment >= 1",
                               rule.min, rule.max, rule.step));
      return;
    }
    if (policy.targets.size() != 1) {
      Fail(policy, "target tracking needs exactly one target");
      return;
    }
    rule.action.workflow = "scale";
    rule.action.target = policy.targets.front();
    // A Scaling policy makes its targets a scaling group (ir::ScalingGroup): that is what scales.
    for (const ir::ScalingGroup& g : st_.scaling_groups) {
      if (g.policy == policy.name) rule.action.target = g.name;
    }
    out_.rules.push_back(std::move(rule));
  }

  auto Fail(const ir::Policy& policy, std::string why) -> bool {
    Skip(policy, std::move(why));
    return false;
  }

  const ir::ServiceTemplate& st_;
  Rules out_;
};

}  // namespace

auto KindName(Kind kind) -> std::string_view {
  switch (kind) {
    case Kind::kMovingAverage:
      return "moving average";
    case Kind::kThreshold:
      return "threshold";
    case Kind::kEwma:
      return "ewma";
    case Kind::kHostFailure:
      return "host failure";
    case Kind::kTargetTracking:
      return "target tracking";
  }
  return "";
}

auto ReadRules(const ir::ServiceTemplate& st) -> Rules { return Reader(st).Run(); }

auto PinnedMetric(const std::string& selector) -> std::string {
  std::string s = selector;
  if (s.rfind('^', 0) == 0) s.erase(0, 1);
  if (s.rfind(".*", 0) == 0) s.erase(0, 2);
  if (!s.empty() && s.back() == '$') s.pop_back();
  static const std::regex kName("[A-Za-z0-9_.:/-]+");
  return std::regex_match(s, kName) ? s : "";
}

auto ApplyAmount(std::string_view amount, int64_t now, int64_t& after) -> bool {
  bool relative = !amount.empty() && (amount[0] == '+' || amount[0] == '-');
  std::string_view digits = relative ? amount.substr(1) : amount;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) return false;  // `+-1`
  int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return false;
  after = !relative ? n : amount[0] == '+' ? now + n : now - n;
  return true;
}

}  // namespace toscac::policies
