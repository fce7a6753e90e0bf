// Software on a server: each lifecycle operation that runs a script becomes an
// OS::Heat::SoftwareConfig (the script, through get_file) and an OS::Heat::SoftwareDeployment on
// the server, chained in the planner's order: create, configure, start of one node in turn, after
// the software it is hosted on and the software its relationships target.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

#include "backends/heat/internal.h"

namespace toscac::heat {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPhases[] = {"create", "configure", "start"};

// A script, not a plugin task (`openstack.nova_plugin.server.create`): a path or a file name.
auto IsScript(const std::string& implementation) -> bool {
  if (implementation.find('/') != std::string::npos) return true;
  for (std::string_view ext : {".sh", ".bash", ".py", ".ps1", ".pl", ".rb"}) {
    if (implementation.size() > ext.size() &&
        implementation.compare(implementation.size() - ext.size(), ext.size(), ext) == 0) {
      return true;
    }
  }
  return false;
}

auto Lifecycle(const ir::Interface& interface) -> bool {
  return interface.name == "cloudify.interfaces.lifecycle" || interface.name == "Standard" ||
         interface.name == "tosca.interfaces.node.lifecycle.Standard";
}

}  // namespace

auto Emitter::ServerOf(ir::NodeId node) const -> ir::NodeId {
  ir::NodeId cur = st_.HostOf(node);
  for (size_t guard = 0; cur.valid() && guard <= st_.nodes.size(); ++guard) {
    if (roles_[cur.value] == Role::kServer) return cur;
    cur = st_.HostOf(cur);
  }
  return {};
}

// Where get_file finds the script next to stack.yaml, recording the file to copy there. Scripts
// resolve against the blueprint's folder, then against the file that declared the operation.
auto Emitter::ScriptFile(ir::NodeId node, const ir::Operation& op) -> std::string {
  const std::string& implementation = op.implementation;
  fs::path written(implementation);
  bool inside = written.is_relative() && written.lexically_normal().string().rfind("..", 0) != 0;
  std::string name = inside ? written.lexically_normal().generic_string()
                            : "files/" + written.filename().generic_string();
  if (!file_names_.insert(name).second) return name;
  std::vector<fs::path> candidates;
  if (!st_.files.empty()) candidates.push_back(fs::path(st_.files[0]).parent_path() / written);
  candidates.push_back(fs::path(sources_.Name(st_.node(node).loc.file)).parent_path() / written);
  for (const fs::path& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) {
      files_.push_back(File{name, c.string()});
      return name;
    }
  }
  diag::Loc where = op.loc.line != 0 ? op.loc : st_.node(node).loc;
  sink_.Report(diag::Kind::kEmitFileMissing, where, "", implementation,
               candidates.front().string());
  files_.push_back(File{name, ""});
  return name;
}

void Emitter::Software(ir::NodeId node) {
  const ir::NodeTemplate& n = st_.node(node);
  ir::NodeId server = ServerOf(node);
  // Runs after the software it is hosted on and the nodes its relationships target.
  Json after = Json::array();
  auto add_after = [&](ir::NodeId dep) {
    auto last = last_step_.find(dep.value);
    if (last != last_step_.end()) after.push_back(last->second);
  };
  for (ir::NodeId host = st_.HostOf(node); host.valid() && host != server;
       host = st_.HostOf(host)) {
    add_after(host);
  }
  for (ir::RelationshipId rid : n.relationships) {
    const ir::Relationship& rel = st_.relationships[rid.value];
    if (!rel.hosted_on) add_after(rel.target);
  }
  std::vector<std::string> plugin_tasks;
  std::string previous;
  for (std::string_view phase : kPhases) {
    for (const ir::Interface& interface : n.interfaces) {
      if (!Lifecycle(interface)) continue;
      for (const ir::Operation& op : interface.operations) {
        if (op.name != phase || op.implementation.empty()) continue;
        if (!IsScript(op.implementation)) {
          plugin_tasks.push_back(op.implementation);
          continue;
        }
        std::string config = fmt::format("{}_{}_config", n.name, op.name);
        std::string deployment = fmt::format("{}_{}", n.name, op.name);
        Json inputs = Json::array(), values = Json::object();
        for (const auto& [key, value] : op.inputs) {
          auto h = Hot(value, fmt::format("input `{}` of {}.{}", key, n.name, op.name), node);
          if (!h) continue;
          inputs.push_back({{"name", key}});
          values[key] = *h;
        }
        Json config_props = {{"group", "script"}, {"config", {{"get_file", ScriptFile(node, op)}}}};
        if (!inputs.empty()) config_props["inputs"] = inputs;
        resources_[config] = {{"type", "OS::Heat::SoftwareConfig"}, {"properties", config_props}};
        Json props = {{"config", {{"get_resource", config}}},
                      {"server", {{"get_resource", st_.node(server).name}}}};
        if (!values.empty()) props["input_values"] = values;
        Json resource = {{"type", "OS::Heat::SoftwareDeployment"}, {"properties", props}};
        Json depends = previous.empty() ? after : Json::array({previous});
        if (!depends.empty()) resource["depends_on"] = depends;
        resources_[deployment] = resource;
        unit_of_[config] = server.value;
        unit_of_[deployment] = server.value;
        previous = deployment;
      }
    }
  }
  if (!previous.empty()) {
    last_step_[node.value] = previous;
    // Heat deploys software only onto servers that boot its agent configuration.
    resources_[st_.node(server).name]["properties"]["user_data_format"] = "SOFTWARE_CONFIG";
  }
  if (!plugin_tasks.empty()) {
    Skip(node, fmt::format("its operations run Cloudify plugin tasks ({}), which Heat cannot run; "
                           "only scripts become software deployments",
                           fmt::join(plugin_tasks, ", ")));
  }
}

}  // namespace toscac::heat
