// The template's frame: parameters from inputs, what each node becomes, outputs.
#include "backends/heat/heat.h"

#include <fmt/format.h>

#include <functional>

#include "backends/common/json_value.h"
#include "backends/heat/internal.h"

namespace toscac::heat {
namespace {

using VK = ir::Value::Kind;

// TOSCA/Cloudify input types as HOT parameter types; untyped (Cloudify) inputs by their default.
auto ParameterType(const ir::Input& in) -> std::string {
  const std::string& t = in.schema.type;
  if (t == "integer" || t == "float") return "number";
  if (t == "boolean") return "boolean";
  if (t == "list" || t == "map") return "json";
  if (!t.empty()) return "string";  // string, version, scalar units, timestamps, data types
  const ir::Value& d = in.has_value ? in.value : in.default_value;
  switch (d.kind) {
    case VK::kInt:
    case VK::kFloat:
      return "number";
    case VK::kBool:
      return "boolean";
    case VK::kList:
    case VK::kMap:
      return "json";
    default:
      return "string";
  }
}

// TOSCA constraint clauses as HOT parameter constraints (those HOT can say).
auto Constraint(const ir::Value& clause) -> std::optional<Json> {
  if (clause.kind != VK::kMap || clause.entries.size() != 1) return std::nullopt;
  const auto& [op, arg] = clause.entries[0];
  Json a = backends::PlainJson(arg);
  if (op == "valid_values") return Json{{"allowed_values", a}};
  if (op == "equal") return Json{{"allowed_values", Json::array({a})}};
  if (op == "in_range" && a.is_array() && a.size() == 2) {
    return Json{{"range", {{"min", a[0]}, {"max", a[1]}}}};
  }
  if (op == "greater_or_equal") return Json{{"range", {{"min", a}}}};
  if (op == "less_or_equal") return Json{{"range", {{"max", a}}}};
  if (op == "min_length") return Json{{"length", {{"min", a}}}};
  if (op == "max_length") return Json{{"length", {{"max", a}}}};
  if (op == "length") return Json{{"length", {{"min", a}, {"max", a}}}};
  if (op == "pattern") return Json{{"allowed_pattern", a}};
  return std::nullopt;  // greater_than/less_than: HOT ranges are inclusive
}

}  // namespace

auto Emitter::Run() -> Stack {
  hot_["heat_template_version"] = "2018-08-31";
  if (!st_.description.empty()) hot_["description"] = st_.description;
  Parameters();
  roles_.assign(st_.nodes.size(), Role::kNone);
  for (uint32_t i = 0; i < st_.nodes.size(); ++i) roles_[i] = Classify(ir::NodeId{i});
  for (uint32_t i = 0; i < st_.nodes.size(); ++i) CheckCount(ir::NodeId{i});
  for (uint32_t i = 0; i < st_.nodes.size(); ++i) Infrastructure(ir::NodeId{i});
  BindPorts();
  for (uint32_t i = 0; i < st_.nodes.size(); ++i) Links(ir::NodeId{i});
  // Software after what it runs on and what its relationships target (no cycles: the front end
  // rejects them), so that each chain can name the step it waits for.
  std::vector<bool> visited(st_.nodes.size(), false);
  std::function<void(ir::NodeId)> visit = [&](ir::NodeId id) {
    if (visited[id.value]) return;
    visited[id.value] = true;
    for (ir::NodeId host = st_.HostOf(id); host.valid(); host = st_.HostOf(host)) {
      if (roles_[host.value] == Role::kSoftware) visit(host);
    }
    for (ir::RelationshipId rid : st_.node(id).relationships) {
      ir::NodeId target = st_.relationships[rid.value].target;
      if (roles_[target.value] == Role::kSoftware) visit(target);
    }
    Software(id);
  };
  for (uint32_t i = 0; i < st_.nodes.size(); ++i) {
    if (roles_[i] == Role::kSoftware) visit(ir::NodeId{i});
  }
  for (uint32_t i = 0; i < st_.nodes.size(); ++i) {
    if (roles_[i] == Role::kServer && Scaled(ir::NodeId{i})) ScaleUnit(ir::NodeId{i});
  }
  if (!parameters_.empty()) hot_["parameters"] = parameters_;
  hot_["resources"] = resources_;
  Outputs();
  return Stack{std::move(hot_), std::move(files_), std::move(nested_)};
}

// One resource per node: several instances (OS::Heat::ResourceGroup, AutoScalingGroup with a
// nested template) are not expressed yet, and saying so beats a template with one server.
void Emitter::CheckCount(ir::NodeId node) {
  if (roles_[node.value] == Role::kNone || roles_[node.value] == Role::kExternal) return;
  const ir::NodeTemplate& n = st_.node(node);
  int64_t count = st_.InitialInstances(node);
  if (roles_[node.value] == Role::kServer) return;  // scaled as a unit (scaling.cc)
  if (count > 1) {
    sink_.Report(diag::Kind::kEmitUnsupported, n.loc, "", n.name,
                 fmt::format("it starts {} instances; emit heat scales servers (with the software "
                             "on them) as AutoScalingGroups, not other resources",
                             count));
  }
}

void Emitter::Parameters() {
  for (const ir::Input& in : st_.inputs) {
    Json p = {{"type", ParameterType(in)}};
    if (!in.description.empty()) p["description"] = in.description;
    if (in.has_value || in.has_default)
      p["default"] = backends::PlainJson(in.has_value ? in.value : in.default_value);
    // HOT constrains numbers by range and strings by length and pattern; a TOSCA range over a
    // scalar unit (`[ 2 GB, 64 GB ]`) has no HOT form and is left to the blueprint check.
    Json constraints = Json::array();
    const std::string type = p["type"].get<std::string>();
    for (const ir::Value& clause : in.schema.constraints) {
      auto c = Constraint(clause);
      if (!c) continue;
      bool fits = c->contains("allowed_values") || (c->contains("range") && type == "number") ||
                  ((c->contains("length") || c->contains("allowed_pattern")) && type == "string");
      if (fits) constraints.push_back(*c);
    }
    if (!constraints.empty()) p["constraints"] = constraints;
    parameters_[in.name] = p;
  }
}

// A parameter the mapping needs (a network, an image): the reference to it.
auto Emitter::AddParameter(const std::string& name, Json definition) -> Json {
  if (!parameters_.contains(name)) parameters_[name] = std::move(definition);
  return Json{{"get_param", name}};
}

void Emitter::Outputs() {
  Json outputs = Json::object();
  for (const ir::Output& out : st_.outputs) {
    auto value = Hot(out.value, fmt::format("output `{}`", out.name));
    if (!value) continue;
    for (const std::string& ref : References(*value)) {
      if (scaled_.count(ref) == 0) continue;
      sink_.Report(diag::Kind::kEmitUnresolved, out.loc, "", fmt::format("output `{}`", out.name),
                   fmt::format("it reads `{}`, of which a scaling group holds several", ref),
                   "read it through the group's outputs (not written yet)");
      value.reset();
      break;
    }
    if (!value) continue;
    Json o = Json::object();
    if (!out.description.empty()) o["description"] = out.description;
    o["value"] = *value;
    outputs[out.name] = o;
  }
  if (!outputs.empty()) hot_["outputs"] = outputs;
}

auto Emitter::Is(ir::NodeId node, std::string_view type) const -> bool {
  ir::TypeId t = st_.FindType(ir::TypeKind::kNode, type);
  return t.valid() && st_.DerivesFrom(st_.node(node).type, t);
}

auto Emitter::Property(ir::NodeId node, std::string_view name) const -> const ir::Value* {
  for (const ir::Property& p : st_.node(node).properties) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

// `key` of the map property `property` (Cloudify's `server: {image: ...}` style).
auto Emitter::Field(ir::NodeId node, std::string_view property, std::string_view key) const
    -> const ir::Value* {
  const ir::Value* map = Property(node, property);
  if (map == nullptr || map->kind != VK::kMap) return nullptr;
  for (const auto& [k, v] : map->entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Emitter::Skip(ir::NodeId node, const std::string& why) {
  const ir::NodeTemplate& n = st_.node(node);
  sink_.Report(diag::Kind::kEmitNotExpressible, n.loc, "", n.name, st_.type(n.type).name, "Heat",
               why);
}

auto Emitter::Classify(ir::NodeId node) -> Role {
  const ir::Value* external = Property(node, "use_external_resource");
  bool is_external = external != nullptr && external->kind == VK::kBool && external->b;
  struct Kind {
    const char* type;
    Role role;
  };
  static constexpr Kind kKinds[] = {
      {"cloudify.openstack.nodes.Server", Role::kServer},
      {"cloudify.openstack.nodes.FloatingIP", Role::kFloatingIp},
      {"cloudify.openstack.nodes.SecurityGroup", Role::kSecurityGroup},
      {"cloudify.openstack.nodes.KeyPair", Role::kKeyPair},
      {"cloudify.openstack.nodes.Network", Role::kNetwork},
      {"cloudify.openstack.nodes.Subnet", Role::kSubnet},
      {"cloudify.openstack.nodes.Port", Role::kPort},
      {"cloudify.openstack.nodes.Volume", Role::kVolume},
      {"tosca.nodes.Compute", Role::kServer},
      {"tosca.nodes.Storage.BlockStorage", Role::kVolume},
      {"tosca.nodes.network.Network", Role::kNetwork},
      {"tosca.nodes.network.Port", Role::kPort},
      {"tosca.nodes.BlockStorage", Role::kVolume},
  };
  // A TOSCA network that names an existing one (network_id, or a name and no cidr to make it).
  if (Is(node, "tosca.nodes.network.Network")) {
    const ir::Value* id = Property(node, "network_id");
    const ir::Value* cidr = Property(node, "cidr");
    bool has_id = id != nullptr && id->kind == VK::kString && !id->s.empty();
    bool has_cidr = cidr != nullptr && cidr->kind == VK::kString && !cidr->s.empty();
    is_external |= has_id || !has_cidr;
  }
  for (const Kind& k : kKinds) {
    if (Is(node, k.type)) return is_external ? Role::kExternal : k.role;
  }
  return Role::kNone;  // software is decided once every server is known (Infrastructure)
}

auto Emit(const ir::ServiceTemplate& st, const diag::SourceManager& sources, diag::Sink& sink)
    -> Stack {
  return Emitter(st, sources, sink).Run();
}

}  // namespace toscac::heat
