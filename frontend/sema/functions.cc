// Intrinsic function references: arity, where each may stand, and that what they name exists.
// Evaluation and the full static typing of functions belong to the expressions stage.
#include <fmt/format.h>

#include <algorithm>

#include "frontend/sema/analyzer.h"

namespace toscac::sema {

using VK = ir::Value::Kind;
using Where = FunctionContext::Where;

namespace {

auto ArityText(size_t min, size_t max) -> std::string {
  if (min == max) return fmt::format("exactly {} argument{}", min, min == 1 ? "" : "s");
  if (max == SIZE_MAX) return fmt::format("at least {} argument{}", min, min == 1 ? "" : "s");
  return fmt::format("{} to {} arguments", min, max);
}

auto WhereText(Where where) -> std::string_view {
  switch (where) {
    case Where::kOutput:
      return "in outputs";
    case Where::kInputDefault:
      return "in input defaults";
    case Where::kNodeProperty:
      return "outside a relationship";
    case Where::kNodeOperation:
      return "outside a relationship";
    default:
      return "here";
  }
}

}  // namespace

auto Analyzer::HasHost(ir::NodeId node) const -> bool {
  for (ir::RelationshipId rid : st_.nodes[node.value].relationships) {
    if (st_.relationships[rid.value].hosted_on) return true;
  }
  return false;
}

void Analyzer::CheckFunctions(const ir::Value& value, const FunctionContext& ctx) {
  if (value.kind == VK::kFunction) {
    CheckFunction(value, ctx);
    return;
  }
  for (const ir::Value& item : value.items) CheckFunctions(item, ctx);
  for (const auto& [key, item] : value.entries) CheckFunctions(item, ctx);
}

void Analyzer::CheckFunction(const ir::Value& call, const FunctionContext& ctx) {
  const std::string& name = call.s;
  const size_t argc = call.items.size();
  bool tosca = family_ == syntax::Family::kTosca;
  auto arity = [&](size_t min, size_t max) {
    if (argc >= min && argc <= max) return true;
    Sink().Report(diag::Kind::kFunctionArity, call.loc, ctx.Path(), name,
                  fmt::format("takes {}, got {}", ArityText(min, max), argc));
    return false;
  };
  bool ok = CheckArgumentKinds(call, ctx);
  if (name == "get_input" && !call.items.empty() && call.items[0].kind == VK::kString) {
    if (auto it = input_index_.find(call.items[0].s); it != input_index_.end())
      input_used_[it->second] = true;
  }
  if (name == "get_input") {
    // TOSCA 1.3 and Cloudify 1_3 allow a nested path after the input name.
    bool nested = (tosca && minor_ >= 3) || (!tosca && minor_ >= 3);
    ok = arity(1, nested ? SIZE_MAX : 1);
    if (ok && call.items[0].kind == VK::kString) {
      const std::string& input = call.items[0].s;
      if (input_index_.count(input) == 0) {
        Sink().Report(diag::Kind::kUnknownInput, call.items[0].loc, ctx.Path(), input);
        std::vector<std::string_view> names;
        for (const ir::Input& in : st_.inputs) names.push_back(in.name);
        std::string_view close = diag::ClosestName(input, names);
        if (!close.empty())
          Sink().AddNote(call.items[0].loc, fmt::format("did you mean `{}`?", close));
      }
    }
  } else if (name == "concat" || name == "merge") {
    ok = arity(1, SIZE_MAX);
  } else if (name == "join") {
    ok = arity(1, 2);
  } else if (name == "token") {
    ok = arity(3, 3);
  } else if (name == "get_operation_output") {
    ok = arity(4, 4);
    if (ok) CheckOperationOutput(call, ctx);
  } else if (name == "get_secret") {
    ok = arity(1, SIZE_MAX);
  } else if (name == "get_capability") {
    ok = arity(2, SIZE_MAX);
  } else if (name == "get_property" || name == "get_attribute") {
    ok = arity(2, SIZE_MAX);
    // Cloudify evaluates node properties before anything runs: attributes do not exist yet.
    if (ok && !tosca && name == "get_attribute" && ctx.where == Where::kNodeProperty) {
      Sink().Report(diag::Kind::kFunctionNotAllowedHere, call.loc, ctx.Path(), name,
                    "in node properties (Cloudify resolves them before install; use it in "
                    "operation inputs or outputs)");
      ok = false;
    }
    if (ok) CheckEntityReference(call, ctx);
  } else if (name == "get_nodes_of_type") {
    ok = arity(1, 1);
  } else if (name == "get_artifact") {
    ok = arity(2, 4);
    if (ok) CheckArtifactReference(call, ctx);
  }
  for (const ir::Value& arg : call.items) CheckFunctions(arg, ctx);
}

// Names must be written as names: an entity or property given as a list or a map can never
// name anything. Functions in those places are computed later and checked then.
auto Analyzer::CheckArgumentKinds(const ir::Value& call, const FunctionContext& ctx) -> bool {
  const std::string& name = call.s;
  size_t names = 0;         // leading arguments that must be strings
  bool path_after = false;  // then keys (strings) or indexes (integers)
  if (name == "get_input" || name == "get_nodes_of_type" || name == "get_secret") {
    names = 1;
    path_after = name != "get_nodes_of_type";
  } else if (name == "get_property" || name == "get_attribute") {
    names = 2;
    path_after = true;
  } else if (name == "get_operation_output") {
    names = 4;
  } else if (name == "get_artifact") {
    names = 2;
  } else if (name == "get_capability") {
    names = 2;
    path_after = true;
  } else {
    return true;
  }
  for (size_t i = 0; i < call.items.size(); ++i) {
    const ir::Value& arg = call.items[i];
    if (arg.kind == VK::kFunction || arg.kind == VK::kInvalid) continue;
    bool wants_name = i < names;
    bool fits = arg.kind == VK::kString || (!wants_name && path_after && arg.kind == VK::kInt);
    if (wants_name && name == "get_capability" && i == 0) fits = arg.kind == VK::kString;
    if (!wants_name && !path_after) fits = true;  // get_artifact's location and remove flag
    if (fits) continue;
    Sink().Report(diag::Kind::kFunctionArgument, arg.loc, ctx.Path(), name,
                  fmt::format("argument {} must be {}, not {}", i + 1,
                              wants_name ? "a name" : "a key (string) or an index (integer)",
                              ir::DescribeKind(arg)));
    return false;
  }
  return true;
}

void Analyzer::CheckEntityReference(const ir::Value& call, const FunctionContext& ctx) {
  const ir::Value& entity = call.items[0];
  if (entity.kind != VK::kString) return;
  const std::string& fn = call.s;
  bool tosca = family_ == syntax::Family::kTosca;
  ir::NodeId node;
  const std::string& e = entity.s;
  if (e == "SELF") {
    if (ctx.where == Where::kOutput) {
      Sink().Report(diag::Kind::kFunctionNotAllowedHere, entity.loc, ctx.Path(),
                    fmt::format("{}: [ SELF, ... ]", fn), "in outputs");
      return;
    }
    node = ctx.where == Where::kRelationship ? ir::NodeId{} : ctx.self;
  } else if (e == "SOURCE" || e == "TARGET") {
    if (ctx.where != Where::kRelationship) {
      Sink().Report(diag::Kind::kFunctionNotAllowedHere, entity.loc, ctx.Path(),
                    fmt::format("{}: [ {}, ... ]", fn, e), WhereText(ctx.where));
      return;
    }
    const ir::Relationship& rel = st_.relationships[ctx.relationship.value];
    node = e == "SOURCE" ? rel.source : rel.target;
  } else if (e == "HOST") {
    if (ctx.where == Where::kOutput || !ctx.self.valid()) {
      Sink().Report(diag::Kind::kFunctionNotAllowedHere, entity.loc, ctx.Path(),
                    fmt::format("{}: [ HOST, ... ]", fn), WhereText(ctx.where));
      return;
    }
    if (!HasHost(ctx.self)) {
      Sink().Report(diag::Kind::kFunctionHostNotFound, entity.loc, ctx.Path(), fn,
                    st_.nodes[ctx.self.value].name);
      return;
    }
    return;  // the attribute may live anywhere up the host chain; the expressions stage checks it
  } else {
    auto it = node_index_.find(e);
    if (it == node_index_.end()) {
      Sink().Report(diag::Kind::kFunctionUnknownNode, entity.loc, ctx.Path(), fn, e);
      std::vector<std::string_view> names;
      for (const auto& n : st_.nodes) names.push_back(n.name);
      std::string_view close = diag::ClosestName(e, names);
      if (!close.empty()) Sink().AddNote(entity.loc, fmt::format("did you mean `{}`?", close));
      return;
    }
    node = it->second;
  }
  if (!node.valid() || !st_.nodes[node.value].type.valid()) return;
  // Cloudify attributes are runtime properties: any name is legal.
  if (!tosca && fn == "get_attribute") return;
  const ir::Type& type = st_.types[st_.nodes[node.value].type.value];
  const ir::Value& second = call.items[1];
  if (second.kind != VK::kString) return;
  auto has = [](const std::vector<ir::PropertyDef>& defs, const std::string& n) {
    return std::any_of(defs.begin(), defs.end(),
                       [&](const ir::PropertyDef& d) { return d.name == n; });
  };
  // [node, capability_or_requirement, name, ...]
  if (call.items.size() >= 3 && call.items[2].kind == VK::kString && tosca) {
    for (const ir::CapabilityDef& cap : type.capabilities) {
      if (cap.name != second.s || !cap.type.valid()) continue;
      const ir::Type& ctype = st_.types[cap.type.value];
      const std::string& prop = call.items[2].s;
      bool found =
          has(ctype.properties, prop) || (fn == "get_attribute" && has(ctype.attributes, prop));
      if (found) {
        for (const auto* defs : {&ctype.properties, &ctype.attributes}) {
          for (const ir::PropertyDef& d : *defs) {
            if (d.name == prop) {
              CheckNestedPath(call, 3, d, ctx);
              return;
            }
          }
        }
      }
      if (!found) {
        Sink().Report(
            diag::Kind::kFunctionUnknownPath, call.items[2].loc, ctx.Path(), fn,
            fmt::format("{} `{}` not found in capability `{}` of node template `{}`",
                        fn == "get_property" ? "property" : "attribute", prop, cap.name, e));
      }
      return;
    }
    for (const ir::RequirementDef& req : type.requirements) {
      if (req.name == second.s) return;  // resolved through the relationship at deploy time
    }
  }
  bool found =
      has(type.properties, second.s) || (fn == "get_attribute" && has(type.attributes, second.s));
  if (found) {
    const auto& first_defs = has(type.properties, second.s) ? type.properties : type.attributes;
    for (const ir::PropertyDef& d : first_defs) {
      if (d.name == second.s) CheckNestedPath(call, 2, d, ctx);
    }
  }
  if (!found) {
    Sink().Report(diag::Kind::kFunctionUnknownPath, second.loc, ctx.Path(), fn,
                  fmt::format("{} `{}` not found in node template `{}` (type `{}`)",
                              fn == "get_property" ? "property" : "attribute", second.s,
                              st_.nodes[node.value].name, type.name));
    std::vector<std::string_view> names;
    for (const auto& p : type.properties) names.push_back(p.name);
    if (fn == "get_attribute") {
      for (const auto& a : type.attributes) names.push_back(a.name);
    }
    std::string_view close = diag::ClosestName(second.s, names);
    if (!close.empty()) Sink().AddNote(second.loc, fmt::format("did you mean `{}`?", close));
  }
}

// Keys and indexes after a property or attribute name, against its declared type: an index needs
// a list, a key a map or a data type with that property; a scalar takes neither.
void Analyzer::CheckNestedPath(const ir::Value& call, size_t first, const ir::PropertyDef& def,
                               const FunctionContext& ctx) {
  const ir::Schema* schema = &def.schema;
  std::string what = fmt::format("`{}`", def.name);
  for (size_t i = first; i < call.items.size() && schema != nullptr; ++i) {
    const ir::Value& step = call.items[i];
    if (step.kind != VK::kString && step.kind != VK::kInt) return;  // computed: known later
    std::string type = schema->type;
    const ir::Type* data = nullptr;
    if (ir::TypeId id = Lookup(syntax::TypeKind::kData, type); id.valid()) {
      data = &st_.types[id.value];
      std::string base = PrimitiveBase(*data);
      if (!base.empty()) type = base;
    }
    bool index = step.kind == VK::kInt;
    std::string step_text = index ? std::to_string(step.i) : "`" + step.s + "`";
    auto fail = [&](const std::string& why) {
      Sink().Report(diag::Kind::kFunctionUnknownPath, step.loc, ctx.Path(), call.s, why);
    };
    if (type.empty() || type == "any") return;
    if (type == "list" || type == "map") {
      // An integer on a map may be the key `0` (tosca-parser accepts it too); a name on a list
      // is never an index.
      if (type == "list" && !index) {
        fail(fmt::format("{} is a list, so it takes an index, not key {}", what, step_text));
        return;
      }
      schema = schema->entry.get();
      what = fmt::format("an item of {}", what);
      continue;
    }
    if (data != nullptr && !data->properties.empty() && PrimitiveBase(*data).empty()) {
      auto field =
          std::find_if(data->properties.begin(), data->properties.end(),
                       [&](const ir::PropertyDef& d) { return !index && d.name == step.s; });
      if (field == data->properties.end()) {
        fail(fmt::format("{} has type `{}`, which has no {} {}", what, data->name,
                         index ? "index" : "property", step_text));
        return;
      }
      schema = &field->schema;
      what = fmt::format("`{}`", field->name);
      continue;
    }
    fail(
        fmt::format("{} is a {}; it has no {} {}", what, type, index ? "index" : "key", step_text));
    return;
  }
}

// The node a get_operation_output/get_artifact entity names; reports an unknown node.
auto Analyzer::EntityNode(const ir::Value& call, const FunctionContext& ctx) -> ir::NodeId {
  const ir::Value& entity = call.items[0];
  if (entity.kind != VK::kString) return {};
  if (entity.s == "SELF") return ctx.where == Where::kRelationship ? ir::NodeId{} : ctx.self;
  if (entity.s == "SOURCE" || entity.s == "TARGET") {
    if (ctx.where != Where::kRelationship) {
      Sink().Report(diag::Kind::kFunctionNotAllowedHere, entity.loc, ctx.Path(),
                    fmt::format("{}: [ {}, ... ]", call.s, entity.s), WhereText(ctx.where));
      return {};
    }
    const ir::Relationship& rel = st_.relationships[ctx.relationship.value];
    return entity.s == "SOURCE" ? rel.source : rel.target;
  }
  if (entity.s == "HOST") return {};
  auto it = node_index_.find(entity.s);
  if (it == node_index_.end()) {
    Sink().Report(diag::Kind::kFunctionUnknownNode, entity.loc, ctx.Path(), call.s, entity.s);
    return {};
  }
  return it->second;
}

void Analyzer::CheckOperationOutput(const ir::Value& call, const FunctionContext& ctx) {
  ir::NodeId node = EntityNode(call, ctx);
  if (!node.valid()) return;
  const ir::Value& iface_name = call.items[1];
  const ir::Value& op_name = call.items[2];
  if (iface_name.kind != VK::kString || op_name.kind != VK::kString) return;
  const ir::NodeTemplate& tpl = st_.nodes[node.value];
  // Interfaces are known by their short name (`Standard`) or their type's full name.
  auto matches = [&](const ir::Interface& iface) {
    if (iface.name == iface_name.s || iface.type == iface_name.s) return true;
    size_t dot = iface.type.rfind('.');
    return dot != std::string::npos && iface.type.substr(dot + 1) == iface_name.s;
  };
  auto has_op = [&](const ir::Interface& iface) {
    return std::any_of(iface.operations.begin(), iface.operations.end(),
                       [&](const ir::Operation& op) { return op.name == op_name.s; });
  };
  // The template's interfaces hold implemented operations; its type's, every declared one.
  auto implemented = std::find_if(tpl.interfaces.begin(), tpl.interfaces.end(), matches);
  if (implemented != tpl.interfaces.end() && has_op(*implemented)) return;
  const std::vector<ir::Interface>* declared =
      tpl.type.valid() ? &st_.types[tpl.type.value].interfaces : nullptr;
  auto iface = declared != nullptr ? std::find_if(declared->begin(), declared->end(), matches)
                                   : tpl.interfaces.end();
  if (declared == nullptr || iface == declared->end()) {
    if (implemented == tpl.interfaces.end()) {
      Sink().Report(diag::Kind::kUnknownInterface, iface_name.loc, ctx.Path(), tpl.name,
                    iface_name.s);
      return;
    }
    Sink().Report(diag::Kind::kUnknownOperation, op_name.loc, ctx.Path(), implemented->name,
                  op_name.s);
    return;
  }
  if (!has_op(*iface)) {
    Sink().Report(diag::Kind::kUnknownOperation, op_name.loc, ctx.Path(), iface->name, op_name.s);
    return;
  }
  Sink().Report(diag::Kind::kFunctionUnknownPath, op_name.loc, ctx.Path(), call.s,
                fmt::format("`{}` does not implement `{}.{}`, so that operation never runs and "
                            "has no outputs",
                            tpl.name, iface->name, op_name.s));
}

void Analyzer::CheckArtifactReference(const ir::Value& call, const FunctionContext& ctx) {
  ir::NodeId node = EntityNode(call, ctx);
  if (!node.valid() || call.items[1].kind != VK::kString) return;
  const ir::NodeTemplate& tpl = st_.nodes[node.value];
  const std::string& name = call.items[1].s;
  bool found = std::any_of(tpl.artifacts.begin(), tpl.artifacts.end(),
                           [&](const ir::Artifact& a) { return a.name == name; });
  if (!found) {
    Sink().Report(diag::Kind::kFunctionUnknownPath, call.items[1].loc, ctx.Path(), call.s,
                  fmt::format("node template `{}` has no artifact `{}`", tpl.name, name));
  }
}

void Analyzer::CheckAllFunctions() {
  for (uint32_t i = 0; i < st_.nodes.size(); ++i) {
    const ir::NodeTemplate& node = st_.nodes[i];
    // Paths are chains on the stack, made into strings only if a diagnostic is reported.
    diag::PathRef topo(TopoBase()), templates(topo, "node_templates"), base(templates, node.name);
    FunctionContext ctx{Where::kNodeProperty, ir::NodeId{i}, {}, ""};
    diag::PathRef properties(base, "properties"), attributes(base, "attributes");
    for (const ir::Property& p : node.properties) {
      if (p.from_default || !ContainsFunction(p.value)) continue;
      diag::PathRef path(properties, p.name);
      ctx.lazy_path = &path;
      CheckFunctions(p.value, ctx);
    }
    for (const ir::Property& p : node.attributes) {
      if (!ContainsFunction(p.value)) continue;
      diag::PathRef path(attributes, p.name);
      ctx.lazy_path = &path;
      CheckFunctions(p.value, ctx);
    }
    diag::PathRef capabilities(base, "capabilities");
    for (const ir::CapabilityValues& c : node.capabilities) {
      diag::PathRef cap(capabilities, c.name), cap_props(cap, "properties");
      for (const ir::Property& p : c.properties) {
        if (p.from_default || !ContainsFunction(p.value)) continue;
        diag::PathRef path(cap_props, p.name);
        ctx.lazy_path = &path;
        CheckFunctions(p.value, ctx);
      }
    }
    ctx.where = Where::kNodeOperation;
    diag::PathRef interfaces(base, "interfaces");
    for (const ir::Interface& iface : node.interfaces) {
      diag::PathRef iface_path(interfaces, iface.name);
      for (const ir::Operation& op : iface.operations) {
        diag::PathRef op_path(iface_path, op.name), inputs(op_path, "inputs");
        for (const auto& [name, value] : op.inputs) {
          if (!ContainsFunction(value)) continue;
          diag::PathRef path(inputs, name);
          ctx.lazy_path = &path;
          CheckFunctions(value, ctx);
        }
      }
    }
    diag::PathRef relationships_path(base, "relationships");
    for (ir::RelationshipId rid : node.relationships) {
      const ir::Relationship& rel = st_.relationships[rid.value];
      FunctionContext rctx{Where::kRelationship, ir::NodeId{i}, rid, ""};
      rctx.lazy_path = &relationships_path;
      for (const ir::Property& p : rel.properties) CheckFunctions(p.value, rctx);
      for (const auto* side : {&rel.source_interfaces, &rel.target_interfaces}) {
        for (const ir::Interface& iface : *side) {
          for (const ir::Operation& op : iface.operations) {
            for (const auto& [name, value] : op.inputs) CheckFunctions(value, rctx);
          }
        }
      }
    }
  }
  for (const ir::Output& out : st_.outputs) {
    CheckFunctions(out.value,
                   FunctionContext{Where::kOutput, {}, {}, Topo("outputs.") + out.name + ".value"});
  }
  for (const ir::Group& g : st_.groups) {
    for (const ir::Property& prop : g.properties) {
      CheckFunctions(
          prop.value,
          FunctionContext{
              Where::kOther, {}, {}, Topo("groups.") + g.name + ".properties." + prop.name});
    }
    for (const ir::Policy& p : g.policies) {
      for (const ir::Property& prop : p.properties) {
        CheckFunctions(
            prop.value,
            FunctionContext{
                Where::kOther, {}, {}, Topo("groups.") + g.name + ".policies." + p.name});
      }
    }
  }
  for (const ir::Policy& p : st_.policies) {
    for (const ir::Property& prop : p.properties) {
      CheckFunctions(prop.value,
                     FunctionContext{Where::kOther, {}, {}, Topo("policies.") + p.name});
    }
  }
}

}  // namespace toscac::sema
