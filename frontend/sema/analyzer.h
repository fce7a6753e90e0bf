// Internal to sema: the Analyzer's shared state, split over several .cc files by concern
// (types.cc: type tables and inheritance; templates.cc: nodes, relationships, groups, policies;
// functions.cc: intrinsic function references).
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "diag/diagnostic.h"
#include "diag/path.h"
#include "frontend/imports/loader.h"
#include "frontend/sema/values.h"
#include "frontend/syntax.h"
#include "ir/service_template.h"

namespace toscac::sema {

/// Where a function call stands, which decides what SELF/SOURCE/TARGET/HOST mean.
struct FunctionContext {
  enum class Where { kNodeProperty, kNodeOperation, kRelationship, kOutput, kInputDefault, kOther };
  Where where = Where::kOther;
  ir::NodeId self;  // the node whose value this is
  ir::RelationshipId relationship;
  std::string path;
  const diag::PathRef* lazy_path = nullptr;  // when set, used instead of `path`
  auto Path() const -> std::string { return lazy_path != nullptr ? lazy_path->Str() : path; }
};

class Analyzer {
 public:
  Analyzer(const imports::LoadedSet& loaded, diag::Sink& sink);
  auto Run() -> ir::ServiceTemplate;

 private:
  // types.cc
  void CollectTypes();
  void ResolveParents();
  void FlattenTypes();
  void FlattenType(ir::TypeId id, std::vector<uint8_t>& state);
  void CheckTypeDefinitions();
  auto Lookup(syntax::TypeKind kind, std::string_view name) const -> ir::TypeId;
  auto ResolveType(syntax::TypeKind kind, const syntax::Name& name, const diag::PathRef& path,
                   bool report = true) -> ir::TypeId;
  auto ConvertSchema(const syntax::Schema& schema, syntax::Family family) -> ir::Schema;
  auto ConvertPropertyDef(const syntax::PropertyDef& def, ir::TypeId owner, syntax::Family family,
                          bool attribute) -> ir::PropertyDef;
  auto ConvertInterfaces(const std::vector<syntax::InterfaceDef>& defs, syntax::Family family)
      -> std::vector<ir::Interface>;
  void CheckSchemaType(const ir::Schema& schema, diag::Loc loc, const diag::PathRef& path);
  auto PrimitiveBase(const ir::Type& type) const -> std::string;
  auto Checker() -> ValueChecker;

  // templates.cc
  /// A YAML path inside the topology: TOSCA nests it under `topology_template`.
  auto TopoBase() const -> std::string_view {
    return family_ == syntax::Family::kTosca ? "topology_template" : "";
  }
  auto Topo(std::string_view rest) const -> std::string {
    return (family_ == syntax::Family::kTosca ? "topology_template." : "") + std::string(rest);
  }
  auto ContributesTopology(const imports::LoadedFile& file) const -> bool;
  void CollectInputs();
  void ApplyInputValues();
  void CollectNodes();
  void BuildNodes();
  void BuildNode(const syntax::NodeTemplate& tpl, syntax::Family family, ir::NodeId id);
  void AssignProperties(const std::vector<std::pair<syntax::Name, syntax::ValueRef>>& given,
                        const std::vector<ir::PropertyDef>& defs, const std::string& owner,
                        const diag::PathRef& path, syntax::Family family, diag::Loc owner_loc,
                        std::vector<ir::Property>& out);
  void BuildCapabilities(const syntax::NodeTemplate& tpl, syntax::Family family,
                         ir::NodeTemplate& node, const diag::PathRef& path);
  void BuildInterfaces(const syntax::NodeTemplate& tpl, syntax::Family family,
                       ir::NodeTemplate& node, const diag::PathRef& path);
  void AssignInterfaces(const std::vector<syntax::InterfaceDef>& defs,
                        const std::vector<ir::Interface>& declared_interfaces,
                        const std::string& owner, syntax::Family family,
                        const diag::PathRef& ifaces, std::vector<ir::Interface>& out);
  void BuildRelationships();
  void CheckRequirementCounts(const syntax::NodeTemplate& tpl, const ir::Type& type);
  void CheckGroupMemberTypes(const ir::Group& group, const syntax::Group& syntax_group,
                             const diag::PathRef& path);
  void CheckUnusedInputs();
  void BuildRelationship(const syntax::RelationshipAssignment& rel, syntax::Family family,
                         ir::NodeId source, size_t index);
  void CheckTargetSatisfies(const ir::RequirementDef* req,
                            const syntax::RelationshipAssignment& rel, ir::NodeId target,
                            ir::Relationship& out, const diag::PathRef& path);
  void BuildInstances(const syntax::NodeTemplate& tpl, ir::NodeTemplate& node,
                      const diag::PathRef& path);
  void CheckRelationshipGraph();
  void CollectGroupsAndPolicies();
  auto BuildPolicy(const syntax::Policy& policy, syntax::Family family, const diag::PathRef& path)
      -> ir::Policy;
  void CollectOutputs();
  void CollectWorkflows();
  auto ImplementedOnly(const std::vector<ir::Interface>& interfaces) -> std::vector<ir::Interface>;
  void ExpandInterfaceTypes();
  void CheckImplementation(const std::string& implementation, diag::Loc loc,
                           const diag::PathRef& path);

  // functions.cc
  void CheckFunctions(const ir::Value& value, const FunctionContext& ctx);
  void CheckFunction(const ir::Value& call, const FunctionContext& ctx);
  void CheckEntityReference(const ir::Value& call, const FunctionContext& ctx);
  auto CheckArgumentKinds(const ir::Value& call, const FunctionContext& ctx) -> bool;
  auto EntityNode(const ir::Value& call, const FunctionContext& ctx) -> ir::NodeId;
  void CheckOperationOutput(const ir::Value& call, const FunctionContext& ctx);
  void CheckArtifactReference(const ir::Value& call, const FunctionContext& ctx);
  void CheckNestedPath(const ir::Value& call, size_t first, const ir::PropertyDef& def,
                       const FunctionContext& ctx);
  void CheckAllFunctions();
  auto HasHost(ir::NodeId node) const -> bool;

  /// Where diagnostics go: the thread's own sink while templates are checked in parallel
  /// (merged back in template order, so output does not depend on scheduling), else sink_.
  auto Sink() const -> diag::Sink& {
    diag::Sink* own = ThreadSink();
    return own != nullptr ? *own : sink_;
  }
  /// The calling thread's sink override. A function-local thread_local in one file: GCC's UBSan
  /// misreports accesses to a thread_local class member made from other files.
  static auto ThreadSink() -> diag::Sink*&;

  const imports::LoadedSet& loaded_;
  diag::Sink& sink_;
  syntax::Family family_ = syntax::Family::kTosca;  // the root file's
  int minor_ = 3;
  ir::ServiceTemplate st_;
  // Per type: where it was defined.
  struct TypeSource {
    const syntax::TypeDef* def;
    size_t file;
  };
  std::vector<TypeSource> type_sources_;
  // Name tables view strings owned by the loaded files (alive for the whole analysis) or by
  // alias_names_, so that lookups never allocate.
  std::unordered_map<std::string_view, ir::TypeId> tables_[syntax::kTypeKindCount];
  std::deque<std::string> alias_names_;  // namespace-prefixed type names
  std::unordered_map<std::string_view, ir::NodeId> node_index_;
  std::vector<const syntax::NodeTemplate*> node_syntax_;
  std::vector<syntax::Family> node_family_;
  std::unordered_map<std::string_view, size_t> input_index_;
  std::unordered_map<std::string, const syntax::RelationshipTemplate*> relationship_templates_;
  // Relationship templates already checked: each is reported on its first use only.
  std::unordered_set<const syntax::RelationshipTemplate*> checked_relationship_templates_;
  std::vector<std::string> plugin_names_;
  std::vector<std::string> trigger_names_;
  std::vector<bool> input_used_;
  std::vector<bool> incomplete_;  // per type: its derived_from chain is broken
  std::vector<std::optional<std::vector<ir::Interface>>> implemented_interfaces_;  // per type
};

}  // namespace toscac::sema
