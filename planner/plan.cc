// Plan helpers: waves and the JSON form.
#include "planner/plan.h"

#include <array>
#include <nlohmann/json.hpp>

namespace toscac::plan {
namespace {

using nlohmann::ordered_json;

constexpr std::array<std::string_view, 4> kActionNames = {"create", "delete", "change", "read"};
constexpr std::array<std::string_view, 4> kChangeNames = {"install", "uninstall", "reinstall",
                                                          "change"};

template <typename Enum, size_t N>
auto ParseEnum(const ordered_json& j, const std::array<std::string_view, N>& names, Enum& out)
    -> bool {
  if (!j.is_string()) return false;
  for (size_t k = 0; k < N; ++k) {
    if (names[k] == j.get_ref<const std::string&>()) {
      out = static_cast<Enum>(k);
      return true;
    }
  }
  return false;
}

auto InputToJson(const StepInput& in) -> ordered_json {
  ordered_json j = {{"name", in.name}};
  if (in.expression.empty()) {
    j["value"] = ordered_json::parse(in.json, nullptr, /*allow_exceptions=*/false);
  } else {
    j["known_after_apply"] = in.expression;
  }
  if (in.sensitive) j["sensitive"] = true;
  return j;
}

auto StepToJson(uint32_t id, const Step& s) -> ordered_json {
  ordered_json j = {{"id", id},
                    {"action", kActionNames[static_cast<size_t>(s.action)]},
                    {"instance", s.instance},
                    {"node", s.node},
                    {"node_type", s.node_type},
                    {"interface", s.interface},
                    {"operation", s.operation},
                    {"implementation", s.implementation}};
  if (!s.relationship.empty()) {
    j["relationship"] = {{"type", s.relationship}, {"source", s.source}, {"target", s.target}};
  }
  ordered_json inputs = ordered_json::array();
  for (const StepInput& in : s.inputs) inputs.push_back(InputToJson(in));
  j["inputs"] = std::move(inputs);
  return j;
}

// Reading: every field is required and checked, so that a hand-edited plan fails loudly.
struct Reader {
  std::string& error;

  auto Str(const ordered_json& j, const char* key, std::string& out) -> bool {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
      return Fail(std::string("`") + key + "` must be a string");
    out = it->get<std::string>();
    return true;
  }
  auto Fail(std::string why) -> bool {
    if (error.empty()) error = std::move(why);
    return false;
  }
  auto Input(const ordered_json& j, StepInput& in) -> bool {
    if (!j.is_object() || !Str(j, "name", in.name)) return Fail("an input needs a `name`");
    if (auto v = j.find("value"); v != j.end()) {
      in.json = v->dump();
    } else if (!Str(j, "known_after_apply", in.expression)) {
      return Fail("input `" + in.name + "` needs `value` or `known_after_apply`");
    }
    if (auto s = j.find("sensitive"); s != j.end()) {
      if (!s->is_boolean()) return Fail("`sensitive` must be true or false");
      in.sensitive = s->get<bool>();
    }
    return true;
  }
  auto StepFrom(const ordered_json& j, uint32_t expected_id, Step& s) -> bool {
    if (!j.is_object()) return Fail("a step must be an object");
    auto id = j.find("id");
    if (id == j.end() || !id->is_number_unsigned() || id->get<uint32_t>() != expected_id)
      return Fail("step ids must be 0, 1, 2, ... in order");
    if (!ParseEnum(j.value("action", ordered_json()), kActionNames, s.action))
      return Fail("a step's `action` must be create, delete, change or read");
    if (!Str(j, "instance", s.instance) || !Str(j, "node", s.node) ||
        !Str(j, "node_type", s.node_type) || !Str(j, "interface", s.interface) ||
        !Str(j, "operation", s.operation) || !Str(j, "implementation", s.implementation))
      return false;
    if (auto rel = j.find("relationship"); rel != j.end()) {
      if (!rel->is_object() || !Str(*rel, "type", s.relationship) ||
          !Str(*rel, "source", s.source) || !Str(*rel, "target", s.target))
        return Fail("a step's `relationship` needs `type`, `source` and `target`");
    }
    auto inputs = j.find("inputs");
    if (inputs == j.end() || !inputs->is_array()) return Fail("a step's `inputs` must be a list");
    for (const ordered_json& in : *inputs) {
      if (!Input(in, s.inputs.emplace_back())) return false;
    }
    return true;
  }
  auto Index(const ordered_json& j, size_t steps, uint32_t& out) -> bool {
    if (!j.is_number_unsigned() || j.get<uint64_t>() >= steps)
      return Fail("edges and waves refer to steps by their id");
    out = j.get<uint32_t>();
    return true;
  }
};

auto ReadPlan(const ordered_json& j, Reader& r, Plan& plan) -> bool {
  if (!j.is_object()) return r.Fail("a plan is a JSON object");
  auto version = j.find("format_version");
  if (version == j.end() || !version->is_number_integer())
    return r.Fail("not a toscac plan: no `format_version`");
  if (version->get<int>() != kFormatVersion)
    return r.Fail("plan format_version " + version->dump() +
                  " is not supported (this toscac reads " + std::to_string(kFormatVersion) + ")");
  if (!r.Str(j, "workflow", plan.workflow) || !r.Str(j, "blueprint", plan.blueprint)) return false;
  auto params = j.find("parameters");
  if (params == j.end() || !params->is_object()) return r.Fail("`parameters` must be an object");
  for (const auto& [k, v] : params->items()) {
    if (!v.is_string()) return r.Fail("parameter values are strings");
    plan.parameters.emplace_back(k, v.get<std::string>());
  }
  auto instances = j.find("instances");
  if (instances == j.end() || !instances->is_array()) return r.Fail("`instances` must be a list");
  for (const ordered_json& i : *instances) {
    PlannedInstance& pi = plan.instances.emplace_back();
    if (!i.is_object() || !r.Str(i, "id", pi.id) || !r.Str(i, "node", pi.node) ||
        !r.Str(i, "host", pi.host) ||
        !ParseEnum(i.value("change", ordered_json()), kChangeNames, pi.change))
      return r.Fail("an instance needs `id`, `node`, `host` and `change`");
  }
  auto steps = j.find("steps");
  if (steps == j.end() || !steps->is_array()) return r.Fail("`steps` must be a list");
  for (const ordered_json& s : *steps) {
    auto id = static_cast<uint32_t>(plan.steps.size());
    if (!r.StepFrom(s, id, plan.steps.emplace_back())) return false;
  }
  auto edges = j.find("edges");
  if (edges == j.end() || !edges->is_array()) return r.Fail("`edges` must be a list");
  for (const ordered_json& e : *edges) {
    uint32_t a = 0, b = 0;
    if (!e.is_array() || e.size() != 2 || !r.Index(e[0], plan.steps.size(), a) ||
        !r.Index(e[1], plan.steps.size(), b))
      return r.Fail("an edge is a pair of step ids");
    plan.edges.emplace_back(a, b);
  }
  auto waves = j.find("waves");
  if (waves == j.end() || !waves->is_array()) return r.Fail("`waves` must be a list");
  for (const ordered_json& w : *waves) {
    if (!w.is_array()) return r.Fail("a wave is a list of step ids");
    auto& wave = plan.waves.emplace_back();
    for (const ordered_json& s : w) {
      if (!r.Index(s, plan.steps.size(), wave.emplace_back())) return false;
    }
  }
  return true;
}

}  // namespace

auto ComputeWaves(Plan& plan) -> bool {
  const size_t n = plan.steps.size();
  std::vector<std::vector<uint32_t>> after(n);
  std::vector<uint32_t> waiting(n, 0), wave_of(n, 0);
  for (auto [a, b] : plan.edges) {
    after[a].push_back(b);
    ++waiting[b];
  }
  // Kahn's algorithm; a step's wave is one more than its latest predecessor's.
  std::vector<uint32_t> ready;
  for (uint32_t s = 0; s < n; ++s) {
    if (waiting[s] == 0) ready.push_back(s);
  }
  size_t placed = 0, waves = 0;
  while (!ready.empty()) {
    uint32_t s = ready.back();
    ready.pop_back();
    ++placed;
    waves = std::max<size_t>(waves, wave_of[s] + 1);
    for (uint32_t b : after[s]) {
      wave_of[b] = std::max(wave_of[b], wave_of[s] + 1);
      if (--waiting[b] == 0) ready.push_back(b);
    }
  }
  plan.waves.clear();
  if (placed != n) return false;
  plan.waves.resize(waves);
  for (uint32_t s = 0; s < n; ++s) plan.waves[wave_of[s]].push_back(s);
  return true;
}

auto ActionSymbol(Action action) -> std::string_view {
  constexpr std::array<std::string_view, 4> kSymbols = {"+", "-", "~", "<="};
  return kSymbols[static_cast<size_t>(action)];
}

auto ActionName(Action action) -> std::string_view {
  return kActionNames[static_cast<size_t>(action)];
}

auto ChangeName(Change change) -> std::string_view {
  return kChangeNames[static_cast<size_t>(change)];
}

auto ToJson(const Plan& plan) -> std::string {
  ordered_json j = {{"format_version", kFormatVersion},
                    {"workflow", plan.workflow},
                    {"blueprint", plan.blueprint}};
  ordered_json params = ordered_json::object();
  for (const auto& [k, v] : plan.parameters) params[k] = v;
  j["parameters"] = std::move(params);
  ordered_json instances = ordered_json::array();
  for (const PlannedInstance& i : plan.instances) {
    instances.push_back(
        {{"id", i.id}, {"node", i.node}, {"host", i.host}, {"change", ChangeName(i.change)}});
  }
  j["instances"] = std::move(instances);
  ordered_json steps = ordered_json::array();
  for (uint32_t s = 0; s < plan.steps.size(); ++s) steps.push_back(StepToJson(s, plan.steps[s]));
  j["steps"] = std::move(steps);
  // Edges and waves are lists of small numbers: one line each keeps saved plans short and diffs
  // readable. The text stays valid JSON; FromJson does not care about layout.
  // Strings are valid UTF-8 (the YAML reader checks its input and steps.cc its own output);
  // `replace` keeps a stray byte from ever throwing.
  std::string out = j.dump(2, ' ', false, ordered_json::error_handler_t::replace);
  out.resize(out.size() - 2);  // drop "\n}"
  out += ",\n  \"edges\": [";
  for (size_t k = 0; k < plan.edges.size(); ++k) {
    out += (k ? ", [" : "[") + std::to_string(plan.edges[k].first) + ", " +
           std::to_string(plan.edges[k].second) + "]";
  }
  out += "],\n  \"waves\": [";
  for (size_t w = 0; w < plan.waves.size(); ++w) {
    out += w ? ", [" : "[";
    for (size_t k = 0; k < plan.waves[w].size(); ++k) {
      out += (k ? ", " : "") + std::to_string(plan.waves[w][k]);
    }
    out += "]";
  }
  out += "]\n}\n";
  return out;
}

auto FromJson(const std::string& text, std::string& error, size_t* error_offset)
    -> std::optional<Plan> {
  error.clear();
  if (error_offset != nullptr) *error_offset = 0;
  ordered_json j;
  try {
    j = ordered_json::parse(text);
  } catch (const ordered_json::parse_error& e) {  // nlohmann reports syntax errors by throwing
    error = "not valid JSON";
    if (error_offset != nullptr) *error_offset = e.byte;
    return std::nullopt;
  }
  Plan plan;
  Reader reader{error};
  if (!ReadPlan(j, reader, plan)) return std::nullopt;
  // Waves are derived data; a plan whose waves do not follow from its edges (or whose edges
  // have a cycle) was edited by hand and could run steps out of order.
  Plan check = plan;
  if (!ComputeWaves(check)) {
    error = "the plan's edges have a cycle";
    return std::nullopt;
  }
  if (check.waves != plan.waves) {
    error = "the plan's waves do not follow from its edges";
    return std::nullopt;
  }
  return plan;
}

}  // namespace toscac::plan
