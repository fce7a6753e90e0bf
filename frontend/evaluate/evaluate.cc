// Static evaluation; see evaluate.h. Properties are folded on demand, so that get_property sees
// the folded value of what it names whatever the order; a property met again while it is being
// folded closes a cycle, reported once with its path.
#include "frontend/evaluate/evaluate.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "diag/path.h"
#include "frontend/sema/values.h"

namespace toscac::evaluate {
namespace {

// A UTF-8 string cut into characters (a lead byte and its continuation bytes); a stray byte is a
// character of its own.
auto Utf8Chars(std::string_view text) -> std::vector<std::string_view> {
  std::vector<std::string_view> chars;
  for (size_t i = 0; i < text.size();) {
    size_t n = 1;
    while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80 &&
           (static_cast<unsigned char>(text[i]) & 0xC0) == 0xC0 && n < 4) {
      ++n;
    }
    chars.push_back(text.substr(i, n));
    i += n;
  }
  return chars;
}

using VK = ir::Value::Kind;

struct Scope {
  ir::NodeId self;
  ir::RelationshipId relationship;
};

auto IsPlain(const ir::Value& v) -> bool {
  switch (v.kind) {
    case VK::kFunction:
    case VK::kInvalid:
      return false;
    case VK::kList:
      return std::all_of(v.items.begin(), v.items.end(), IsPlain);
    case VK::kMap:
      return std::all_of(v.entries.begin(), v.entries.end(),
                         [](const auto& e) { return IsPlain(e.second); });
    default:
      return true;
  }
}

auto IsScalar(const ir::Value& v) -> bool {
  return v.kind != VK::kList && v.kind != VK::kMap && v.kind != VK::kFunction &&
         v.kind != VK::kInvalid;
}

auto HasFunction(const ir::Value& v) -> bool {
  if (v.kind == VK::kFunction) return true;
  if (std::any_of(v.items.begin(), v.items.end(), HasFunction)) return true;
  return std::any_of(v.entries.begin(), v.entries.end(),
                     [](const auto& e) { return HasFunction(e.second); });
}

auto HasCall(const ir::Value& v, std::string_view name) -> bool {
  if (v.kind == VK::kFunction && v.s == name) return true;
  if (std::any_of(v.items.begin(), v.items.end(),
                  [&](const ir::Value& item) { return HasCall(item, name); })) {
    return true;
  }
  return std::any_of(v.entries.begin(), v.entries.end(),
                     [&](const auto& e) { return HasCall(e.second, name); });
}

// As Python's str(), which is what Cloudify and tosca-parser apply when they concatenate.
auto ScalarText(const ir::Value& v) -> std::string {
  switch (v.kind) {
    case VK::kString:
      return v.s;
    case VK::kInt:
      return std::to_string(v.i);
    case VK::kFloat:
      return v.s.empty() ? fmt::format("{}", v.f) : v.s;
    case VK::kBool:
      return v.b ? "True" : "False";
    case VK::kNull:
      return "None";
    default:
      return "";
  }
}

auto StringValue(std::string text, diag::Loc loc) -> ir::Value {
  ir::Value v;
  v.kind = VK::kString;
  v.s = std::move(text);
  v.loc = loc;
  return v;
}

class Evaluator {
 public:
  Evaluator(ir::ServiceTemplate& st, const Context& context, diag::Sink& sink)
      : st_(st), context_(context), sink_(sink), checker_(Lookup(st), sink) {
    for (uint32_t i = 0; i < st_.inputs.size(); ++i) inputs_.emplace(st_.inputs[i].name, i);
    proxy_type_ = st_.FindType(ir::TypeKind::kNode, "cloudify.nodes.DeploymentProxy");
  }

  void Run() {
    if (context_.require_inputs) ReportMissingInputs();
    for (uint32_t n = 0; n < st_.nodes.size(); ++n) FoldNode(ir::NodeId{n});
    diag::PathRef topo(TopoBase()), templates(topo, "node_templates");
    for (uint32_t r = 0; r < st_.relationships.size(); ++r) {
      ir::Relationship& rel = st_.relationships[r];
      Scope scope{rel.source, ir::RelationshipId{r}};
      diag::PathRef node(templates, st_.nodes[rel.source.value].name);
      diag::PathRef relationships(node, tosca() ? "requirements" : "relationships");
      PathScope at(path_, &relationships);
      for (ir::Property& p : rel.properties) Fold(p.value, scope);
      for (auto* side : {&rel.source_interfaces, &rel.target_interfaces}) {
        for (ir::Interface& iface : *side) FoldOperations(iface, scope);
      }
    }
    diag::PathRef outputs(topo, "outputs");
    for (ir::Output& out : st_.outputs) {
      diag::PathRef output(outputs, out.name), value(output, "value");
      PathScope at(path_, &value);
      Fold(out.value, Scope{});
    }
    diag::PathRef groups(topo, "groups");
    for (ir::Group& g : st_.groups) {
      diag::PathRef group(groups, g.name);
      PathScope at(path_, &group);
      for (ir::Property& p : g.properties) Fold(p.value, Scope{});
      for (ir::Policy& policy : g.policies) FoldPolicy(policy);
    }
    diag::PathRef policies(topo, "policies");
    PathScope at(path_, &policies);
    for (ir::Policy& policy : st_.policies) FoldPolicy(policy);
    ResolveKubernetesMasters();
  }

  // The Kubernetes plugin's connect_master reads the master's URL from the relationship target:
  // a deployment proxy's inherited `kubernetes_info.url`, or the master's own ip and port.
  void ResolveKubernetesMasters() {
    ir::TypeId connects = st_.FindType(ir::TypeKind::kRelationship,
                                       "cloudify.kubernetes.relationships.connected_to_master");
    if (!connects.valid()) return;
    for (uint32_t n = 0; n < st_.nodes.size(); ++n) {
      for (ir::RelationshipId r : st_.nodes[n].relationships) {
        const ir::Relationship& rel = st_.relationships[r.value];
        if (!rel.type.valid() || !st_.DerivesFrom(rel.type, connects)) continue;
        const ir::NodeTemplate& master = st_.nodes[rel.target.value];
        bool proxy =
            proxy_type_.valid() && master.type.valid() && st_.DerivesFrom(master.type, proxy_type_);
        ir::Value url;
        diag::Loc at = rel.loc;
        if (proxy) {
          url = Call("get_attribute", {master.name, "kubernetes_info", "url"}, at);
        } else {
          url = Call("concat", {}, at);
          url.items.push_back(StringValue("http://", at));
          url.items.push_back(Call("get_attribute", {master.name, "ip"}, at));
          url.items.push_back(StringValue(":", at));
          url.items.push_back(Call("get_property", {master.name, "master_port"}, at));
        }
        Fold(url, Scope{ir::NodeId{n}, {}});
        st_.nodes[n].kubernetes_master = std::move(url);
      }
    }
  }

  static auto Call(std::string name, std::vector<std::string> args, diag::Loc at) -> ir::Value {
    ir::Value call;
    call.kind = VK::kFunction;
    call.s = std::move(name);
    call.loc = at;
    for (std::string& arg : args) call.items.push_back(StringValue(std::move(arg), at));
    return call;
  }

 private:
  void ReportMissingInputs() {
    for (const ir::Input& in : st_.inputs) {
      if (in.required && !in.has_value && !in.has_default) {
        bool tosca = st_.dialect.rfind("tosca", 0) == 0;
        sink_.Report(diag::Kind::kMissingInput, in.loc,
                     (tosca ? "topology_template.inputs." : "inputs.") + in.name, in.name, in.name);
      }
    }
  }

  auto tosca() const -> bool { return st_.dialect.rfind("tosca", 0) == 0; }
  auto TopoBase() const -> std::string_view { return tosca() ? "topology_template" : ""; }

  // Sets the YAML path diagnostics carry while a value is folded; built lazily (diag/path.h).
  class PathScope {
   public:
    PathScope(const diag::PathRef*& slot, const diag::PathRef* path) : slot_(slot), saved_(slot) {
      slot_ = path;
    }
    ~PathScope() { slot_ = saved_; }
    PathScope(const PathScope&) = delete;
    auto operator=(const PathScope&) -> PathScope& = delete;

   private:
    const diag::PathRef*& slot_;
    const diag::PathRef* saved_;
  };
  auto Path() const -> std::string { return path_ != nullptr ? path_->Str() : ""; }

  // Data types by name, for checking folded values (sema's checker, over the IR's types).
  static auto Lookup(const ir::ServiceTemplate& st) -> sema::DataTypeLookup {
    sema::DataTypeLookup lookup;
    auto types = std::make_shared<std::unordered_map<std::string_view, const ir::Type*>>();
    for (const ir::Type& t : st.types) {
      if (t.kind == ir::TypeKind::kData) types->emplace(t.name, &t);
    }
    lookup.find = [types](std::string_view name) -> const ir::Type* {
      auto it = types->find(name);
      return it == types->end() ? nullptr : it->second;
    };
    lookup.primitive_base = [](const ir::Type& t) { return t.primitive; };
    return lookup;
  }

  // A property whose value was computed is checked against its definition once it is plain,
  // as a written value would have been: `port: { get_input: name }` with name "web" is wrong.
  void FoldAndCheck(ir::NodeId node, ir::Property& p, const std::vector<ir::PropertyDef>* defs,
                    std::string_view kind, const diag::PathRef& properties) {
    bool computed = HasFunction(p.value);
    // `{ get_input: x }` folds to the same value wherever it stands: a property definition that
    // accepted it once accepts it everywhere (large blueprints repeat this thousands of times).
    std::optional<std::string> input;  // a copy: folding replaces the call it is read from
    if (p.value.kind == VK::kFunction && p.value.s == "get_input" && p.value.items.size() == 1 &&
        p.value.items[0].kind == VK::kString) {
      input = p.value.items[0].s;
    }
    FoldProperty(node, p);
    if (!computed || defs == nullptr) return;
    for (const ir::PropertyDef& def : *defs) {
      if (def.name != p.name) continue;
      if (p.value.kind == VK::kFunction) {
        // Still an expression: it will have the property's type once it has a value.
        if (!def.schema.type.empty()) p.value.type = InternType(def.schema.type);
        return;
      }
      if (!IsPlain(p.value)) return;
      std::pair<const ir::Schema*, std::string> key;
      if (input) {
        key = {&def.schema, *input};
        if (accepted_.count(key) != 0) return;
      }
      size_t before = sink_.diagnostics().size();
      diag::PathRef path(properties, p.name);
      checker_.Check(p.value, def.schema, sema::Subject{kind, p.name, path});
      if (input && sink_.diagnostics().size() == before) accepted_.insert(key);
    }
  }

  auto InternType(const std::string& name) -> uint32_t {
    auto [it, added] = type_ids_.emplace(name, static_cast<uint32_t>(st_.value_types.size()));
    if (added) st_.value_types.push_back(name);
    return it->second;
  }

  auto Defs(ir::TypeId type) const -> const std::vector<ir::PropertyDef>* {
    return type.valid() ? &st_.types[type.value].properties : nullptr;
  }

  void FoldNode(ir::NodeId id) {
    Scope scope{id, {}};
    ir::NodeTemplate& node = st_.nodes[id.value];
    diag::PathRef topo(TopoBase()), templates(topo, "node_templates"), base(templates, node.name);
    diag::PathRef properties(base, "properties");
    for (ir::Property& p : node.properties) {
      FoldAndCheck(id, p, Defs(node.type), "property", properties);
    }
    diag::PathRef attributes(base, "attributes");
    for (ir::Property& p : node.attributes) {
      diag::PathRef path(attributes, p.name);
      PathScope at(path_, &path);
      Fold(p.value, scope);
    }
    diag::PathRef capabilities(base, "capabilities");
    for (ir::CapabilityValues& c : node.capabilities) {
      diag::PathRef cap(capabilities, c.name), cap_properties(cap, "properties");
      for (ir::Property& p : c.properties) {
        FoldAndCheck(id, p, Defs(c.type), "capability property", cap_properties);
      }
    }
    diag::PathRef interfaces(base, "interfaces");
    PathScope at(path_, &interfaces);
    for (ir::Interface& iface : node.interfaces) FoldOperations(iface, scope);
    diag::PathRef config_files(base, "properties.config_files");
    PathScope files_at(path_, &config_files);
    for (ir::ConfigFile& file : node.config_files) {
      for (ir::DescriptorOverride& o : file.overrides) {
        Fold(o.value, scope);
        // '@{db,port}' was spliced into a quoted string: the result is text, as it was for
        // the plugin, which substituted into the statement before running it.
        if (o.quoted && IsScalar(o.value) && o.value.kind != VK::kString) {
          Replace(o.value, StringValue(ScalarText(o.value), o.value.loc));
        }
      }
    }
  }

  void FoldOperations(ir::Interface& iface, const Scope& scope) {
    for (ir::Operation& op : iface.operations) {
      for (auto& [name, value] : op.inputs) Fold(value, scope);
    }
  }

  void FoldPolicy(ir::Policy& policy) {
    for (ir::Property& p : policy.properties) Fold(p.value, Scope{});
    for (ir::Trigger& t : policy.triggers) {
      for (auto& [name, value] : t.parameters) Fold(value, Scope{});
    }
  }

  // A property that get_property may name: folded once, with cycle detection.
  void FoldProperty(ir::NodeId node, ir::Property& p) { Ensure(node, p.name, p.value); }

  // Folds `value` (a property of `node` called `name`) unless done; false on a cycle.
  auto Ensure(ir::NodeId node, const std::string& name, ir::Value& value) -> bool {
    if (!HasFunction(value)) return true;
    if (!HasCall(value, "get_property")) {
      // Nothing here can lead back to another property, so no cycle can pass through it: fold
      // without the bookkeeping (most function values in large blueprints are of this kind).
      diag::PathRef topo(TopoBase()), templates(topo, "node_templates");
      diag::PathRef base(templates, st_.nodes[node.value].name), properties(base, "properties");
      diag::PathRef path(properties, name);
      PathScope at(path_, &path);
      Fold(value, Scope{node, {}});
      return true;
    }
    uint8_t& state = state_[&value];
    if (state == kDone) return true;
    if (state == kActive) {
      ReportCycle(node, name, value);
      return false;
    }
    state = kActive;
    stack_.push_back(Frame{node, &name, &value});
    diag::PathRef topo(TopoBase()), templates(topo, "node_templates");
    diag::PathRef base(templates, st_.nodes[node.value].name), properties(base, "properties");
    diag::PathRef path(properties, name);
    PathScope at(path_, &path);
    Fold(value, Scope{node, {}});
    stack_.pop_back();
    state_[&value] = kDone;
    return true;
  }

  void ReportCycle(ir::NodeId node, const std::string& name, const ir::Value& value) {
    auto start = std::find_if(stack_.begin(), stack_.end(),
                              [&](const Frame& f) { return f.value == &value; });
    bool already = false;
    for (auto it = start; it != stack_.end(); ++it)
      already |= in_reported_cycle_.count(it->value) != 0;
    if (already) return;
    std::string chain;
    for (auto it = start; it != stack_.end(); ++it) {
      chain += fmt::format("{}.{} -> ", st_.nodes[it->node.value].name, *it->name);
      in_reported_cycle_.insert(it->value);
    }
    chain += fmt::format("{}.{}", st_.nodes[node.value].name, name);
    sink_.Report(diag::Kind::kFunctionCycle,
                 current_call_ != nullptr ? current_call_->loc : value.loc, Path(), chain);
    sink_.AddNote(value.loc,
                  fmt::format("`{}` of `{}` is defined here", name, st_.nodes[node.value].name));
  }

  void Fold(ir::Value& v, const Scope& scope) {
    switch (v.kind) {
      case VK::kList:
        for (ir::Value& item : v.items) Fold(item, scope);
        return;
      case VK::kMap:
        for (auto& entry : v.entries) Fold(entry.second, scope);
        return;
      case VK::kFunction:
        FoldCall(v, scope);
        return;
      default:
        return;
    }
  }

  void FoldCall(ir::Value& call, const Scope& scope) {
    for (ir::Value& arg : call.items) Fold(arg, scope);
    const std::string& name = call.s;
    const ir::Value* previous = current_call_;
    current_call_ = &call;
    if (name == "get_input") {
      FoldGetInput(call);
    } else if (name == "get_property") {
      FoldGetProperty(call, scope);
    } else if (name == "concat") {
      FoldConcat(call);
    } else if (name == "join") {
      FoldJoin(call);
    } else if (name == "token") {
      FoldToken(call);
    } else if (name == "merge") {
      FoldMerge(call);
    } else if (name == "get_nodes_of_type") {
      FoldNodesOfType(call);
    } else if (name == "deployment_field") {
      FoldField(call, scope);
    } else if (name == "get_attribute") {
      FoldAttribute(call);
    } else if (name == "get_secret") {
      call.sensitive = true;
      call.runtime = true;
    } else {
      call.runtime = true;  // get_operation_output, get_capability, get_artifact, ...
    }
    current_call_ = previous;
    if (call.kind != VK::kFunction) return;
    for (const ir::Value& arg : call.items) {
      call.runtime |= arg.runtime;
      call.sensitive |= arg.sensitive;
    }
  }

  // Replaces a call by its result, which keeps the call's location.
  static void Replace(ir::Value& call, ir::Value result) {
    diag::Loc loc = call.loc;
    call = std::move(result);
    call.loc = loc;
  }

  void BadArgument(const ir::Value& call, const ir::Value& arg, std::string message) {
    sink_.Report(diag::Kind::kFunctionArgument, arg.loc.line != 0 ? arg.loc : call.loc, Path(),
                 call.s, message);
  }

  // Sema checks paths against declared types; a step it already reported is not reported again
  // when the value confirms it (one mistake, one diagnostic).
  void PathError(const ir::Value& call, const ir::Value& step, std::string why) {
    for (const diag::Diagnostic& d : sink_.diagnostics()) {
      if (d.kind == diag::Kind::kFunctionUnknownPath && d.loc.file == step.loc.file &&
          d.loc.line == step.loc.line && d.loc.col == step.loc.col) {
        return;
      }
    }
    sink_.Report(diag::Kind::kFunctionUnknownPath, step.loc, Path(), call.s, why);
  }

  // Follows keys and indexes into a plain value; reports where the path leaves it.
  auto Walk(const ir::Value& call, const ir::Value& start, size_t first, std::string_view what)
      -> const ir::Value* {
    const ir::Value* cur = &start;
    for (size_t i = first; i < call.items.size(); ++i) {
      const ir::Value& step = call.items[i];
      if (step.kind == VK::kString && cur->kind == VK::kMap) {
        auto it = std::find_if(cur->entries.begin(), cur->entries.end(),
                               [&](const auto& e) { return e.first == step.s; });
        if (it == cur->entries.end()) {
          PathError(call, step, fmt::format("{} has no key `{}`", what, step.s));
          return nullptr;
        }
        cur = &it->second;
      } else if (step.kind == VK::kInt && cur->kind == VK::kList) {
        if (step.i < 0 || static_cast<size_t>(step.i) >= cur->items.size()) {
          PathError(call, step,
                    fmt::format("index {} is out of range: {} has {} item{}", step.i, what,
                                cur->items.size(), cur->items.size() == 1 ? "" : "s"));
          return nullptr;
        }
        cur = &cur->items[static_cast<size_t>(step.i)];
      } else {
        if (!IsPlain(step) || !IsPlain(*cur)) return nullptr;  // known later
        PathError(call, step,
                  fmt::format("{} is {}, so it cannot take {} `{}`", what, ir::DescribeKind(*cur),
                              step.kind == VK::kInt ? "index" : "key", ScalarText(step)));
        return nullptr;
      }
      what = "that value";
    }
    return cur;
  }

  void FoldGetInput(ir::Value& call) {
    if (call.items.empty() || context_.keep_inputs) return;
    const ir::Value& name = call.items[0];
    if (name.kind != VK::kString) return;  // reported by sema
    auto it = inputs_.find(name.s);
    if (it == inputs_.end()) return;  // reported by sema
    const ir::Input& in = st_.inputs[it->second];
    const ir::Value* value = in.has_value     ? &in.value
                             : in.has_default ? &in.default_value
                                              : nullptr;
    if (value == nullptr || !IsPlain(*value)) return;  // symbolic until a value is given
    const ir::Value* found = Walk(call, *value, 1, fmt::format("input `{}`", in.name));
    if (found != nullptr) Replace(call, *found);
  }

  // The node a get_property/get_attribute entity names, in this scope.
  auto EntityNode(const std::string& entity, const Scope& scope, std::string_view property)
      -> ir::NodeId {
    if (entity == "SELF") return scope.relationship.valid() ? ir::NodeId{} : scope.self;
    if (entity == "SOURCE" || entity == "TARGET") {
      if (!scope.relationship.valid()) return {};
      const ir::Relationship& rel = st_.relationships[scope.relationship.value];
      return entity == "SOURCE" ? rel.source : rel.target;
    }
    if (entity == "HOST") {
      // The nearest host up the hosted_on chain that has the property.
      ir::NodeId cur = scope.self;
      for (size_t guard = 0; cur.valid() && guard < st_.nodes.size(); ++guard) {
        ir::NodeId next = st_.HostOf(cur);
        if (!next.valid()) return {};
        if (FindProperty(next, property) != nullptr || HasCapability(next, property)) return next;
        cur = next;
      }
      return {};
    }
    return st_.FindNode(entity);
  }

  auto HasCapability(ir::NodeId node, std::string_view name) const -> bool {
    const auto& caps = st_.nodes[node.value].capabilities;
    return std::any_of(caps.begin(), caps.end(),
                       [&](const ir::CapabilityValues& c) { return c.name == name; });
  }

  auto FindProperty(ir::NodeId node, std::string_view name) -> ir::Property* {
    for (ir::Property& p : st_.nodes[node.value].properties) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }

  void FoldGetProperty(ir::Value& call, const Scope& scope) {
    if (call.items.size() < 2 || call.items[0].kind != VK::kString) return;
    const std::string& entity = call.items[0].s;
    if (entity == "SELF" && scope.relationship.valid()) {
      FoldRelationshipProperty(call, st_.relationships[scope.relationship.value]);
      return;
    }
    const ir::Value& second = call.items[1];
    if (second.kind != VK::kString) return;
    ir::NodeId node = EntityNode(entity, scope, second.s);
    if (!node.valid()) return;
    ir::NodeTemplate& tpl = st_.nodes[node.value];
    // [node, capability, property, ...] or [node, requirement, property, ...] (TOSCA)
    if (call.items.size() >= 3 && call.items[2].kind == VK::kString) {
      for (ir::CapabilityValues& cap : tpl.capabilities) {
        if (cap.name != second.s) continue;
        for (ir::Property& p : cap.properties) {
          if (p.name == call.items[2].s) {
            FoldFromProperty(call, node, p, 3,
                             fmt::format("capability `{}` property `{}`", cap.name, p.name));
            return;
          }
        }
        return;  // not a property of the capability: sema reported it
      }
      for (ir::RelationshipId r : tpl.relationships) {
        const ir::Relationship& rel = st_.relationships[r.value];
        if (rel.requirement != second.s) continue;
        ir::Property* p = FindProperty(rel.target, call.items[2].s);
        if (p != nullptr) {
          FoldFromProperty(
              call, rel.target, *p, 3,
              fmt::format("property `{}` of `{}`", p->name, st_.nodes[rel.target.value].name));
        }
        return;
      }
    }
    ir::Property* p = FindProperty(node, second.s);
    if (p == nullptr) return;  // reported by sema
    FoldFromProperty(call, node, *p, 2, fmt::format("property `{}` of `{}`", p->name, tpl.name));
  }

  void FoldFromProperty(ir::Value& call, ir::NodeId node, ir::Property& p, size_t path_start,
                        const std::string& what) {
    if (!Ensure(node, p.name, p.value)) return;
    if (!IsPlain(p.value)) {
      call.runtime |= p.value.runtime || ContainsRuntime(p.value);
      call.sensitive |= p.value.sensitive;
      return;
    }
    const ir::Value* found = Walk(call, p.value, path_start, what);
    if (found != nullptr) Replace(call, *found);
  }

  void FoldRelationshipProperty(ir::Value& call, const ir::Relationship& rel) {
    if (call.items[1].kind != VK::kString) return;
    for (const ir::Property& p : rel.properties) {
      if (p.name != call.items[1].s || !IsPlain(p.value)) continue;
      const ir::Value* found =
          Walk(call, p.value, 2, fmt::format("relationship property `{}`", p.name));
      if (found != nullptr) Replace(call, *found);
      return;
    }
  }

  static auto ContainsRuntime(const ir::Value& v) -> bool {
    if (v.runtime) return true;
    if (std::any_of(v.items.begin(), v.items.end(), ContainsRuntime)) return true;
    return std::any_of(v.entries.begin(), v.entries.end(),
                       [](const auto& e) { return ContainsRuntime(e.second); });
  }

  void FoldConcat(ir::Value& call) {
    std::string out;
    for (size_t i = 0; i < call.items.size(); ++i) {
      const ir::Value& arg = call.items[i];
      if (arg.kind == VK::kList || arg.kind == VK::kMap) {
        if (IsPlain(arg)) {
          BadArgument(call, arg,
                      fmt::format("argument {} is {}; concat joins strings, numbers "
                                  "and booleans",
                                  i + 1, ir::DescribeKind(arg)));
        }
        return;
      }
      if (!IsScalar(arg)) return;  // known later
      out += ScalarText(arg);
    }
    Replace(call, StringValue(std::move(out), call.loc));
  }

  void FoldJoin(ir::Value& call) {
    if (call.items.empty()) return;
    const ir::Value& list = call.items[0];
    if (!IsPlain(list)) return;
    if (list.kind != VK::kList) {
      BadArgument(call, list,
                  fmt::format("the first argument must be a list of strings, not {}",
                              ir::DescribeKind(list)));
      return;
    }
    std::string delimiter;
    if (call.items.size() > 1) {
      const ir::Value& d = call.items[1];
      if (!IsPlain(d)) return;
      if (d.kind != VK::kString) {
        BadArgument(call, d,
                    fmt::format("the delimiter must be a string, not {}", ir::DescribeKind(d)));
        return;
      }
      delimiter = d.s;
    }
    std::string out;
    for (size_t i = 0; i < list.items.size(); ++i) {
      if (!IsScalar(list.items[i])) {
        BadArgument(call, list.items[i],
                    fmt::format("item {} is {}; join takes strings", i + 1,
                                ir::DescribeKind(list.items[i])));
        return;
      }
      out += (i ? delimiter : "") + ScalarText(list.items[i]);
    }
    Replace(call, StringValue(std::move(out), call.loc));
  }

  void FoldToken(ir::Value& call) {
    if (call.items.size() != 3) return;  // arity reported by sema
    const ir::Value& text = call.items[0];
    const ir::Value& separators = call.items[1];
    const ir::Value& index = call.items[2];
    if (IsPlain(separators) && separators.kind != VK::kString) {
      BadArgument(
          call, separators,
          fmt::format("the separators must be a string, not {}", ir::DescribeKind(separators)));
      return;
    }
    if (IsPlain(index) && index.kind != VK::kInt) {
      BadArgument(call, index,
                  fmt::format("the index must be an integer, not {}", ir::DescribeKind(index)));
      return;
    }
    if (IsPlain(text) && text.kind != VK::kString) {
      BadArgument(
          call, text,
          fmt::format("the first argument must be a string, not {}", ir::DescribeKind(text)));
      return;
    }
    if (!IsPlain(text) || !IsPlain(separators) || !IsPlain(index)) return;
    // Separators are characters, not bytes: `é` as a separator must not split another letter
    // that shares its lead byte, and no token may end in half a character.
    std::vector<std::string_view> separator_chars = Utf8Chars(separators.s);
    std::vector<std::string> tokens{""};
    for (std::string_view ch : Utf8Chars(text.s)) {
      if (std::find(separator_chars.begin(), separator_chars.end(), ch) != separator_chars.end()) {
        tokens.emplace_back();
      } else {
        tokens.back() += ch;
      }
    }
    if (index.i < 0 || static_cast<size_t>(index.i) >= tokens.size()) {
      BadArgument(call, index,
                  fmt::format("index {} is out of range: \"{}\" has {} token{}", index.i, text.s,
                              tokens.size(), tokens.size() == 1 ? "" : "s"));
      return;
    }
    Replace(call, StringValue(tokens[static_cast<size_t>(index.i)], call.loc));
  }

  void FoldMerge(ir::Value& call) {
    ir::Value merged;
    merged.kind = VK::kMap;
    for (size_t i = 0; i < call.items.size(); ++i) {
      const ir::Value& arg = call.items[i];
      if (!IsPlain(arg)) return;
      if (arg.kind != VK::kMap) {
        BadArgument(
            call, arg,
            fmt::format("argument {} is {}; merge takes maps", i + 1, ir::DescribeKind(arg)));
        return;
      }
      for (const auto& [key, value] : arg.entries) {
        auto it = std::find_if(merged.entries.begin(), merged.entries.end(),
                               [&](const auto& e) { return e.first == key; });
        if (it != merged.entries.end()) {
          it->second = value;
        } else {
          merged.entries.emplace_back(key, value);
        }
      }
    }
    Replace(call, std::move(merged));
  }

  void FoldNodesOfType(ir::Value& call) {
    if (call.items.size() != 1 || call.items[0].kind != VK::kString) return;
    const std::string& name = call.items[0].s;
    ir::TypeId type = st_.FindType(ir::TypeKind::kNode, name);
    if (!type.valid()) type = st_.FindType(ir::TypeKind::kNode, "tosca.nodes." + name);
    if (!type.valid()) {
      sink_.Report(diag::Kind::kFunctionUnknownPath, call.items[0].loc, Path(), call.s,
                   fmt::format("there is no node type `{}`", name));
      return;
    }
    ir::Value list;
    list.kind = VK::kList;
    for (const ir::NodeTemplate& n : st_.nodes) {
      if (n.type.valid() && st_.DerivesFrom(n.type, type))
        list.items.push_back(StringValue(n.name, call.loc));
    }
    Replace(call, std::move(list));
  }

  void FoldField(ir::Value& call, const Scope& scope) {
    if (call.items.size() != 1 || call.items[0].kind != VK::kString) return;
    const std::string& field = call.items[0].s;
    std::string known;
    if (field == "deployment.id") known = context_.deployment_id;
    if (field == "blueprint.id") known = context_.blueprint_id;
    if (field == "management_ip") known = context_.management_ip;
    if ((field == "node.id" || field == "node.name") && scope.self.valid()) {
      known = st_.nodes[scope.self.value].name;
    }
    // Instance k of node n is n_k. A node that starts with one instance has n_1; instances
    // added by scaling are evaluated again by the planner.
    if (field == "instance.id" && scope.self.valid() &&
        st_.nodes[scope.self.value].instances.initial == 1) {
      known = st_.nodes[scope.self.value].name + "_1";
    }
    if (known.empty()) {
      call.runtime = true;  // instance.id, execution_id, workflow_id, or not given
      return;
    }
    Replace(call, StringValue(known, call.loc));
  }

  // get_attribute reads runtime properties, known after apply, except through a deployment
  // proxy whose deployment's outputs are known: the proxy inherits them as its attributes.
  void FoldAttribute(ir::Value& call) {
    call.runtime = true;
    if (call.items.size() < 2 || call.items[0].kind != VK::kString ||
        call.items[1].kind != VK::kString || !proxy_type_.valid()) {
      return;
    }
    ir::NodeId node = st_.FindNode(call.items[0].s);
    if (!node.valid() || !st_.nodes[node.value].type.valid() ||
        !st_.DerivesFrom(st_.nodes[node.value].type, proxy_type_)) {
      return;
    }
    const std::string& output = call.items[1].s;
    CheckInherited(node, call.items[1]);
    std::optional<std::string> deployment = ProxyDeployment(node);
    if (!deployment || context_.outputs == nullptr) return;
    const ir::Value* outputs = context_.outputs->Outputs(*deployment);
    if (outputs == nullptr) return;
    const std::string& proxy = st_.nodes[node.value].name;
    auto it = std::find_if(outputs->entries.begin(), outputs->entries.end(),
                           [&](const auto& e) { return e.first == output; });
    if (it == outputs->entries.end()) {
      std::vector<std::string> names;
      for (const auto& e : outputs->entries) names.push_back(e.first);
      sink_.Report(diag::Kind::kProxyOutputMissing, call.items[1].loc, Path(), proxy, *deployment,
                   output, names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")));
      return;
    }
    const ir::Value* found = Walk(
        call, it->second, 2, fmt::format("output `{}` of deployment `{}`", output, *deployment));
    if (found != nullptr) Replace(call, *found);
  }

  // A proxy copies only the outputs listed in `inherit_outputs` into its runtime properties.
  void CheckInherited(ir::NodeId proxy, const ir::Value& output) {
    const ir::Property* inherit = FindProperty(proxy, "inherit_outputs");
    if (inherit == nullptr || inherit->value.kind != VK::kList || !IsPlain(inherit->value)) return;
    for (const ir::Value& item : inherit->value.items) {
      if (item.kind == VK::kString && item.s == output.s) return;
    }
    std::vector<std::string> names;
    for (const ir::Value& item : inherit->value.items) names.push_back(ScalarText(item));
    sink_.Report(diag::Kind::kProxyOutputNotInherited, output.loc, Path(),
                 st_.nodes[proxy.value].name, output.s,
                 names.empty() ? "[]" : fmt::format("[{}]", fmt::join(names, ", ")));
    sink_.AddNote(inherit->value.loc.line != 0 ? inherit->value.loc : st_.nodes[proxy.value].loc,
                  "inherit_outputs is set here");
  }

  // The deployment a proxy stands for: the `deployment_id` input of its lifecycle operations.
  auto ProxyDeployment(ir::NodeId node) -> std::optional<std::string> {
    for (ir::Interface& iface : st_.nodes[node.value].interfaces) {
      for (ir::Operation& op : iface.operations) {
        for (auto& [name, value] : op.inputs) {
          if (name != "deployment_id") continue;
          Fold(value, Scope{node, {}});
          if (value.kind == VK::kString) return value.s;
        }
      }
    }
    return std::nullopt;
  }

  static constexpr uint8_t kActive = 1;
  static constexpr uint8_t kDone = 2;
  struct Frame {
    ir::NodeId node;
    const std::string* name;
    const ir::Value* value;
  };

  ir::ServiceTemplate& st_;
  const Context& context_;
  diag::Sink& sink_;
  std::unordered_map<std::string_view, uint32_t> inputs_;
  ir::TypeId proxy_type_;
  std::unordered_map<const ir::Value*, uint8_t> state_;
  std::vector<Frame> stack_;
  std::unordered_set<const ir::Value*> in_reported_cycle_;
  const ir::Value* current_call_ = nullptr;
  const diag::PathRef* path_ = nullptr;
  sema::ValueChecker checker_;
  std::unordered_map<std::string, uint32_t> type_ids_;
  std::set<std::pair<const ir::Schema*, std::string>> accepted_;  // see FoldAndCheck
};

}  // namespace

auto Evaluate(ir::ServiceTemplate st, const Context& context, diag::Sink& sink)
    -> ir::ServiceTemplate {
  Evaluator evaluator(st, context, sink);
  evaluator.Run();
  return st;
}

}  // namespace toscac::evaluate
