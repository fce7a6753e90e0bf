// Type tables, `derived_from` resolution, inheritance and checks of type definitions.
#include <fmt/format.h>

#include <algorithm>

#include "frontend/sema/analyzer.h"

namespace toscac::sema {

using syntax::TypeKind;

namespace {

// TOSCA short names: `Compute` and `tosca:Compute` for `tosca.nodes.Compute`.
auto NormativePrefix(TypeKind kind) -> std::string_view {
  switch (kind) {
    case TypeKind::kNode:
      return "tosca.nodes.";
    case TypeKind::kRelationship:
      return "tosca.relationships.";
    case TypeKind::kCapability:
      return "tosca.capabilities.";
    case TypeKind::kData:
      return "tosca.datatypes.";
    case TypeKind::kArtifact:
      return "tosca.artifacts.";
    case TypeKind::kInterface:
      return "tosca.interfaces.";
    case TypeKind::kGroup:
      return "tosca.groups.";
    case TypeKind::kPolicy:
      return "tosca.policies.";
  }
  return "";
}

template <typename T>
auto FindByName(std::vector<T>& items, std::string_view name) -> T* {
  for (T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

}  // namespace

Analyzer::Analyzer(const imports::LoadedSet& loaded, diag::Sink& sink)
    : loaded_(loaded), sink_(sink) {
  if (!loaded_.files.empty()) {
    family_ = loaded_.files[0].syntax.version.family;
    minor_ = loaded_.files[0].syntax.version.minor;
  }
}

auto Analyzer::Lookup(TypeKind kind, std::string_view name) const -> ir::TypeId {
  const auto& table = tables_[static_cast<size_t>(kind)];
  if (auto it = table.find(name); it != table.end()) return it->second;
  if (family_ == syntax::Family::kTosca) {
    std::string_view shortname = name;
    if (shortname.substr(0, 6) == "tosca:") shortname.remove_prefix(6);
    if (auto it = table.find(std::string(NormativePrefix(kind)) + std::string(shortname));
        it != table.end()) {
      return it->second;
    }
    if (kind == TypeKind::kData) {
      if (auto it = table.find("tosca.datatypes.network." + std::string(shortname));
          it != table.end()) {
        return it->second;
      }
    }
    if (shortname != name) {
      if (auto it = table.find(shortname); it != table.end()) return it->second;
    }
  }
  return {};
}

auto Analyzer::ResolveType(TypeKind kind, const syntax::Name& name, const diag::PathRef& path,
                           bool report) -> ir::TypeId {
  ir::TypeId id = Lookup(kind, name.text);
  if (id.valid() || !report || name.text.empty()) return id;
  // Known under another kind? Say so rather than "unknown".
  for (int k = 0; k < syntax::kTypeKindCount; ++k) {
    if (static_cast<TypeKind>(k) == kind) continue;
    if (Lookup(static_cast<TypeKind>(k), name.text).valid()) {
      Sink().Report(diag::Kind::kWrongTypeKind, name.loc, path.Str(), name.text,
                    syntax::TypeKindName(static_cast<TypeKind>(k)), syntax::TypeKindName(kind));
      return {};
    }
  }
  Sink().Report(diag::Kind::kUnknownType, name.loc, path.Str(), syntax::TypeKindName(kind),
                name.text);
  std::vector<std::string_view> names;
  for (const auto& [n, tid] : tables_[static_cast<size_t>(kind)]) names.push_back(n);
  std::sort(names.begin(), names.end());
  std::string_view close = diag::ClosestName(name.text, names);
  if (!close.empty()) Sink().AddNote(name.loc, fmt::format("did you mean `{}`?", close));
  if (!loaded_.files.empty() && !loaded_.files[0].syntax.imports.empty()) {
    Sink().AddNote(loaded_.files[0].syntax.imports[0].loc,
                   "types come from the imports; is one missing?");
  }
  return {};
}

void Analyzer::CollectTypes() {
  // Bundled profiles first, so that a user file redefining a profile type is the one blamed.
  std::vector<size_t> order;
  for (size_t f = 0; f < loaded_.files.size(); ++f) {
    if (loaded_.files[f].is_profile) order.push_back(f);
  }
  for (size_t f = 0; f < loaded_.files.size(); ++f) {
    if (!loaded_.files[f].is_profile) order.push_back(f);
  }
  for (size_t f : order) {
    const imports::LoadedFile& file = loaded_.files[f];
    for (const syntax::TypeDef& def : file.syntax.types) {
      auto& table = tables_[static_cast<size_t>(def.kind)];
      const std::string& name = def.name.text;
      if (auto it = table.find(name); it != table.end()) {
        const TypeSource& first = type_sources_[it->second.value];
        // A user type may not silently replace another definition, bundled or not.
        Sink().Report(diag::Kind::kDuplicateType, def.name.loc, "", syntax::TypeKindName(def.kind),
                      name);
        Sink().AddNote(first.def->name.loc, "first defined here");
        continue;
      }
      ir::Type type;
      type.kind = def.kind;
      type.name = name;
      type.loc = def.name.loc;
      type.from_profile = file.is_profile;
      type.connection_type = def.connection_type;
      ir::TypeId id{static_cast<uint32_t>(st_.types.size())};
      st_.types.push_back(std::move(type));
      type_sources_.push_back(TypeSource{&def, f});
      table.emplace(name, id);
      for (const std::string& prefix : file.namespace_prefixes) {
        table.emplace(alias_names_.emplace_back(prefix + "." + name), id);
        table.emplace(alias_names_.emplace_back(prefix + ":" + name), id);
      }
    }
  }
}

void Analyzer::ResolveParents() {
  incomplete_.assign(st_.types.size(), false);
  for (uint32_t i = 0; i < st_.types.size(); ++i) {
    const syntax::TypeDef& def = *type_sources_[i].def;
    if (def.derived_from.empty()) continue;
    // Data types may derive from a primitive (`derived_from: integer`); PrimitiveBase sees that.
    if (def.kind == TypeKind::kData && ValueChecker::IsPrimitive(def.derived_from.text)) continue;
    ir::TypeId parent = Lookup(def.kind, def.derived_from.text);
    if (!parent.valid()) {
      std::string path =
          fmt::format("{}_types.{}.derived_from", syntax::TypeKindName(def.kind), def.name.text);
      Sink().Report(diag::Kind::kUnknownParentType, def.derived_from.loc, path, def.name.text,
                    def.derived_from.text);
      std::vector<std::string_view> names;
      for (const auto& [n, tid] : tables_[static_cast<size_t>(def.kind)]) names.push_back(n);
      std::sort(names.begin(), names.end());
      std::string_view close = diag::ClosestName(def.derived_from.text, names);
      if (!close.empty())
        Sink().AddNote(def.derived_from.loc, fmt::format("did you mean `{}`?", close));
      incomplete_[i] = true;
      continue;
    }
    st_.types[i].parent = parent;
  }
  // Cycles: follow parents; a walk longer than the table, or back to itself, is a cycle.
  std::vector<uint8_t> reported(st_.types.size(), 0);
  for (uint32_t i = 0; i < st_.types.size(); ++i) {
    std::vector<uint32_t> chain = {i};
    ir::TypeId cursor = st_.types[i].parent;
    while (cursor.valid() && chain.size() <= st_.types.size()) {
      auto seen = std::find(chain.begin(), chain.end(), cursor.value);
      if (seen != chain.end()) {
        if (seen == chain.begin() && !reported[i]) {
          std::string text;
          for (uint32_t t : chain) {
            text += st_.types[t].name + " -> ";
            reported[t] = 1;
          }
          text += st_.types[i].name;
          const syntax::TypeDef& def = *type_sources_[i].def;
          Sink().Report(diag::Kind::kDerivationCycle, def.derived_from.loc,
                        fmt::format("{}_types.{}.derived_from", syntax::TypeKindName(def.kind),
                                    def.name.text),
                        text);
        }
        break;
      }
      chain.push_back(cursor.value);
      cursor = st_.types[cursor.value].parent;
    }
  }
  for (uint32_t i = 0; i < st_.types.size(); ++i) {
    if (reported[i]) {
      st_.types[i].parent = {};  // break cycles so later walks terminate
      incomplete_[i] = true;
    }
  }
  // A type whose ancestry is broken is incomplete too: what it lacks was reported once, at the
  // broken `derived_from`, and templates of it are not checked against the partial definition.
  for (uint32_t i = 0; i < st_.types.size(); ++i) {
    for (ir::TypeId t{i}; t.valid() && !incomplete_[i]; t = st_.types[t.value].parent) {
      if (incomplete_[t.value]) incomplete_[i] = true;
      if (t.value != i && st_.types[t.value].parent.value == i) break;
    }
  }
}

auto Analyzer::ConvertSchema(const syntax::Schema& schema, syntax::Family family) -> ir::Schema {
  ir::Schema out;
  out.type = schema.type.text;
  for (const syntax::ValueRef& c : schema.constraints)
    out.constraints.push_back(ToValue(c, family));
  if (schema.entry) out.entry = std::make_shared<ir::Schema>(ConvertSchema(*schema.entry, family));
  // Normalise TOSCA short data type names (`PortDef`) to the full name.
  if (!out.type.empty() && !ValueChecker::IsPrimitive(out.type)) {
    ir::TypeId id = Lookup(TypeKind::kData, out.type);
    if (id.valid()) out.type = st_.types[id.value].name;
  }
  return out;
}

auto Analyzer::ConvertPropertyDef(const syntax::PropertyDef& def, ir::TypeId owner,
                                  syntax::Family family, bool attribute) -> ir::PropertyDef {
  ir::PropertyDef out;
  out.name = def.name.text;
  out.schema = ConvertSchema(def.schema, family);
  out.declared_in = owner;
  out.loc = def.name.loc;
  out.has_default = def.default_value.valid() || def.value.valid();
  if (out.has_default)
    out.default_value = ToValue(def.default_value.valid() ? def.default_value : def.value, family);
  // TOSCA: required defaults to true. Attributes are never required. Cloudify: a property without
  // a default must be given, unless `required: false`.
  out.required = attribute ? false : def.required.value_or(true);
  return out;
}

auto Analyzer::ConvertInterfaces(const std::vector<syntax::InterfaceDef>& defs,
                                 syntax::Family family) -> std::vector<ir::Interface> {
  std::vector<ir::Interface> out;
  for (const syntax::InterfaceDef& def : defs) {
    ir::Interface iface;
    iface.name = def.name.text;
    if (!def.type.empty()) {
      ir::TypeId t = Lookup(TypeKind::kInterface, def.type.text);
      iface.type = t.valid() ? st_.types[t.value].name : def.type.text;
    }
    for (const syntax::OperationDef& op : def.operations) {
      ir::Operation o;
      o.name = op.name.text;
      o.implementation = op.implementation.text;
      o.loc = op.loc;
      for (const auto& in : op.input_defs) {
        if (in.default_value.valid())
          o.inputs.emplace_back(in.name.text, ToValue(in.default_value, family));
      }
      for (const auto& [name, value] : op.input_values)
        o.inputs.emplace_back(name.text, ToValue(value, family));
      iface.operations.push_back(std::move(o));
    }
    out.push_back(std::move(iface));
  }
  return out;
}

namespace {

// Merges child interfaces into inherited ones: same interface name merges operations. A TOSCA
// child operation refines the parent's: its implementation (when it gives one) and inputs win,
// the rest is inherited. A Cloudify child operation replaces the parent's whole, as dsl-parser's
// type-to-type operation merge does: `configure: {}` or `implementation: ''` in a derived type
// leaves a no-op, with neither the parent's implementation nor its inputs.
void MergeInterfaces(std::vector<ir::Interface>& into, std::vector<ir::Interface> child,
                     syntax::Family family) {
  for (ir::Interface& iface : child) {
    ir::Interface* existing = FindByName(into, iface.name);
    if (existing == nullptr) {
      into.push_back(std::move(iface));
      continue;
    }
    if (!iface.type.empty()) existing->type = iface.type;
    for (ir::Operation& op : iface.operations) {
      ir::Operation* same = FindByName(existing->operations, op.name);
      if (same == nullptr) {
        existing->operations.push_back(std::move(op));
      } else if (family == syntax::Family::kCloudify) {
        *same = std::move(op);
      } else {
        if (!op.implementation.empty()) same->implementation = op.implementation;
        for (auto& input : op.inputs) {
          auto it = std::find_if(same->inputs.begin(), same->inputs.end(),
                                 [&](const auto& e) { return e.first == input.first; });
          if (it == same->inputs.end())
            same->inputs.push_back(std::move(input));
          else
            it->second = std::move(input.second);
        }
        same->loc = op.loc;
      }
    }
  }
}

}  // namespace

void Analyzer::FlattenType(ir::TypeId id, std::vector<uint8_t>& state) {
  if (state[id.value] != 0) return;
  state[id.value] = 1;
  ir::Type& type = st_.types[id.value];
  const syntax::TypeDef& def = *type_sources_[id.value].def;
  syntax::Family family = loaded_.files[type_sources_[id.value].file].syntax.version.family;
  std::string path = fmt::format("{}_types.{}", syntax::TypeKindName(def.kind), def.name.text);
  if (type.parent.valid()) {
    FlattenType(type.parent, state);
    const ir::Type& parent = st_.types[type.parent.value];
    type.properties = parent.properties;
    type.attributes = parent.attributes;
    type.capabilities = parent.capabilities;
    type.requirements = parent.requirements;
    type.interfaces = parent.interfaces;
    type.source_interfaces = parent.source_interfaces;
    type.target_interfaces = parent.target_interfaces;
    type.valid_types = parent.valid_types;
    type.constraints = parent.constraints;
    type.entry = parent.entry;
    if (type.connection_type.empty()) type.connection_type = parent.connection_type;
  }
  for (const syntax::PropertyDef& p : def.properties) {
    ir::PropertyDef prop = ConvertPropertyDef(p, id, family, false);
    ir::PropertyDef* inherited = FindByName(type.properties, prop.name);
    if (inherited == nullptr) {
      type.properties.push_back(std::move(prop));
      continue;
    }
    if (prop.schema.type.empty()) {
      prop.schema = inherited->schema;  // Cloudify refinements often restate only the default
    } else if (!inherited->schema.type.empty() && prop.schema.type != inherited->schema.type) {
      ir::TypeId child_t = Lookup(TypeKind::kData, prop.schema.type);
      ir::TypeId parent_t = Lookup(TypeKind::kData, inherited->schema.type);
      bool compatible = child_t.valid() && parent_t.valid() && st_.DerivesFrom(child_t, parent_t);
      if (!compatible) {
        Sink().Report(diag::Kind::kIncompatibleOverride, p.schema.type.loc,
                      path + ".properties." + prop.name, prop.name, type.name, prop.schema.type,
                      inherited->schema.type, st_.types[inherited->declared_in.value].name);
        Sink().AddNote(inherited->loc, "inherited definition");
      }
    }
    if (!p.required.has_value()) prop.required = inherited->required;
    if (!prop.has_default && inherited->has_default) {
      prop.has_default = true;
      prop.default_value = inherited->default_value;
    }
    *inherited = std::move(prop);
  }
  for (const syntax::PropertyDef& a : def.attributes) {
    ir::PropertyDef attr = ConvertPropertyDef(a, id, family, true);
    if (ir::PropertyDef* inherited = FindByName(type.attributes, attr.name)) {
      if (attr.schema.type.empty()) attr.schema = inherited->schema;
      *inherited = std::move(attr);
    } else {
      type.attributes.push_back(std::move(attr));
    }
  }
  for (const syntax::CapabilityDef& c : def.capabilities) {
    ir::CapabilityDef cap;
    cap.name = c.name.text;
    cap.loc = c.loc;
    cap.type = ResolveType(TypeKind::kCapability, c.type,
                           diag::PathRef(path + ".capabilities." + cap.name));
    for (const syntax::Name& n : c.valid_source_types) {
      ir::TypeId t =
          ResolveType(TypeKind::kNode, n,
                      diag::PathRef(path + ".capabilities." + cap.name + ".valid_source_types"));
      if (t.valid()) cap.valid_source_types.push_back(t);
    }
    if (c.occurrences.given) {
      cap.min = c.occurrences.min;
      cap.max = c.occurrences.max;
    } else {
      cap.min = 1;
      cap.max = UINT32_MAX;
    }
    if (ir::CapabilityDef* inherited = FindByName(type.capabilities, cap.name)) {
      if (!cap.type.valid()) cap.type = inherited->type;
      *inherited = std::move(cap);
    } else {
      type.capabilities.push_back(std::move(cap));
    }
  }
  for (const syntax::RequirementDef& r : def.requirements) {
    ir::RequirementDef req;
    req.name = r.name.text;
    req.loc = r.loc;
    std::string rpath = path + ".requirements." + req.name;
    // `capability` may name a capability type (usual) or, loosely, a node type's capability.
    req.capability =
        ResolveType(TypeKind::kCapability, r.capability, diag::PathRef(rpath + ".capability"));
    if (!r.node.empty()) {
      // Type libraries often name node types that the file importing them will define; the
      // requirement still works, only its target-type check is lost.
      req.node = Lookup(TypeKind::kNode, r.node.text);
      if (!req.node.valid() && !Lookup(TypeKind::kCapability, r.node.text).valid()) {
        Sink().Report(diag::Kind::kUnresolvedRequirementNode, r.node.loc, rpath + ".node", req.name,
                      r.node.text);
      } else if (!req.node.valid()) {
        ResolveType(TypeKind::kNode, r.node, diag::PathRef(rpath + ".node"));
      }
    }
    if (!r.relationship.empty())
      req.relationship = ResolveType(TypeKind::kRelationship, r.relationship,
                                     diag::PathRef(rpath + ".relationship"));
    if (r.occurrences.given) {
      req.min = r.occurrences.min;
      req.max = r.occurrences.max;
    }
    if (ir::RequirementDef* inherited = FindByName(type.requirements, req.name)) {
      *inherited = std::move(req);
    } else {
      type.requirements.push_back(std::move(req));
    }
  }
  MergeInterfaces(type.interfaces, ConvertInterfaces(def.interfaces, family), family);
  MergeInterfaces(type.source_interfaces, ConvertInterfaces(def.source_interfaces, family), family);
  MergeInterfaces(type.target_interfaces, ConvertInterfaces(def.target_interfaces, family), family);
  if (def.kind == TypeKind::kInterface) {
    // An interface type keeps its operations (inherited ones first) in one interface of its name.
    ir::Interface ops;
    ops.name = type.name;
    for (ir::Interface& iface : type.interfaces) {
      for (ir::Operation& op : iface.operations) ops.operations.push_back(std::move(op));
    }
    for (const syntax::OperationDef& op : def.operations) {
      if (FindByName(ops.operations, op.name.text) == nullptr) {
        ops.operations.push_back(ir::Operation{op.name.text, op.implementation.text, {}, op.loc});
      }
    }
    type.interfaces = {std::move(ops)};
  }
  if (!def.valid_types.empty()) {
    type.valid_types.clear();
    for (const syntax::Name& n : def.valid_types) {
      // valid_target_types name capability types; members/targets/valid_source_types name node
      // (or group) types.
      ir::TypeId t = def.kind == TypeKind::kRelationship ? Lookup(TypeKind::kCapability, n.text)
                                                         : Lookup(TypeKind::kNode, n.text);
      if (!t.valid() && def.kind != TypeKind::kRelationship) t = Lookup(TypeKind::kGroup, n.text);
      if (!t.valid()) {
        ResolveType(def.kind == TypeKind::kRelationship ? TypeKind::kCapability : TypeKind::kNode,
                    n, diag::PathRef(path));
        continue;
      }
      type.valid_types.push_back(t);
    }
  }
  for (const syntax::ValueRef& c : def.constraints) type.constraints.push_back(ToValue(c, family));
  if (!def.key_entry.type.empty())
    type.entry = std::make_shared<ir::Schema>(ConvertSchema(def.key_entry, family));
  state[id.value] = 2;
}

void Analyzer::FlattenTypes() {
  std::vector<uint8_t> state(st_.types.size(), 0);
  for (uint32_t i = 0; i < st_.types.size(); ++i) FlattenType(ir::TypeId{i}, state);
  for (ir::Type& type : st_.types) {
    if (type.kind == ir::TypeKind::kData) type.primitive = PrimitiveBase(type);
  }
  ExpandInterfaceTypes();
  implemented_interfaces_.resize(st_.types.size());
}

// TOSCA interfaces declared by type only (`Standard: {type: ...}`) get the interface type's
// operations, so that templates may assign them.
void Analyzer::ExpandInterfaceTypes() {
  for (ir::Type& type : st_.types) {
    if (type.kind == ir::TypeKind::kInterface) continue;
    for (ir::Interface& iface : type.interfaces) {
      if (iface.type.empty()) continue;
      ir::TypeId itype = Lookup(TypeKind::kInterface, iface.type);
      if (!itype.valid() || st_.types[itype.value].interfaces.empty()) continue;
      for (const ir::Operation& op : st_.types[itype.value].interfaces[0].operations) {
        if (FindByName(iface.operations, op.name) == nullptr) {
          iface.operations.push_back(ir::Operation{op.name, "", {}, op.loc});
        }
      }
    }
  }
}

auto Analyzer::PrimitiveBase(const ir::Type& type) const -> std::string {
  const ir::Type* t = &type;
  for (size_t guard = 0; guard <= st_.types.size(); ++guard) {
    if (ValueChecker::IsPrimitive(t->name)) return t->name;
    const syntax::TypeDef& def = *type_sources_[&*t - st_.types.data()].def;
    if (!def.derived_from.empty() && ValueChecker::IsPrimitive(def.derived_from.text) &&
        !t->parent.valid()) {
      return def.derived_from.text;
    }
    if (!t->parent.valid()) return "";
    t = &st_.types[t->parent.value];
  }
  return "";
}

auto Analyzer::Checker() -> ValueChecker {
  DataTypeLookup lookup;
  lookup.find = [this](std::string_view name) -> const ir::Type* {
    ir::TypeId id = Lookup(TypeKind::kData, name);
    return id.valid() ? &st_.types[id.value] : nullptr;
  };
  lookup.primitive_base = [this](const ir::Type& t) { return PrimitiveBase(t); };
  return ValueChecker(std::move(lookup), Sink());
}

void Analyzer::CheckSchemaType(const ir::Schema& schema, diag::Loc loc, const diag::PathRef& path) {
  if (schema.type.empty()) return;
  if (!ValueChecker::IsPrimitive(schema.type) && !Lookup(TypeKind::kData, schema.type).valid()) {
    Sink().Report(diag::Kind::kUnknownDataType, loc, path.Str(), schema.type);
    std::vector<std::string_view> names = {"string",  "integer", "float", "boolean", "timestamp",
                                           "version", "range",   "list",  "map"};
    for (const auto& [n, id] : tables_[static_cast<size_t>(TypeKind::kData)]) names.push_back(n);
    std::string_view close = diag::ClosestName(schema.type, names);
    if (!close.empty()) Sink().AddNote(loc, fmt::format("did you mean `{}`?", close));
  }
  Checker().CheckConstraintClauses(schema, path.Str());
  if (schema.entry) CheckSchemaType(*schema.entry, loc, diag::PathRef(path, "entry_schema"));
}

void Analyzer::CheckTypeDefinitions() {
  ValueChecker checker = Checker();
  for (uint32_t i = 0; i < st_.types.size(); ++i) {
    const syntax::TypeDef& def = *type_sources_[i].def;
    if (st_.types[i].from_profile) continue;  // bundled profiles are checked by their own tests
    std::string path = fmt::format("{}_types.{}", syntax::TypeKindName(def.kind), def.name.text);
    if (!def.constraints.empty()) {
      ir::Schema own;
      for (const syntax::ValueRef& c : def.constraints)
        own.constraints.push_back(ToValue(c, syntax::Family::kTosca));
      checker.CheckConstraintClauses(own, path + ".constraints");
    }
    for (const ir::PropertyDef& p : st_.types[i].properties) {
      if (p.declared_in.value != i) continue;
      std::string ppath = path + ".properties." + p.name;
      const syntax::PropertyDef* sp = nullptr;
      for (const auto& d : def.properties) {
        if (d.name.text == p.name) sp = &d;
      }
      diag::Loc loc = sp && !sp->schema.type.empty() ? sp->schema.type.loc : p.loc;
      diag::PathRef property_path(ppath), default_path(property_path, "default");
      CheckSchemaType(p.schema, loc, property_path);
      if (p.has_default)
        checker.Check(p.default_value, p.schema, Subject{"default of", p.name, default_path});
    }
  }
}

}  // namespace toscac::sema
