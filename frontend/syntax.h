// The syntax model: what each blueprint file says, dialect differences already removed.
// Internal to the frontend; sema turns a set of syntax::File into an ir::ServiceTemplate.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "frontend/yaml/yaml_tree.h"
#include "ir/service_template.h"

namespace toscac::syntax {

enum class Family : uint8_t { kTosca, kCloudify };

/// A `tosca_definitions_version`, e.g. tosca_simple_yaml_1_3 or cloudify_dsl_1_2.
struct Version {
  Family family = Family::kTosca;
  int minor = 3;  // 1_<minor>
  auto Name() const -> std::string;
};

/// A value as written: a YAML node of a document the loader keeps alive.
struct ValueRef {
  const yaml::Document* doc = nullptr;
  yaml::NodeId id;
  auto valid() const -> bool { return doc != nullptr && id.valid(); }
  auto node() const -> const yaml::Node& { return (*doc)[id]; }
  auto loc() const -> diag::Loc { return doc->LocOf(id); }
};

/// A located name (a type name, a node name, ...).
struct Name {
  std::string text;
  diag::Loc loc;
  auto empty() const -> bool { return text.empty(); }
};

struct Schema {
  Name type;
  std::vector<ValueRef> constraints;
  std::unique_ptr<Schema> entry;  // entry_schema of a list/map
  Schema() = default;
  Schema(const Schema& o) : type(o.type), constraints(o.constraints) {
    if (o.entry) entry = std::make_unique<Schema>(*o.entry);
  }
  auto operator=(const Schema& o) -> Schema& {
    type = o.type;
    constraints = o.constraints;
    entry = o.entry ? std::make_unique<Schema>(*o.entry) : nullptr;
    return *this;
  }
  Schema(Schema&&) = default;
  auto operator=(Schema&&) -> Schema& = default;
};

/// A property, attribute, input or parameter definition.
struct PropertyDef {
  Name name;
  Schema schema;  // schema.type empty: untyped (Cloudify allows it)
  std::optional<bool> required;
  ValueRef default_value;
  ValueRef value;  // TOSCA 1.3 attribute/parameter `value`
  std::string description;
  std::string status;
};

struct OperationDef {
  Name name;
  Name implementation;  // script path or plugin.task
  std::vector<Name> dependencies;
  std::vector<PropertyDef> input_defs;                  // declared in types
  std::vector<std::pair<Name, ValueRef>> input_values;  // assigned in templates
  std::optional<std::string> executor;
  ValueRef max_retries;
  diag::Loc loc;
};

struct InterfaceDef {
  Name name;
  Name type;  // TOSCA interface type; empty in Cloudify
  std::vector<PropertyDef> input_defs;
  std::vector<std::pair<Name, ValueRef>> input_values;
  std::vector<OperationDef> operations;
  diag::Loc loc;
};

struct Occurrences {
  uint32_t min = 1;
  uint32_t max = 1;  // UINT32_MAX: UNBOUNDED
  bool given = false;
};

struct CapabilityDef {
  Name name;
  Name type;
  std::vector<PropertyDef> properties;
  std::vector<PropertyDef> attributes;
  std::vector<Name> valid_source_types;
  Occurrences occurrences;
  diag::Loc loc;
};

struct RequirementDef {
  Name name;
  Name capability;
  Name node;
  Name relationship;
  Occurrences occurrences;
  diag::Loc loc;
};

/// The kinds of type are the IR's; the syntax model only names them.
using TypeKind = ir::TypeKind;
inline constexpr int kTypeKindCount = 8;
auto TypeKindName(TypeKind kind) -> std::string_view;

struct TypeDef {
  TypeKind kind = TypeKind::kNode;
  Name name;
  Name derived_from;
  std::string description;
  std::vector<PropertyDef> properties;
  std::vector<PropertyDef> attributes;
  std::vector<CapabilityDef> capabilities;      // node
  std::vector<RequirementDef> requirements;     // node
  std::vector<InterfaceDef> interfaces;         // node, relationship (TOSCA), group, interface ops
  std::vector<InterfaceDef> source_interfaces;  // Cloudify relationship
  std::vector<InterfaceDef> target_interfaces;  // Cloudify relationship
  std::vector<Name> valid_types;      // valid_source_types / valid_target_types / members / targets
  std::vector<ValueRef> constraints;  // data type constraints
  Schema key_entry;                   // data type derived from list/map: entry_schema
  std::string connection_type;        // Cloudify relationship
  std::vector<OperationDef> operations;  // interface types: declared operations
  std::vector<std::pair<Name, std::string>> artifacts;
  std::string mime_type;
  std::vector<std::string> file_ext;
  diag::Loc loc;
};

/// A requirement assignment (TOSCA) or a Cloudify `relationships:` entry: one relationship.
struct RelationshipAssignment {
  Name requirement;   // TOSCA requirement name; empty for Cloudify
  Name node;          // target node template
  Name capability;    // target capability name or type
  Name relationship;  // relationship type or template
  std::vector<std::pair<Name, ValueRef>> properties;
  std::vector<InterfaceDef> interfaces;         // TOSCA
  std::vector<InterfaceDef> source_interfaces;  // Cloudify
  std::vector<InterfaceDef> target_interfaces;  // Cloudify
  ValueRef node_filter;
  Occurrences occurrences;
  diag::Loc loc;
};

struct CapabilityAssignment {
  Name name;
  std::vector<std::pair<Name, ValueRef>> properties;
  std::vector<std::pair<Name, ValueRef>> attributes;
  diag::Loc loc;
};

struct ArtifactDef {
  Name name;
  Name type;
  Name file;
  Name repository;
  diag::Loc loc;
};

struct NodeTemplate {
  Name name;
  Name type;
  std::string description;
  std::vector<std::pair<Name, ValueRef>> properties;
  std::vector<std::pair<Name, ValueRef>> attributes;
  std::vector<CapabilityAssignment> capabilities;
  std::vector<RelationshipAssignment> relationships;
  std::vector<InterfaceDef> interfaces;
  std::vector<ArtifactDef> artifacts;
  ValueRef instances;  // Cloudify `instances` map (deploy, ...) or TOSCA scalable default
  Name copy;
  diag::Loc loc;
};

struct RelationshipTemplate {
  Name name;
  Name type;
  std::vector<std::pair<Name, ValueRef>> properties;
  std::vector<InterfaceDef> interfaces;
  diag::Loc loc;
};

struct Output {
  Name name;
  ValueRef value;
  Name type;
  std::string description;
};

struct PolicyTrigger {
  Name name;
  Name type;
  std::vector<std::pair<Name, ValueRef>> parameters;
};

struct Policy {
  Name name;
  Name type;
  std::vector<std::pair<Name, ValueRef>> properties;
  std::vector<Name> targets;
  std::vector<PolicyTrigger> triggers;  // Cloudify
  diag::Loc loc;
};

struct Group {
  Name name;
  Name type;  // empty for Cloudify groups
  std::vector<Name> members;
  std::vector<std::pair<Name, ValueRef>> properties;
  std::vector<Policy> policies;  // Cloudify groups carry policies
  diag::Loc loc;
};

struct Plugin {
  Name name;
  std::string executor;
  diag::Loc loc;
};

struct Workflow {
  Name name;
  Name mapping;
  std::vector<PropertyDef> parameters;
  diag::Loc loc;
};

struct PolicyTriggerType {
  Name name;
  std::string source;
  std::vector<PropertyDef> parameters;
};

struct Import {
  Name file;  // as written
  Name repository;
  std::string namespace_prefix;
  diag::Loc loc;
};

struct Repository {
  Name name;
  Name url;
};

/// One file's definitions. Names are as written, before namespace prefixes.
struct File {
  diag::FileId id;
  Version version;
  bool has_version = false;
  std::string description;
  std::vector<Import> imports;
  std::vector<Repository> repositories;
  std::vector<TypeDef> types;
  std::vector<PropertyDef> inputs;
  std::vector<NodeTemplate> nodes;
  std::vector<RelationshipTemplate> relationship_templates;
  std::vector<Output> outputs;
  std::vector<Group> groups;
  std::vector<Policy> policies;
  std::vector<Plugin> plugins;
  std::vector<Workflow> workflows;
  std::vector<PolicyTriggerType> policy_triggers;
  bool has_topology = false;
  diag::Loc topology_loc;  // `node_templates`, or the topology itself
};

}  // namespace toscac::syntax
