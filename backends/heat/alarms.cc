// Metric policies of a scaled server into Aodh alarms that signal its ScalingPolicies (the
// cloud then does what `toscac autoscale` replays): one
// OS::Aodh::GnocchiAggregationByResourcesAlarm per threshold, comparing the mean of the metric
// across the group's servers, which carry `metering.server_group` metadata so the alarm's query
// finds them. Mapping and what does not carry over: docs/backends.md.
#include <fmt/format.h>

#include <cmath>

#include "backends/heat/internal.h"
#include "planner/policies/policies.h"

namespace toscac::heat {
namespace {

constexpr int64_t kDefaultGranularity = 60;  // seconds; Gnocchi's medium archive policy has it

// 50 × 1.1 is 55.00000000000001 in binary; a threshold reads better as 55.
auto Rounded(double value) -> double { return std::round(value * 1e6) / 1e6; }

auto WholeSeconds(double seconds) -> int64_t {
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(seconds)));
}

// A threshold for Aodh: integers stay integers, so the template reads as written.
auto ThresholdJson(double value) -> Json {
  if (value == std::floor(value) && std::abs(value) < 1e15) return static_cast<int64_t>(value);
  return value;
}

struct Alarm {
  std::string name;
  std::string comparison;  // gt, lt
  double threshold = 0;
  int64_t granularity = kDefaultGranularity;
  int64_t evaluations = 1;
  std::string amount;  // what the signalled policy does: +N, -N, N
  double cooldown = 0;
  std::string description;
};

// The alarms one rule gives; empty, with `why` set, when it has no Aodh form.
auto AlarmsOf(const policies::Rule& rule, std::string& why) -> std::vector<Alarm> {
  std::string metric = rule.metric;
  if (metric.empty()) {
    why = fmt::format(
        "its selector `{}` matches metrics by pattern; an alarm watches one "
        "metric name",
        rule.selector);
    return {};
  }
  auto sign = [](double v) { return v > 0 ? "above" : "below"; };
  switch (rule.kind) {
    case policies::Kind::kMovingAverage:
    case policies::Kind::kThreshold: {
      Alarm a;
      a.name = rule.policy + "_alarm";
      a.comparison = rule.fire == policies::Fire::kAbove ? "gt" : "lt";
      a.threshold = rule.threshold;
      if (rule.kind == policies::Kind::kMovingAverage) {
        a.granularity = WholeSeconds(rule.window);
      } else {
        // The breach must last stability_time: that many whole periods in a row.
        a.evaluations = std::max<int64_t>(
            1, static_cast<int64_t>(std::ceil(rule.stability / kDefaultGranularity)));
      }
      a.amount = rule.action.amount;
      a.cooldown = rule.cooldown;
      a.description =
          fmt::format("{}: mean {} {} {} -> scale {}", rule.policy, metric,
                      sign(rule.fire == policies::Fire::kAbove ? 1 : -1), rule.threshold, a.amount);
      return {a};
    }
    case policies::Kind::kTargetTracking: {
      // Heat has no target tracking: a band around the target (or the band the policy
      // writes), one alarm per edge, `increment` instances per signal.
      Alarm high, low;
      high.name = rule.policy + "_high_alarm";
      high.comparison = "gt";
      high.threshold = rule.out_above.value_or(Rounded(rule.target * (1 + rule.tolerance)));
      high.amount = fmt::format("+{}", rule.step);
      low.name = rule.policy + "_low_alarm";
      low.comparison = "lt";
      low.threshold = rule.in_below.value_or(Rounded(rule.target * (1 - rule.tolerance)));
      low.amount = fmt::format("-{}", rule.step);
      for (Alarm* a : {&high, &low}) {
        a->granularity = rule.up_window > 0 ? WholeSeconds(rule.up_window) : kDefaultGranularity;
        a->cooldown = rule.cooldown;
        a->description =
            fmt::format("{}: mean {} {} {} -> scale {}", rule.policy, metric,
                        a->comparison == "gt" ? "above" : "below", a->threshold, a->amount);
      }
      return {high, low};
    }
    case policies::Kind::kEwma:
      why = "Aodh has no exponentially weighted average; no alarm is emitted";
      return {};
    case policies::Kind::kHostFailure:
      why = "Heat does not heal servers from a metric; no alarm is emitted";
      return {};
  }
  return {};
}

}  // namespace

// The ScalingPolicy an alarm signals: the group's own for its direction when it does the same,
// else one made for the alarm's policy.
auto Emitter::AlarmAction(const std::string& server, const std::string& policy,
                          const std::string& amount, double cooldown) -> std::string {
  bool relative = !amount.empty() && (amount[0] == '+' || amount[0] == '-');
  int64_t n = 0;
  policies::ApplyAmount(amount, 0, n);
  std::string shared = fmt::format("{}_scale_{}", server, n > 0 ? "out" : "in");
  if (relative && resources_.contains(shared)) {
    const Json& props = resources_[shared]["properties"];
    int64_t shared_cooldown = props.contains("cooldown") ? props["cooldown"].get<int64_t>() : 0;
    if (props["scaling_adjustment"] == n && shared_cooldown == static_cast<int64_t>(cooldown)) {
      return shared;
    }
  }
  std::string own = policy + "_scaling";
  Json props = {{"adjustment_type", relative ? "change_in_capacity" : "exact_capacity"},
                {"auto_scaling_group_id", {{"get_resource", server + "_group"}}},
                {"scaling_adjustment", n}};
  if (cooldown > 0) props["cooldown"] = static_cast<int64_t>(cooldown);
  resources_[own] = {{"type", "OS::Heat::ScalingPolicy"}, {"properties", props}};
  return own;
}

void Emitter::Alarms(ir::NodeId server, const std::string& group_name) {
  const ir::NodeTemplate& n = st_.node(server);
  std::string scaling_group =
      n.scaling_group != ir::kNoGroup ? st_.scaling_groups[n.scaling_group].name : std::string();
  int64_t max = -1;
  if (resources_.contains(group_name)) {
    max = resources_[group_name]["properties"]["max_size"].get<int64_t>();
  }
  bool any = false;
  for (const policies::Rule& rule : policies::ReadRules(st_).rules) {
    const std::string& target = rule.action.target;
    if (rule.action.workflow != "scale" || (target != n.name && target != scaling_group)) {
      continue;
    }
    std::string why;
    std::vector<Alarm> alarms = AlarmsOf(rule, why);
    if (alarms.empty()) {
      sink_.Report(diag::Kind::kEmitPolicyIgnored, rule.loc, "", rule.policy, why);
      continue;
    }
    if (rule.limit && rule.fire == policies::Fire::kAbove && *rule.limit != max) {
      sink_.Report(diag::Kind::kEmitPolicyIgnored, rule.loc, "", rule.policy,
                   fmt::format("its scale_limit {} is not the group's max_size {}: Heat "
                               "bounds the group, not the alarm",
                               *rule.limit, max));
    }
    for (const Alarm& a : alarms) {
      std::string action = AlarmAction(n.name, rule.policy, a.amount, a.cooldown);
      Json url = {{"str_replace",
                   {{"template", "trust+url"},
                    {"params", {{"url", {{"get_attr", {action, "signal_url"}}}}}}}}};
      Json query = {{"str_replace",
                     {{"template", R"({"=": {"server_group": "stack_id"}})"},
                      {"params", {{"stack_id", {{"get_param", "OS::stack_id"}}}}}}}};
      resources_[a.name] = {{"type", "OS::Aodh::GnocchiAggregationByResourcesAlarm"},
                            {"properties",
                             {{"description", a.description},
                              {"metric", rule.metric},
                              {"aggregation_method", "mean"},
                              {"granularity", a.granularity},
                              {"evaluation_periods", a.evaluations},
                              {"threshold", ThresholdJson(a.threshold)},
                              {"comparison_operator", a.comparison},
                              {"resource_type", "instance"},
                              {"query", query},
                              {"alarm_actions", Json::array({url})}}}};
      any = true;
    }
  }
  if (!any) return;
  // The alarms' query finds the group's servers by the metadata the servers carry.
  Json& group_props = resources_[group_name]["properties"]["resource"];
  group_props["properties"]["metering_group"] = {{"get_param", "OS::stack_id"}};
  for (Nested& unit : nested_) {
    if (unit.name != n.name + "_unit.yaml") continue;
    if (!unit.hot.contains("parameters")) {  // keep HOT's section order
      Json resources = unit.hot["resources"];
      unit.hot.erase("resources");
      unit.hot["parameters"] = Json::object();
      unit.hot["resources"] = resources;
    }
    unit.hot["parameters"]["metering_group"] = {
        {"type", "string"}, {"description", "the scaling group's stack, for the alarms' query"}};
    Json& props = unit.hot["resources"][n.name]["properties"];
    props["metadata"]["metering.server_group"] = {{"get_param", "metering_group"}};
  }
}

}  // namespace toscac::heat
