// ir::Value into HOT: plain values as they are, intrinsic functions as Heat's (get_input ->
// get_param, concat -> list_join, get_attribute -> get_attr on the resource that holds it).
#include <fmt/format.h>

#include "backends/heat/internal.h"

namespace toscac::heat {
namespace {

using VK = ir::Value::Kind;

auto Arg(const ir::Value& call, size_t i) -> std::string {
  return i < call.items.size() && call.items[i].kind == VK::kString ? call.items[i].s : "";
}

auto ItemText(const Json& v) -> std::string {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  return v.dump();
}

}  // namespace

// `{get_param: p}` where p is not a string parameter (a number, say).
auto Emitter::IsNonStringParameter(const Json& v) const -> bool {
  if (!v.is_object() || !v.contains("get_param") || !v["get_param"].is_string()) return false;
  const std::string& name = v["get_param"].get_ref<const std::string&>();
  return parameters_.contains(name) && parameters_[name].value("type", "string") != "string";
}

auto Emitter::Unresolved(const ir::Value& at, const std::string& what, const std::string& why)
    -> std::optional<Json> {
  sink_.Report(diag::Kind::kEmitUnresolved, at.loc, "", what, why,
               "a Heat template cannot express it");
  return std::nullopt;
}

auto Emitter::Hot(const ir::Value& v, const std::string& what, ir::NodeId self)
    -> std::optional<Json> {
  switch (v.kind) {
    case VK::kNull:
      return Json(nullptr);
    case VK::kBool:
      return Json(v.b);
    case VK::kInt:
      return Json(v.i);
    case VK::kFloat:
      return Json(v.f);
    case VK::kString:
      return Json(v.s);
    case VK::kInvalid:
      return std::nullopt;  // reported by the front end
    case VK::kList: {
      Json out = Json::array();
      for (const ir::Value& item : v.items) {
        auto h = Hot(item, what, self);
        if (!h) return std::nullopt;
        out.push_back(std::move(*h));
      }
      return out;
    }
    case VK::kMap: {
      Json out = Json::object();
      for (const auto& [key, item] : v.entries) {
        auto h = Hot(item, what, self);
        if (!h) return std::nullopt;
        out[key] = std::move(*h);
      }
      return out;
    }
    case VK::kFunction:
      break;
  }
  if (v.s == "get_input") {
    Json path = Json::array();
    for (const ir::Value& item : v.items) {
      auto h = Hot(item, what, self);
      if (!h) return std::nullopt;
      path.push_back(std::move(*h));
    }
    return Json{{"get_param", path.size() == 1 ? path[0] : path}};
  }
  if (v.s == "concat" || v.s == "join") {
    // TOSCA 1.3 join: [ [items], delimiter ]; concat: items.
    const std::vector<ir::Value>* items = &v.items;
    std::string delimiter;
    if (v.s == "join") {
      if (v.items.empty() || v.items[0].kind != VK::kList) {
        return Unresolved(v, what, "join of a computed list");
      }
      items = &v.items[0].items;
      delimiter = Arg(v, 1);
    }
    Json parts = Json::array();
    bool only_strings = true;
    for (const ir::Value& item : *items) {
      auto h = Hot(item, what, self);
      if (!h) return std::nullopt;
      if (h->is_number() || h->is_boolean()) h = Json(ItemText(*h));
      only_strings &= h->is_string() || !IsNonStringParameter(*h);
      parts.push_back(std::move(*h));
    }
    if (only_strings) return Json{{"list_join", Json::array({delimiter, parts})}};
    // list_join takes only strings; str_replace turns numbers into text as it substitutes.
    std::string text;
    Json params = Json::object();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) text += delimiter;
      if (parts[i].is_string()) {
        text += parts[i].get<std::string>();
        continue;
      }
      std::string key = fmt::format("<%{}%>", i);
      text += key;
      params[key] = parts[i];
    }
    return Json{{"str_replace", {{"template", text}, {"params", params}}}};
  }
  if (v.s == "get_attribute") return Attribute(v, what, self);
  if (v.s == "get_property") return PropertyValue(v, what, self);
  return Unresolved(v, what,
                    fmt::format("it is known only after apply ({})", ir::ValueToString(v)));
}

// get_property the front end left as a call because the property holds an input: the
// property's own value, which then becomes get_param. [entity, property] or
// [entity, capability, property].
auto Emitter::PropertyValue(const ir::Value& call, const std::string& what, ir::NodeId self)
    -> std::optional<Json> {
  std::string entity = Arg(call, 0);
  ir::NodeId node = entity == "SELF" ? self : st_.FindNode(entity);
  if (entity == "HOST" && self.valid()) node = st_.HostOf(self);
  const ir::Value* found = nullptr;
  if (node.valid() && call.items.size() == 2) found = Property(node, Arg(call, 1));
  if (node.valid() && call.items.size() == 3) {
    for (const ir::CapabilityValues& cap : st_.node(node).capabilities) {
      if (cap.name != Arg(call, 1)) continue;
      for (const ir::Property& p : cap.properties) {
        if (p.name == Arg(call, 2)) found = &p.value;
      }
    }
  }
  if (found == nullptr || ++property_depth_ > 32) {
    return Unresolved(call, what, fmt::format("it reads {}", ir::ValueToString(call)));
  }
  auto value = Hot(*found, what, node);
  --property_depth_;
  return value;
}

// get_attribute of a node this template creates, as get_attr of the resource that has it.
auto Emitter::Attribute(const ir::Value& call, const std::string& what, ir::NodeId self)
    -> std::optional<Json> {
  std::string entity = Arg(call, 0), attribute = Arg(call, 1);
  ir::NodeId node = entity == "SELF" ? self : st_.FindNode(entity);
  if (entity == "HOST" && self.valid()) node = ServerOf(self);
  if (!node.valid()) return Unresolved(call, what, fmt::format("`{}` is no node here", entity));
  const std::string& name = st_.node(node).name;
  Role role = roles_[node.value];
  auto attr = [&](Json path) {
    Json args = Json::array({name});
    for (Json& p : path) args.push_back(std::move(p));
    return Json{{"get_attr", args}};
  };
  if (role == Role::kServer && (attribute == "ip" || attribute == "private_address")) {
    auto port = ports_.find(node.value);
    if (port != ports_.end()) {
      return Json{{"get_attr", Json::array({port->second, "fixed_ips", 0, "ip_address"})}};
    }
    return attr(Json::array({"first_address"}));
  }
  if (role == Role::kServer && attribute == "public_address") {
    auto fip = floating_ips_.find(node.value);
    if (fip != floating_ips_.end()) {
      return Json{{"get_attr",
                   Json::array({st_.node(ir::NodeId{fip->second}).name, "floating_ip_address"})}};
    }
    return attr(Json::array({"first_address"}));
  }
  if (role == Role::kFloatingIp && attribute == "floating_ip_address") {
    return attr(Json::array({"floating_ip_address"}));
  }
  bool id_attribute = attribute == "external_id" || attribute == "tosca_id" ||
                      (role == Role::kVolume && attribute == "volume_id") ||
                      (role == Role::kNetwork && attribute == "network_id");
  if (role != Role::kNone && role != Role::kSoftware && role != Role::kExternal && id_attribute) {
    return Json{{"get_resource", name}};
  }
  return Unresolved(call, what,
                    fmt::format("attribute `{}` of `{}` ({}) has no Heat attribute toscac maps it "
                                "to",
                                attribute, name, st_.type(st_.node(node).type).name));
}

}  // namespace toscac::heat
