// ir::Value into JSON, and what to tell the user when a value is not known before apply.
#include <fmt/format.h>

#include "backends/common/json_value.h"
#include "backends/k8s/internal.h"

namespace toscac::k8s {
namespace {

using Json = nlohmann::ordered_json;
using VK = ir::Value::Kind;

// The first unknown piece of a value: a function, or a sensitive value.
auto FirstUnknown(const ir::Value& v) -> const ir::Value* {
  if (v.kind == VK::kFunction || v.sensitive) return &v;
  for (const ir::Value& item : v.items) {
    if (const ir::Value* found = FirstUnknown(item)) return found;
  }
  for (const auto& [key, item] : v.entries) {
    if (const ir::Value* found = FirstUnknown(item)) return found;
  }
  return nullptr;
}

auto Contains(const ir::Value& v, VK kind) -> bool {
  if (v.kind == kind) return true;
  for (const ir::Value& item : v.items) {
    if (Contains(item, kind)) return true;
  }
  for (const auto& [key, item] : v.entries) {
    if (Contains(item, kind)) return true;
  }
  return false;
}

}  // namespace

auto ValueWriter::ToJson(const ir::Value& value, const std::string& what) -> std::optional<Json> {
  if (Contains(value, VK::kInvalid)) return std::nullopt;  // reported by the front end
  if (const ir::Value* unknown = FirstUnknown(value)) {
    std::string why =
        unknown->kind == VK::kFunction
            ? fmt::format("it is known only after apply ({})", ir::ValueToString(*unknown))
            : "it is a secret";
    sink_.Report(diag::Kind::kEmitUnresolved, unknown->loc, "", what, why, Hint(*unknown));
    return std::nullopt;
  }
  return backends::PlainJson(value);
}

// The deployment a proxy stands for: its operations' `deployment_id` input, when known.
auto ValueWriter::ProxiedDeployment(ir::NodeId proxy) const -> std::string {
  for (const ir::Interface& interface : st_.node(proxy).interfaces) {
    for (const ir::Operation& op : interface.operations) {
      for (const auto& [name, value] : op.inputs) {
        if (name == "deployment_id" && value.kind == VK::kString) return value.s;
      }
    }
  }
  return "DEPLOYMENT";
}

// The flag that would make the value known, or why none can.
auto ValueWriter::Hint(const ir::Value& f) const -> std::string {
  if (f.kind != VK::kFunction) {
    return "toscac does not write secrets into manifests; reference a Kubernetes Secret instead";
  }
  auto arg = [&](size_t i) -> std::string {
    return i < f.items.size() && f.items[i].kind == VK::kString ? f.items[i].s : "";
  };
  if (f.s == "get_input") return fmt::format("pass --inputs FILE or -i {}=VALUE", arg(0));
  if (f.s == "deployment_field" && arg(0) == "management_ip") {
    return "pass --management-ip ADDRESS";
  }
  if (f.s == "get_attribute" || f.s == "get_attributes") {
    ir::NodeId node = st_.FindNode(arg(0));
    ir::TypeId proxy = st_.FindType(ir::TypeKind::kNode, "cloudify.nodes.DeploymentProxy");
    if (node.valid() && proxy.valid() && st_.DerivesFrom(st_.node(node).type, proxy)) {
      return fmt::format(
          "`{}` stands for deployment `{}`: pass --deployment-outputs {}=FILE with "
          "that deployment's outputs",
          arg(0), ProxiedDeployment(node), ProxiedDeployment(node));
    }
    return fmt::format("it exists only once `{}` runs, which a manifest cannot wait for", arg(0));
  }
  return "no flag supplies it before apply";
}

}  // namespace toscac::k8s
