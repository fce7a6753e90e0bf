// planner/policies: what a blueprint's metric policies say, read once for every consumer: the
// autoscale engine (`toscac autoscale`, planner/policies/engine.h) and backends that hand the
// decision to the cloud's own autoscaling (Heat alarms).
//
// Policies read (docs/autoscale.md):
// - the seed's `scale_policy_type` (a Riemann policy: moving average per source over
//   `moving_window_size`, mean across sources, `scale_threshold`, `scale_limit`,
//   `scale_direction`, `cooldown_time`);
// - Cloudify's `cloudify.policies.types.threshold`, `ewma_stabilized` and `host_failure`;
// - `tosca.policies.Scaling` (or a type derived from it) with a `metric` property: the
//   Kubernetes HPA algorithm with `target_value` (else `scale_out_above`) as the target.
// Cloudify policies act through their `execute_workflow` trigger (scale, heal, kube_scale).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "diag/diagnostic.h"
#include "ir/service_template.h"

namespace toscac::policies {

enum class Kind : uint8_t {
  kMovingAverage,   // scale_policy_type
  kThreshold,       // cloudify.policies.types.threshold
  kEwma,            // cloudify.policies.types.ewma_stabilized
  kHostFailure,     // cloudify.policies.types.host_failure
  kTargetTracking,  // tosca.policies.Scaling with a metric
};

auto KindName(Kind kind) -> std::string_view;

/// Which side of the threshold makes a policy fire.
enum class Fire : uint8_t { kAbove, kBelow };

/// What a policy does when it fires: its trigger's workflow and what that changes.
struct Action {
  std::string trigger;   // the trigger's name; empty for TOSCA policies
  std::string workflow;  // scale, heal or kube_scale (any other: plannable only as given)
  std::string target;    // scale: node or scaling group; kube_scale: the microservice; heal: ""
  std::string amount;    // "+1", "-1" or an absolute count "3"; empty for heal
  // The trigger's workflow_parameters as the command line gives them (`-p name=value`).
  std::vector<std::pair<std::string, std::string>> parameters;
};

struct Rule {
  std::string policy;
  Kind kind = Kind::kMovingAverage;
  // Metrics the policy reads: a regular expression found anywhere in the metric name, as
  // Riemann's `(service #"...")` matches; `metric` is the one name it pins (`.*connections$`
  // gives `connections`), empty when it is a real pattern.
  std::string selector;
  std::string metric;
  double threshold = 0;
  Fire fire = Fire::kAbove;
  std::optional<int64_t> limit;  // moving average: fire only while the count is below/above it
  double window = 0;             // moving average, per source, in seconds
  double cooldown = 0;           // seconds after firing during which the policy does not fire
  double stability = 0;          // threshold, ewma: seconds the breach must last
  double ewma_r = 0.5;           // ewma: weight of the newest sample
  bool per_group = false;        // threshold, ewma: the mean across sources, not each source
  // Target tracking (the HPA): bounds, target per instance, rate and stabilisation.
  int64_t min = 1;
  int64_t max = 1;
  double target = 0;
  double tolerance = 0.1;
  // The band as written, when the policy gives one (`scale_out_above`, `scale_in_below`).
  std::optional<double> out_above;
  std::optional<double> in_below;
  int64_t step = 1;      // instances per `cooldown` period, each way
  double up_window = 0;  // stabilisation windows (seconds)
  double down_window = 300;
  Action action;
  diag::Loc loc;
};

/// A metric policy that cannot be evaluated, and why (callers choose the diagnostic).
struct Skipped {
  std::string policy;
  std::string why;
  diag::Loc loc;
};

struct Rules {
  std::vector<Rule> rules;
  std::vector<Skipped> skipped;
};

/// Reads every metric policy of a checked template, in declaration order.
auto ReadRules(const ir::ServiceTemplate& st) -> Rules;

/// `.*connections$` → `connections`; empty when the selector is a real pattern.
auto PinnedMetric(const std::string& selector) -> std::string;

/// `+N`, `-N` change `now`; `N` sets it. False for anything else.
auto ApplyAmount(std::string_view amount, int64_t now, int64_t& after) -> bool;

}  // namespace toscac::policies
