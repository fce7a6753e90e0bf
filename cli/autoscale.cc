// `toscac autoscale`: see autoscale.h.
#include "cli/autoscale.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "planner/plan.h"
#include "planner/policies/engine.h"
#include "planner/policies/policies.h"
#include "planner/policies/samples.h"
#include "planner/render.h"

namespace toscac::cli {
namespace {

using policies::Decision;

auto Time(double ts) -> std::string {
  if (std::abs(ts) < 1e15 && ts == std::floor(ts)) {
    return fmt::format("{}", static_cast<int64_t>(ts));
  }
  return fmt::format("{:.3f}", ts);
}

// Where `"name"` is first written in `text`: good enough to point at a key of a small file.
auto KeyLoc(diag::FileId file, const std::string& text, const std::string& name) -> diag::Loc {
  size_t at = text.find(nlohmann::json(name).dump());
  if (at == std::string::npos) return diag::Loc{file, 1, 1};
  uint32_t line = 1, col = 1;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line, col = 1;
    } else {
      ++col;
    }
  }
  return diag::Loc{file, line, col};
}

auto ReadState(const std::string& path, diag::SourceManager& sources, diag::Sink& sink,
               std::vector<policies::StateCount>& out) -> bool {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    sink.Report(diag::Kind::kAutoscaleState, diag::Loc{}, "",
                fmt::format("cannot read --state {}", path));
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  diag::FileId file = sources.Add(path, text);
  nlohmann::json state = nlohmann::json::parse(text, nullptr, false);
  if (state.is_discarded() || !state.is_object()) {
    sink.Report(diag::Kind::kAutoscaleState, diag::Loc{file, 1, 1}, "",
                "--state must be a JSON object of instance counts, such as {\"nodecellar\": 3}");
    return false;
  }
  for (const auto& [name, count] : state.items()) {
    diag::Loc loc = KeyLoc(file, text, name);
    if (!count.is_number_integer()) {
      sink.Report(diag::Kind::kAutoscaleState, loc, "",
                  fmt::format("the count of `{}` must be an integer", name));
      continue;
    }
    out.push_back({name, count.get<int64_t>(), loc});
  }
  return true;
}

auto Indent(const std::string& text, std::string_view prefix) -> std::string {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view bare = prefix.substr(0, prefix.find_last_not_of(' ') + 1);
    out += end > start ? std::string(prefix) + text.substr(start, end - start) + "\n"
                       : std::string(bare) + "\n";
    start = end + 1;
  }
  return out;
}

void PrintText(const Decision& d, bool quiet) {
  std::string change = d.workflow == "heal"
                           ? fmt::format("heal {}", d.target)
                           : fmt::format("{} {} {} -> {}", d.workflow, d.target, d.from, d.to);
  std::printf("t=%s  %s (%s): %s\n", Time(d.ts).c_str(), d.policy.c_str(),
              std::string(policies::KindName(d.kind)).c_str(), change.c_str());
  for (const policies::Reason& r : d.reasons) {
    std::printf("    %s: %s\n", r.what.c_str(), r.value.c_str());
  }
  if (!d.plan) {
    std::printf("    no plan: the planner refused it (see the errors)\n");
  } else if (quiet) {
    std::printf("    %s\n", plan::SummaryLine(*d.plan).c_str());
  } else {
    std::fputs(Indent(plan::RenderText(*d.plan), "    | ").c_str(), stdout);
  }
}

void PrintJson(const Decision& d) {
  nlohmann::ordered_json j = {{"ts", d.ts},
                              {"policy", d.policy},
                              {"kind", policies::KindName(d.kind)},
                              {"workflow", d.workflow},
                              {"target", d.target}};
  if (d.workflow != "heal") j["from"] = d.from, j["to"] = d.to;
  nlohmann::ordered_json reasons = nlohmann::ordered_json::object();
  for (const policies::Reason& r : d.reasons) reasons[r.what] = r.value;
  j["reasons"] = reasons;
  j["plan"] = d.plan ? nlohmann::ordered_json::parse(plan::ToJson(*d.plan)) : nullptr;
  std::printf("%s\n", j.dump().c_str());
}

}  // namespace

auto ReplayMetrics(const ir::ServiceTemplate& st, const AutoscaleRequest& request,
                   diag::SourceManager& sources, diag::Sink& sink) -> bool {
  policies::EngineOptions options;
  options.lateness = request.lateness;
  options.default_ttl = request.ttl;
  if (!request.state.empty() && !ReadState(request.state, sources, sink, options.counts)) {
    return false;
  }
  policies::Rules rules = policies::ReadRules(st);
  for (const policies::Skipped& s : rules.skipped) {
    sink.Report(diag::Kind::kAutoscalePolicy, s.loc, "", s.policy, s.why);
  }
  if (rules.rules.empty()) {
    sink.Report(diag::Kind::kAutoscaleState, diag::Loc{st.root_file, 1, 1}, "",
                "the blueprint has no metric policy to replay (scale_policy_type, "
                "cloudify.policies.types.threshold, ewma_stabilized, host_failure, or "
                "tosca.policies.Scaling with a `metric`)");
    return false;
  }
  std::ifstream file;
  if (request.metrics != "-") {
    std::error_code ec;
    if (!std::filesystem::is_directory(request.metrics, ec)) {
      file.open(request.metrics, std::ios::binary);
    }
    if (!file.is_open()) {
      sink.Report(diag::Kind::kAutoscaleSample, diag::Loc{}, "",
                  fmt::format("cannot read --metrics {}", request.metrics));
      return false;
    }
  }
  std::istream& in = request.metrics == "-" ? std::cin : file;
  // The trace is streamed, never held: its file is registered without text, so diagnostics
  // carry file:line:col without quoting the line.
  diag::FileId trace = sources.Add(request.metrics == "-" ? "<stdin>" : request.metrics, "");
  policies::Engine engine(st, std::move(rules.rules), options, sink);
  if (sink.error_count() > 0) return false;  // a wrong --state: replaying from it would mislead
  if (engine.rule_count() == 0) {
    sink.Report(diag::Kind::kAutoscaleState, diag::Loc{st.root_file, 1, 1}, "",
                "no metric policy of the blueprint can be evaluated (the warnings say why)");
    return false;
  }
  std::vector<Decision> decisions;
  auto flush = [&] {
    for (const Decision& d : decisions) {
      if (request.format == "json") {
        PrintJson(d);
      } else {
        PrintText(d, request.quiet);
      }
    }
    decisions.clear();
  };
  std::string line, error;
  policies::Sample sample;
  uint32_t number = 0, col = 0;
  size_t total = 0, malformed = 0;
  diag::Loc last_malformed;
  constexpr size_t kReportLimit = 100;  // as for late samples: a count past these
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!policies::ParseSample(line, sample, error, col)) {
      last_malformed = diag::Loc{trace, number, col};
      if (++malformed <= kReportLimit) {
        sink.Report(diag::Kind::kAutoscaleSample, last_malformed, "", error);
      }
      continue;
    }
    sample.loc = diag::Loc{trace, number, 1};
    engine.Feed(sample, decisions);
    total += decisions.size();
    if (!decisions.empty()) flush();
  }
  engine.Finish(decisions);
  if (malformed > kReportLimit) {
    sink.Report(diag::Kind::kAutoscaleSuppressed, last_malformed, "", malformed - kReportLimit,
                "malformed lines (the last on this line)", kReportLimit);
  }
  total += decisions.size();
  flush();
  const policies::ReplayStats& stats = engine.stats();
  std::string counts;
  for (const auto& [name, count] : engine.counts()) {
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", name, count);
  }
  if (request.format == "json") {
    nlohmann::ordered_json summary = {{"samples", stats.samples}, {"matched", stats.matched},
                                      {"late", stats.late},       {"sources", stats.sources},
                                      {"decisions", total},       {"counts", engine.counts()}};
    std::printf("%s\n", nlohmann::ordered_json{{"summary", summary}}.dump().c_str());
  } else {
    std::printf(
        "Replayed %llu samples from %zu source%s (t=%s..%s, %llu read by a policy, %llu "
        "late): %zu decision%s; counts now: %s.\n",
        static_cast<unsigned long long>(stats.samples), stats.sources,
        stats.sources == 1 ? "" : "s", Time(stats.first_ts).c_str(), Time(stats.last_ts).c_str(),
        static_cast<unsigned long long>(stats.matched), static_cast<unsigned long long>(stats.late),
        total, total == 1 ? "" : "s", counts.empty() ? "none" : counts.c_str());
  }
  return true;
}

}  // namespace toscac::cli
