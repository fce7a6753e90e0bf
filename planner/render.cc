// Plan rendering; see render.h.
#include "planner/render.h"

#include <fmt/format.h>

#include <array>
#include <map>

namespace toscac::plan {
namespace {

auto Plural(size_t n, std::string_view word) -> std::string {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

auto StepTitle(const Step& s) -> std::string {
  return fmt::format("{} {}.{}", s.instance, s.interface, s.operation);
}

// Plain appends: a plan of 100,000 instances prints hundreds of thousands of these lines.
void AppendStep(std::string& out, const Step& s) {
  std::string_view symbol = ActionSymbol(s.action);
  out.append(symbol.size() == 1 ? "   " : "  ").append(symbol).append(" ");
  out.append(s.instance).append(" ").append(s.interface).append(".").append(s.operation);
  out.append(" (").append(s.node_type).append(")\n");
  if (!s.relationship.empty()) {
    out.append("       relationship: ").append(s.source).append(" -> ").append(s.target);
    out.append(" (").append(s.relationship).append(")\n");
  }
  out.append("       implementation: ").append(s.implementation).append("\n");
  for (const StepInput& in : s.inputs) {
    out.append("       ").append(in.name).append(" = ");
    if (in.sensitive) {
      out.append("(sensitive)");
    } else if (!in.expression.empty()) {
      out.append("(known after apply: ").append(in.expression).append(")");
    } else {
      out.append(in.json);
    }
    out.append("\n");
  }
}

// The outermost host of each instance, for clusters.
auto Roots(const Plan& plan) -> std::map<std::string, std::string> {
  std::map<std::string, std::string> host;
  for (const PlannedInstance& i : plan.instances) host[i.id] = i.host;
  std::map<std::string, std::string> root;
  for (const PlannedInstance& i : plan.instances) {
    std::string r = i.id;
    for (size_t guard = 0; guard < host.size(); ++guard) {
      auto it = host.find(r);
      if (it == host.end() || it->second.empty()) break;
      r = it->second;
    }
    root[i.id] = r;
  }
  return root;
}

auto DotQuote(std::string_view s) -> std::string {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

auto SummaryLine(const Plan& plan) -> std::string {
  if (plan.empty()) return "No changes. The workflow has nothing to do.";
  std::array<size_t, 4> counts{};
  for (const PlannedInstance& i : plan.instances) ++counts[static_cast<size_t>(i.change)];
  constexpr std::array<std::string_view, 4> kVerbs = {"to install", "to uninstall", "to reinstall",
                                                      "to change"};
  std::string parts;
  for (size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] == 0) continue;
    parts += parts.empty() ? fmt::format("{} {}", Plural(counts[k], "instance"), kVerbs[k])
                           : fmt::format(", {} {}", counts[k], kVerbs[k]);
  }
  return fmt::format("Plan: {}, {} in {}.", parts, Plural(plan.steps.size(), "operation"),
                     Plural(plan.waves.size(), "wave"));
}

auto RenderText(const Plan& plan) -> std::string {
  std::string out = fmt::format("Workflow {} of {}", plan.workflow, plan.blueprint);
  if (!plan.parameters.empty()) {
    std::string params;
    for (const auto& [k, v] : plan.parameters)
      params += fmt::format("{}{}={}", params.empty() ? "" : ", ", k, v);
    out += " (" + params + ")";
  }
  out += "\n";
  if (!plan.empty()) {
    out += "Symbols: + create, - delete, ~ change, <= read from another deployment\n";
  }
  for (size_t w = 0; w < plan.waves.size(); ++w) {
    fmt::format_to(std::back_inserter(out), "\nWave {}\n", w + 1);
    for (uint32_t s : plan.waves[w]) AppendStep(out, plan.steps[s]);
  }
  out += "\n" + SummaryLine(plan) + "\n";
  return out;
}

auto RenderDot(const Plan& plan) -> std::string {
  std::string out = "digraph plan {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n";
  std::map<std::string, std::string> roots = Roots(plan);
  std::map<std::string, std::vector<uint32_t>> clusters;
  for (uint32_t s = 0; s < plan.steps.size(); ++s) {
    auto it = roots.find(plan.steps[s].instance);
    clusters[it == roots.end() ? plan.steps[s].instance : it->second].push_back(s);
  }
  size_t k = 0;
  for (const auto& [root, steps] : clusters) {
    fmt::format_to(std::back_inserter(out), "  subgraph cluster_{} {{\n    label={};\n", k++,
                   DotQuote(root));
    for (uint32_t s : steps) {
      const Step& step = plan.steps[s];
      fmt::format_to(std::back_inserter(out), "    s{} [label={}];\n", s,
                     DotQuote(fmt::format("{} {}{}", ActionSymbol(step.action), StepTitle(step),
                                          step.relationship.empty() ? "" : " -> " + step.target)));
    }
    out += "  }\n";
  }
  for (auto [a, b] : plan.edges) fmt::format_to(std::back_inserter(out), "  s{} -> s{};\n", a, b);
  out += "}\n";
  return out;
}

}  // namespace toscac::plan
