// planner/policies/engine: metric samples replayed in event time through a template's metric
// policies (policies.h) into decisions, each with the plan the planner makes for it.
//
// Deterministic: time is the samples' `ts`, never the clock; the same trace gives the same
// decisions. Memory is bounded by the policies' windows, the lateness bound and the number of
// sources, not by the trace's length. Semantics per policy kind: docs/autoscale.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "diag/diagnostic.h"
#include "ir/service_template.h"
#include "planner/plan.h"
#include "planner/policies/policies.h"

namespace toscac::policies {

struct Sample {
  double ts = 0;       // event time, seconds
  std::string source;  // the instance that reported it
  std::string name;    // the metric
  double value = 0;
  double ttl = -1;  // seconds the source counts as alive after it; < 0: the engine's default
  diag::Loc loc;    // its line in the trace
};

/// One number that made a decision, for the reader (`mean connections` = 12.5).
struct Reason {
  std::string what;
  std::string value;
};

struct Decision {
  double ts = 0;
  std::string policy;
  Kind kind = Kind::kMovingAverage;
  std::string workflow;  // scale, kube_scale, heal
  std::string target;    // the node, scaling group or microservice; heal: the instance
  int64_t from = 0;      // its count before and after (heal: both the count it has)
  int64_t to = 0;
  std::vector<Reason> reasons;
  std::optional<plan::Plan> plan;  // nullopt when the planner refused (its diagnostics say why)
};

/// One count of `--state`: where it was written, for messages.
struct StateCount {
  std::string name;  // node, scaling group or microservice
  int64_t count = 0;
  diag::Loc loc;
};

struct EngineOptions {
  double lateness = 0;      // seconds a sample may arrive behind the newest one and still count
  double default_ttl = 60;  // host_failure: seconds of silence before a source counts as failed
  double hpa_period = 15;   // target tracking: seconds between evaluations (the HPA's sync period)
  // Instance counts now (`--state`), in place of the blueprint's.
  std::vector<StateCount> counts;
};

/// Counters for the summary line and the benchmark.
struct ReplayStats {
  uint64_t samples = 0;  // fed
  uint64_t matched = 0;  // read by at least one policy
  uint64_t late = 0;     // beyond the lateness bound, left out
  size_t sources = 0;
  double first_ts = 0;
  double last_ts = 0;
};

class Engine {
 public:
  /// Rules from ReadRules(st); problems (a --state name that is nothing, a policy whose target
  /// does not exist) go to `sink` at once.
  Engine(const ir::ServiceTemplate& st, std::vector<Rule> rules, EngineOptions options,
         diag::Sink& sink);
  ~Engine();
  Engine(const Engine&) = delete;
  auto operator=(const Engine&) -> Engine& = delete;

  /// Feeds one sample (in trace order); decisions it causes are appended to `out`. A sample
  /// older than the newest by more than the lateness bound is reported (warning) and left out;
  /// within the bound it waits, so samples reach the policies in event-time order.
  void Feed(const Sample& sample, std::vector<Decision>& out);
  /// Flushes samples held back for lateness. Call once, after the last sample.
  void Finish(std::vector<Decision>& out);

  auto stats() const -> const ReplayStats&;
  /// The rules being evaluated (those ReadRules gave, less any left out with a warning).
  auto rule_count() const -> size_t;
  /// The counts as the replay leaves them (what a later `--state` would give).
  auto counts() const -> std::map<std::string, int64_t>;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace toscac::policies
