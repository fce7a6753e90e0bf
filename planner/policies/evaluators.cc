// The evaluators; see evaluators.h and docs/autoscale.md for each policy's semantics.
#include "planner/policies/evaluators.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>

namespace toscac::policies {

auto Num(double v) -> std::string {
  if (std::abs(v) < 1e15 && v == std::floor(v)) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{:.6g}", v);
}

auto NumPair(double a, double b) -> std::pair<std::string, std::string> {
  std::string x = Num(a), y = Num(b);
  for (int digits = 7; x == y && a != b && digits <= 17; ++digits) {
    x = fmt::format("{:.{}g}", a, digits);
    y = fmt::format("{:.{}g}", b, digits);
  }
  return {x, y};
}

void CompensatedSum::Add(double v) {
  double t = sum_ + v;
  compensation_ += std::abs(sum_) >= std::abs(v) ? (sum_ - t) + v : (v - t) + sum_;
  sum_ = t;
}

auto Evaluator::Metric() const -> std::string {
  return rule_.metric.empty() ? fmt::format("/{}/", rule_.selector) : rule_.metric;
}

auto Evaluator::Target(int64_t count) const -> int64_t {
  int64_t to = count;
  ApplyAmount(rule_.action.amount, count, to);
  return std::max<int64_t>(to, 0);
}

namespace {

// scale_policy_type: a moving average per source over the window, the mean of those averages
// across the sources that have samples in it, compared with the threshold and the count with
// the limit; then a cooldown.
class MovingAverage final : public Evaluator {
 public:
  using Evaluator::Evaluator;

  void Observe(double ts, uint32_t source, double value, double, Context& ctx) override {
    while (!window_.empty() && window_.front().ts <= ts - rule_.window) {
      Change(window_.front().source, window_.front().value, -1);
      window_.pop_front();
    }
    window_.push_back({ts, source, value});
    Change(source, value, +1);
    if (ts < cooldown_until_ || active_ == 0) return;
    double mean = sum_of_means_.value() / active_;
    int64_t count = ctx.Count(rule_);
    bool above = rule_.fire == Fire::kAbove;
    bool fires = above ? count < *rule_.limit && rule_.threshold < mean
                       : count > *rule_.limit && rule_.threshold > mean;
    int64_t to = Target(count);
    if (!fires || to == count) return;  // a decision that changes nothing is not one
    cooldown_until_ = ts + rule_.cooldown;
    std::string op = above ? "<" : ">";
    auto [threshold, shown] = NumPair(rule_.threshold, mean);
    ctx.Decide(
        rule_, ts, to,
        {{fmt::format("mean {}", Metric()),
          fmt::format("{} over {} source{} ({} s average each)", shown, active_,
                      active_ == 1 ? "" : "s", Num(rule_.window))},
         {"condition", fmt::format("threshold {} {} mean {} and count {} {} limit {}", threshold,
                                   op, shown, count, op, *rule_.limit)},
         {"cooldown", fmt::format("{} s, until t={}", Num(rule_.cooldown), Num(cooldown_until_))}});
  }

 private:
  struct Entry {
    double ts;
    uint32_t source;
    double value;
  };
  struct Source {
    CompensatedSum sum;
    uint32_t n = 0;
  };

  // Keeps the sum of the per-source means current as one source's window changes.
  void Change(uint32_t source, double value, int sign) {
    if (source >= sources_.size()) sources_.resize(source + 1);
    Source& s = sources_[source];
    if (s.n > 0) sum_of_means_.Add(-s.sum.value() / s.n), --active_;
    s.sum.Add(sign * value);
    s.n += sign;
    if (s.n == 0) s.sum.Reset();  // nothing carried into the source's next window
    if (s.n > 0) sum_of_means_.Add(s.sum.value() / s.n), ++active_;
    if (active_ == 0) sum_of_means_.Reset();
  }

  std::deque<Entry> window_;
  std::vector<Source> sources_;
  CompensatedSum sum_of_means_;
  uint32_t active_ = 0;
  double cooldown_until_ = kNever;
};

// cloudify.policies.types.threshold and ewma_stabilized: per source (or, with
// policy_operates_on_group, the mean of every source's latest value), the value (or its
// exponentially weighted average) must stay beyond the threshold for stability_time; then the
// trigger runs and the policy pauses for interval_between_workflows.
class Breach final : public Evaluator {
 public:
  using Evaluator::Evaluator;

  void Observe(double ts, uint32_t source, double value, double, Context& ctx) override {
    if (source >= sources_.size()) sources_.resize(source + 1);
    Source& s = sources_[source];
    if (rule_.per_group) {
      if (s.seen) latest_sum_.Add(-s.latest);
      latest_sum_.Add(value);
      latest_n_ += s.seen ? 0 : 1;
      s.latest = value;
      s.seen = true;
      Check(ts, group_, latest_sum_.value() / latest_n_, source, ctx);
    } else {
      Check(ts, s, value, source, ctx);
    }
  }

  void Forget(uint32_t source) override {
    if (!rule_.per_group || source >= sources_.size() || !sources_[source].seen) return;
    latest_sum_.Add(-sources_[source].latest);  // a removed instance leaves the group's mean
    --latest_n_;
    sources_[source] = Source{};
  }

 private:
  struct Source {
    bool seen = false;
    double latest = 0;
    bool smoothed_once = false;
    double smoothed = 0;
    double since = kNever;  // when the current breach began; kNever when there is none
    double cooldown_until = kNever;
  };

  void Check(double ts, Source& s, double value, uint32_t source, Context& ctx) {
    double v = value;
    if (rule_.kind == Kind::kEwma) {
      s.smoothed = s.smoothed_once ? rule_.ewma_r * value + (1 - rule_.ewma_r) * s.smoothed : value;
      s.smoothed_once = true;
      v = s.smoothed;
    }
    bool above = rule_.fire == Fire::kAbove;
    if (!(above ? v > rule_.threshold : v < rule_.threshold)) {
      s.since = kNever;
      return;
    }
    if (s.since == kNever) s.since = ts;
    bool heal = rule_.action.workflow == "heal";
    double& until = heal ? s.cooldown_until : cooldown_until_;
    if (ts - s.since < rule_.stability || ts < until) return;
    int64_t count = heal ? 0 : ctx.Count(rule_), to = heal ? 0 : Target(count);
    if (!heal && to == count) return;  // at zero already, or an absolute amount reached
    until = ts + rule_.cooldown;
    std::string what = rule_.kind == Kind::kEwma
                           ? fmt::format("ewma (r={}) of {}", Num(rule_.ewma_r), Metric())
                           : Metric();
    if (rule_.per_group) what = "mean " + what + " across sources";
    auto [shown, threshold] = NumPair(v, rule_.threshold);
    std::vector<Reason> reasons = {
        {what, shown},
        {"condition",
         fmt::format("{} {} {} for {} s (stability_time {} s)", shown, above ? ">" : "<", threshold,
                     Num(ts - s.since), Num(rule_.stability))},
        {"pause", fmt::format("{} s, until t={}", Num(rule_.cooldown), Num(until))}};
    if (!rule_.per_group) reasons.insert(reasons.begin(), {"source", ctx.SourceName(source)});
    ctx.Decide(rule_, ts, to, std::move(reasons), heal ? ctx.SourceName(source) : "");
  }

  std::vector<Source> sources_;
  Source group_;
  CompensatedSum latest_sum_;
  uint32_t latest_n_ = 0;
  double cooldown_until_ = kNever;
};

// cloudify.policies.types.host_failure: a source whose samples stop for longer than their TTL
// has failed; its instance is healed once, until it reports again. One deadline per source is
// live; stale heap entries are dropped as they surface, and the heap is rebuilt when they
// outnumber the sources, so memory follows the sources, not the samples.
class HostFailure final : public Evaluator {
 public:
  using Evaluator::Evaluator;

  auto NextDue() const -> double override {
    return deadlines_.empty() ? kForever : deadlines_.top().at;
  }
  auto DueBefore(double now) const -> bool override { return NextDue() < now; }

  void RunDue(double, Context& ctx) override {
    Deadline d = deadlines_.top();
    deadlines_.pop();
    Source& s = sources_[d.source];
    if (d.seq != s.seq || s.quiet) return;  // it reported again since, or is expected silent
    s.quiet = true;
    ctx.Decide(rule_, d.at, 0,
               {{"source", ctx.SourceName(d.source)},
                {"last sample", fmt::format("t={}", Num(s.last))},
                {"silent for more than", fmt::format("{} s (its TTL)", Num(d.at - s.last))}},
               ctx.SourceName(d.source));
  }

  void Observe(double ts, uint32_t source, double, double ttl, Context&) override {
    if (source >= sources_.size()) sources_.resize(source + 1);
    Source& s = sources_[source];
    s.seq = ++seq_;
    s.last = ts;
    s.ttl = ttl;
    s.quiet = false;
    deadlines_.push({ts + ttl, source, s.seq});
    if (deadlines_.size() > 2 * sources_.size() + 64) Rebuild();
  }

  void Forget(uint32_t source) override {
    if (source < sources_.size()) sources_[source].quiet = true;
  }

 private:
  struct Source {
    uint64_t seq = 0;
    double last = 0;
    double ttl = 0;
    bool quiet = true;  // failed and healed, removed by a scale-in, or never seen
  };
  struct Deadline {
    double at;
    uint32_t source;
    uint64_t seq;
    auto operator>(const Deadline& o) const -> bool { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void Rebuild() {
    std::vector<Deadline> live;
    for (uint32_t i = 0; i < sources_.size(); ++i) {
      const Source& s = sources_[i];
      if (!s.quiet) live.push_back({s.last + s.ttl, i, s.seq});
    }
    deadlines_ = decltype(deadlines_)(std::greater<>(), std::move(live));
  }

  std::vector<Source> sources_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  uint64_t seq_ = 0;
};

// tosca.policies.Scaling with a metric: the HorizontalPodAutoscaler's algorithm, evaluated every
// sync period of event time: desired = ceil(count × mean / target) outside the tolerance,
// stabilised (the lowest recommendation of the up window, the highest of the down window), rate
// limited to `step` instances per `cooldown` each way, clamped to the bounds.
class TargetTracking final : public Evaluator {
 public:
  TargetTracking(const Rule& rule, double period) : Evaluator(rule), period_(period) {}

  auto NextDue() const -> double override {
    return first_ == kNever ? kForever : first_ + static_cast<double>(tick_) * period_;
  }
  auto DueBefore(double now) const -> bool override { return NextDue() <= now; }

  void RunDue(double now, Context& ctx) override {
    double t = NextDue();
    if (t > newest_ + 2 * period_) {
      // No source has a fresh sample at this tick, nor at any tick up to `now` (nothing
      // arrived since newest_): the HPA would wait at each. Skip them in one step, so a gap
      // in the trace costs nothing.
      tick_ = std::max(tick_ + 1, static_cast<int64_t>(std::floor((now - first_) / period_)) + 1);
      return;
    }
    ++tick_;
    Tick(t, ctx);
  }

  void Observe(double ts, uint32_t source, double value, double, Context&) override {
    if (first_ == kNever) first_ = ts, tick_ = 1;
    newest_ = ts;
    if (source >= latest_.size()) latest_.resize(source + 1, {kNever, 0});
    latest_[source] = {ts, value};
  }

 private:
  void Tick(double t, Context& ctx) {
    // The metric as the HPA reads it: the mean of each source's latest sample, for sources
    // that reported in the last two periods (older ones are pods that went away).
    CompensatedSum sum;
    int n = 0;
    for (const auto& [ts, value] : latest_) {
      if (ts > t - 2 * period_) sum.Add(value), ++n;
    }
    int64_t current = ctx.Count(rule_);
    if (n == 0 || current == 0) return;  // no metrics, or scaled to zero: the HPA waits
    double mean = sum.value() / n, ratio = mean / rule_.target;
    // Bounded before the conversion: a huge ratio asks for the maximum, not for overflow.
    double wanted = std::min(std::ceil(static_cast<double>(current) * ratio - 1e-9),
                             static_cast<double>(rule_.max) + 1);
    int64_t desired = std::abs(ratio - 1) <= rule_.tolerance
                          ? current
                          : static_cast<int64_t>(std::max(wanted, 0.0));
    recommendations_.push_back({t, desired});
    double keep = std::max(rule_.up_window, rule_.down_window);
    while (!recommendations_.empty() && recommendations_.front().first <= t - keep) {
      recommendations_.pop_front();
    }
    // Windows as the HPA reads them: recommendations strictly newer than now − window.
    int64_t up = desired, down = desired;
    for (const auto& [at, r] : recommendations_) {
      if (at > t - rule_.up_window) up = std::min(up, r);
      if (at > t - rule_.down_window) down = std::max(down, r);
    }
    int64_t stabilised = std::min(std::max(current, up), down);
    while (!changes_.empty() && changes_.front().first <= t - rule_.cooldown) changes_.pop_front();
    int64_t added = 0, removed = 0;
    for (const auto& [at, delta] : changes_) (delta > 0 ? added : removed) += std::abs(delta);
    int64_t to = stabilised;
    if (to > current) to = std::min(to, current - added + rule_.step);
    if (to < current) to = std::max(to, current + removed - rule_.step);
    to = std::clamp(to, rule_.min, rule_.max);
    if (to == current) return;
    changes_.push_back({t, to - current});
    ctx.Decide(
        rule_, t, to,
        {{fmt::format("mean {} over {} source{}", Metric(), n, n == 1 ? "" : "s"), Num(mean)},
         {"target", Num(rule_.target)},
         {"desired",
          fmt::format("ceil({} × {}/{}) {} {}", current, Num(mean), Num(rule_.target),
                      desired > rule_.max ? ">" : "=", desired > rule_.max ? rule_.max : desired)},
         {"stabilised", std::to_string(stabilised)},
         {"limits", fmt::format("{} per {} s, between {} and {}", rule_.step, Num(rule_.cooldown),
                                rule_.min, rule_.max)}});
  }

  double period_;
  double first_ = kNever;  // ticks are first_ + k × period_
  int64_t tick_ = 0;       // the next k
  double newest_ = kNever;
  std::vector<std::pair<double, double>> latest_;  // by source: (ts, value)
  std::deque<std::pair<double, int64_t>> recommendations_;
  std::deque<std::pair<double, int64_t>> changes_;
};

}  // namespace

auto MakeEvaluator(const Rule& rule, const EngineOptions& options) -> std::unique_ptr<Evaluator> {
  switch (rule.kind) {
    case Kind::kMovingAverage:
      return std::make_unique<MovingAverage>(rule);
    case Kind::kThreshold:
    case Kind::kEwma:
      return std::make_unique<Breach>(rule);
    case Kind::kHostFailure:
      return std::make_unique<HostFailure>(rule);
    case Kind::kTargetTracking:
      return std::make_unique<TargetTracking>(rule, options.hpa_period);
  }
  return nullptr;
}

}  // namespace toscac::policies
