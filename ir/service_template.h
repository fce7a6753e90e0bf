// ir::ServiceTemplate: the checked, immutable, index-based model of a blueprint and its imports.
// Every value is located. Produced by the frontend, read by the planner and backends.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostic.h"

namespace toscac::ir {

template <typename Tag>
struct Id {
  static constexpr uint32_t kInvalid = UINT32_MAX;
  uint32_t value = kInvalid;
  auto valid() const -> bool { return value != kInvalid; }
  friend auto operator==(Id a, Id b) -> bool { return a.value == b.value; }
  friend auto operator!=(Id a, Id b) -> bool { return a.value != b.value; }
};
using TypeId = Id<struct TypeTag>;
using NodeId = Id<struct NodeTag>;
using RelationshipId = Id<struct RelationshipTag>;

/// A located value. kInvalid marks a value already reported as malformed. Functions (`get_input`,
/// `concat`, ...) stay as expressions until the expressions stage folds the static ones.
struct Value {
  enum class Kind : uint8_t {
    kNull,
    kBool,
    kInt,
    kFloat,
    kString,
    kList,
    kMap,
    kFunction,
    kInvalid
  };
  Kind kind = Kind::kNull;
  bool b = false;
  // Set by evaluation on functions it could not fold: `runtime` when the value only exists once
  // something is deployed ("known after apply"); `sensitive` when a secret flows into it.
  bool runtime = false;
  bool sensitive = false;
  // The type a runtime value will have (the property or attribute it stands for), as an index
  // into ServiceTemplate::value_types; 0 when not known. Typed expressions, at no extra size.
  uint32_t type = 0;
  int64_t i = 0;
  double f = 0;
  std::string s;                                       // string text, or function name
  std::vector<Value> items;                            // list items or function arguments
  std::vector<std::pair<std::string, Value>> entries;  // map entries in source order
  diag::Loc loc;
};

enum class TypeKind : uint8_t {
  kNode,
  kRelationship,
  kCapability,
  kData,
  kArtifact,
  kInterface,
  kGroup,
  kPolicy,
};

struct Schema {
  std::string type;  // primitive or data type name; empty: any
  std::vector<Value> constraints;
  std::shared_ptr<Schema> entry;
};

struct PropertyDef {
  std::string name;
  Schema schema;
  bool required = true;
  bool has_default = false;
  Value default_value;
  TypeId declared_in;
  diag::Loc loc;
};

struct CapabilityDef {
  std::string name;
  TypeId type;
  std::vector<TypeId> valid_source_types;
  uint32_t min = 1, max = 1;
  diag::Loc loc;
};

struct RequirementDef {
  std::string name;
  TypeId capability;
  TypeId node;          // may be invalid
  TypeId relationship;  // may be invalid
  uint32_t min = 1, max = 1;
  diag::Loc loc;
};

struct Operation {
  std::string name;
  std::string implementation;
  std::vector<std::pair<std::string, Value>> inputs;
  diag::Loc loc;
};

struct Interface {
  std::string name;
  std::string type;  // TOSCA interface type; empty for Cloudify
  std::vector<Operation> operations;
};

/// A type after inheritance: properties, attributes, capabilities and interfaces are flattened.
struct Type {
  TypeKind kind = TypeKind::kNode;
  std::string name;
  TypeId parent;
  std::vector<PropertyDef> properties;
  std::vector<PropertyDef> attributes;
  std::vector<CapabilityDef> capabilities;
  std::vector<RequirementDef> requirements;
  std::vector<Interface> interfaces;         // node, TOSCA relationship
  std::vector<Interface> source_interfaces;  // Cloudify relationship
  std::vector<Interface> target_interfaces;  // Cloudify relationship
  std::vector<TypeId> valid_types;           // valid source/target/member types
  std::string connection_type;               // Cloudify: all_to_all | all_to_one
  std::string primitive;                     // data types: the primitive they derive from
  std::vector<Value> constraints;            // data types derived from a primitive
  std::shared_ptr<Schema> entry;             // data types derived from list/map
  bool from_profile = false;
  diag::Loc loc;
};

struct Property {
  std::string name;
  Value value;
  bool from_default = false;
};

struct CapabilityValues {
  std::string name;
  TypeId type;
  std::vector<Property> properties;
};

struct Artifact {
  std::string name;
  TypeId type;
  std::string file;
  std::string repository;
  diag::Loc loc;
};

/// One subscript of an override path: `['key']` or `[index]`.
struct PathStep {
  bool is_index = false;
  std::string key;
  int64_t index = 0;
};

/// `['spec']...['value'] = '@{mongo_proxy,mongo_info,ip}'`, checked against its descriptor. The
/// value is a plain value, or for an interpolated string a function: `get_attribute` for each
/// `@{node,key,...}`, `deployment_field` for each `%{a.b}`, joined by `concat`.
struct DescriptorOverride {
  std::string statement;  // as written
  std::vector<PathStep> path;
  Value value;
  bool creates_key = false;  // the last key is not in the descriptor: the override adds it
  bool quoted = false;       // the value was a quoted string: a folded scalar becomes text
  diag::Loc loc;
};

/// A Kubernetes descriptor a node deploys (`config_files` of cloudify.kubernetes.Microservice).
struct ConfigFile {
  std::string file;         // as written
  diag::FileId descriptor;  // its text in the SourceManager, when it was read
  std::vector<DescriptorOverride> overrides;
  // The descriptor's documents as written, overrides not applied (a backend applies them).
  std::vector<Value> documents;
  // The workload the descriptor declares (its `kind` and `metadata.name`), and `spec.replicas`
  // after the overrides when it is a plain integer (-1 otherwise): what kube_scale changes.
  std::string kind;
  std::string name;
  int64_t replicas = -1;
  diag::Loc loc;
};

/// How many instances of a node: Cloudify `instances.deploy` or the `scalable` capability.
struct InstanceCount {
  int64_t initial = 1;
  int64_t min = 0;
  int64_t max = -1;  // -1: unbounded
};

constexpr uint32_t kNoGroup = UINT32_MAX;

struct NodeTemplate {
  std::string name;
  TypeId type;
  std::vector<Property> properties;
  std::vector<Property> attributes;
  std::vector<CapabilityValues> capabilities;
  std::vector<RelationshipId> relationships;  // outgoing, in source order
  std::vector<Interface> interfaces;          // merged: type defaults + template assignments
  std::vector<Artifact> artifacts;
  InstanceCount instances;
  // The innermost scaling group the node is in: named in its members, or contained in a node
  // that is (ServiceTemplate::scaling_groups index; kNoGroup when none).
  uint32_t scaling_group = kNoGroup;
  std::vector<ConfigFile> config_files;
  std::vector<NodeId> depends_on;  // implicit: nodes its overrides read at deploy time
  /// The Kubernetes API this node deploys to, through a connected_to_master relationship:
  /// the master's `kubernetes_info.url` output when the target is a deployment proxy, else
  /// http://<master ip>:<master_port>. Null when the node has no such relationship.
  Value kubernetes_master;
  diag::Loc loc;
};

struct Relationship {
  NodeId source;
  NodeId target;
  TypeId type;
  std::string requirement;  // TOSCA requirement name; empty for Cloudify
  std::string capability;   // target capability name, when known
  std::vector<Property> properties;
  std::vector<Interface> source_interfaces;  // Cloudify source side / TOSCA Configure
  std::vector<Interface> target_interfaces;
  bool hosted_on = false;  // contained_in / HostedOn: the source runs on the target
  diag::Loc loc;
};

struct Input {
  std::string name;
  Schema schema;
  bool required = true;
  bool has_default = false;
  Value default_value;
  bool has_value = false;  // given for this deployment (--inputs, -i); overrides the default
  Value value;
  std::string description;
  diag::Loc loc;
};

struct Output {
  std::string name;
  Value value;
  std::string description;
  diag::Loc loc;
};

struct Trigger {
  std::string name;
  std::string type;
  std::vector<std::pair<std::string, Value>> parameters;
};

struct Policy {
  std::string name;
  TypeId type;
  std::vector<std::string> targets;  // node or group names
  std::vector<Property> properties;
  std::vector<Trigger> triggers;
  diag::Loc loc;
};

struct Group {
  std::string name;
  TypeId type;  // invalid for Cloudify groups
  std::vector<NodeId> members;
  std::vector<std::string> member_groups;
  std::vector<Property> properties;
  std::vector<Policy> policies;  // Cloudify: policies declared inside the group
  diag::Loc loc;
};

/// Nodes that scale as one unit (a group targeted by cloudify.policies.scaling or
/// tosca.policies.Scaling, or the nodes such a policy targets directly): each instance of the
/// group holds instances of every member, and relationships between members stay inside it.
struct ScalingGroup {
  std::string name;             // the group's, or the policy's when it targets nodes directly
  std::string policy;           // the scaling policy
  std::vector<NodeId> members;  // named members (nodes contained in them are members too)
  uint32_t parent = kNoGroup;   // the scaling group this one is a member of
  NodeId host;                  // where its instances live: the host of its members, if any
  InstanceCount instances;
  diag::Loc loc;  // the group (or policy)
};

struct Workflow {
  std::string name;
  std::string mapping;
  std::vector<PropertyDef> parameters;
  diag::Loc loc;
};

/// The checked blueprint. Plain data; ids index the vectors.
struct ServiceTemplate {
  std::string dialect;  // tosca_definitions_version of the root file
  std::string description;
  std::vector<std::string> files;  // root first, then imports in load order
  diag::FileId root_file;          // where problems with no better place (command-line requests) go
  std::vector<Type> types;
  std::vector<NodeTemplate> nodes;
  std::vector<Relationship> relationships;
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  std::vector<Group> groups;
  std::vector<Policy> policies;
  std::vector<ScalingGroup> scaling_groups;  // parents before the groups they contain
  std::vector<Workflow> workflows;
  std::vector<std::string> value_types{""};  // names Value::type indexes; [0] is "unknown"

  auto type(TypeId id) const -> const Type& { return types[id.value]; }
  auto node(NodeId id) const -> const NodeTemplate& { return nodes[id.value]; }
  /// True when `type` is `ancestor` or derives from it.
  auto DerivesFrom(TypeId type, TypeId ancestor) const -> bool;
  auto FindNode(std::string_view name) const -> NodeId;
  /// The node `node` is contained in (contained_in / HostedOn), or an invalid id.
  auto HostOf(NodeId node) const -> NodeId;
  /// Instances of `node` at install: its own count times that of every scaling group around it.
  auto InitialInstances(NodeId node) const -> int64_t;
  /// The type of that kind with exactly that name, or an invalid id.
  auto FindType(TypeKind kind, std::string_view name) const -> TypeId;
};

/// Stable text dump for golden tests (`toscac validate --dump=ir`). Profile types are left out
/// unless `include_profile_types`.
auto Dump(const ServiceTemplate& st, const diag::SourceManager& sources,
          bool include_profile_types = false) -> std::string;
/// A value as written, functions as calls: `concat("http://", get_input("host"))`.
auto ValueToString(const Value& v) -> std::string;
/// What kind of value this is, for messages: "a list", "an integer", "null", ...
auto DescribeKind(const Value& v) -> std::string_view;
/// A value as a user should see it: secrets as `(sensitive)`, runtime values as
/// `(known after apply: get_attribute(...))`, everything else as ValueToString.
auto ValueToDisplay(const Value& v) -> std::string;
/// The same, naming a runtime value's type from `types` (ServiceTemplate::value_types).
auto ValueToDisplay(const Value& v, const std::vector<std::string>& types) -> std::string;

/// The value of the property called `name`, or nullptr.
auto FindProperty(const std::vector<Property>& properties, std::string_view name) -> const Value*;
/// The value of the map entry (or trigger parameter) called `name`, or nullptr.
auto FindEntry(const std::vector<std::pair<std::string, Value>>& entries, std::string_view name)
    -> const Value*;
/// A duration in seconds: a number of seconds, or a TOSCA scalar-unit.time (`60 s`, `2 m`,
/// `500 ms`); nullopt for anything else.
auto DurationSeconds(const Value& value) -> std::optional<double>;

}  // namespace toscac::ir
