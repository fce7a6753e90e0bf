// The autoscale engine; see engine.h and docs/autoscale.md. One Evaluator per rule
// (evaluators.h) keeps that policy's state; the Engine orders samples, runs the evaluators'
// timed events in time order, routes each sample to the rules whose selector (and, for target
// tracking, whose target) it matches, and turns what fires into decisions with plans, keeping
// the deployment's counts and instances up to date as it goes.
#include "planner/policies/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <regex>
#include <unordered_map>

#include "planner/blueprint_workflows.h"
#include "planner/instances.h"
#include "planner/policies/evaluators.h"
#include "planner/workflows.h"

namespace toscac::policies {
namespace {

// Diagnostics of one kind per replay beyond which only a count is reported: a trace of a million
// late lines must not hold a million diagnostics.
constexpr uint64_t kReportLimit = 100;
// Metric names whose matching rules are remembered; past this the memo starts again, so a trace
// of ever-new names costs time, not memory.
constexpr size_t kNameMemo = 1 << 16;

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
    if (!instance.empty() && !Live(instance)) {
      // A pod, or an instance a scale-in removed: there is nothing of this deployment to heal.
      sink_.Report(diag::Kind::kAutoscaleNotInstance, current_loc_, "", rule.policy, instance,
                   Num(ts));
      return;
    }
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
        // The change the count takes (a delta clamped at zero instances), not the trigger's.
        if (d.workflow == "scale") request.parameters = {{"delta", std::to_string(d.to - d.from)}};
      }
    }
    size_t errors = sink_.error_count();
    d.plan = plan::MakePlan(st_, current_, request, sink_);
    if (sink_.error_count() > errors) {
      sink_.AddNote(current_loc_, fmt::format("while planning what `{}` decided at t={}, at the "
                                              "sample on this line",
                                              rule.policy, Num(ts)));
    }
    if (d.plan) Apply(rule, d);
    out_->push_back(std::move(d));
  }

  // --- Feeding
  void Feed(const Sample& sample, std::vector<Decision>& out) {
    out_ = &out;
    ++stats_.samples;
    if (sample.ts < newest_ - options_.lateness) {
      last_late_ = sample.loc;
      if (++stats_.late <= kReportLimit) {
        sink_.Report(diag::Kind::kAutoscaleLate, sample.loc, "", Num(sample.ts), Num(newest_),
                     Num(options_.lateness));
      }
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
    if (stats_.late > kReportLimit) {
      sink_.Report(diag::Kind::kAutoscaleSuppressed, last_late_, "", stats_.late - kReportLimit,
                   "late samples (the last on this line)", kReportLimit);
    }
  }

  auto rule_count() const -> size_t { return rules_.size(); }

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
    current_loc_ = s.loc;
    RunTimedEvents(s.ts);
    uint32_t source = Intern(s.source, sources_, source_names_);
    stats_.sources = source_names_.size();
    if (names_.size() >= kNameMemo) names_.clear(), name_strings_.clear(), rules_of_name_.clear();
    uint32_t name = Intern(s.name, names_, name_strings_);
    if (name >= rules_of_name_.size()) rules_of_name_.push_back(Matching(s.name));
    const std::vector<uint32_t>& matching = rules_of_name_[name];
    double ttl = s.ttl >= 0 ? s.ttl : options_.default_ttl;
    bool read = false;
    for (uint32_t r : matching) {
      if (!Reads(r, source)) continue;
      evaluators_[r]->Observe(s.ts, source, s.value, ttl, *this);
      read = true;
    }
    if (read) ++stats_.matched;
  }

  // Timed events (TTLs running out, HPA ticks) of every evaluator, in time order, up to `now`:
  // decisions come out in event-time order whichever policy makes them.
  void RunTimedEvents(double now) {
    for (;;) {
      Evaluator* first = nullptr;
      double at = kForever;
      for (auto& e : evaluators_) {
        if (e->DueBefore(now) && e->NextDue() < at) first = e.get(), at = e->NextDue();
      }
      if (first == nullptr) return;
      first->RunDue(now, *this);
    }
  }

  // Target tracking reads the samples of its own target's instances: a source named after one
  // of them (`web_2`), or starting with a member node's name (`nodecellar-7d9f-x2`, a pod).
  // Other rules read every source, as Riemann's selectors did.
  auto Reads(uint32_t rule, uint32_t source) -> bool {
    if (rules_[rule].kind != Kind::kTargetTracking) return true;
    std::vector<int8_t>& known = reads_[rule];
    if (source >= known.size()) known.resize(source + 1, -1);
    if (known[source] < 0) {
      const std::string& name = source_names_[source];
      bool ok = false;
      for (const std::string& member : members_[rule]) {
        ok |= name.size() > member.size() && name.compare(0, member.size(), member) == 0 &&
              std::string_view("_-.").find(name[member.size()]) != std::string_view::npos;
      }
      known[source] = ok ? 1 : 0;
    }
    return known[source] == 1;
  }

  // Whether `instance` is a node instance the deployment has now.
  auto Live(const std::string& instance) const -> bool {
    for (const plan::NodeInstance& n : current_.nodes) {
      if (n.id != instance) continue;
      const auto& live = current_.of_node[n.node.value];
      return std::any_of(live.begin(), live.end(), [&](plan::InstanceId i) {
        return current_.nodes[i.value].id == instance;
      });
    }
    return false;
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
    try {
      selectors_.emplace_back(rule.selector);
    } catch (const std::regex_error&) {
      return Skip(rule, fmt::format("`{}` is not a regular expression", rule.selector));
    }
    members_.push_back(Members(rule));
    reads_.emplace_back();
    evaluators_.push_back(nullptr);
    rules_.push_back(std::move(rule));
  }

  // The node templates whose instances a target-tracking rule's samples come from.
  auto Members(const Rule& rule) const -> std::vector<std::string> {
    if (rule.kind != Kind::kTargetTracking) return {};
    auto t = targets_.find(rule.action.target);
    if (t == targets_.end()) return {};
    if (t->second.node.valid()) return {st_.node(t->second.node).name};
    std::vector<std::string> out;
    const ir::ScalingGroup& g = st_.scaling_groups[t->second.group];
    for (ir::NodeId m : g.members) out.push_back(st_.node(m).name);
    // Nodes contained in a member are members too.
    for (uint32_t n = 0; n < st_.nodes.size(); ++n) {
      for (ir::NodeId h = st_.HostOf(ir::NodeId{n}); h.valid(); h = st_.HostOf(h)) {
        if (std::find(g.members.begin(), g.members.end(), h) != g.members.end()) {
          out.push_back(st_.nodes[n].name);
          break;
        }
      }
    }
    return out;
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
      plan::ScaleResult result =
          plan::Scale(st_, current_, targets_.at(rule.action.target), d.to - d.from);
      current_ = std::move(result.after);
      // Removed instances stop reporting: that is the scale-in, not a failure.
      for (plan::InstanceId i : result.removed) {
        auto source = sources_.find(current_.nodes[i.value].id);
        if (source == sources_.end()) continue;
        for (auto& e : evaluators_) e->Forget(source->second);
      }
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
  std::vector<std::vector<std::string>> members_;     // by rule: target tracking's member nodes
  std::vector<std::vector<int8_t>> reads_;            // by rule, by source: -1 unknown, 0, 1
  std::vector<int64_t> counts_;                       // by rule: the count of what it changes
  std::map<std::string, int64_t> replicas_;           // kube_scale targets
  std::map<std::string, plan::ScaleTarget> targets_;  // scale targets
  std::unordered_map<std::string, uint32_t> sources_, names_;
  std::vector<std::string> source_names_, name_strings_;
  std::vector<std::vector<uint32_t>> rules_of_name_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  uint64_t seq_ = 0;
  double newest_ = kNever;
  diag::Loc current_loc_;  // the sample being processed, for notes on what it caused
  diag::Loc last_late_;
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
auto Engine::rule_count() const -> size_t { return impl_->rule_count(); }

}  // namespace toscac::policies
