// The autoscale engine's evaluators, one per rule kind; internal to planner/policies. Each keeps
// one policy's state (windows, breach timers, deadlines, recommendations) and tells the engine
// when the policy fires through Context::Decide.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "planner/policies/engine.h"
#include "planner/policies/policies.h"

namespace toscac::policies {

constexpr double kNever = -std::numeric_limits<double>::infinity();
constexpr double kForever = std::numeric_limits<double>::infinity();

/// A number for the reader: integers without a fraction, others with 6 significant digits.
auto Num(double v) -> std::string;
/// `a` and `b` with as many digits as it takes for them to read differently when they differ
/// (a mean of 10.00004 against a threshold of 10 must not print as 10 > 10).
auto NumPair(double a, double b) -> std::pair<std::string, std::string>;

/// A running sum that keeps what plain addition loses (Neumaier): a sample of 1e20 entering and
/// leaving a window of 5s leaves exactly the 5s, where a plain double would keep 0.
class CompensatedSum {
 public:
  void Add(double v);
  void Reset() { sum_ = compensation_ = 0; }
  auto value() const -> double { return sum_ + compensation_; }

 private:
  double sum_ = 0;
  double compensation_ = 0;
};

/// What evaluators need from the engine: counts, source names, and a way to decide.
class Context {
 public:
  virtual ~Context() = default;
  /// The count of what `rule` changes, now.
  virtual auto Count(const Rule& rule) -> int64_t = 0;
  virtual auto SourceName(uint32_t source) const -> const std::string& = 0;
  /// Records a decision and plans it. `to` is the new count; for heal, `instance` is the
  /// failed source.
  virtual void Decide(const Rule& rule, double ts, int64_t to, std::vector<Reason> reasons,
                      const std::string& instance = "") = 0;
};

class Evaluator {
 public:
  explicit Evaluator(const Rule& rule) : rule_(rule) {}
  virtual ~Evaluator() = default;
  Evaluator(const Evaluator&) = delete;
  auto operator=(const Evaluator&) -> Evaluator& = delete;

  /// The time of this evaluator's next timed event (a TTL running out, an HPA tick); kForever
  /// when there is none. The engine runs timed events of every evaluator in time order before
  /// it lets a sample at `now` be observed: those for which DueBefore(now) holds.
  virtual auto NextDue() const -> double { return kForever; }
  virtual auto DueBefore(double /*now*/) const -> bool { return false; }
  /// Runs the event at NextDue(); `now` is the time of the sample that waits.
  virtual void RunDue(double /*now*/, Context& /*ctx*/) {}
  /// A sample this rule reads, in event-time order.
  virtual void Observe(double ts, uint32_t source, double value, double ttl, Context& ctx) = 0;
  /// A scale-in removed the instance that reports as `source`: its silence is expected.
  virtual void Forget(uint32_t /*source*/) {}

 protected:
  /// The metric as the reader knows it: its name, or the selector when that is a pattern.
  auto Metric() const -> std::string;
  /// The count the trigger's amount gives from `count` (never below 0).
  auto Target(int64_t count) const -> int64_t;

  const Rule& rule_;
};

auto MakeEvaluator(const Rule& rule, const EngineOptions& options) -> std::unique_ptr<Evaluator>;

}  // namespace toscac::policies
