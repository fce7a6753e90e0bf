// Text, JSON and SARIF 2.1.0 renderings of diagnostics. Pure: the CLI prints the result.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "diag/diagnostic.h"

namespace toscac::diag {
namespace {

auto SeverityName(Severity s) -> std::string_view {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

auto Position(const Loc& loc, const SourceManager& sources) -> std::string {
  if (loc.file.value == 0) return "toscac";
  if (loc.line == 0) return sources.Name(loc.file);
  return fmt::format("{}:{}:{}", sources.Name(loc.file), loc.line, loc.col);
}

// The source line with a caret under the column, ninja/clang style.
void AppendSnippet(std::string& out, const Loc& loc, const SourceManager& sources) {
  if (loc.file.value == 0 || loc.line == 0) return;
  std::string_view line = sources.Line(loc.file, loc.line);
  if (line.empty()) return;
  std::string number = std::to_string(loc.line);
  std::string pad(number.size(), ' ');
  fmt::format_to(std::back_inserter(out), " {} | {}\n", number, line);
  std::string caret;
  for (uint32_t i = 1; i < loc.col && i - 1 < line.size(); ++i)
    caret += line[i - 1] == '\t' ? '\t' : ' ';
  fmt::format_to(std::back_inserter(out), " {} | {}^\n", pad, caret);
}

}  // namespace

auto RenderText(const std::vector<Diagnostic>& diags, const SourceManager& sources, bool color)
    -> std::string {
  std::string out;
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  for (const Diagnostic& d : diags) {
    const char* tint = !color ? "" : d.severity == Severity::kError ? "\033[1;31m" : "\033[1;35m";
    fmt::format_to(std::back_inserter(out), "{}{}: {}{}[{}]{}: {}{}\n", bold,
                   Position(d.loc, sources), tint, SeverityName(d.severity), Info(d.kind).code,
                   reset, d.message, "");
    if (!d.yaml_path.empty()) fmt::format_to(std::back_inserter(out), "  at {}\n", d.yaml_path);
    AppendSnippet(out, d.loc, sources);
    for (const Note& note : d.notes) {
      fmt::format_to(std::back_inserter(out), "{}: note: {}\n", Position(note.loc, sources),
                     note.message);
      AppendSnippet(out, note.loc, sources);
    }
  }
  return out;
}

namespace {

auto LocJson(const Loc& loc, const SourceManager& sources) -> nlohmann::ordered_json {
  nlohmann::ordered_json j;
  j["file"] = loc.file.value == 0 ? "" : sources.Name(loc.file);
  j["line"] = loc.line;
  j["column"] = loc.col;
  return j;
}

}  // namespace

auto RenderJson(const std::vector<Diagnostic>& diags, const SourceManager& sources) -> std::string {
  nlohmann::ordered_json root;
  root["format_version"] = 1;
  auto& list = root["diagnostics"] = nlohmann::ordered_json::array();
  size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : diags) {
    errors += d.severity == Severity::kError;
    warnings += d.severity == Severity::kWarning;
    nlohmann::ordered_json j;
    j["code"] = Info(d.kind).code;
    j["severity"] = SeverityName(d.severity);
    j["message"] = d.message;
    j["location"] = LocJson(d.loc, sources);
    j["path"] = d.yaml_path;
    auto& notes = j["notes"] = nlohmann::ordered_json::array();
    for (const Note& n : d.notes) {
      nlohmann::ordered_json note;
      note["message"] = n.message;
      note["location"] = LocJson(n.loc, sources);
      notes.push_back(std::move(note));
    }
    list.push_back(std::move(j));
  }
  root["errors"] = errors;
  root["warnings"] = warnings;
  return root.dump(2) + "\n";
}

namespace {

auto SarifLocation(const Loc& loc, const SourceManager& sources) -> nlohmann::ordered_json {
  nlohmann::ordered_json physical;
  physical["artifactLocation"]["uri"] = loc.file.value == 0 ? "" : sources.Name(loc.file);
  if (loc.line > 0) {
    physical["region"]["startLine"] = loc.line;
    physical["region"]["startColumn"] = std::max<uint32_t>(loc.col, 1);
  }
  nlohmann::ordered_json location;
  location["physicalLocation"] = std::move(physical);
  return location;
}

}  // namespace

auto RenderSarif(const std::vector<Diagnostic>& diags, const SourceManager& sources,
                 std::string_view tool_version) -> std::string {
  nlohmann::ordered_json root;
  root["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  root["version"] = "2.1.0";
  nlohmann::ordered_json run;
  auto& driver = run["tool"]["driver"];
  driver["name"] = "toscac";
  driver["version"] = std::string(tool_version);
  driver["informationUri"] = "https://example.invalid/toscac/docs/diagnostics.md";
  // Only the rules that fired, in code order; ruleIndex points into this list.
  std::set<size_t> used;
  for (const Diagnostic& d : diags) used.insert(static_cast<size_t>(d.kind));
  std::vector<size_t> rule_of_kind(AllKinds().size(), 0);
  auto& rules = driver["rules"] = nlohmann::ordered_json::array();
  for (size_t kind : used) {
    const KindInfo& info = Info(static_cast<Kind>(kind));
    rule_of_kind[kind] = rules.size();
    nlohmann::ordered_json rule;
    rule["id"] = info.code;
    rule["name"] = info.name;
    rule["shortDescription"]["text"] = info.format;
    rule["defaultConfiguration"]["level"] = SeverityName(info.severity);
    rules.push_back(std::move(rule));
  }
  auto& results = run["results"] = nlohmann::ordered_json::array();
  for (const Diagnostic& d : diags) {
    nlohmann::ordered_json r;
    r["ruleId"] = Info(d.kind).code;
    r["ruleIndex"] = rule_of_kind[static_cast<size_t>(d.kind)];
    r["level"] = SeverityName(d.severity);
    r["message"]["text"] = d.message;
    auto location = SarifLocation(d.loc, sources);
    if (!d.yaml_path.empty()) {
      location["logicalLocations"] = nlohmann::ordered_json::array(
          {{{"fullyQualifiedName", d.yaml_path}, {"kind", "member"}}});
    }
    r["locations"] = nlohmann::ordered_json::array({location});
    if (!d.notes.empty()) {
      auto& related = r["relatedLocations"] = nlohmann::ordered_json::array();
      int id = 1;
      for (const Note& n : d.notes) {
        auto loc = SarifLocation(n.loc, sources);
        loc["id"] = id++;
        loc["message"]["text"] = n.message;
        related.push_back(std::move(loc));
      }
    }
    results.push_back(std::move(r));
  }
  root["runs"] = nlohmann::ordered_json::array({std::move(run)});
  return root.dump(2) + "\n";
}

}  // namespace toscac::diag
