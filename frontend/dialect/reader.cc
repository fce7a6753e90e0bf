// Dialect reader: TOSCA Simple Profile 1.0-1.3 and Cloudify DSL 1.0-1.3 into one syntax model.
// All keyname knowledge of both dialects lives here.
#include "frontend/dialect/reader.h"

#include <fmt/format.h>

#include <initializer_list>

namespace toscac::dialect {

using syntax::Family;
using syntax::Name;
using syntax::ValueRef;
using yaml::ChildSpan;
using yaml::Kind;
using yaml::NodeId;
using Keys = std::initializer_list<std::string_view>;

auto ParseVersion(std::string_view text) -> std::optional<syntax::Version> {
  auto minor_of = [&](std::string_view prefix) -> std::optional<int> {
    if (text.size() != prefix.size() + 1 || text.substr(0, prefix.size()) != prefix) return {};
    char c = text.back();
    if (c < '0' || c > '3') return {};
    return c - '0';
  };
  if (auto minor = minor_of("tosca_simple_yaml_1_")) return syntax::Version{Family::kTosca, *minor};
  if (auto minor = minor_of("cloudify_dsl_1_")) return syntax::Version{Family::kCloudify, *minor};
  return {};
}

namespace {

// A YAML path kept as a stack of segments; rendered only when a diagnostic needs it.
class Path {
 public:
  void Push(std::string_view key) { segments_.push_back({key, -1}); }
  void Push(size_t index) { segments_.push_back({{}, static_cast<int64_t>(index)}); }
  void Pop() { segments_.pop_back(); }
  auto Str() const -> std::string {
    std::string out;
    for (const auto& s : segments_) {
      if (s.index >= 0) {
        out += fmt::format("[{}]", s.index);
      } else {
        if (!out.empty()) out += '.';
        out += s.key;
      }
    }
    return out;
  }

 private:
  struct Segment {
    std::string_view key;
    int64_t index;
  };
  std::vector<Segment> segments_;
};

class Scope {
 public:
  template <typename T>
  Scope(Path& path, T segment) : path_(path) {
    path_.Push(segment);
  }
  ~Scope() { path_.Pop(); }
  Scope(const Scope&) = delete;
  auto operator=(const Scope&) -> Scope& = delete;

 private:
  Path& path_;
};

class Reader {
 public:
  Reader(const yaml::Document& doc, syntax::Version version, diag::Sink& sink)
      : doc_(doc), version_(version), sink_(sink) {}

  auto Read() -> syntax::File;

 private:
  auto tosca() const -> bool { return version_.family == Family::kTosca; }
  auto Loc(NodeId id) const -> diag::Loc { return doc_.LocOf(id); }
  auto Ref(NodeId id) const -> ValueRef { return ValueRef{&doc_, id}; }
  auto Text(NodeId id) const -> std::string_view { return doc_[id].text; }

  // Iterates a map's entries; keys are scalars (the YAML layer guarantees it).
  template <typename F>
  void ForEachEntry(NodeId map, F&& f) {
    ChildSpan children = doc_.Children(map);
    for (size_t i = 0; i + 1 < children.size(); i += 2) {
      if (IsRejected(children[i])) continue;  // already reported as an unknown keyname
      Scope scope(path_, std::string_view(Text(children[i])));
      f(children[i], children[i + 1]);
    }
  }
  template <typename F>
  void ForEachItem(NodeId seq, F&& f) {
    ChildSpan children = doc_.Children(seq);
    for (size_t i = 0; i < children.size(); ++i) {
      Scope scope(path_, i);
      f(children[i]);
    }
  }
  // Calls f(name, value) for a map, and for TOSCA 1.0-style lists of single-entry maps.
  template <typename F>
  void ForEachNamed(NodeId node, std::string_view what, F&& f) {
    if (doc_.IsMap(node)) return ForEachEntry(node, f);
    if (doc_.IsSeq(node)) {
      ForEachItem(node, [&](NodeId item) {
        if (doc_.IsMap(item) && doc_.Size(item) == 1) {
          ForEachEntry(item, f);
        } else {
          Report(diag::Kind::kExpectedSingleEntryMap, item, what);
        }
      });
      return;
    }
    if (doc_[node].kind != Kind::kNull) ExpectMap(node, what);
  }

  auto IsRejected(NodeId key) const -> bool {
    return key.value < rejected_.size() && rejected_[key.value];
  }
  template <typename... Args>
  void Report(diag::Kind kind, NodeId at, const Args&... args) {
    sink_.Report(kind, Loc(at), path_.Str(), args...);
  }
  auto ExpectMap(NodeId id, std::string_view what) -> bool;
  auto ExpectMapOrNull(NodeId id, std::string_view what) -> bool;
  auto ExpectSeq(NodeId id, std::string_view what) -> bool;
  auto NameOf(NodeId id, std::string_view what) -> Name;
  auto KeyName(NodeId key) -> Name { return Name{std::string(Text(key)), Loc(key)}; }
  void CheckKeys(NodeId map, Keys allowed, std::string_view what);
  auto StringValue(NodeId id) -> std::string;
  auto Names(NodeId id, std::string_view what) -> std::vector<Name>;
  auto Assignments(NodeId id, std::string_view what) -> std::vector<std::pair<Name, ValueRef>>;

  void ReadTopLevel(NodeId root, syntax::File& file);
  void ReadTopology(NodeId node, syntax::File& file);
  void ReadImports(NodeId node, syntax::File& file);
  void ReadTypes(NodeId node, syntax::TypeKind kind, syntax::File& file);
  auto ReadType(const Name& name, NodeId node, syntax::TypeKind kind) -> syntax::TypeDef;
  auto ReadPropertyDefs(NodeId node, std::string_view what, bool attribute)
      -> std::vector<syntax::PropertyDef>;
  auto ReadPropertyDef(const Name& name, NodeId node, bool attribute) -> syntax::PropertyDef;
  auto ReadSchema(NodeId node) -> syntax::Schema;
  auto ReadConstraints(NodeId node) -> std::vector<ValueRef>;
  auto ReadCapabilityDefs(NodeId node) -> std::vector<syntax::CapabilityDef>;
  auto ReadRequirementDefs(NodeId node) -> std::vector<syntax::RequirementDef>;
  auto ReadOccurrences(NodeId node) -> syntax::Occurrences;
  auto ReadInterfaces(NodeId node, bool in_type) -> std::vector<syntax::InterfaceDef>;
  auto ReadInterface(const Name& name, NodeId node, bool in_type) -> syntax::InterfaceDef;
  auto ReadOperation(const Name& name, NodeId node, bool in_type) -> syntax::OperationDef;
  void ReadImplementation(NodeId node, syntax::OperationDef& op);
  void ReadNodeTemplates(NodeId node, syntax::File& file);
  auto ReadNodeTemplate(const Name& name, NodeId node) -> syntax::NodeTemplate;
  void ReadRequirementAssignments(NodeId node, syntax::NodeTemplate& tpl);
  void ReadCloudifyRelationships(NodeId node, syntax::NodeTemplate& tpl);
  auto ReadArtifacts(NodeId node) -> std::vector<syntax::ArtifactDef>;
  void ReadInputs(NodeId node, syntax::File& file);
  void ReadOutputs(NodeId node, syntax::File& file);
  void ReadGroups(NodeId node, syntax::File& file);
  auto ReadPolicy(const Name& name, NodeId node) -> syntax::Policy;
  void ReadPolicies(NodeId node, std::vector<syntax::Policy>& out);
  void ReadCloudifyExtras(NodeId key, NodeId value, syntax::File& file);

  const yaml::Document& doc_;
  syntax::Version version_;
  diag::Sink& sink_;
  Path path_;
  std::vector<bool> rejected_;  // per node id: a key CheckKeys refused, which readers then skip
};

auto Describe(const yaml::Node& node) -> std::string {
  if (node.kind == Kind::kMap || node.kind == Kind::kSeq || node.kind == Kind::kNull) {
    return std::string(yaml::KindName(node.kind));
  }
  std::string text =
      node.text.size() > 40 ? std::string(node.text.substr(0, 37)) + "..." : std::string(node.text);
  return fmt::format("{} `{}`", yaml::KindName(node.kind), text);
}

auto Reader::ExpectMap(NodeId id, std::string_view what) -> bool {
  if (doc_.IsMap(id)) return true;
  Report(diag::Kind::kExpectedMap, id, what, Describe(doc_[id]));
  return false;
}

auto Reader::ExpectMapOrNull(NodeId id, std::string_view what) -> bool {
  if (doc_[id].kind == Kind::kNull) return false;
  return ExpectMap(id, what);
}

auto Reader::ExpectSeq(NodeId id, std::string_view what) -> bool {
  if (doc_.IsSeq(id)) return true;
  Report(diag::Kind::kExpectedList, id, what, Describe(doc_[id]));
  return false;
}

auto Reader::NameOf(NodeId id, std::string_view what) -> Name {
  const yaml::Node& n = doc_[id];
  // Type and node names are strings, but YAML may have resolved `1.0` or `true`: keep the text.
  if (n.kind == Kind::kMap || n.kind == Kind::kSeq || n.kind == Kind::kNull) {
    Report(diag::Kind::kExpectedString, id, what, Describe(n));
    return Name{"", Loc(id)};
  }
  return Name{std::string(n.text), Loc(id)};
}

auto Reader::StringValue(NodeId id) -> std::string {
  const yaml::Node& n = doc_[id];
  if (n.kind == Kind::kMap || n.kind == Kind::kSeq) return "";
  return std::string(n.text);
}

void Reader::CheckKeys(NodeId map, Keys allowed, std::string_view what) {
  ChildSpan children = doc_.Children(map);
  for (size_t i = 0; i < children.size(); i += 2) {
    std::string_view key = Text(children[i]);
    bool known = false;
    for (std::string_view a : allowed) known |= a == key;
    if (known) continue;
    if (rejected_.size() < doc_.nodes.size()) rejected_.resize(doc_.nodes.size(), false);
    rejected_[children[i].value] = true;
    Scope scope(path_, std::string_view(key));
    Report(diag::Kind::kUnknownKeyname, children[i], key, what);
    std::vector<std::string_view> candidates(allowed);
    std::string_view close = diag::ClosestName(key, candidates);
    if (!close.empty()) sink_.AddNote(Loc(children[i]), fmt::format("did you mean `{}`?", close));
  }
}

auto Reader::Names(NodeId id, std::string_view what) -> std::vector<Name> {
  std::vector<Name> names;
  if (doc_.IsScalar(id) && doc_[id].kind != Kind::kNull) {
    names.push_back(NameOf(id, what));  // a single name where a list is expected: accept it
    return names;
  }
  if (doc_[id].kind == Kind::kNull || !ExpectSeq(id, what)) return names;
  ForEachItem(id, [&](NodeId item) { names.push_back(NameOf(item, what)); });
  return names;
}

auto Reader::Assignments(NodeId id, std::string_view what)
    -> std::vector<std::pair<Name, ValueRef>> {
  std::vector<std::pair<Name, ValueRef>> out;
  if (!ExpectMapOrNull(id, what)) return out;
  ForEachEntry(id, [&](NodeId key, NodeId value) { out.emplace_back(KeyName(key), Ref(value)); });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Top level

void Reader::ReadTopLevel(NodeId root, syntax::File& file) {
  const Keys kTosca = {"tosca_definitions_version",
                       "tosca_default_namespace",
                       "namespace",
                       "metadata",
                       "description",
                       "dsl_definitions",
                       "repositories",
                       "imports",
                       "artifact_types",
                       "data_types",
                       "capability_types",
                       "interface_types",
                       "relationship_types",
                       "node_types",
                       "group_types",
                       "policy_types",
                       "topology_template",
                       "template_name",
                       "template_author",
                       "template_version"};
  const Keys kCloudify = {"tosca_definitions_version",
                          "description",
                          "imports",
                          "inputs",
                          "node_templates",
                          "outputs",
                          "node_types",
                          "relationships",
                          "plugins",
                          "workflows",
                          "groups",
                          "policies",
                          "policy_types",
                          "policy_triggers",
                          "data_types",
                          "dsl_definitions",
                          "upload_resources",
                          "capabilities",
                          "metadata",
                          "blueprint_labels",
                          "labels"};
  CheckKeys(root, tosca() ? kTosca : kCloudify,
            tosca() ? "a TOSCA service template" : "a Cloudify blueprint");
  ForEachEntry(root, [&](NodeId key, NodeId value) {
    std::string_view k = Text(key);
    if (k == "description") {
      file.description = StringValue(value);
    } else if (k == "imports") {
      ReadImports(value, file);
    } else if (k == "repositories" && tosca()) {
      ForEachNamed(value, "repositories", [&](NodeId rk, NodeId rv) {
        syntax::Repository repo{KeyName(rk), {}};
        if (doc_.IsMap(rv)) {
          CheckKeys(rv, {"description", "url", "credential"}, "a repository definition");
          NodeId url = doc_.Find(rv, "url");
          if (url.valid())
            repo.url = NameOf(url, "url");
          else
            Report(diag::Kind::kMissingKeyname, rv, "a repository definition", "url");
        } else {
          repo.url = NameOf(rv, "a repository URL");
        }
        file.repositories.push_back(std::move(repo));
      });
    } else if (k == "node_types") {
      ReadTypes(value, syntax::TypeKind::kNode, file);
    } else if (k == "relationship_types" || (k == "relationships" && !tosca())) {
      ReadTypes(value, syntax::TypeKind::kRelationship, file);
    } else if (k == "capability_types") {
      ReadTypes(value, syntax::TypeKind::kCapability, file);
    } else if (k == "data_types") {
      if (!tosca() && version_.minor < 2) {
        Report(diag::Kind::kNotInDialect, key, "data_types", version_.Name());
      }
      ReadTypes(value, syntax::TypeKind::kData, file);
    } else if (k == "artifact_types") {
      ReadTypes(value, syntax::TypeKind::kArtifact, file);
    } else if (k == "interface_types") {
      ReadTypes(value, syntax::TypeKind::kInterface, file);
    } else if (k == "group_types") {
      ReadTypes(value, syntax::TypeKind::kGroup, file);
    } else if (k == "policy_types") {
      ReadTypes(value, syntax::TypeKind::kPolicy, file);
    } else if (k == "topology_template") {
      ReadTopology(value, file);
    } else if (!tosca()) {
      ReadCloudifyExtras(key, value, file);
    }
  });
}

void Reader::ReadCloudifyExtras(NodeId key, NodeId value, syntax::File& file) {
  std::string_view k = Text(key);
  if (k == "inputs") {
    ReadInputs(value, file);
  } else if (k == "node_templates") {
    file.has_topology = true;
    file.topology_loc = Loc(key);
    ReadNodeTemplates(value, file);
  } else if (k == "outputs" || k == "capabilities") {
    ReadOutputs(value, file);
  } else if (k == "groups") {
    ReadGroups(value, file);
  } else if (k == "policies") {
    ReadPolicies(value, file.policies);
  } else if (k == "plugins") {
    if (!ExpectMapOrNull(value, "plugins")) return;
    ForEachEntry(value, [&](NodeId pk, NodeId pv) {
      syntax::Plugin plugin{KeyName(pk), "", Loc(pk)};
      if (ExpectMap(pv, "a plugin definition")) {
        CheckKeys(pv,
                  {"executor", "source", "install", "install_arguments", "package_name",
                   "package_version", "supported_platform", "distribution", "distribution_version",
                   "distribution_release"},
                  "a plugin definition");
        NodeId executor = doc_.Find(pv, "executor");
        if (executor.valid()) plugin.executor = StringValue(executor);
      }
      file.plugins.push_back(std::move(plugin));
    });
  } else if (k == "workflows") {
    if (!ExpectMapOrNull(value, "workflows")) return;
    ForEachEntry(value, [&](NodeId wk, NodeId wv) {
      syntax::Workflow wf{KeyName(wk), {}, {}, Loc(wk)};
      if (doc_.IsMap(wv)) {
        CheckKeys(wv, {"mapping", "parameters", "is_cascading", "availability_rules"},
                  "a workflow definition");
        NodeId mapping = doc_.Find(wv, "mapping");
        if (mapping.valid())
          wf.mapping = NameOf(mapping, "a workflow mapping");
        else
          Report(diag::Kind::kMissingKeyname, wv, "a workflow definition", "mapping");
        NodeId params = doc_.Find(wv, "parameters");
        if (params.valid()) {
          Scope scope(path_, "parameters");
          wf.parameters = ReadPropertyDefs(params, "workflow parameters", false);
        }
      } else {
        wf.mapping = NameOf(wv, "a workflow mapping");
      }
      file.workflows.push_back(std::move(wf));
    });
  } else if (k == "policy_triggers") {
    if (!ExpectMapOrNull(value, "policy_triggers")) return;
    ForEachEntry(value, [&](NodeId tk, NodeId tv) {
      syntax::PolicyTriggerType trigger{KeyName(tk), "", {}};
      if (ExpectMap(tv, "a policy trigger definition")) {
        CheckKeys(tv, {"source", "parameters"}, "a policy trigger definition");
        NodeId source = doc_.Find(tv, "source");
        if (source.valid()) trigger.source = StringValue(source);
        NodeId params = doc_.Find(tv, "parameters");
        if (params.valid()) {
          Scope scope(path_, "parameters");
          trigger.parameters = ReadPropertyDefs(params, "policy trigger parameters", false);
        }
      }
      file.policy_triggers.push_back(std::move(trigger));
    });
  }
}

void Reader::ReadImports(NodeId node, syntax::File& file) {
  if (doc_[node].kind == Kind::kNull || !ExpectSeq(node, "imports")) return;
  auto read_import = [&](NodeId value, diag::Loc loc) {
    syntax::Import imp;
    imp.loc = loc;
    if (doc_.IsMap(value)) {
      CheckKeys(value, {"file", "repository", "namespace_prefix", "namespace_uri"},
                "an import definition");
      NodeId f = doc_.Find(value, "file");
      if (!f.valid()) {
        Report(diag::Kind::kMissingKeyname, value, "an import definition", "file");
        return;
      }
      imp.file = NameOf(f, "an import file");
      NodeId repo = doc_.Find(value, "repository");
      if (repo.valid()) imp.repository = NameOf(repo, "a repository name");
      NodeId prefix = doc_.Find(value, "namespace_prefix");
      if (prefix.valid()) imp.namespace_prefix = StringValue(prefix);
    } else if (doc_[value].kind == Kind::kString) {
      imp.file = Name{std::string(Text(value)), Loc(value)};
    } else {
      Report(diag::Kind::kImportBadEntry, value);
      return;
    }
    file.imports.push_back(std::move(imp));
  };
  ForEachItem(node, [&](NodeId item) {
    // TOSCA 1.0 allowed `- name: file` and `- name: {file: ...}`; a map with `file` is the 1.2
    // form.
    if (tosca() && doc_.IsMap(item) && !doc_.Find(item, "file").valid() && doc_.Size(item) == 1) {
      ForEachEntry(item, [&](NodeId key, NodeId value) { read_import(value, Loc(key)); });
      return;
    }
    read_import(item, Loc(item));
  });
}

// ---------------------------------------------------------------------------------------------
// Types

void Reader::ReadTypes(NodeId node, syntax::TypeKind kind, syntax::File& file) {
  if (!ExpectMapOrNull(node, "a types section")) return;
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    file.types.push_back(ReadType(KeyName(key), value, kind));
  });
}

auto Reader::ReadType(const Name& name, NodeId node, syntax::TypeKind kind) -> syntax::TypeDef {
  syntax::TypeDef type;
  type.kind = kind;
  type.name = name;
  type.loc = name.loc;
  if (doc_[node].kind == Kind::kNull) return type;
  std::string what = fmt::format("a {} type", syntax::TypeKindName(kind));
  if (!ExpectMap(node, what)) return type;
  using TK = syntax::TypeKind;
  if (tosca()) {
    switch (kind) {
      case TK::kNode:
        CheckKeys(node,
                  {"derived_from", "version", "metadata", "description", "properties", "attributes",
                   "requirements", "capabilities", "interfaces", "artifacts"},
                  what);
        break;
      case TK::kRelationship:
        CheckKeys(node,
                  {"derived_from", "version", "metadata", "description", "properties", "attributes",
                   "interfaces", "valid_target_types"},
                  what);
        break;
      case TK::kCapability:
        CheckKeys(node,
                  {"derived_from", "version", "metadata", "description", "properties", "attributes",
                   "valid_source_types"},
                  what);
        break;
      case TK::kData:
        CheckKeys(node,
                  {"derived_from", "version", "metadata", "description", "constraints",
                   "properties", "key_schema", "entry_schema"},
                  what);
        break;
      case TK::kArtifact:
        CheckKeys(node,
                  {"derived_from", "version", "metadata", "description", "mime_type", "file_ext",
                   "properties"},
                  what);
        break;
      case TK::kInterface:
        break;  // operation names are free keys
      case TK::kGroup:
        CheckKeys(node,
                  {"derived_from", "version", "metadata", "description", "properties", "attributes",
                   "members", "targets", "requirements", "capabilities", "interfaces"},
                  what);
        break;
      case TK::kPolicy:
        CheckKeys(node,
                  {"derived_from", "version", "metadata", "description", "properties", "targets",
                   "triggers"},
                  what);
        break;
    }
  } else {
    switch (kind) {
      case TK::kNode:
        CheckKeys(node, {"derived_from", "properties", "interfaces", "description"}, what);
        break;
      case TK::kRelationship:
        CheckKeys(node,
                  {"derived_from", "properties", "source_interfaces", "target_interfaces",
                   "connection_type", "description"},
                  what);
        break;
      case TK::kData:
        CheckKeys(node, {"derived_from", "properties", "description"}, what);
        break;
      case TK::kPolicy:
        CheckKeys(node, {"source", "properties", "description", "derived_from"}, what);
        break;
      default:
        Report(diag::Kind::kNotInDialect, node, what, version_.Name());
        break;
    }
  }
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    std::string_view k = Text(key);
    if (k == "derived_from") {
      type.derived_from = NameOf(value, "derived_from");
    } else if (k == "description") {
      type.description = StringValue(value);
    } else if (k == "properties") {
      type.properties = ReadPropertyDefs(value, "properties", false);
    } else if (k == "attributes") {
      type.attributes = ReadPropertyDefs(value, "attributes", true);
    } else if (k == "capabilities" && kind != TK::kGroup) {
      type.capabilities = ReadCapabilityDefs(value);
    } else if (k == "requirements" && kind != TK::kGroup) {
      type.requirements = ReadRequirementDefs(value);
    } else if (k == "interfaces" && kind != TK::kInterface) {
      type.interfaces = ReadInterfaces(value, true);
    } else if (k == "source_interfaces") {
      type.source_interfaces = ReadInterfaces(value, true);
    } else if (k == "target_interfaces") {
      type.target_interfaces = ReadInterfaces(value, true);
    } else if (k == "valid_target_types" || k == "valid_source_types" || k == "members" ||
               (k == "targets" && kind != TK::kInterface)) {
      type.valid_types = Names(value, k);
    } else if (k == "constraints" && kind == TK::kData) {
      type.constraints = ReadConstraints(value);
    } else if (k == "entry_schema" && kind == TK::kData) {
      type.key_entry = ReadSchema(value);
    } else if (k == "connection_type") {
      type.connection_type = StringValue(value);
    } else if (k == "mime_type") {
      type.mime_type = StringValue(value);
    } else if (k == "file_ext") {
      for (const Name& n : Names(value, "file_ext")) type.file_ext.push_back(n.text);
    } else if (kind == TK::kInterface && k != "version" && k != "metadata" && k != "inputs" &&
               k != "notifications") {
      if (k == "operations") {
        if (ExpectMapOrNull(value, "operations")) {
          ForEachEntry(value, [&](NodeId ok, NodeId ov) {
            type.operations.push_back(ReadOperation(KeyName(ok), ov, true));
          });
        }
      } else {
        type.operations.push_back(ReadOperation(KeyName(key), value, true));
      }
    }
  });
  return type;
}

auto Reader::ReadPropertyDefs(NodeId node, std::string_view what, bool attribute)
    -> std::vector<syntax::PropertyDef> {
  std::vector<syntax::PropertyDef> defs;
  if (!ExpectMapOrNull(node, what)) return defs;
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    defs.push_back(ReadPropertyDef(KeyName(key), value, attribute));
  });
  return defs;
}

auto Reader::ReadPropertyDef(const Name& name, NodeId node, bool attribute) -> syntax::PropertyDef {
  syntax::PropertyDef def;
  def.name = name;
  if (doc_[node].kind == Kind::kNull) return def;
  if (!doc_.IsMap(node)) {
    // Cloudify workflow/operation input defs may be given as plain values in old blueprints.
    if (!tosca()) {
      def.default_value = Ref(node);
      return def;
    }
    Report(diag::Kind::kExpectedMap, node,
           attribute ? "an attribute definition" : "a property definition", Describe(doc_[node]));
    return def;
  }
  if (tosca()) {
    if (attribute) {
      CheckKeys(node,
                {"type", "description", "default", "status", "key_schema", "entry_schema",
                 "metadata", "value", "required", "constraints"},
                "an attribute definition");
    } else {
      CheckKeys(node,
                {"type", "description", "required", "default", "value", "status", "constraints",
                 "key_schema", "entry_schema", "metadata", "external-schema"},
                "a property definition");
    }
  } else {
    CheckKeys(node,
              {"type", "description", "default", "required", "constraints", "hidden",
               "display_label", "item_type"},
              "a property definition");
  }
  def.schema = ReadSchema(node);
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    std::string_view k = Text(key);
    if (k == "required") {
      if (doc_[value].kind == Kind::kBool) {
        def.required = doc_[value].number.b;
      } else {
        Report(diag::Kind::kTypeMismatch, value, "`required`", "a boolean", Describe(doc_[value]));
      }
    } else if (k == "default") {
      def.default_value = Ref(value);
    } else if (k == "value") {
      def.value = Ref(value);
    } else if (k == "description") {
      def.description = StringValue(value);
    } else if (k == "status") {
      def.status = StringValue(value);
    }
  });
  return def;
}

auto Reader::ReadSchema(NodeId node) -> syntax::Schema {
  syntax::Schema schema;
  if (doc_.IsScalar(node)) {  // short entry_schema form: `entry_schema: string`
    schema.type = NameOf(node, "a type name");
    return schema;
  }
  if (!doc_.IsMap(node)) return schema;
  NodeId type = doc_.Find(node, "type");
  if (type.valid()) {
    Scope scope(path_, "type");
    schema.type = NameOf(type, "a type name");
  }
  NodeId constraints = doc_.Find(node, "constraints");
  if (constraints.valid()) {
    Scope scope(path_, "constraints");
    schema.constraints = ReadConstraints(constraints);
  }
  NodeId entry = doc_.Find(node, "entry_schema");
  if (entry.valid()) {
    Scope scope(path_, "entry_schema");
    if (doc_.IsMap(entry)) {
      CheckKeys(entry, {"type", "description", "constraints", "entry_schema", "key_schema"},
                "an entry_schema");
    }
    schema.entry = std::make_unique<syntax::Schema>(ReadSchema(entry));
  }
  return schema;
}

auto Reader::ReadConstraints(NodeId node) -> std::vector<ValueRef> {
  std::vector<ValueRef> out;
  if (doc_[node].kind == Kind::kNull || !ExpectSeq(node, "constraints")) return out;
  ForEachItem(node, [&](NodeId item) {
    if (!doc_.IsMap(item) || doc_.Size(item) != 1) {
      Report(diag::Kind::kExpectedSingleEntryMap, item, "a constraint clause");
      return;
    }
    out.push_back(Ref(item));
  });
  return out;
}

auto Reader::ReadOccurrences(NodeId node) -> syntax::Occurrences {
  syntax::Occurrences occ;
  occ.given = true;
  const auto bad = [&] {
    Report(diag::Kind::kBadOccurrences, node);
    return syntax::Occurrences{};
  };
  if (!doc_.IsSeq(node) || doc_.Size(node) != 2) return bad();
  NodeId lo = doc_.Children(node)[0];
  NodeId hi = doc_.Children(node)[1];
  if (doc_[lo].kind != Kind::kInt || doc_[lo].number.i < 0) return bad();
  occ.min = static_cast<uint32_t>(doc_[lo].number.i);
  if (doc_[hi].kind == Kind::kString && doc_[hi].text == "UNBOUNDED") {
    occ.max = UINT32_MAX;
  } else if (doc_[hi].kind == Kind::kInt && doc_[hi].number.i >= doc_[lo].number.i) {
    occ.max = static_cast<uint32_t>(doc_[hi].number.i);
  } else {
    return bad();
  }
  return occ;
}

auto Reader::ReadCapabilityDefs(NodeId node) -> std::vector<syntax::CapabilityDef> {
  std::vector<syntax::CapabilityDef> defs;
  ForEachNamed(node, "capabilities", [&](NodeId key, NodeId value) {
    syntax::CapabilityDef def;
    def.name = KeyName(key);
    def.loc = Loc(key);
    if (doc_.IsScalar(value)) {
      def.type = NameOf(value, "a capability type");
    } else if (ExpectMap(value, "a capability definition")) {
      CheckKeys(
          value,
          {"type", "description", "properties", "attributes", "valid_source_types", "occurrences"},
          "a capability definition");
      ForEachEntry(value, [&](NodeId k, NodeId v) {
        std::string_view key_text = Text(k);
        if (key_text == "type")
          def.type = NameOf(v, "a capability type");
        else if (key_text == "properties")
          def.properties = ReadPropertyDefs(v, "properties", false);
        else if (key_text == "attributes")
          def.attributes = ReadPropertyDefs(v, "attributes", true);
        else if (key_text == "valid_source_types")
          def.valid_source_types = Names(v, key_text);
        else if (key_text == "occurrences")
          def.occurrences = ReadOccurrences(v);
      });
      if (def.type.empty())
        Report(diag::Kind::kMissingKeyname, value, "a capability definition", "type");
    }
    defs.push_back(std::move(def));
  });
  return defs;
}

auto Reader::ReadRequirementDefs(NodeId node) -> std::vector<syntax::RequirementDef> {
  std::vector<syntax::RequirementDef> defs;
  ForEachNamed(node, "requirements", [&](NodeId key, NodeId value) {
    syntax::RequirementDef def;
    def.name = KeyName(key);
    def.loc = Loc(key);
    if (doc_.IsScalar(value)) {
      def.capability = NameOf(value, "a capability type");
    } else if (ExpectMap(value, "a requirement definition")) {
      CheckKeys(value,
                {"capability", "node", "relationship", "occurrences", "description", "node_filter"},
                "a requirement definition");
      ForEachEntry(value, [&](NodeId k, NodeId v) {
        std::string_view key_text = Text(k);
        if (key_text == "capability") {
          def.capability = NameOf(v, "a capability type");
        } else if (key_text == "node") {
          def.node = NameOf(v, "a node type");
        } else if (key_text == "relationship") {
          if (doc_.IsMap(v)) {
            CheckKeys(v, {"type", "interfaces", "description"}, "a requirement relationship");
            NodeId t = doc_.Find(v, "type");
            if (t.valid()) def.relationship = NameOf(t, "a relationship type");
          } else {
            def.relationship = NameOf(v, "a relationship type");
          }
        } else if (key_text == "occurrences") {
          def.occurrences = ReadOccurrences(v);
        }
      });
      if (def.capability.empty()) {
        Report(diag::Kind::kMissingKeyname, value, "a requirement definition", "capability");
      }
    }
    defs.push_back(std::move(def));
  });
  return defs;
}

auto Reader::ReadInterfaces(NodeId node, bool in_type) -> std::vector<syntax::InterfaceDef> {
  std::vector<syntax::InterfaceDef> out;
  if (!ExpectMapOrNull(node, "interfaces")) return out;
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    out.push_back(ReadInterface(KeyName(key), value, in_type));
  });
  return out;
}

auto Reader::ReadInterface(const Name& name, NodeId node, bool in_type) -> syntax::InterfaceDef {
  syntax::InterfaceDef iface;
  iface.name = name;
  iface.loc = name.loc;
  if (!ExpectMapOrNull(node, "an interface definition")) return iface;
  auto read_op = [&](NodeId key, NodeId value) {
    iface.operations.push_back(ReadOperation(KeyName(key), value, in_type));
  };
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    std::string_view k = Text(key);
    if (tosca() && k == "type") {
      iface.type = NameOf(value, "an interface type");
    } else if (tosca() && k == "inputs") {
      if (in_type) {
        iface.input_defs = ReadPropertyDefs(value, "inputs", false);
      } else {
        iface.input_values = Assignments(value, "inputs");
      }
    } else if (tosca() && (k == "operations" || k == "notifications")) {
      if (version_.minor < 3) Report(diag::Kind::kNotInDialect, key, k, version_.Name());
      if (ExpectMapOrNull(value, k)) ForEachEntry(value, read_op);
    } else if (tosca() && k == "description") {
      // documentation only
    } else {
      read_op(key, value);
    }
  });
  return iface;
}

void Reader::ReadImplementation(NodeId node, syntax::OperationDef& op) {
  if (doc_.IsMap(node)) {
    CheckKeys(node, {"primary", "dependencies", "timeout", "operation_host"},
              "an operation implementation");
    NodeId primary = doc_.Find(node, "primary");
    if (primary.valid()) op.implementation = NameOf(primary, "an implementation");
    NodeId deps = doc_.Find(node, "dependencies");
    if (deps.valid()) op.dependencies = Names(deps, "dependencies");
    return;
  }
  op.implementation = NameOf(node, "an implementation");
}

auto Reader::ReadOperation(const Name& name, NodeId node, bool in_type) -> syntax::OperationDef {
  syntax::OperationDef op;
  op.name = name;
  op.loc = name.loc;
  const yaml::Node& n = doc_[node];
  if (n.kind == Kind::kNull) return op;
  if (n.kind != Kind::kMap) {
    op.implementation = NameOf(node, "an operation implementation");
    return op;
  }
  if (tosca()) {
    CheckKeys(node, {"description", "implementation", "inputs", "outputs"},
              "an operation definition");
  } else {
    CheckKeys(node,
              {"implementation", "inputs", "executor", "max_retries", "retry_interval", "timeout",
               "timeout_recoverable"},
              "an operation definition");
  }
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    std::string_view k = Text(key);
    if (k == "implementation") {
      ReadImplementation(value, op);
    } else if (k == "inputs") {
      // Types declare inputs as definitions in TOSCA; Cloudify types give defaults as
      // definitions too. Templates assign values.
      if (in_type && (tosca() ? false : true)) {
        op.input_defs = ReadPropertyDefs(value, "inputs", false);
      } else {
        op.input_values = Assignments(value, "inputs");
      }
    } else if (k == "executor") {
      op.executor = StringValue(value);
    } else if (k == "max_retries") {
      op.max_retries = Ref(value);
    }
  });
  return op;
}

// ---------------------------------------------------------------------------------------------
// Topology

void Reader::ReadTopology(NodeId node, syntax::File& file) {
  if (!ExpectMapOrNull(node, "topology_template")) return;
  file.has_topology = true;
  file.topology_loc = Loc(node);
  CheckKeys(node,
            {"description", "inputs", "node_templates", "relationship_templates", "outputs",
             "groups", "policies", "substitution_mappings", "workflows"},
            "topology_template");
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    std::string_view k = Text(key);
    if (k == "inputs") {
      ReadInputs(value, file);
    } else if (k == "node_templates") {
      file.topology_loc = Loc(key);
      ReadNodeTemplates(value, file);
    } else if (k == "relationship_templates") {
      if (!ExpectMapOrNull(value, "relationship_templates")) return;
      ForEachEntry(value, [&](NodeId rk, NodeId rv) {
        syntax::RelationshipTemplate rel;
        rel.name = KeyName(rk);
        rel.loc = Loc(rk);
        if (ExpectMap(rv, "a relationship template")) {
          CheckKeys(
              rv,
              {"type", "description", "metadata", "properties", "attributes", "interfaces", "copy"},
              "a relationship template");
          NodeId t = doc_.Find(rv, "type");
          if (t.valid())
            rel.type = NameOf(t, "a relationship type");
          else
            Report(diag::Kind::kMissingKeyname, rv, "a relationship template", "type");
          NodeId props = doc_.Find(rv, "properties");
          if (props.valid()) {
            Scope scope(path_, "properties");
            rel.properties = Assignments(props, "properties");
          }
          NodeId ifaces = doc_.Find(rv, "interfaces");
          if (ifaces.valid()) {
            Scope scope(path_, "interfaces");
            rel.interfaces = ReadInterfaces(ifaces, false);
          }
        }
        file.relationship_templates.push_back(std::move(rel));
      });
    } else if (k == "outputs") {
      ReadOutputs(value, file);
    } else if (k == "groups") {
      ReadGroups(value, file);
    } else if (k == "policies") {
      ReadPolicies(value, file.policies);
    } else if (k == "workflows") {
      // Imperative workflows: only their names are kept (no mapping), so that `toscac plan`
      // can say it knows them but cannot plan them; their steps are not checked yet.
      if (!ExpectMapOrNull(value, "workflows")) return;
      ForEachEntry(value, [&](NodeId wk, NodeId) {
        file.workflows.push_back(syntax::Workflow{KeyName(wk), {}, {}, Loc(wk)});
      });
    }
  });
}

void Reader::ReadInputs(NodeId node, syntax::File& file) {
  if (!ExpectMapOrNull(node, "inputs")) return;
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    file.inputs.push_back(ReadPropertyDef(KeyName(key), value, false));
  });
}

void Reader::ReadOutputs(NodeId node, syntax::File& file) {
  if (!ExpectMapOrNull(node, "outputs")) return;
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    syntax::Output out;
    out.name = KeyName(key);
    if (ExpectMap(value, "an output definition")) {
      CheckKeys(value,
                {"description", "value", "type", "required", "status", "entry_schema", "key_schema",
                 "metadata"},
                "an output definition");
      NodeId v = doc_.Find(value, "value");
      if (v.valid())
        out.value = Ref(v);
      else
        Report(diag::Kind::kMissingKeyname, value, "an output definition", "value");
      NodeId d = doc_.Find(value, "description");
      if (d.valid()) out.description = StringValue(d);
      NodeId t = doc_.Find(value, "type");
      if (t.valid()) out.type = NameOf(t, "a type name");
    }
    file.outputs.push_back(std::move(out));
  });
}

void Reader::ReadNodeTemplates(NodeId node, syntax::File& file) {
  if (!ExpectMapOrNull(node, "node_templates")) return;
  file.nodes.reserve(doc_.Size(node));
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    file.nodes.push_back(ReadNodeTemplate(KeyName(key), value));
  });
}

auto Reader::ReadNodeTemplate(const Name& name, NodeId node) -> syntax::NodeTemplate {
  syntax::NodeTemplate tpl;
  tpl.name = name;
  tpl.loc = name.loc;
  if (!ExpectMap(node, "a node template")) return tpl;
  if (tosca()) {
    CheckKeys(node,
              {"type", "description", "metadata", "directives", "properties", "attributes",
               "requirements", "capabilities", "interfaces", "artifacts", "node_filter", "copy"},
              "a node template");
  } else {
    CheckKeys(node,
              {"type", "properties", "interfaces", "relationships", "instances", "capabilities",
               "description"},
              "a node template");
  }
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    std::string_view k = Text(key);
    if (k == "type") {
      tpl.type = NameOf(value, "a node type");
    } else if (k == "description") {
      tpl.description = StringValue(value);
    } else if (k == "properties") {
      tpl.properties = Assignments(value, "properties");
    } else if (k == "attributes") {
      tpl.attributes = Assignments(value, "attributes");
    } else if (k == "interfaces") {
      tpl.interfaces = ReadInterfaces(value, false);
    } else if (k == "requirements" && tosca()) {
      ReadRequirementAssignments(value, tpl);
    } else if (k == "relationships" && !tosca()) {
      ReadCloudifyRelationships(value, tpl);
    } else if (k == "capabilities") {
      ForEachNamed(value, "capabilities", [&](NodeId ck, NodeId cv) {
        syntax::CapabilityAssignment cap;
        cap.name = KeyName(ck);
        cap.loc = Loc(ck);
        if (ExpectMapOrNull(cv, "a capability assignment")) {
          CheckKeys(cv, {"properties", "attributes", "occurrences"}, "a capability assignment");
          NodeId props = doc_.Find(cv, "properties");
          if (props.valid()) {
            Scope scope(path_, "properties");
            cap.properties = Assignments(props, "properties");
          }
          NodeId attrs = doc_.Find(cv, "attributes");
          if (attrs.valid()) {
            Scope scope(path_, "attributes");
            cap.attributes = Assignments(attrs, "attributes");
          }
        }
        tpl.capabilities.push_back(std::move(cap));
      });
    } else if (k == "artifacts") {
      tpl.artifacts = ReadArtifacts(value);
    } else if (k == "instances") {
      if (ExpectMap(value, "instances")) {
        CheckKeys(value, {"deploy"}, "instances");
        tpl.instances = Ref(value);
      }
    } else if (k == "copy") {
      tpl.copy = NameOf(value, "a node template name");
    }
  });
  if (!doc_.Find(node, "type").valid() && !doc_.Find(node, "copy").valid()) {
    Report(diag::Kind::kMissingKeyname, node, fmt::format("node template `{}`", name.text), "type");
  }
  return tpl;
}

void Reader::ReadRequirementAssignments(NodeId node, syntax::NodeTemplate& tpl) {
  if (doc_[node].kind == Kind::kNull || !ExpectSeq(node, "requirements")) return;
  ForEachItem(node, [&](NodeId item) {
    if (!doc_.IsMap(item) || doc_.Size(item) != 1) {
      Report(diag::Kind::kExpectedSingleEntryMap, item, "a requirement assignment");
      return;
    }
    ForEachEntry(item, [&](NodeId key, NodeId value) {
      syntax::RelationshipAssignment rel;
      rel.requirement = KeyName(key);
      rel.loc = Loc(key);
      if (doc_.IsScalar(value)) {
        rel.node = NameOf(value, "a node template name");
      } else if (ExpectMap(value, "a requirement assignment")) {
        CheckKeys(value,
                  {"node", "capability", "relationship", "node_filter", "occurrences",
                   "description", "metadata"},
                  "a requirement assignment");
        ForEachEntry(value, [&](NodeId k, NodeId v) {
          std::string_view kt = Text(k);
          if (kt == "node") {
            rel.node = NameOf(v, "a node template or type");
          } else if (kt == "capability") {
            rel.capability = NameOf(v, "a capability");
          } else if (kt == "node_filter") {
            rel.node_filter = Ref(v);
          } else if (kt == "occurrences") {
            rel.occurrences = ReadOccurrences(v);
          } else if (kt == "relationship") {
            if (doc_.IsMap(v)) {
              CheckKeys(v, {"type", "properties", "interfaces", "description"},
                        "a relationship assignment");
              NodeId t = doc_.Find(v, "type");
              if (t.valid()) rel.relationship = NameOf(t, "a relationship type");
              NodeId props = doc_.Find(v, "properties");
              if (props.valid()) {
                Scope scope(path_, "properties");
                rel.properties = Assignments(props, "properties");
              }
              NodeId ifaces = doc_.Find(v, "interfaces");
              if (ifaces.valid()) {
                Scope scope(path_, "interfaces");
                rel.interfaces = ReadInterfaces(ifaces, false);
              }
            } else {
              rel.relationship = NameOf(v, "a relationship type or template");
            }
          }
        });
      }
      tpl.relationships.push_back(std::move(rel));
    });
  });
}

void Reader::ReadCloudifyRelationships(NodeId node, syntax::NodeTemplate& tpl) {
  if (doc_[node].kind == Kind::kNull || !ExpectSeq(node, "relationships")) return;
  ForEachItem(node, [&](NodeId item) {
    if (!ExpectMap(item, "a relationship")) return;
    CheckKeys(item, {"type", "target", "properties", "source_interfaces", "target_interfaces"},
              "a relationship");
    syntax::RelationshipAssignment rel;
    rel.loc = Loc(item);
    ForEachEntry(item, [&](NodeId k, NodeId v) {
      std::string_view kt = Text(k);
      if (kt == "type")
        rel.relationship = NameOf(v, "a relationship type");
      else if (kt == "target")
        rel.node = NameOf(v, "a node template name");
      else if (kt == "properties")
        rel.properties = Assignments(v, "properties");
      else if (kt == "source_interfaces")
        rel.source_interfaces = ReadInterfaces(v, false);
      else if (kt == "target_interfaces")
        rel.target_interfaces = ReadInterfaces(v, false);
    });
    if (!doc_.Find(item, "type").valid())
      Report(diag::Kind::kMissingKeyname, item, "a relationship", "type");
    if (!doc_.Find(item, "target").valid())
      Report(diag::Kind::kMissingKeyname, item, "a relationship", "target");
    tpl.relationships.push_back(std::move(rel));
  });
}

auto Reader::ReadArtifacts(NodeId node) -> std::vector<syntax::ArtifactDef> {
  std::vector<syntax::ArtifactDef> out;
  ForEachNamed(node, "artifacts", [&](NodeId key, NodeId value) {
    syntax::ArtifactDef art;
    art.name = KeyName(key);
    art.loc = Loc(key);
    if (doc_.IsScalar(value)) {
      art.file = NameOf(value, "an artifact file");
    } else if (ExpectMap(value, "an artifact definition")) {
      CheckKeys(value,
                {"type", "file", "repository", "description", "deploy_path", "version", "checksum",
                 "checksum_algorithm", "properties", "metadata", "artifact_version"},
                "an artifact definition");
      NodeId t = doc_.Find(value, "type");
      if (t.valid()) art.type = NameOf(t, "an artifact type");
      NodeId f = doc_.Find(value, "file");
      if (f.valid())
        art.file = NameOf(f, "an artifact file");
      else
        Report(diag::Kind::kMissingKeyname, value, "an artifact definition", "file");
      NodeId r = doc_.Find(value, "repository");
      if (r.valid()) art.repository = NameOf(r, "a repository name");
    }
    out.push_back(std::move(art));
  });
  return out;
}

void Reader::ReadGroups(NodeId node, syntax::File& file) {
  if (!ExpectMapOrNull(node, "groups")) return;
  ForEachEntry(node, [&](NodeId key, NodeId value) {
    syntax::Group group;
    group.name = KeyName(key);
    group.loc = Loc(key);
    if (!ExpectMap(value, "a group definition")) return;
    if (tosca()) {
      CheckKeys(
          value,
          {"type", "description", "metadata", "properties", "members", "interfaces", "attributes"},
          "a group definition");
    } else {
      CheckKeys(value, {"members", "policies"}, "a group definition");
    }
    ForEachEntry(value, [&](NodeId k, NodeId v) {
      std::string_view kt = Text(k);
      if (kt == "type")
        group.type = NameOf(v, "a group type");
      else if (kt == "members")
        group.members = Names(v, "members");
      else if (kt == "properties")
        group.properties = Assignments(v, "properties");
      else if (kt == "policies") {
        if (!ExpectMapOrNull(v, "policies")) return;
        ForEachEntry(v, [&](NodeId pk, NodeId pv) {
          group.policies.push_back(ReadPolicy(KeyName(pk), pv));
        });
      }
    });
    if (tosca() && group.type.empty()) {
      Report(diag::Kind::kMissingKeyname, value, "a group definition", "type");
    }
    if (!tosca() && !doc_.Find(value, "members").valid()) {
      Report(diag::Kind::kMissingKeyname, value, "a group definition", "members");
    }
    file.groups.push_back(std::move(group));
  });
}

void Reader::ReadPolicies(NodeId node, std::vector<syntax::Policy>& out) {
  ForEachNamed(node, "policies",
               [&](NodeId key, NodeId value) { out.push_back(ReadPolicy(KeyName(key), value)); });
}

auto Reader::ReadPolicy(const Name& name, NodeId node) -> syntax::Policy {
  syntax::Policy policy;
  policy.name = name;
  policy.loc = name.loc;
  if (!ExpectMap(node, "a policy definition")) return policy;
  if (tosca()) {
    CheckKeys(node, {"type", "description", "metadata", "properties", "targets", "triggers"},
              "a policy definition");
  } else {
    CheckKeys(node, {"type", "properties", "triggers", "targets"}, "a policy definition");
  }
  ForEachEntry(node, [&](NodeId k, NodeId v) {
    std::string_view kt = Text(k);
    if (kt == "type") {
      policy.type = NameOf(v, "a policy type");
    } else if (kt == "properties") {
      policy.properties = Assignments(v, "properties");
    } else if (kt == "targets") {
      policy.targets = Names(v, "targets");
    } else if (kt == "triggers" && !tosca()) {
      if (!ExpectMapOrNull(v, "triggers")) return;
      ForEachEntry(v, [&](NodeId tk, NodeId tv) {
        syntax::PolicyTrigger trigger;
        trigger.name = KeyName(tk);
        if (!ExpectMap(tv, "a policy trigger")) return;
        CheckKeys(tv, {"type", "parameters"}, "a policy trigger");
        NodeId t = doc_.Find(tv, "type");
        if (t.valid())
          trigger.type = NameOf(t, "a policy trigger type");
        else
          Report(diag::Kind::kMissingKeyname, tv, "a policy trigger", "type");
        NodeId params = doc_.Find(tv, "parameters");
        if (params.valid()) {
          Scope scope(path_, "parameters");
          trigger.parameters = Assignments(params, "parameters");
        }
        policy.triggers.push_back(std::move(trigger));
      });
    }
  });
  if (policy.type.empty()) Report(diag::Kind::kMissingKeyname, node, "a policy definition", "type");
  return policy;
}

auto Reader::Read() -> syntax::File {
  syntax::File file;
  file.id = doc_.file;
  file.version = version_;
  if (!doc_.root.valid() || doc_[doc_.root].kind == Kind::kNull) return file;
  if (!ExpectMap(doc_.root, "the document")) return file;
  ReadTopLevel(doc_.root, file);
  return file;
}

}  // namespace

auto ReadFile(const yaml::Document& doc, syntax::Version version, diag::Sink& sink)
    -> syntax::File {
  Reader reader(doc, version, sink);
  return reader.Read();
}

}  // namespace toscac::dialect

namespace toscac::syntax {

auto Version::Name() const -> std::string {
  return fmt::format("{}{}", family == Family::kTosca ? "tosca_simple_yaml_1_" : "cloudify_dsl_1_",
                     minor);
}

auto TypeKindName(TypeKind kind) -> std::string_view {
  switch (kind) {
    case TypeKind::kNode:
      return "node";
    case TypeKind::kRelationship:
      return "relationship";
    case TypeKind::kCapability:
      return "capability";
    case TypeKind::kData:
      return "data";
    case TypeKind::kArtifact:
      return "artifact";
    case TypeKind::kInterface:
      return "interface";
    case TypeKind::kGroup:
      return "group";
    case TypeKind::kPolicy:
      return "policy";
  }
  return "?";
}

}  // namespace toscac::syntax
