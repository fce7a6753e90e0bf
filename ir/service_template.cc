// IR queries and the stable text dump.
#include "ir/service_template.h"

#include <fmt/format.h>

#include <cstdlib>
#include <map>

namespace toscac::ir {

auto ServiceTemplate::DerivesFrom(TypeId type, TypeId ancestor) const -> bool {
  for (size_t guard = 0; type.valid() && guard < types.size() + 1; ++guard) {
    if (type == ancestor) return true;
    type = types[type.value].parent;
  }
  return false;
}

auto ServiceTemplate::FindType(TypeKind kind, std::string_view name) const -> TypeId {
  for (uint32_t i = 0; i < types.size(); ++i) {
    if (types[i].kind == kind && types[i].name == name) return TypeId{i};
  }
  return {};
}

auto DescribeKind(const Value& v) -> std::string_view {
  switch (v.kind) {
    case Value::Kind::kList:
      return "a list";
    case Value::Kind::kMap:
      return "a map";
    case Value::Kind::kString:
      return "a string";
    case Value::Kind::kInt:
      return "an integer";
    case Value::Kind::kFloat:
      return "a float";
    case Value::Kind::kBool:
      return "a boolean";
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kFunction:
      return "a function";
    case Value::Kind::kInvalid:
      return "an invalid value";
  }
  return "a value";
}

auto ServiceTemplate::FindNode(std::string_view name) const -> NodeId {
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == name) return NodeId{i};
  }
  return {};
}

auto ServiceTemplate::HostOf(NodeId node) const -> NodeId {
  for (RelationshipId r : nodes[node.value].relationships) {
    if (relationships[r.value].hosted_on) return relationships[r.value].target;
  }
  return {};
}

auto ServiceTemplate::InitialInstances(NodeId node) const -> int64_t {
  const NodeTemplate& n = nodes[node.value];
  int64_t count = n.instances.initial;
  for (uint32_t g = n.scaling_group; g != kNoGroup; g = scaling_groups[g].parent) {
    count *= scaling_groups[g].instances.initial;
  }
  return count;
}

namespace {

void AppendQuoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
}

auto Quote(std::string_view s) -> std::string {
  std::string out;
  AppendQuoted(out, s);
  return out;
}

// Appends into one buffer: plans print an expression per runtime input of every instance.
void AppendValue(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBool:
      out += v.b ? "true" : "false";
      return;
    case Value::Kind::kInt:
      out += std::to_string(v.i);
      return;
    case Value::Kind::kFloat:
      out += fmt::format("{}", v.f);
      return;
    case Value::Kind::kString:
      AppendQuoted(out, v.s);
      return;
    case Value::Kind::kList:
      out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        AppendValue(out, v.items[i]);
      }
      out += ']';
      return;
    case Value::Kind::kMap:
      out += '{';
      for (size_t i = 0; i < v.entries.size(); ++i) {
        if (i) out += ", ";
        out.append(v.entries[i].first).append(": ");
        AppendValue(out, v.entries[i].second);
      }
      out += '}';
      return;
    case Value::Kind::kInvalid:
      out += "<invalid>";
      return;
    case Value::Kind::kFunction:
      out.append(v.s).append("(");
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        AppendValue(out, v.items[i]);
      }
      out += ')';
      return;
  }
  out += '?';
}

}  // namespace

auto ValueToString(const Value& v) -> std::string {
  std::string out;
  AppendValue(out, v);
  return out;
}

auto ValueToDisplay(const Value& v, const std::vector<std::string>& types) -> std::string {
  if (v.sensitive) return "(sensitive)";
  if (v.kind == Value::Kind::kFunction && v.runtime) {
    std::string type = v.type != 0 && v.type < types.size() ? " as " + types[v.type] : "";
    return "(known after apply: " + ValueToString(v) + type + ")";
  }
  switch (v.kind) {
    case Value::Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.items.size(); ++i)
        out += (i ? ", " : "") + ValueToDisplay(v.items[i], types);
      return out + "]";
    }
    case Value::Kind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i < v.entries.size(); ++i) {
        out += (i ? ", " : "") + v.entries[i].first + ": " +
               ValueToDisplay(v.entries[i].second, types);
      }
      return out + "}";
    }
    default:
      return ValueToString(v);
  }
}

auto ValueToDisplay(const Value& v) -> std::string {
  static const std::vector<std::string> kNone{""};
  return ValueToDisplay(v, kNone);
}

namespace {

auto KindName(TypeKind k) -> std::string_view {
  static constexpr std::string_view kNames[] = {"node",     "relationship", "capability", "data",
                                                "artifact", "interface",    "group",      "policy"};
  return kNames[static_cast<size_t>(k)];
}

void DumpProperties(std::string& out, const ServiceTemplate& st, std::string_view indent,
                    std::string_view label, const std::vector<Property>& props) {
  if (props.empty()) return;
  fmt::format_to(std::back_inserter(out), "{}{}:\n", indent, label);
  for (const Property& p : props) {
    fmt::format_to(std::back_inserter(out), "{}  {} = {}{}\n", indent, p.name,
                   ValueToDisplay(p.value, st.value_types), p.from_default ? "  (default)" : "");
  }
}

auto PathText(const std::vector<PathStep>& path) -> std::string {
  std::string out;
  for (const PathStep& step : path) {
    out += step.is_index ? fmt::format("[{}]", step.index) : fmt::format("[{}]", Quote(step.key));
  }
  return out;
}

void DumpConfigFiles(std::string& out, const ServiceTemplate& st, const NodeTemplate& n) {
  for (const ConfigFile& c : n.config_files) {
    fmt::format_to(std::back_inserter(out), "  config file {}{}\n", c.file,
                   c.descriptor.value == 0 ? " (not read)" : "");
    for (const DescriptorOverride& o : c.overrides) {
      fmt::format_to(std::back_inserter(out), "    {} = {}{}\n", PathText(o.path),
                     ValueToDisplay(o.value), o.creates_key ? "  (adds the key)" : "");
    }
  }
  if (n.kubernetes_master.kind != Value::Kind::kNull) {
    fmt::format_to(std::back_inserter(out), "  kubernetes master = {}\n",
                   ValueToDisplay(n.kubernetes_master));
  }
  if (n.depends_on.empty()) return;
  std::string names;
  for (NodeId d : n.depends_on) names += (names.empty() ? "" : ", ") + st.nodes[d.value].name;
  fmt::format_to(std::back_inserter(out), "  depends on (overrides): {}\n", names);
}

void DumpInterfaces(std::string& out, std::string_view indent, std::string_view label,
                    const std::vector<Interface>& ifaces) {
  for (const Interface& iface : ifaces) {
    for (const Operation& op : iface.operations) {
      if (op.implementation.empty() && op.inputs.empty()) continue;
      fmt::format_to(std::back_inserter(out), "{}{} {}.{}: {}\n", indent, label, iface.name,
                     op.name, op.implementation.empty() ? "(none)" : op.implementation);
      for (const auto& [name, value] : op.inputs) {
        fmt::format_to(std::back_inserter(out), "{}  input {} = {}\n", indent, name,
                       ValueToDisplay(value));
      }
    }
  }
}

}  // namespace

auto Dump(const ServiceTemplate& st, const diag::SourceManager& sources, bool include_profile_types)
    -> std::string {
  (void)sources;
  std::string out;
  auto type_name = [&](TypeId id) { return id.valid() ? st.types[id.value].name : "-"; };
  fmt::format_to(std::back_inserter(out), "service_template {}\n", st.dialect);
  for (const Type& t : st.types) {
    if (t.from_profile && !include_profile_types) continue;
    fmt::format_to(std::back_inserter(out), "type {} {} : {}\n", KindName(t.kind), t.name,
                   type_name(t.parent));
    for (const PropertyDef& p : t.properties) {
      fmt::format_to(std::back_inserter(out), "  property {}: {}{}{}\n", p.name,
                     p.schema.type.empty() ? "any" : p.schema.type, p.required ? " required" : "",
                     p.has_default ? " = " + ValueToString(p.default_value) : "");
    }
  }
  for (const Input& in : st.inputs) {
    fmt::format_to(std::back_inserter(out), "input {}: {}{}{}{}\n", in.name,
                   in.schema.type.empty() ? "any" : in.schema.type, in.required ? " required" : "",
                   in.has_default ? " = " + ValueToString(in.default_value) : "",
                   in.has_value ? "  (given: " + ValueToDisplay(in.value) + ")" : "");
  }
  for (const NodeTemplate& n : st.nodes) {
    fmt::format_to(std::back_inserter(out), "node {}: {} instances={}", n.name, type_name(n.type),
                   n.instances.initial);
    if (n.instances.min != 0 || n.instances.max != -1) {
      fmt::format_to(std::back_inserter(out), " [{}..{}]", n.instances.min,
                     n.instances.max < 0 ? std::string("*") : std::to_string(n.instances.max));
    }
    out += "\n";
    DumpProperties(out, st, "  ", "properties", n.properties);
    for (const CapabilityValues& c : n.capabilities) {
      DumpProperties(out, st, "  ", fmt::format("capability {} ({})", c.name, type_name(c.type)),
                     c.properties);
    }
    for (RelationshipId rid : n.relationships) {
      const Relationship& r = st.relationships[rid.value];
      fmt::format_to(std::back_inserter(out), "  relationship {}{} -> {} ({}{})\n",
                     r.requirement.empty() ? "" : r.requirement + " ", type_name(r.type),
                     st.nodes[r.target.value].name, r.hosted_on ? "hosted_on" : "depends",
                     r.capability.empty() ? "" : ", capability " + r.capability);
      DumpInterfaces(out, "    ", "source", r.source_interfaces);
      DumpInterfaces(out, "    ", "target", r.target_interfaces);
    }
    DumpInterfaces(out, "  ", "operation", n.interfaces);
    for (const Artifact& a : n.artifacts) {
      fmt::format_to(std::back_inserter(out), "  artifact {} ({}): {}\n", a.name, type_name(a.type),
                     a.file);
    }
    DumpConfigFiles(out, st, n);
  }
  for (const Group& g : st.groups) {
    std::string members;
    for (NodeId m : g.members) members += (members.empty() ? "" : ", ") + st.nodes[m.value].name;
    for (const std::string& m : g.member_groups) members += (members.empty() ? "" : ", ") + m;
    fmt::format_to(std::back_inserter(out), "group {}: {} members [{}]\n", g.name,
                   type_name(g.type), members);
    for (const Policy& p : g.policies) {
      fmt::format_to(std::back_inserter(out), "  policy {}: {}\n", p.name, type_name(p.type));
      DumpProperties(out, st, "    ", "properties", p.properties);
      for (const Trigger& t : p.triggers) {
        fmt::format_to(std::back_inserter(out), "    trigger {}: {}\n", t.name, t.type);
        for (const auto& [k, v] : t.parameters) {
          fmt::format_to(std::back_inserter(out), "      {} = {}\n", k, ValueToDisplay(v));
        }
      }
    }
  }
  for (const Policy& p : st.policies) {
    std::string targets;
    for (const std::string& t : p.targets) targets += (targets.empty() ? "" : ", ") + t;
    fmt::format_to(std::back_inserter(out), "policy {}: {} targets [{}]\n", p.name,
                   type_name(p.type), targets);
    DumpProperties(out, st, "  ", "properties", p.properties);
  }
  for (const ScalingGroup& g : st.scaling_groups) {
    std::string members;
    for (NodeId m : g.members) members += (members.empty() ? "" : ", ") + st.nodes[m.value].name;
    fmt::format_to(std::back_inserter(out),
                   "scaling group {} (policy {}): members [{}]{}{}, {} "
                   "instance{} ({} to {})\n",
                   g.name, g.policy, members,
                   g.parent != kNoGroup ? ", in " + st.scaling_groups[g.parent].name : "",
                   g.host.valid() ? ", on " + st.nodes[g.host.value].name : "", g.instances.initial,
                   g.instances.initial == 1 ? "" : "s", g.instances.min,
                   g.instances.max >= 0 ? std::to_string(g.instances.max) : "any");
  }
  for (const Output& o : st.outputs) {
    fmt::format_to(std::back_inserter(out), "output {} = {}\n", o.name, ValueToDisplay(o.value));
  }
  return out;
}

auto FindProperty(const std::vector<Property>& properties, std::string_view name) -> const Value* {
  for (const Property& p : properties) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

auto FindEntry(const std::vector<std::pair<std::string, Value>>& entries, std::string_view name)
    -> const Value* {
  for (const auto& [key, value] : entries) {
    if (key == name) return &value;
  }
  return nullptr;
}

auto DurationSeconds(const Value& v) -> std::optional<double> {
  if (v.kind == Value::Kind::kInt) return static_cast<double>(v.i);
  if (v.kind == Value::Kind::kFloat) return v.f;
  if (v.kind != Value::Kind::kString) return std::nullopt;
  char* end = nullptr;
  double number = std::strtod(v.s.c_str(), &end);
  std::string unit(end);
  unit.erase(0, unit.find_first_not_of(' '));
  static const std::map<std::string, double> kUnits = {
      {"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}, {"ms", 0.001}, {"us", 1e-6}, {"ns", 1e-9}};
  auto it = kUnits.find(unit);
  if (end == v.s.c_str() || it == kUnits.end()) return std::nullopt;
  return number * it->second;
}

}  // namespace toscac::ir
