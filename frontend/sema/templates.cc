// Inputs, node templates, relationships, groups, policies, outputs and workflows.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "frontend/sema/analyzer.h"
#include "frontend/sema/scaling.h"

namespace toscac::sema {

using syntax::TypeKind;

auto Analyzer::ThreadSink() -> diag::Sink*& {
  thread_local diag::Sink* sink = nullptr;
  return sink;
}

// TOSCA imports bring types only; a Cloudify blueprint merges the node templates, inputs and
// outputs of every file it imports.
auto Analyzer::ContributesTopology(const imports::LoadedFile& file) const -> bool {
  if (&file == &loaded_.files[0]) return true;
  return !file.is_profile && file.syntax.version.family == syntax::Family::kCloudify;
}

namespace {

template <typename T>
auto FindByName(std::vector<T>& items, std::string_view name) -> T* {
  for (T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

template <typename T>
auto NamesOf(const std::vector<T>& items) -> std::vector<std::string_view> {
  std::vector<std::string_view> names;
  for (const T& item : items) names.push_back(item.name);
  return names;
}

void SuggestName(diag::Sink& sink, diag::Loc loc, std::string_view name,
                 const std::vector<std::string_view>& candidates) {
  std::string_view close = diag::ClosestName(name, candidates);
  if (!close.empty()) sink.AddNote(loc, fmt::format("did you mean `{}`?", close));
}

auto IsScriptPath(std::string_view impl) -> bool {
  if (impl.find('/') != std::string_view::npos) return true;
  for (std::string_view ext : {".sh", ".py", ".ps1", ".bat", ".rb", ".pl", ".js", ".yaml", ".yml",
                               ".j2", ".tmpl", ".bash", ".zip", ".tar.gz", ".jar", ".war", ".ps"}) {
    if (impl.size() > ext.size() && impl.substr(impl.size() - ext.size()) == ext) return true;
  }
  return false;
}

// Cloudify's NO_OP: an operation with no implementation, no inputs and no other settings. The
// reader keeps neither `retry_interval` nor `timeout`, so an operation giving only those counts
// as a no-op here.
auto IsCloudifyNoOp(const syntax::OperationDef& op) -> bool {
  return op.implementation.empty() && op.input_values.empty() && !op.executor.has_value() &&
         !op.max_retries.valid();
}

}  // namespace

void Analyzer::CollectInputs() {
  ValueChecker checker = Checker();
  for (const imports::LoadedFile& file : loaded_.files) {
    if (!ContributesTopology(file)) continue;
    for (const syntax::PropertyDef& def : file.syntax.inputs) {
      diag::PathRef topo(TopoBase()), inputs(topo, "inputs"), path(inputs, def.name.text);
      if (input_index_.count(def.name.text) != 0) {
        Sink().Report(diag::Kind::kDuplicateTemplate, def.name.loc, path.Str(), "input",
                      def.name.text);
        Sink().AddNote(st_.inputs[input_index_.at(def.name.text)].loc, "first defined here");
        continue;
      }
      ir::Input in;
      in.name = def.name.text;
      in.loc = def.name.loc;
      in.schema = ConvertSchema(def.schema, file.syntax.version.family);
      in.required = def.required.value_or(true);
      in.description = def.description;
      in.has_default = def.default_value.valid() || def.value.valid();
      if (in.has_default) {
        in.default_value = ToValue(def.default_value.valid() ? def.default_value : def.value,
                                   file.syntax.version.family);
      }
      CheckSchemaType(in.schema, def.schema.type.empty() ? def.name.loc : def.schema.type.loc,
                      path);
      diag::PathRef default_path(path, "default");
      if (in.has_default)
        checker.Check(in.default_value, in.schema,
                      Subject{"default of input", in.name, default_path});
      input_index_.emplace(def.name.text, st_.inputs.size());
      st_.inputs.push_back(std::move(in));
    }
  }
}

// Values given for this deployment: checked against the input's type and constraints like a
// default, located where they were given. Later ones (-i after files) replace earlier ones.
void Analyzer::ApplyInputValues() {
  ValueChecker checker = Checker();
  for (const imports::GivenInput& given : loaded_.given_inputs) {
    auto it = input_index_.find(given.name.text);
    if (it == input_index_.end()) {
      Sink().Report(diag::Kind::kUnknownInputValue, given.name.loc, given.name.text,
                    given.name.text);
      std::vector<std::string_view> names;
      for (const ir::Input& in : st_.inputs) names.push_back(in.name);
      std::string_view close = diag::ClosestName(given.name.text, names);
      if (!close.empty()) Sink().AddNote(given.name.loc, fmt::format("did you mean `{}`?", close));
      continue;
    }
    ir::Input& in = st_.inputs[it->second];
    in.value = ToValue(given.value, family_);
    in.has_value = true;
    diag::PathRef path(given.name.text);
    checker.Check(in.value, in.schema, Subject{"value of input", in.name, path});
  }
}

void Analyzer::AssignProperties(const std::vector<std::pair<syntax::Name, syntax::ValueRef>>& given,
                                const std::vector<ir::PropertyDef>& defs, const std::string& owner,
                                const diag::PathRef& path, syntax::Family family,
                                diag::Loc owner_loc, std::vector<ir::Property>& out) {
  ValueChecker checker = Checker();
  for (const auto& [name, ref] : given) {
    diag::PathRef ppath(path, name.text);
    auto def = std::find_if(defs.begin(), defs.end(),
                            [&](const ir::PropertyDef& d) { return d.name == name.text; });
    if (def == defs.end()) {
      Sink().Report(diag::Kind::kUnknownProperty, name.loc, ppath.Str(), name.text, owner);
      SuggestName(Sink(), name.loc, name.text, NamesOf(defs));
      continue;
    }
    ir::Property prop{name.text, ToValue(ref, family), false};
    checker.Check(prop.value, def->schema, Subject{"property", name.text, ppath});
    out.push_back(std::move(prop));
  }
  for (const ir::PropertyDef& def : defs) {
    bool present = std::any_of(given.begin(), given.end(),
                               [&](const auto& g) { return g.first.text == def.name; });
    if (present) continue;
    if (def.has_default) {
      out.push_back(ir::Property{def.name, def.default_value, true});
    } else if (def.required) {
      Sink().Report(diag::Kind::kMissingProperty, owner_loc, path.Str(), def.name, owner);
      Sink().AddNote(
          def.loc,
          fmt::format("declared in `{}`",
                      def.declared_in.valid() ? st_.types[def.declared_in.value].name : owner));
    }
  }
}

void Analyzer::CollectNodes() {
  for (const imports::LoadedFile& file : loaded_.files) {
    if (!ContributesTopology(file)) continue;
    for (const syntax::NodeTemplate& tpl : file.syntax.nodes) {
      if (auto it = node_index_.find(tpl.name.text); it != node_index_.end()) {
        Sink().Report(diag::Kind::kDuplicateTemplate, tpl.name.loc,
                      Topo("node_templates.") + tpl.name.text, "node template", tpl.name.text);
        Sink().AddNote(st_.nodes[it->second.value].loc, "first defined here");
        continue;
      }
      ir::NodeId id{static_cast<uint32_t>(st_.nodes.size())};
      ir::NodeTemplate node;
      node.name = tpl.name.text;
      node.loc = tpl.loc;
      st_.nodes.push_back(std::move(node));
      node_index_.emplace(tpl.name.text, id);
      node_syntax_.push_back(&tpl);
      node_family_.push_back(file.syntax.version.family);
    }
    for (const syntax::RelationshipTemplate& rel : file.syntax.relationship_templates) {
      relationship_templates_.emplace(rel.name.text, &rel);
    }
  }
  BuildNodes();
}

// Node templates are checked independently of each other, so large blueprints use both cores:
// each half gets its own sink, merged in template order so that output never depends on timing.
// Everything BuildNode reads is complete before this point; what it writes is its own node.
void Analyzer::BuildNodes() {
  constexpr size_t kParallelFrom = 4096;
  const auto n = static_cast<uint32_t>(st_.nodes.size());
  auto build_range = [this](uint32_t begin, uint32_t end) {
    for (uint32_t i = begin; i < end; ++i)
      BuildNode(*node_syntax_[i], node_family_[i], ir::NodeId{i});
  };
  if (n < kParallelFrom) {
    build_range(0, n);
    return;
  }
  for (uint32_t t = 0; t < st_.types.size(); ++t) {  // fill the shared cache before sharing it
    if (!implemented_interfaces_[t])
      implemented_interfaces_[t] = ImplementedOnly(st_.types[t].interfaces);
  }
  const uint32_t half = n / 2;
  diag::Sink second_sink;
  std::thread second([&] {
    ThreadSink() = &second_sink;
    build_range(half, n);
    ThreadSink() = nullptr;
  });
  build_range(0, half);
  second.join();
  Sink().Append(std::move(second_sink));
}

void Analyzer::BuildNode(const syntax::NodeTemplate& tpl_in, syntax::Family family, ir::NodeId id) {
  const syntax::NodeTemplate* tpl = &tpl_in;
  diag::PathRef topo(TopoBase()), templates(topo, "node_templates"),
      path(templates, tpl->name.text);
  ir::NodeTemplate& node = st_.nodes[id.value];
  syntax::Name type_name = tpl->type;
  if (type_name.empty() && !tpl->copy.empty()) {
    auto it = node_index_.find(tpl->copy.text);
    if (it == node_index_.end()) {
      Sink().Report(diag::Kind::kUnknownTargetNode, tpl->copy.loc,
                    diag::PathRef(path, "copy").Str(), "`copy`", tpl->copy.text);
      return;
    }
    type_name = node_syntax_[it->second.value]->type;
  }
  node.type = ResolveType(TypeKind::kNode, type_name, diag::PathRef(path, "type"));
  if (!node.type.valid()) return;
  const ir::Type& type = st_.types[node.type.value];
  if (incomplete_[node.type.value]) {
    // The type's ancestry is broken (reported there); keep the values unchecked.
    for (const auto& [name, ref] : tpl->properties)
      node.properties.push_back(ir::Property{name.text, ToValue(ref, family), false});
    return;
  }
  AssignProperties(tpl->properties, type.properties, type.name, diag::PathRef(path, "properties"),
                   family, tpl->name.loc, node.properties);
  for (const auto& [name, ref] : tpl->attributes) {
    if (FindByName(const_cast<ir::Type&>(type).attributes, name.text) == nullptr &&
        FindByName(const_cast<ir::Type&>(type).properties, name.text) == nullptr) {
      Sink().Report(diag::Kind::kUnknownAttribute, name.loc,
                    diag::PathRef(diag::PathRef(path, "attributes"), name.text).Str(), name.text,
                    type.name);
      SuggestName(Sink(), name.loc, name.text, NamesOf(type.attributes));
      continue;
    }
    node.attributes.push_back(ir::Property{name.text, ToValue(ref, family), false});
  }
  BuildCapabilities(*tpl, family, node, path);
  BuildInterfaces(*tpl, family, node, path);
  for (const syntax::ArtifactDef& a : tpl->artifacts) {
    ir::Artifact art;
    art.name = a.name.text;
    art.file = a.file.text;
    art.repository = a.repository.text;
    art.loc = a.loc;
    diag::PathRef artifacts(path, "artifacts"), artifact(artifacts, art.name);
    if (!a.type.empty())
      art.type = ResolveType(TypeKind::kArtifact, a.type, diag::PathRef(artifact, "type"));
    node.artifacts.push_back(std::move(art));
  }
  BuildInstances(*tpl, node, path);
}

void Analyzer::BuildCapabilities(const syntax::NodeTemplate& tpl, syntax::Family family,
                                 ir::NodeTemplate& node, const diag::PathRef& path) {
  const ir::Type& type = st_.types[node.type.value];
  for (const syntax::CapabilityAssignment& cap : tpl.capabilities) {
    diag::PathRef caps(path, "capabilities"), cpath(caps, cap.name.text);
    const ir::CapabilityDef* def = nullptr;
    for (const auto& c : type.capabilities) {
      if (c.name == cap.name.text) def = &c;
    }
    bool cloudify_scalable = family == syntax::Family::kCloudify && cap.name.text == "scalable";
    if (def == nullptr && !cloudify_scalable) {
      Sink().Report(diag::Kind::kUnknownCapability, cap.loc, cpath.Str(), type.name, cap.name.text);
      SuggestName(Sink(), cap.loc, cap.name.text, NamesOf(type.capabilities));
      continue;
    }
    ir::CapabilityValues values;
    values.name = cap.name.text;
    if (def != nullptr && def->type.valid()) {
      values.type = def->type;
      const ir::Type& cap_type = st_.types[def->type.value];
      AssignProperties(cap.properties, cap_type.properties, cap_type.name,
                       diag::PathRef(cpath, "properties"), family, cap.loc, values.properties);
    } else {
      for (const auto& [name, ref] : cap.properties)
        values.properties.push_back(ir::Property{name.text, ToValue(ref, family), false});
    }
    node.capabilities.push_back(std::move(values));
  }
}

auto Analyzer::ImplementedOnly(const std::vector<ir::Interface>& interfaces)
    -> std::vector<ir::Interface> {
  std::vector<ir::Interface> out;
  for (const ir::Interface& iface : interfaces) {
    ir::Interface kept{iface.name, iface.type, {}};
    for (const ir::Operation& op : iface.operations) {
      if (!op.implementation.empty() || !op.inputs.empty()) kept.operations.push_back(op);
    }
    if (!kept.operations.empty()) out.push_back(std::move(kept));
  }
  return out;
}

void Analyzer::BuildInterfaces(const syntax::NodeTemplate& tpl, syntax::Family family,
                               ir::NodeTemplate& node, const diag::PathRef& path) {
  const ir::Type& type = st_.types[node.type.value];
  // The IR keeps only operations that do something (an implementation or inputs); the common
  // case, a template that assigns no operation, shares one filtered list per type.
  if (tpl.interfaces.empty()) {
    auto& cached = implemented_interfaces_[node.type.value];
    if (!cached) cached = ImplementedOnly(type.interfaces);
    node.interfaces = *cached;
    return;
  }
  // Start from the type's implemented operations; names are checked against the full type
  // without copying it, and an operation is copied from the type only when the template touches it.
  auto& cached = implemented_interfaces_[node.type.value];
  if (!cached) cached = ImplementedOnly(type.interfaces);
  node.interfaces = *cached;
  AssignInterfaces(tpl.interfaces, type.interfaces, type.name, family,
                   diag::PathRef(path, "interfaces"), node.interfaces);
  node.interfaces = ImplementedOnly(node.interfaces);
}

// Operations a template assigns (implementations, inputs) over those its type declares.
// TOSCA templates may only assign what the type declares; Cloudify templates may add their own.
void Analyzer::AssignInterfaces(const std::vector<syntax::InterfaceDef>& defs,
                                const std::vector<ir::Interface>& declared_interfaces,
                                const std::string& owner, syntax::Family family,
                                const diag::PathRef& ifaces, std::vector<ir::Interface>& out) {
  for (const syntax::InterfaceDef& def : defs) {
    diag::PathRef ipath(ifaces, def.name.text);
    const ir::Interface* declared = nullptr;
    for (const ir::Interface& candidate : declared_interfaces) {
      if (candidate.name == def.name.text) declared = &candidate;
    }
    if (declared == nullptr && family == syntax::Family::kTosca) {
      Sink().Report(diag::Kind::kUnknownInterface, def.loc, ipath.Str(), owner, def.name.text);
      SuggestName(Sink(), def.loc, def.name.text, NamesOf(declared_interfaces));
      continue;
    }
    ir::Interface* iface = FindByName(out, def.name.text);
    if (iface == nullptr) {
      // Cloudify templates may also add interfaces of their own.
      out.push_back(ir::Interface{def.name.text, declared ? declared->type : "", {}});
      iface = &out.back();
    }
    for (const syntax::OperationDef& op : def.operations) {
      ir::Operation* existing = FindByName(iface->operations, op.name.text);
      if (existing == nullptr) {
        const ir::Operation* in_type = nullptr;
        if (declared != nullptr) {
          for (const ir::Operation& candidate : declared->operations) {
            if (candidate.name == op.name.text) in_type = &candidate;
          }
        }
        if (in_type == nullptr && family == syntax::Family::kTosca) {
          Sink().Report(diag::Kind::kUnknownOperation, op.loc,
                        diag::PathRef(ipath, op.name.text).Str(), def.name.text, op.name.text);
          SuggestName(Sink(), op.loc, op.name.text, NamesOf(declared->operations));
          continue;
        }
        iface->operations.push_back(in_type ? *in_type
                                            : ir::Operation{op.name.text, "", {}, op.loc});
        existing = &iface->operations.back();
      }
      if (family == syntax::Family::kCloudify && IsCloudifyNoOp(op)) {
        // dsl-parser's template-over-type merge: an operation that gives nothing (`{}`, `''`)
        // overrides the type's with a no-op. One that gives only inputs keeps the type's
        // implementation, as a TOSCA assignment always does.
        existing->implementation.clear();
        existing->inputs.clear();
        existing->loc = op.loc;
        continue;
      }
      if (!op.implementation.empty()) {
        existing->implementation = op.implementation.text;
        if (family == syntax::Family::kCloudify) {
          CheckImplementation(op.implementation.text, op.implementation.loc,
                              diag::PathRef(ipath, op.name.text));
        }
      }
      existing->loc = op.loc;
      for (const auto& [name, ref] : op.input_values) {
        auto it = std::find_if(existing->inputs.begin(), existing->inputs.end(),
                               [&](const auto& e) { return e.first == name.text; });
        if (it == existing->inputs.end())
          existing->inputs.emplace_back(name.text, ToValue(ref, family));
        else
          it->second = ToValue(ref, family);
      }
    }
    // Interface-level inputs go to every operation that runs.
    for (const auto& [name, ref] : def.input_values) {
      for (ir::Operation& op : iface->operations) {
        if (std::none_of(op.inputs.begin(), op.inputs.end(),
                         [&](const auto& e) { return e.first == name.text; })) {
          op.inputs.emplace_back(name.text, ToValue(ref, family));
        }
      }
    }
  }
}

void Analyzer::CheckImplementation(const std::string& impl, diag::Loc loc,
                                   const diag::PathRef& path) {
  if (impl.empty() || IsScriptPath(impl)) return;
  size_t dot = impl.find('.');
  std::string plugin = impl.substr(0, dot);
  if (dot == std::string::npos ||
      std::find(plugin_names_.begin(), plugin_names_.end(), plugin) == plugin_names_.end()) {
    Sink().Report(diag::Kind::kUnknownWorkflowPlugin, loc, path.Str(), impl, plugin);
    std::vector<std::string_view> names(plugin_names_.begin(), plugin_names_.end());
    SuggestName(Sink(), loc, plugin, names);
  }
}

void Analyzer::BuildInstances(const syntax::NodeTemplate& tpl, ir::NodeTemplate& node,
                              const diag::PathRef& path) {
  auto int_of = [](const ir::Property& p) -> std::optional<int64_t> {
    if (p.value.kind == ir::Value::Kind::kInt) return p.value.i;
    return std::nullopt;
  };
  if (tpl.instances.valid()) {
    const yaml::Document& doc = *tpl.instances.doc;
    yaml::NodeId deploy = doc.Find(tpl.instances.id, "deploy");
    if (deploy.valid()) {
      const yaml::Node& n = doc[deploy];
      if (n.kind != yaml::Kind::kInt || n.number.i < 0) {
        Sink().Report(diag::Kind::kBadInstances, doc.LocOf(deploy),
                      diag::PathRef(path, "instances.deploy").Str(),
                      fmt::format("`deploy` must be a non-negative integer, found `{}`", n.text));
      } else {
        node.instances.initial = n.number.i;
      }
      // Cloudify rejects both counts on one node (its error 209) rather than pick one.
      for (const syntax::CapabilityAssignment& cap : tpl.capabilities) {
        if (cap.name.text != "scalable") continue;
        Sink().Report(
            diag::Kind::kBadInstances, doc.LocOf(tpl.instances.id),
            diag::PathRef(path, "instances").Str(),
            "`instances.deploy` and `capabilities.scalable` cannot both be given; give the count "
            "as the capability's `default_instances` (`instances` is deprecated)");
        Sink().AddNote(cap.loc, "`capabilities.scalable` is given here");
      }
    }
  }
  // The scalable capability's plain values, so that evaluation sees the initial count; the
  // counts are read again, and checked, once evaluation has folded their functions
  // (scaling.cc, ReadInstanceCounts).
  for (const ir::CapabilityValues& cap : node.capabilities) {
    if (cap.name != "scalable") continue;
    bool written = false;
    for (const ir::Property& p : cap.properties) {
      auto v = int_of(p);
      if (p.name == "default_instances" && v && !p.from_default) {
        node.instances.initial = *v;
        written = true;
      }
      if (p.name == "min_instances" && v) node.instances.min = *v;
    }
    if (!written) node.instances.initial = std::max<int64_t>(node.instances.min, 1);
  }
}

void Analyzer::BuildRelationships() {
  for (uint32_t i = 0; i < st_.nodes.size(); ++i) {
    if (!st_.nodes[i].type.valid()) continue;
    const syntax::NodeTemplate& tpl = *node_syntax_[i];
    for (size_t r = 0; r < tpl.relationships.size(); ++r) {
      BuildRelationship(tpl.relationships[r], node_family_[i], ir::NodeId{i}, r);
    }
    if (node_family_[i] == syntax::Family::kTosca)
      CheckRequirementCounts(tpl, st_.types[st_.nodes[i].type.value]);
  }
}

void Analyzer::CheckRequirementCounts(const syntax::NodeTemplate& tpl, const ir::Type& type) {
  for (const ir::RequirementDef& req : type.requirements) {
    std::vector<const syntax::RelationshipAssignment*> uses;
    for (const auto& rel : tpl.relationships) {
      if (rel.requirement.text == req.name) uses.push_back(&rel);
    }
    if (uses.size() <= req.max) continue;
    std::string allowed = req.max == UINT32_MAX ? "" : fmt::format("at most {}", req.max);
    Sink().Report(diag::Kind::kRequirementOccurrences, uses[req.max]->loc,
                  Topo("node_templates.") + tpl.name.text + ".requirements", req.name,
                  tpl.name.text, uses.size(), allowed);
    Sink().AddNote(req.loc,
                   fmt::format("`{}` declares occurrences [{}, {}]", req.name, req.min, req.max));
  }
}

void Analyzer::BuildRelationship(const syntax::RelationshipAssignment& rel, syntax::Family family,
                                 ir::NodeId source, size_t index) {
  const ir::NodeTemplate& src = st_.nodes[source.value];
  const ir::Type& src_type = st_.types[src.type.value];
  bool tosca = family == syntax::Family::kTosca;
  diag::PathRef topo(TopoBase()), templates(topo, "node_templates"), node_path(templates, src.name);
  diag::PathRef list(node_path, tosca ? "requirements" : "relationships"), item(list, index);
  diag::PathRef path(item, tosca ? std::string_view(rel.requirement.text) : std::string_view());
  const ir::RequirementDef* req = nullptr;
  if (family == syntax::Family::kTosca && !incomplete_[src.type.value]) {
    for (const auto& r : src_type.requirements) {
      if (r.name == rel.requirement.text) req = &r;
    }
    if (req == nullptr) {
      Sink().Report(diag::Kind::kUnknownRequirement, rel.requirement.loc, path.Str(), src_type.name,
                    rel.requirement.text);
      SuggestName(Sink(), rel.requirement.loc, rel.requirement.text,
                  NamesOf(src_type.requirements));
      return;
    }
  }
  ir::Relationship out;
  out.source = source;
  out.requirement = rel.requirement.text;
  out.loc = rel.loc;
  // The relationship type: a relationship template, a type, or the requirement's default.
  const syntax::RelationshipTemplate* rel_template = nullptr;
  diag::PathRef rel_templates(topo, "relationship_templates"),
      rel_template_path(rel_templates, rel.relationship.text);
  // A relationship template used by several requirements is checked on its first use; later uses
  // build the same values with their (repeated) diagnostics dropped.
  bool first_use = true;
  diag::Sink repeated_template_sink;
  auto check_template = [&](const auto& check) {
    if (first_use) {
      check();
      return;
    }
    diag::Sink* previous = ThreadSink();
    ThreadSink() = &repeated_template_sink;
    check();
    ThreadSink() = previous;
  };
  if (!rel.relationship.empty()) {
    if (auto it = relationship_templates_.find(rel.relationship.text);
        it != relationship_templates_.end()) {
      rel_template = it->second;
      first_use = checked_relationship_templates_.insert(rel_template).second;
      check_template([&] {
        out.type = ResolveType(TypeKind::kRelationship, rel_template->type,
                               diag::PathRef(path, "relationship"));
        AssignProperties(rel_template->properties,
                         out.type.valid() ? st_.types[out.type.value].properties
                                          : std::vector<ir::PropertyDef>{},
                         rel.relationship.text, diag::PathRef(rel_template_path, "properties"),
                         family, rel_template->loc, out.properties);
      });
    } else {
      out.type = ResolveType(TypeKind::kRelationship, rel.relationship,
                             diag::PathRef(path, tosca ? "relationship" : "type"));
      if (!out.type.valid()) return;
    }
  } else if (req != nullptr && req->relationship.valid()) {
    out.type = req->relationship;
  } else if (family == syntax::Family::kTosca) {
    out.type = Lookup(TypeKind::kRelationship, "tosca.relationships.DependsOn");
  }
  if (out.type.valid()) {
    const ir::Type& rtype = st_.types[out.type.value];
    out.hosted_on =
        st_.DerivesFrom(out.type,
                        Lookup(TypeKind::kRelationship, "tosca.relationships.HostedOn")) ||
        st_.DerivesFrom(out.type,
                        Lookup(TypeKind::kRelationship, "cloudify.relationships.contained_in"));
    out.source_interfaces =
        family == syntax::Family::kTosca ? rtype.interfaces : rtype.source_interfaces;
    out.target_interfaces = rtype.target_interfaces;
    // A relationship template's operations over its type's, then the requirement's over both.
    if (rel_template != nullptr) {
      check_template([&] {
        AssignInterfaces(rel_template->interfaces, rtype.interfaces, rtype.name, family,
                         diag::PathRef(rel_template_path, "interfaces"), out.source_interfaces);
      });
    }
    const auto& source_defs =
        family == syntax::Family::kTosca ? rel.interfaces : rel.source_interfaces;
    AssignInterfaces(
        source_defs, family == syntax::Family::kTosca ? rtype.interfaces : rtype.source_interfaces,
        rtype.name, family,
        diag::PathRef(path, family == syntax::Family::kTosca ? "interfaces" : "source_interfaces"),
        out.source_interfaces);
    AssignInterfaces(rel.target_interfaces, rtype.target_interfaces, rtype.name, family,
                     diag::PathRef(path, "target_interfaces"), out.target_interfaces);
    if (rel.relationship.empty() || relationship_templates_.count(rel.relationship.text) == 0) {
      AssignProperties(rel.properties, rtype.properties, rtype.name,
                       diag::PathRef(path, "properties"), family, rel.loc, out.properties);
    }
  }
  // The target node.
  if (rel.node.empty() && family == syntax::Family::kCloudify)
    return;  // `target` missing: reported
  if (rel.node.empty()) {
    Sink().Report(diag::Kind::kDanglingRequirement, rel.loc, path.Str(), rel.requirement.text,
                  src.name);
    return;
  }
  auto target_it = node_index_.find(rel.node.text);
  if (target_it == node_index_.end()) {
    if (family == syntax::Family::kTosca && Lookup(TypeKind::kNode, rel.node.text).valid()) {
      // A node type: an abstract requirement the orchestrator fulfils at deploy time.
      Sink().Report(diag::Kind::kDanglingRequirement, rel.node.loc, path.Str(),
                    rel.requirement.text, src.name);
      return;
    }
    std::string what = family == syntax::Family::kTosca
                           ? fmt::format("requirement `{}`", rel.requirement.text)
                           : std::string("relationship");
    Sink().Report(diag::Kind::kUnknownTargetNode, rel.node.loc, path.Str(), what, rel.node.text);
    std::vector<std::string_view> names;
    for (const auto& n : st_.nodes) names.push_back(n.name);
    SuggestName(Sink(), rel.node.loc, rel.node.text, names);
    return;
  }
  out.target = target_it->second;
  if (out.target == source) {
    Sink().Report(diag::Kind::kSelfRelationship, rel.node.loc, path.Str(), src.name);
    return;
  }
  ir::TypeId target_type = st_.nodes[out.target.value].type;
  if (family == syntax::Family::kTosca && target_type.valid() && !incomplete_[target_type.value] &&
      !incomplete_[src.type.value]) {
    CheckTargetSatisfies(req, rel, out.target, out, path);
  }
  ir::RelationshipId id{static_cast<uint32_t>(st_.relationships.size())};
  st_.relationships.push_back(std::move(out));
  st_.nodes[source.value].relationships.push_back(id);
}

void Analyzer::CheckTargetSatisfies(const ir::RequirementDef* req,
                                    const syntax::RelationshipAssignment& rel, ir::NodeId target,
                                    ir::Relationship& out, const diag::PathRef& path) {
  const ir::NodeTemplate& tgt = st_.nodes[target.value];
  const ir::Type& tgt_type = st_.types[tgt.type.value];
  auto fail = [&](const std::string& why) {
    Sink().Report(diag::Kind::kTargetCannotSatisfy, rel.node.loc, path.Str(), tgt.name,
                  tgt_type.name, rel.requirement.text, why);
    if (req != nullptr) Sink().AddNote(req->loc, "requirement declared here");
  };
  if (req != nullptr && req->node.valid() && !st_.DerivesFrom(tgt.type, req->node)) {
    fail(fmt::format("it is not a `{}`", st_.types[req->node.value].name));
    return;
  }
  // Which capability of the target: named in the assignment, else the first of the required type.
  if (!rel.capability.empty()) {
    for (const auto& c : tgt_type.capabilities) {
      if (c.name == rel.capability.text) {
        out.capability = c.name;
        return;
      }
    }
    ir::TypeId ctype = Lookup(TypeKind::kCapability, rel.capability.text);
    if (!ctype.valid()) {
      fail(fmt::format("it has no capability `{}`", rel.capability.text));
      return;
    }
    for (const auto& c : tgt_type.capabilities) {
      if (c.type.valid() && st_.DerivesFrom(c.type, ctype)) {
        out.capability = c.name;
        return;
      }
    }
    fail(fmt::format("it has no capability of type `{}`", st_.types[ctype.value].name));
    return;
  }
  if (req == nullptr || !req->capability.valid()) return;
  for (const auto& c : tgt_type.capabilities) {
    if (c.type.valid() && st_.DerivesFrom(c.type, req->capability)) {
      out.capability = c.name;
      return;
    }
  }
  fail(fmt::format("it offers no capability of type `{}`", st_.types[req->capability.value].name));
}

void Analyzer::CheckRelationshipGraph() {
  // A node contained in two hosts.
  for (const ir::NodeTemplate& node : st_.nodes) {
    const ir::Relationship* first_host = nullptr;
    for (ir::RelationshipId rid : node.relationships) {
      const ir::Relationship& r = st_.relationships[rid.value];
      if (!r.hosted_on) continue;
      if (first_host == nullptr) {
        first_host = &r;
        continue;
      }
      Sink().Report(diag::Kind::kTwoHosts, r.loc, Topo("node_templates.") + node.name, node.name,
                    st_.nodes[first_host->target.value].name, st_.nodes[r.target.value].name);
      Sink().AddNote(first_host->loc, "first host here");
    }
  }
  // Cycles: iterative DFS with colours; each back edge closes one cycle, reported with its path.
  const size_t n = st_.nodes.size();
  std::vector<uint8_t> colour(n, 0);
  std::vector<uint32_t> stack;
  std::vector<size_t> next_edge(n, 0);
  for (uint32_t start = 0; start < n; ++start) {
    if (colour[start] != 0) continue;
    stack.push_back(start);
    colour[start] = 1;
    while (!stack.empty()) {
      uint32_t v = stack.back();
      const auto& edges = st_.nodes[v].relationships;
      if (next_edge[v] == edges.size()) {
        colour[v] = 2;
        stack.pop_back();
        continue;
      }
      const ir::Relationship& r = st_.relationships[edges[next_edge[v]++].value];
      uint32_t w = r.target.value;
      if (colour[w] == 0) {
        colour[w] = 1;
        stack.push_back(w);
      } else if (colour[w] == 1) {
        auto from = std::find(stack.begin(), stack.end(), w);
        std::string text;
        for (auto it = from; it != stack.end(); ++it) text += st_.nodes[*it].name + " -> ";
        text += st_.nodes[w].name;
        Sink().Report(diag::Kind::kRelationshipCycle, r.loc,
                      Topo("node_templates.") + st_.nodes[v].name, text);
        Sink().AddNote(st_.nodes[w].loc,
                       "a deployment would wait forever: each node waits for the next");
      }
    }
  }
}

auto Analyzer::BuildPolicy(const syntax::Policy& policy, syntax::Family family,
                           const diag::PathRef& path) -> ir::Policy {
  ir::Policy out;
  out.name = policy.name.text;
  out.loc = policy.loc;
  out.type = ResolveType(TypeKind::kPolicy, policy.type, diag::PathRef(path, "type"));
  if (out.type.valid()) {
    AssignProperties(policy.properties, st_.types[out.type.value].properties,
                     st_.types[out.type.value].name, diag::PathRef(path, "properties"), family,
                     policy.loc, out.properties);
  }
  for (const syntax::Name& t : policy.targets) {
    out.targets.push_back(t.text);
    bool is_node = node_index_.count(t.text) != 0;
    bool is_group = false;
    for (const imports::LoadedFile& f : loaded_.files) {
      for (const syntax::Group& g : f.syntax.groups) is_group |= g.name.text == t.text;
    }
    if (!is_node && !is_group)
      Sink().Report(diag::Kind::kUnknownPolicyTarget, t.loc, diag::PathRef(path, "targets").Str(),
                    out.name, t.text);
  }
  for (const syntax::PolicyTrigger& trigger : policy.triggers) {
    ir::Trigger tr;
    tr.name = trigger.name.text;
    tr.type = trigger.type.text;
    if (!trigger.type.empty() && std::find(trigger_names_.begin(), trigger_names_.end(),
                                           trigger.type.text) == trigger_names_.end()) {
      Sink().Report(diag::Kind::kUnknownTrigger, trigger.type.loc,
                    diag::PathRef(diag::PathRef(path, "triggers"), tr.name).Str(),
                    trigger.type.text);
      std::vector<std::string_view> names(trigger_names_.begin(), trigger_names_.end());
      SuggestName(Sink(), trigger.type.loc, trigger.type.text, names);
    }
    for (const auto& [name, ref] : trigger.parameters)
      tr.parameters.emplace_back(name.text, ToValue(ref, family));
    out.triggers.push_back(std::move(tr));
  }
  return out;
}

void Analyzer::CollectGroupsAndPolicies() {
  for (const imports::LoadedFile& file : loaded_.files) {
    if (!ContributesTopology(file)) continue;
    syntax::Family family = file.syntax.version.family;
    for (const syntax::Group& g : file.syntax.groups) {
      diag::PathRef topo(TopoBase()), groups(topo, "groups"), path(groups, g.name.text);
      ir::Group group;
      group.name = g.name.text;
      group.loc = g.loc;
      if (!g.type.empty()) {
        group.type = ResolveType(TypeKind::kGroup, g.type, diag::PathRef(path, "type"));
        if (group.type.valid()) {
          AssignProperties(g.properties, st_.types[group.type.value].properties,
                           st_.types[group.type.value].name, diag::PathRef(path, "properties"),
                           family, g.loc, group.properties);
        }
      }
      for (const syntax::Name& m : g.members) {
        auto it = node_index_.find(m.text);
        if (it != node_index_.end()) {
          group.members.push_back(it->second);
          continue;
        }
        bool is_group =
            std::any_of(file.syntax.groups.begin(), file.syntax.groups.end(),
                        [&](const syntax::Group& other) { return other.name.text == m.text; });
        if (is_group && family == syntax::Family::kCloudify) {
          group.member_groups.push_back(m.text);
          continue;
        }
        Sink().Report(diag::Kind::kUnknownMember, m.loc, diag::PathRef(path, "members").Str(),
                      group.name, m.text);
        std::vector<std::string_view> names;
        for (const auto& n : st_.nodes) names.push_back(n.name);
        SuggestName(Sink(), m.loc, m.text, names);
      }
      for (const syntax::Policy& p : g.policies) {
        diag::PathRef policies(path, "policies"), policy_path(policies, p.name.text);
        group.policies.push_back(BuildPolicy(p, family, policy_path));
      }
      CheckGroupMemberTypes(group, g, path);
      st_.groups.push_back(std::move(group));
    }
    for (const syntax::Policy& p : file.syntax.policies) {
      diag::PathRef topo(TopoBase()), policies(topo, "policies"),
          policy_path(policies, p.name.text);
      st_.policies.push_back(BuildPolicy(p, family, policy_path));
    }
  }
}

void Analyzer::CheckGroupMemberTypes(const ir::Group& group, const syntax::Group& g,
                                     const diag::PathRef& path) {
  if (!group.type.valid()) return;
  const ir::Type& gtype = st_.types[group.type.value];
  if (gtype.valid_types.empty()) return;
  for (size_t i = 0; i < group.members.size(); ++i) {
    const ir::NodeTemplate& member = st_.nodes[group.members[i].value];
    if (!member.type.valid()) continue;
    bool ok = std::any_of(gtype.valid_types.begin(), gtype.valid_types.end(),
                          [&](ir::TypeId t) { return st_.DerivesFrom(member.type, t); });
    if (ok) continue;
    std::string allowed;
    for (ir::TypeId t : gtype.valid_types)
      allowed += (allowed.empty() ? "`" : ", `") + st_.types[t.value].name + "`";
    diag::Loc loc = member.loc;
    for (const syntax::Name& m : g.members) {
      if (m.text == member.name) loc = m.loc;
    }
    Sink().Report(diag::Kind::kInvalidMemberType, loc, diag::PathRef(path, "members").Str(),
                  member.name, group.name, allowed);
    Sink().AddNote(gtype.loc, fmt::format("`{}` declares its members", gtype.name));
  }
}

void Analyzer::CheckUnusedInputs() {
  for (size_t i = 0; i < st_.inputs.size(); ++i) {
    if (input_used_[i]) continue;
    Sink().Report(diag::Kind::kUnusedInput, st_.inputs[i].loc, Topo("inputs.") + st_.inputs[i].name,
                  st_.inputs[i].name);
  }
}

void Analyzer::CollectOutputs() {
  for (const imports::LoadedFile& file : loaded_.files) {
    if (!ContributesTopology(file)) continue;
    for (const syntax::Output& o : file.syntax.outputs) {
      ir::Output out;
      out.name = o.name.text;
      out.description = o.description;
      out.loc = o.name.loc;
      out.value = ToValue(o.value, file.syntax.version.family);
      st_.outputs.push_back(std::move(out));
    }
  }
}

void Analyzer::CollectWorkflows() {
  for (const imports::LoadedFile& file : loaded_.files) {
    for (const syntax::Workflow& wf : file.syntax.workflows) {
      ir::Workflow out;
      out.name = wf.name.text;
      out.mapping = wf.mapping.text;
      out.loc = wf.name.loc;
      for (const auto& p : wf.parameters)
        out.parameters.push_back(ConvertPropertyDef(p, {}, file.syntax.version.family, false));
      diag::PathRef workflows("workflows"), wf_path(workflows, out.name);
      if (!file.is_profile && !out.mapping.empty())
        CheckImplementation(out.mapping, wf.mapping.loc, wf_path);
      st_.workflows.push_back(std::move(out));
    }
  }
}

auto Analyzer::Run() -> ir::ServiceTemplate {
  if (loaded_.files.empty()) return st_;
  const syntax::File& root = loaded_.files[0].syntax;
  st_.dialect = root.version.Name();
  st_.description = root.description;
  for (const imports::LoadedFile& f : loaded_.files) {
    for (const syntax::Plugin& p : f.syntax.plugins) plugin_names_.push_back(p.name.text);
    for (const syntax::PolicyTriggerType& t : f.syntax.policy_triggers)
      trigger_names_.push_back(t.name.text);
  }
  CollectTypes();
  ResolveParents();
  FlattenTypes();
  CheckTypeDefinitions();
  CollectInputs();
  ApplyInputValues();
  CollectNodes();
  BuildRelationships();
  CheckRelationshipGraph();
  CollectGroupsAndPolicies();
  BuildScalingGroups(st_, Sink());
  CollectOutputs();
  CollectWorkflows();
  input_used_.assign(st_.inputs.size(), false);
  CheckAllFunctions();
  CheckUnusedInputs();
  // Only when nothing else is wrong: an unreadable node_templates section has been reported.
  if (root.has_topology && st_.nodes.empty() && Sink().error_count() == 0) {
    Sink().Report(diag::Kind::kEmptyTopology, root.topology_loc, Topo("node_templates"));
  }
  return std::move(st_);
}

}  // namespace toscac::sema
