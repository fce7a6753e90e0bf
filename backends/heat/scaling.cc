// Servers with several instances, or in a scaling group: the server, its port and the software on
// it move into a nested template, `<server>_unit.yaml`, which an OS::Heat::AutoScalingGroup
// instantiates between the group's bounds; the group's scaling policy adds an
// OS::Heat::ScalingPolicy per direction. Resources outside the unit cannot refer to what is
// inside it (there are several of each): that is error T1007.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "backends/common/json_value.h"
#include "backends/heat/internal.h"

namespace toscac::heat {
namespace {

using VK = ir::Value::Kind;

// Names a value refers to: get_resource, get_attr's resource, depends_on entries.
void Referenced(const Json& v, std::set<std::string>& out) {
  if (v.is_object()) {
    for (const auto& [key, item] : v.items()) {
      if (key == "get_resource" && item.is_string()) out.insert(item.get<std::string>());
      if (key == "get_attr" && item.is_array() && !item.empty() && item[0].is_string()) {
        out.insert(item[0].get<std::string>());
      }
      if (key == "depends_on" && item.is_array()) {
        for (const Json& d : item) {
          if (d.is_string()) out.insert(d.get<std::string>());
        }
      }
      Referenced(item, out);
    }
  } else if (v.is_array()) {
    for (const Json& item : v) Referenced(item, out);
  }
}

void ParametersUsed(const Json& v, std::set<std::string>& out) {
  if (v.is_object()) {
    for (const auto& [key, item] : v.items()) {
      if (key == "get_param" && item.is_string()) out.insert(item.get<std::string>());
      if (key == "get_param" && item.is_array() && !item.empty() && item[0].is_string()) {
        out.insert(item[0].get<std::string>());
      }
      ParametersUsed(item, out);
    }
  } else if (v.is_array()) {
    for (const Json& item : v) ParametersUsed(item, out);
  }
}

// Inside a unit, what lives outside it can only come in as a parameter: each get_resource or
// get_attr of an outside resource becomes get_param of a new parameter that the group passes.
void LiftOutside(Json& v, const std::set<std::string>& members, Json& params, Json& pass) {
  if (v.is_object()) {
    bool outside = false;
    if (v.size() == 1 && v.contains("get_resource") && v["get_resource"].is_string()) {
      outside = members.count(v["get_resource"].get<std::string>()) == 0;
    }
    if (v.size() == 1 && v.contains("get_attr") && v["get_attr"].is_array() &&
        !v["get_attr"].empty() && v["get_attr"][0].is_string()) {
      outside = members.count(v["get_attr"][0].get<std::string>()) == 0;
    }
    if (outside) {
      std::string name = fmt::format("outside_{}", pass.size() + 1);
      pass[name] = v;
      params[name] = {{"type", "string"}, {"description", "given by the scaling group"}};
      v = {{"get_param", name}};
      return;
    }
    for (auto& [key, item] : v.items()) LiftOutside(item, members, params, pass);
  } else if (v.is_array()) {
    for (Json& item : v) LiftOutside(item, members, params, pass);
  }
}

}  // namespace

auto References(const Json& value) -> std::set<std::string> {
  std::set<std::string> out;
  Referenced(value, out);
  return out;
}

auto Emitter::Scaled(ir::NodeId server) const -> bool {
  return st_.InitialInstances(server) > 1 || st_.node(server).scaling_group != ir::kNoGroup;
}

// The policy that scales `group`, wherever it was declared.
auto Emitter::ScalingPolicy(const ir::ScalingGroup& group) const -> const ir::Policy* {
  for (const ir::Policy& p : st_.policies) {
    if (p.name == group.policy) return &p;
  }
  for (const ir::Group& g : st_.groups) {
    for (const ir::Policy& p : g.policies) {
      if (p.name == group.policy) return &p;
    }
  }
  return nullptr;
}

void Emitter::ScaleUnit(ir::NodeId server) {
  const ir::NodeTemplate& n = st_.node(server);
  std::string unit_file = n.name + "_unit.yaml";
  // The unit: the server, the port made for it, the software that runs on it.
  std::set<std::string> members = {n.name};
  if (auto port = ports_.find(server.value);
      port != ports_.end() && port->second == n.name + "_port") {
    members.insert(port->second);
  }
  for (const auto& [name, owner] : unit_of_) {
    if (owner == server.value) members.insert(name);
  }
  Json unit_resources = Json::object();
  for (auto it = resources_.begin(); it != resources_.end();) {
    if (members.count(it.key()) == 0) {
      ++it;
      continue;
    }
    unit_resources[it.key()] = it.value();
    it = resources_.erase(it);
  }
  for (const auto& [name, resource] : resources_.items()) {
    std::set<std::string> refs;
    Referenced(resource, refs);
    for (const std::string& ref : refs) {
      if (members.count(ref) == 0) continue;
      sink_.Report(diag::Kind::kEmitUnsupported, n.loc, "", n.name,
                   fmt::format("it is scaled (an AutoScalingGroup of `{}`), and `{}` refers to "
                               "`{}` inside it, of which there are several",
                               unit_file, name, ref));
    }
  }
  for (const std::string& name : members) scaled_.insert(name);
  // Waiting for something outside: the whole group waits for it.
  Json group_depends = Json::array();
  for (auto& [name, resource] : unit_resources.items()) {
    if (!resource.contains("depends_on")) continue;
    Json kept = Json::array();
    for (const Json& d : resource["depends_on"]) {
      if (members.count(d.get<std::string>()) != 0) {
        kept.push_back(d);
      } else if (std::find(group_depends.begin(), group_depends.end(), d) == group_depends.end()) {
        group_depends.push_back(d);
      }
    }
    if (kept.empty()) {
      resource.erase("depends_on");
    } else {
      resource["depends_on"] = kept;
    }
  }
  Json lifted = Json::object(), lifted_pass = Json::object();
  LiftOutside(unit_resources, members, lifted, lifted_pass);
  std::set<std::string> used;
  ParametersUsed(unit_resources, used);
  Json unit = {{"heat_template_version", "2018-08-31"},
               {"description", fmt::format("One instance of {} with its software.", n.name)}};
  Json params = Json::object(), pass = Json::object();
  for (const std::string& p : used) {
    if (!parameters_.contains(p)) continue;
    params[p] = parameters_[p];
    pass[p] = {{"get_param", p}};
  }
  for (auto& [name, definition] : lifted.items()) params[name] = definition;
  for (auto& [name, value] : lifted_pass.items()) pass[name] = value;
  if (!params.empty()) unit["parameters"] = params;
  unit["resources"] = unit_resources;
  nested_.push_back(Nested{unit_file, unit});

  ir::InstanceCount count = n.instances;
  int64_t initial = st_.InitialInstances(server), min = count.min, max = count.max;
  const ir::Policy* policy = nullptr;
  if (n.scaling_group != ir::kNoGroup) {
    const ir::ScalingGroup& group = st_.scaling_groups[n.scaling_group];
    min = group.instances.min, max = group.instances.max;
    policy = ScalingPolicy(group);
  }
  if (max < 0) min = max = initial;  // unbounded (Cloudify's default): a group of fixed size
  std::string group_name = n.name + "_group";
  Json resource = {{"type", unit_file}};
  if (!pass.empty()) resource["properties"] = pass;
  resources_[group_name] = {{"type", "OS::Heat::AutoScalingGroup"},
                            {"properties",
                             {{"min_size", min},
                              {"max_size", std::max(max, min)},
                              {"desired_capacity", initial},
                              {"resource", resource}}}};
  if (!group_depends.empty()) resources_[group_name]["depends_on"] = group_depends;
  if (policy != nullptr) ScalingPolicies(n.name, *policy);
  Alarms(server, group_name);
}

// One ScalingPolicy per direction, `increment` instances at a time, for alarms or operators
// to signal.
void Emitter::ScalingPolicies(const std::string& server, const ir::Policy& policy) {
  const ir::Value* increment = ir::FindProperty(policy.properties, "increment");
  int64_t step = increment != nullptr && increment->kind == VK::kInt ? increment->i : 1;
  for (int sign : {1, -1}) {
    Json props = {{"adjustment_type", "change_in_capacity"},
                  {"auto_scaling_group_id", {{"get_resource", server + "_group"}}},
                  {"scaling_adjustment", sign * step}};
    for (const ir::Property& p : policy.properties) {
      if (p.name != "cooldown" && p.name != "cooldown_time") continue;
      if (auto seconds = ir::DurationSeconds(p.value)) {
        props["cooldown"] = static_cast<int64_t>(*seconds);
      }
    }
    resources_[fmt::format("{}_scale_{}", server, sign > 0 ? "out" : "in")] = {
        {"type", "OS::Heat::ScalingPolicy"}, {"properties", props}};
  }
}

}  // namespace toscac::heat
