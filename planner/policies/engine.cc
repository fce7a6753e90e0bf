// The autoscale engine; see engine.h and docs/autoscale.md. One Evaluator per rule keeps that
// policy's state (windows, breach timers, recommendations); the Engine orders samples, routes
// each to the rules whose selector matches its metric, and turns what fires into decisions
// with plans, keeping the deployment's counts and instances up to date as it goes.
#include "planner/policies/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <queue>
#include <regex>
#include <unordered_map>

#include "planner/blueprint_workflows.h"
#include "planner/instances.h"
#include "planner/workflows.h"

namespace toscac::policies {
namespace {

constexpr double kNever = -std::numeric_limits<double>::infinity();

auto Num(double v) -> std::string {
  if (std::abs(v) < 1e15 && v == std::floor(v)) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{:.4g}", v);
}

}  // namespace

// What evaluators need from the engine: counts, and a way to decide.
class Context {
 public:
  virtual ~Context() = default;
  virtual auto Count(const Rule& rule) -> int64_t = 0;
  virtual auto SourceName(uint32_t source) const -> const std::string& = 0;
  /// Records a decision (and plans it); `instance` for heal.
  virtual void Decide(const Rule& rule, double ts, int64_t to, std::vector<Reason> reasons,
                      const std::string& instance = "") = 0;
};

namespace {

class Evaluator {
 public:
  explicit Evaluator(const Rule& rule) : rule_(rule) {}
  virtual ~Evaluator() = default;
  /// Event time reached `now`; called before each sample at `now` is observed.
  virtual void Advance(double /*now*/, Context& /*ctx*/) {}
  virtual void Observe(double ts, uint32_t source, double value, double ttl, Context& ctx) = 0;

 protected:
  auto Metric() const -> std::string {
    return rule_.metric.empty() ? fmt::format("/{}/", rule_.selector) : rule_.metric;
  }
  const Rule& rule_;
};

// scale_policy_type: a moving average per source over the window, the mean of those averages
// across the sources that have samples in it, compared with the threshold and the count with
// the limit; then a cooldown.
class MovingAverage final : public Evaluator {
 public:
  using Evaluator::Evaluator;

  void Observe(double ts, uint32_t source, double value, double, Context& ctx) override {
    while (!window_.empty() && window_.front().ts <= ts - rule_.window) {
      Change(window_.front().source, -window_.front().value, -1);
      window_.pop_front();
    }
    window_.push_back({ts, source, value});
    Change(source, value, +1);
    if (ts < cooldown_until_ || active_ == 0) return;
    double mean = sum_of_means_ / active_;
    int64_t count = ctx.Count(rule_);
    bool above = rule_.fire == Fire::kAbove;
    bool fires = above ? count < *rule_.limit && rule_.threshold < mean
                       : count > *rule_.limit && rule_.threshold > mean;
    if (!fires) return;
    int64_t to = count;
    ApplyAmount(rule_.action.amount, count, to);
    cooldown_until_ = ts + rule_.cooldown;
    std::string op = above ? "<" : ">";
    ctx.Decide(
        rule_, ts, to,
        {{fmt::format("mean {}", Metric()),
          fmt::format("{} over {} source{} ({} s average each)", Num(mean), active_,
                      active_ == 1 ? "" : "s", Num(rule_.window))},
         {"condition", fmt::format("threshold {} {} mean {} and count {} {} limit {}",
                                   Num(rule_.threshold), op, Num(mean), count, op, *rule_.limit)},
         {"cooldown", fmt::format("{} s, until t={}", Num(rule_.cooldown), Num(cooldown_until_))}});
  }

 private:
  struct Entry {
    double ts;
    uint32_t source;
    double value;
  };
  struct Source {
    double sum = 0;
    uint32_t n = 0;
  };

  // Keeps the sum of the per-source means current as one source's window changes.
  void Change(uint32_t source, double value, int sign) {
    if (source >= sources_.size()) sources_.resize(source + 1);
    Source& s = sources_[source];
    if (s.n > 0) sum_of_means_ -= s.sum / s.n, --active_;
    s.sum += value;
    s.n += sign;
    if (s.n == 0) s.sum = 0;  // no drift carried into the source's next window
    if (s.n > 0) sum_of_means_ += s.sum / s.n, ++active_;
    if (active_ == 0) sum_of_means_ = 0;
  }

  std::deque<Entry> window_;
  std::vector<Source> sources_;
  double sum_of_means_ = 0;
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
      latest_sum_ += value - (s.seen ? s.latest : 0);
      latest_n_ += s.seen ? 0 : 1;
      s.latest = value;
      s.seen = true;
      Check(ts, group_, latest_sum_ / latest_n_, source, ctx);
    } else {
      Check(ts, s, value, source, ctx);
    }
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
    until = ts + rule_.cooldown;
    std::string what = rule_.kind == Kind::kEwma
                           ? fmt::format("ewma (r={}) of {}", Num(rule_.ewma_r), Metric())
                           : Metric();
    if (rule_.per_group) what = "mean " + what + " across sources";
    std::vector<Reason> reasons = {
        {what, Num(v)},
        {"condition",
         fmt::format("{} {} {} for {} s (stability_time {} s)", Num(v), above ? ">" : "<",
                     Num(rule_.threshold), Num(ts - s.since), Num(rule_.stability))},
        {"pause", fmt::format("{} s, until t={}", Num(rule_.cooldown), Num(until))}};
    if (!rule_.per_group) reasons.insert(reasons.begin(), {"source", ctx.SourceName(source)});
    if (heal) {
      ctx.Decide(rule_, ts, 0, std::move(reasons), ctx.SourceName(source));
      return;
    }
    int64_t count = ctx.Count(rule_), to = count;
    ApplyAmount(rule_.action.amount, count, to);
    ctx.Decide(rule_, ts, to, std::move(reasons));
  }

  std::vector<Source> sources_;
  Source group_;
  double latest_sum_ = 0;
  uint32_t latest_n_ = 0;
  double cooldown_until_ = kNever;
};

// cloudify.policies.types.host_failure: a source whose samples stop for longer than their TTL
// has failed; its instance is healed once, until it reports again.
class HostFailure final : public Evaluator {
 public:
  using Evaluator::Evaluator;

  void Advance(double now, Context& ctx) override {
    while (!deadlines_.empty() && deadlines_.top().at < now) {
      Deadline d = deadlines_.top();
      deadlines_.pop();
      Source& s = sources_[d.source];
      if (d.seq != s.seq || s.failed) continue;  // it reported again since
      s.failed = true;
      ctx.Decide(rule_, d.at, 0,
                 {{"source", ctx.SourceName(d.source)},
                  {"last sample", fmt::format("t={}", Num(s.last))},
                  {"silent for more than", fmt::format("{} s (its TTL)", Num(d.at - s.last))}},
                 ctx.SourceName(d.source));
    }
  }

  void Observe(double ts, uint32_t source, double, double ttl, Context&) override {
    if (source >= sources_.size()) sources_.resize(source + 1);
    Source& s = sources_[source];
    s.seq = ++seq_;
    s.last = ts;
    s.failed = false;
    deadlines_.push({ts + ttl, source, s.seq});
  }

 private:
  struct Source {
    uint64_t seq = 0;
    double last = 0;
    bool failed = false;
  };
  struct Deadline {
    double at;
    uint32_t source;
    uint64_t seq;
    auto operator>(const Deadline& o) const -> bool { return at != o.at ? at > o.at : seq > o.seq; }
  };
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

  void Advance(double now, Context& ctx) override {
    if (next_tick_ == kNever) return;  // no sample yet
    while (next_tick_ <= now) {
      Tick(next_tick_, ctx);
      next_tick_ += period_;
    }
  }

  void Observe(double ts, uint32_t source, double value, double, Context&) override {
    if (next_tick_ == kNever) next_tick_ = ts + period_;
    if (source >= latest_.size()) latest_.resize(source + 1, {kNever, 0});
    latest_[source] = {ts, value};
  }

 private:
  void Tick(double t, Context& ctx) {
    // The metric as the HPA reads it: the mean of each source's latest sample, for sources
    // that reported in the last two periods (older ones are pods that went away).
    double sum = 0;
    int n = 0;
    for (const auto& [ts, value] : latest_) {
      if (ts > t - 2 * period_) sum += value, ++n;
    }
    int64_t current = ctx.Count(rule_);
    if (n == 0 || current == 0) return;  // no metrics, or scaled to zero: the HPA waits
    double mean = sum / n, ratio = mean / rule_.target;
    int64_t desired = std::abs(ratio - 1) <= rule_.tolerance
                          ? current
                          : static_cast<int64_t>(std::ceil(current * ratio - 1e-9));
    recommendations_.push_back({t, desired});
    double keep = std::max(rule_.up_window, rule_.down_window);
    while (!recommendations_.empty() && recommendations_.front().first < t - keep) {
      recommendations_.pop_front();
    }
    int64_t up = desired, down = desired;
    for (const auto& [at, r] : recommendations_) {
      if (at >= t - rule_.up_window) up = std::min(up, r);
      if (at >= t - rule_.down_window) down = std::max(down, r);
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
          fmt::format("ceil({} × {}/{}) = {}", current, Num(mean), Num(rule_.target), desired)},
         {"stabilised", std::to_string(stabilised)},
         {"limits", fmt::format("{} per {} s, between {} and {}", rule_.step, Num(rule_.cooldown),
                                rule_.min, rule_.max)}});
  }

  double period_;
  double next_tick_ = kNever;
  std::vector<std::pair<double, double>> latest_;  // by source: (ts, value)
  std::deque<std::pair<double, int64_t>> recommendations_;
  std::deque<std::pair<double, int64_t>> changes_;
};

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

// A held-back sample; earlier event time first, then trace order.
struct Pending {
  Sample sample;
  uint64_t seq;
  auto operator>(const Pending& o) const -> bool {
    return sample.ts != o.sample.ts ? sample.ts > o.sample.ts : seq > o.seq;
  }
};

}  // namespace

struct Engine::Impl final : Context {
  Impl(const ir::ServiceTemplate& st, std::vector<Rule> rules, EngineOptions options,
       diag::Sink& sink)
      : st_(st), options_(std::move(options)), sink_(sink), current_(plan::Expand(st)) {
    for (Rule& rule : rules) Adopt(std::move(rule));
    ApplyState();
    Recount();
  }

  // --- Context
  // Called for every sample a policy reads: a lookup in counts kept current by Recount().
  auto Count(const Rule& rule) -> int64_t override {
    return counts_[static_cast<size_t>(&rule - rules_.data())];
  }

  auto SourceName(uint32_t source) const -> const std::string& override {
    return source_names_[source];
  }

  void Decide(const Rule& rule, double ts, int64_t to, std::vector<Reason> reasons,
              const std::string& instance) override {
    Decision d;
    d.ts = ts;
    d.policy = rule.policy;
    d.kind = rule.kind;
    d.workflow = rule.action.workflow;
    d.reasons = std::move(reasons);
    plan::WorkflowRequest request;
    if (!instance.empty()) {  // heal
      d.target = instance;
      request.workflow = "heal";
      request.instance = instance;
    } else {
      d.target = rule.action.target;
      d.from = Count(rule);
      d.to = to;
      if (rule.kind == Kind::kTargetTracking) {
        request.workflow = "scale";
        request.target = rule.action.target;
        request.delta = d.to - d.from;
      } else {
        request.policy = rule.policy;
        request.replicas = d.from;
      }
    }
    d.plan = plan::MakePlan(st_, current_, request, sink_);
    if (d.plan) Apply(rule, d);
    out_->push_back(std::move(d));
  }

  // --- Feeding
  void Feed(const Sample& sample, std::vector<Decision>& out) {
    out_ = &out;
    ++stats_.samples;
    if (sample.ts < newest_ - options_.lateness) {
      ++stats_.late;
      sink_.Report(diag::Kind::kAutoscaleLate, sample.loc, "", Num(sample.ts), Num(newest_),
                   Num(options_.lateness));
      return;
    }
    if (stats_.samples == 1 || sample.ts < stats_.first_ts) stats_.first_ts = sample.ts;
    newest_ = std::max(newest_, sample.ts);
    if (options_.lateness == 0) {  // nothing may arrive behind it: no need to hold it back
      Process(sample);
      return;
    }
    pending_.push({sample, ++seq_});
    Release(newest_ - options_.lateness);
  }

  void Finish(std::vector<Decision>& out) {
    out_ = &out;
    Release(std::numeric_limits<double>::infinity());
  }

  auto counts() const -> std::map<std::string, int64_t> {
    std::map<std::string, int64_t> out(replicas_.begin(), replicas_.end());
    for (const auto& [name, target] : targets_) {
      out[name] = plan::CountPerPlace(st_, current_, target).first;
    }
    return out;
  }

  ReplayStats stats_;

 private:
  void Release(double upto) {
    while (!pending_.empty() && pending_.top().sample.ts <= upto) {
      Sample s = pending_.top().sample;
      pending_.pop();
      Process(s);
    }
  }

  void Process(const Sample& s) {
    stats_.last_ts = s.ts;
    for (auto& e : evaluators_) e->Advance(s.ts, *this);
    uint32_t source = Intern(s.source, sources_, source_names_);
    stats_.sources = source_names_.size();
    uint32_t name = Intern(s.name, names_, name_strings_);
    if (name >= rules_of_name_.size()) rules_of_name_.push_back(Matching(s.name));
    const std::vector<uint32_t>& matching = rules_of_name_[name];
    if (!matching.empty()) ++stats_.matched;
    double ttl = s.ttl > 0 ? s.ttl : options_.default_ttl;
    for (uint32_t r : matching) evaluators_[r]->Observe(s.ts, source, s.value, ttl, *this);
  }

  static auto Intern(const std::string& text, std::unordered_map<std::string, uint32_t>& ids,
                     std::vector<std::string>& names) -> uint32_t {
    auto [it, added] = ids.try_emplace(text, static_cast<uint32_t>(names.size()));
    if (added) names.push_back(text);
    return it->second;
  }

  auto Matching(const std::string& metric) const -> std::vector<uint32_t> {
    std::vector<uint32_t> out;
    for (uint32_t r = 0; r < rules_.size(); ++r) {
      if (std::regex_search(metric, selectors_[r])) out.push_back(r);
    }
    return out;
  }

  // A rule is evaluated when what it changes exists: a node or scaling group for scale, a
  // microservice for kube_scale, any instance for heal.
  void Adopt(Rule rule) {
    const std::string& target = rule.action.target;
    if (rule.action.workflow == "kube_scale") {
      ir::NodeId node = st_.FindNode(target);
      if (!node.valid()) return Skip(rule, fmt::format("kube_scale names `{}`, no node", target));
      std::string workload;
      replicas_.try_emplace(target, plan::MicroserviceReplicas(st_.node(node), workload));
    } else if (rule.action.workflow == "scale") {
      plan::ScaleTarget t;
      t.node = st_.FindNode(target);
      for (uint32_t g = 0; g < st_.scaling_groups.size() && !t.node.valid(); ++g) {
        if (st_.scaling_groups[g].name == target) t.group = g;
      }
      if (!t.node.valid() && t.group == ir::kNoGroup) {
        return Skip(rule, fmt::format("it scales `{}`, which is neither a node template nor a "
                                      "scaling group",
                                      target));
      }
      targets_.try_emplace(target, t);
    } else if (rule.action.workflow != "heal") {
      return Skip(rule, fmt::format("its trigger runs `{}`; autoscale plans scale, kube_scale "
                                    "and heal",
                                    rule.action.workflow));
    }
    selectors_.emplace_back(rule.selector);
    evaluators_.push_back(nullptr);
    rules_.push_back(std::move(rule));
  }

  void Skip(const Rule& rule, const std::string& why) {
    sink_.Report(diag::Kind::kAutoscalePolicy, rule.loc, "", rule.policy, why);
  }

  // --state: counts the deployment has now, in place of the blueprint's.
  void ApplyState() {
    // Evaluators hold references into rules_: make them once rules_ is complete.
    for (size_t r = 0; r < rules_.size(); ++r) evaluators_[r] = MakeEvaluator(rules_[r], options_);
    for (const auto& [name, count, loc] : options_.counts) {
      if (count < 0) {
        sink_.Report(diag::Kind::kAutoscaleState, loc, "",
                     fmt::format("`{}` cannot have {} instances", name, count));
      } else if (replicas_.count(name) != 0) {
        replicas_[name] = count;
      } else if (auto t = targets_.find(name); t != targets_.end()) {
        int64_t now = plan::CountPerPlace(st_, current_, t->second).first;
        if (count != now) current_ = plan::Scale(st_, current_, t->second, count - now).after;
      } else {
        sink_.Report(diag::Kind::kAutoscaleState, loc, "",
                     fmt::format("`{}` is not something an evaluated policy scales", name));
      }
    }
  }

  void Apply(const Rule& rule, const Decision& d) {
    if (d.workflow == "kube_scale") {
      replicas_[rule.action.target] = d.to;
    } else if (d.workflow == "scale") {
      current_ = plan::Scale(st_, current_, targets_.at(rule.action.target), d.to - d.from).after;
    }
    Recount();
  }

  // The count of what each rule changes (0 for heal), by rule.
  void Recount() {
    counts_.assign(rules_.size(), 0);
    for (size_t r = 0; r < rules_.size(); ++r) {
      const Action& a = rules_[r].action;
      if (a.workflow == "kube_scale") {
        counts_[r] = replicas_[a.target];
      } else if (a.workflow == "scale") {
        counts_[r] = plan::CountPerPlace(st_, current_, targets_.at(a.target)).first;
      }
    }
  }

  const ir::ServiceTemplate& st_;
  EngineOptions options_;
  diag::Sink& sink_;
  plan::Instances current_;
  std::vector<Rule> rules_;
  std::vector<std::regex> selectors_;
  std::vector<std::unique_ptr<Evaluator>> evaluators_;
  std::vector<int64_t> counts_;                       // by rule: the count of what it changes
  std::map<std::string, int64_t> replicas_;           // kube_scale targets
  std::map<std::string, plan::ScaleTarget> targets_;  // scale targets
  std::unordered_map<std::string, uint32_t> sources_, names_;
  std::vector<std::string> source_names_, name_strings_;
  std::vector<std::vector<uint32_t>> rules_of_name_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  uint64_t seq_ = 0;
  double newest_ = kNever;
  std::vector<Decision>* out_ = nullptr;
};

Engine::Engine(const ir::ServiceTemplate& st, std::vector<Rule> rules, EngineOptions options,
               diag::Sink& sink)
    : impl_(std::make_unique<Impl>(st, std::move(rules), std::move(options), sink)) {}
Engine::~Engine() = default;
void Engine::Feed(const Sample& sample, std::vector<Decision>& out) { impl_->Feed(sample, out); }
void Engine::Finish(std::vector<Decision>& out) { impl_->Finish(out); }
auto Engine::stats() const -> const ReplayStats& { return impl_->stats_; }
auto Engine::counts() const -> std::map<std::string, int64_t> { return impl_->counts(); }

}  // namespace toscac::policies
