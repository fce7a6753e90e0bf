// Operations as plan steps; see steps.h.
#include "planner/steps.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace toscac::plan {
namespace {

using nlohmann::ordered_json;

auto IsLifecycle(const ir::Interface& i) -> bool {
  return i.name == "cloudify.interfaces.lifecycle" || i.name == "Standard" ||
         i.name == "tosca.interfaces.node.lifecycle.Standard" ||
         i.type == "tosca.interfaces.node.lifecycle.Standard";
}

auto IsRelationshipLifecycle(const ir::Interface& i) -> bool {
  return i.name == "cloudify.interfaces.relationship_lifecycle" || i.name == "Configure" ||
         i.name == "tosca.interfaces.relationship.Configure" ||
         i.type == "tosca.interfaces.relationship.Configure";
}

struct Found {
  const ir::Interface* iface = nullptr;
  const ir::Operation* op = nullptr;
};

// An operation with an implementation; one without does nothing, so it is no step.
template <typename IsFamily>
auto FindOperation(const std::vector<ir::Interface>& ifaces, IsFamily is_family,
                   std::string_view name) -> Found {
  for (const ir::Interface& iface : ifaces) {
    if (!is_family(iface)) continue;
    for (const ir::Operation& op : iface.operations) {
      if (op.name == name && !op.implementation.empty()) return {&iface, &op};
    }
  }
  return {};
}

auto HasFunction(const ir::Value& v) -> bool {
  if (v.kind == ir::Value::Kind::kFunction) return true;
  for (const ir::Value& item : v.items) {
    if (HasFunction(item)) return true;
  }
  for (const auto& [key, value] : v.entries) {
    if (HasFunction(value)) return true;
  }
  return false;
}

auto HasSensitive(const ir::Value& v) -> bool {
  if (v.sensitive) return true;
  for (const ir::Value& item : v.items) {
    if (HasSensitive(item)) return true;
  }
  for (const auto& [key, value] : v.entries) {
    if (HasSensitive(value)) return true;
  }
  return false;
}

// The length of the valid UTF-8 sequence (RFC 3629) at the start of `s`, or 0.
auto Utf8Length(std::string_view s) -> size_t {
  auto byte = [&](size_t k) -> unsigned {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u;
  };
  auto in = [&](size_t k, unsigned lo, unsigned hi) { return byte(k) >= lo && byte(k) <= hi; };
  unsigned char b = byte(0);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return in(1, 0x80, 0xBF) ? 2 : 0;
  if (b == 0xE0) return in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
  if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF)
    return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
  if (b == 0xED) return in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;
  if (b == 0xF0) return in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  if (b >= 0xF1 && b <= 0xF3)
    return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  if (b == 0xF4) return in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  return 0;
}

// Compact JSON text exactly as nlohmann::json::dump() would write it (so that a saved plan reads
// back byte for byte), without building a json object per value: plans of 100,000 instances
// write every input.
// JSON text is UTF-8: a byte that starts no valid sequence (a string cut inside a character)
// becomes U+FFFD, as a reader would show it.
void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      size_t n = Utf8Length(text.substr(i));
      out += n == 0 ? std::string_view("\xEF\xBF\xBD") : text.substr(i, n);
      i += n == 0 ? 0 : n - 1;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendJson(std::string& out, const ir::Value& v) {
  switch (v.kind) {
    case ir::Value::Kind::kBool:
      out += v.b ? "true" : "false";
      return;
    case ir::Value::Kind::kInt:
      out += std::to_string(v.i);
      return;
    case ir::Value::Kind::kFloat:
      out += ordered_json(v.f).dump();  // nlohmann's shortest round-trip form
      return;
    case ir::Value::Kind::kString:
      AppendJsonString(out, v.s);
      return;
    case ir::Value::Kind::kList:
      out += '[';
      for (size_t k = 0; k < v.items.size(); ++k) {
        if (k) out += ',';
        AppendJson(out, v.items[k]);
      }
      out += ']';
      return;
    case ir::Value::Kind::kMap:
      out += '{';
      for (size_t k = 0; k < v.entries.size(); ++k) {
        if (k) out += ',';
        AppendJsonString(out, v.entries[k].first);
        out += ':';
        AppendJson(out, v.entries[k].second);
      }
      out += '}';
      return;
    default:
      out += "null";
  }
}

// An operation input: static values as JSON; anything with a function left after evaluation is
// only known once the deployment runs, and keeps its expression.
auto ToStepInput(const std::string& name, const ir::Value& v) -> StepInput {
  StepInput in;
  in.name = name;
  in.sensitive = HasSensitive(v);
  if (HasFunction(v)) {
    in.expression = ir::ValueToString(v);
  } else {
    AppendJson(in.json, v);
  }
  return in;
}

}  // namespace

StepFactory::StepFactory(const ir::ServiceTemplate& st, const Instances& instances)
    : st_(st), instances_(instances), outgoing_(instances.nodes.size()) {
  for (uint32_t r = 0; r < instances.relationships.size(); ++r) {
    outgoing_[instances.relationships[r].source.value].push_back(r);
  }
  proxy_type_ = st.FindType(ir::TypeKind::kNode, "cloudify.nodes.DeploymentProxy");
  plan_.steps.reserve(instances.nodes.size());  // a guess that saves most regrowth copies
  no_operations_.assign(st.relationships.size(), 1);
  for (uint32_t r = 0; r < st.relationships.size(); ++r) {
    for (const auto* side :
         {&st.relationships[r].source_interfaces, &st.relationships[r].target_interfaces}) {
      for (const ir::Interface& iface : *side) {
        for (const ir::Operation& op : iface.operations) {
          if (!op.implementation.empty()) no_operations_[r] = 0;
        }
      }
    }
  }
}

auto StepFactory::AddStep(InstanceId instance, const ir::Interface& iface, const ir::Operation& op,
                          Action action) -> uint32_t {
  const NodeInstance& ni = instances_.nodes[instance.value];
  const ir::NodeTemplate& node = st_.nodes[ni.node.value];
  Step step;
  step.instance = ni.id;
  step.node = node.name;
  step.node_type = node.type.valid() ? st_.types[node.type.value].name : "";
  step.interface = iface.name;
  step.operation = op.name;
  step.implementation = op.implementation;
  step.action = action;
  step.inputs.reserve(op.inputs.size());
  for (const auto& [name, value] : op.inputs) step.inputs.push_back(ToStepInput(name, value));
  plan_.steps.push_back(std::move(step));
  return static_cast<uint32_t>(plan_.steps.size() - 1);
}

auto StepFactory::NodeOperation(InstanceId instance, std::string_view name, Action action)
    -> Phase {
  const NodeInstance& ni = instances_.nodes[instance.value];
  const ir::NodeTemplate& node = st_.nodes[ni.node.value];
  Found found = FindOperation(node.interfaces, IsLifecycle, name);
  if (found.op == nullptr) return {};
  if (action == Action::kCreate && proxy_type_.valid() && node.type.valid() &&
      st_.DerivesFrom(node.type, proxy_type_)) {
    action = Action::kRead;
  }
  return {AddStep(instance, *found.iface, *found.op, action)};
}

auto StepFactory::RelationshipOperations(const std::vector<uint32_t>& relationships,
                                         const RelationshipPhase& phase, Action action) -> Phase {
  Phase out;
  for (uint32_t r : relationships) {
    const RelationshipInstance& ri = instances_.relationships[r];
    if (no_operations_[ri.relationship.value]) continue;
    const ir::Relationship& rel = st_.relationships[ri.relationship.value];
    // Cloudify: the same name on each end's interfaces; TOSCA: one Configure interface whose
    // operation names say which end runs them.
    Found source = FindOperation(rel.source_interfaces, IsRelationshipLifecycle, phase.cloudify);
    if (source.op == nullptr)
      source = FindOperation(rel.source_interfaces, IsRelationshipLifecycle, phase.tosca_source);
    Found target = FindOperation(rel.target_interfaces, IsRelationshipLifecycle, phase.cloudify);
    if (target.op == nullptr)
      target = FindOperation(rel.source_interfaces, IsRelationshipLifecycle, phase.tosca_target);
    for (auto [found, runs_on] : {std::pair{source, ri.source}, std::pair{target, ri.target}}) {
      if (found.op == nullptr) continue;
      bool stays = runs_on.value < staying_.size() && staying_[runs_on.value];
      uint32_t id = AddStep(runs_on, *found.iface, *found.op, stays ? Action::kChange : action);
      Step& step = plan_.steps[id];
      step.relationship = rel.type.valid() ? st_.types[rel.type.value].name : "";
      step.source = instances_.nodes[ri.source.value].id;
      step.target = instances_.nodes[ri.target.value].id;
      out.push_back(id);
    }
  }
  return out;
}

auto StepFactory::InstallPhases(InstanceId instance, Action action) -> std::vector<Phase> {
  const std::vector<uint32_t>& rels = outgoing_[instance.value];
  std::vector<Phase> phases;
  phases.push_back(NodeOperation(instance, "create", action));
  phases.push_back(RelationshipOperations(rels, kPreconfigure, action));
  phases.push_back(NodeOperation(instance, "configure", action));
  phases.push_back(RelationshipOperations(rels, kPostconfigure, action));
  phases.push_back(NodeOperation(instance, "start", action));
  phases.push_back(RelationshipOperations(rels, kEstablish, action));
  return phases;
}

auto StepFactory::UninstallPhases(InstanceId instance, Action action) -> std::vector<Phase> {
  std::vector<Phase> phases;
  phases.push_back(NodeOperation(instance, "stop", action));
  phases.push_back(RelationshipOperations(outgoing_[instance.value], kUnlink, action));
  phases.push_back(NodeOperation(instance, "delete", action));
  return phases;
}

void StepFactory::SetRebuilt(const std::vector<InstanceId>& rebuilt) {
  staying_.assign(instances_.nodes.size(), 1);
  for (InstanceId i : rebuilt) staying_[i.value] = 0;
}

void StepFactory::Link(const Phase& before, const Phase& after) {
  for (uint32_t a : before) {
    for (uint32_t b : after) plan_.edges.emplace_back(a, b);
  }
}

auto StepFactory::Finish() -> Plan {
  auto& edges = plan_.edges;
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  ComputeWaves(plan_);  // acyclic by construction: chains follow an acyclic instance order
  return std::move(plan_);
}

}  // namespace toscac::plan
