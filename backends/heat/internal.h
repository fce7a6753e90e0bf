// The Heat emitter, shared by the backend's files; not part of its interface.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "backends/heat/heat.h"

namespace toscac::heat {

using Json = nlohmann::ordered_json;

/// What a node became in the template.
enum class Role {
  kNone,           // nothing (a warning said why)
  kServer,         // OS::Nova::Server (Cloudify Server, TOSCA Compute)
  kFloatingIp,     // OS::Neutron::FloatingIP
  kSecurityGroup,  // OS::Neutron::SecurityGroup
  kKeyPair,        // OS::Nova::KeyPair
  kNetwork,        // OS::Neutron::Net
  kSubnet,         // OS::Neutron::Subnet
  kPort,           // OS::Neutron::Port
  kVolume,         // OS::Cinder::Volume
  kSoftware,       // SoftwareConfig + SoftwareDeployment per scripted operation
  kExternal,       // use_external_resource: referenced by its resource_id, not created
};

/// The resource names a HOT value refers to (get_resource, get_attr, depends_on).
auto References(const Json& value) -> std::set<std::string>;

class Emitter {
 public:
  Emitter(const ir::ServiceTemplate& st, const diag::SourceManager& sources, diag::Sink& sink)
      : st_(st), sources_(sources), sink_(sink) {}
  auto Run() -> Stack;

 private:
  // heat.cc
  void Parameters();
  void CheckCount(ir::NodeId node);
  void Outputs();
  auto Is(ir::NodeId node, std::string_view type) const -> bool;
  auto Classify(ir::NodeId node) -> Role;
  void Skip(ir::NodeId node, const std::string& why);
  auto Property(ir::NodeId node, std::string_view name) const -> const ir::Value*;
  auto Field(ir::NodeId node, std::string_view property, std::string_view key) const
      -> const ir::Value*;
  auto AddParameter(const std::string& name, Json definition) -> Json;

  // values.cc: ir::Value into HOT, functions into intrinsics (nullopt after reporting T1001).
  auto Hot(const ir::Value& value, const std::string& what, ir::NodeId self = {})
      -> std::optional<Json>;
  auto Attribute(const ir::Value& call, const std::string& what, ir::NodeId self)
      -> std::optional<Json>;
  auto PropertyValue(const ir::Value& call, const std::string& what, ir::NodeId self)
      -> std::optional<Json>;
  auto IsNonStringParameter(const Json& value) const -> bool;
  auto Unresolved(const ir::Value& at, const std::string& what, const std::string& why)
      -> std::optional<Json>;

  // infrastructure.cc
  void Infrastructure(ir::NodeId node);
  void Server(ir::NodeId node);
  void ToscaCompute(ir::NodeId node);
  void FloatingIp(ir::NodeId node);
  void SecurityGroup(ir::NodeId node);
  void Simple(ir::NodeId node, const char* type, std::string_view property);
  void ToscaVolume(ir::NodeId node);
  void ToscaNetwork(ir::NodeId node);
  void ToscaPort(ir::NodeId node);
  void BindPorts();
  void Links(ir::NodeId node);
  auto ServerPort(ir::NodeId server) -> std::string;
  auto RefTo(ir::NodeId node) -> Json;
  auto InputValue(const ir::Value* value) const -> const ir::Value*;

  // scaling.cc
  auto Scaled(ir::NodeId server) const -> bool;
  auto ScalingPolicy(const ir::ScalingGroup& group) const -> const ir::Policy*;
  void ScaleUnit(ir::NodeId server);
  void ScalingPolicies(const std::string& server, const ir::Policy& policy);

  // alarms.cc
  void Alarms(ir::NodeId server, const std::string& group_name);
  auto AlarmAction(const std::string& server, const std::string& policy, const std::string& amount,
                   double cooldown) -> std::string;

  // software.cc
  void Software(ir::NodeId node);
  auto ScriptFile(ir::NodeId node, const ir::Operation& op) -> std::string;
  auto ServerOf(ir::NodeId node) const -> ir::NodeId;

  const ir::ServiceTemplate& st_;
  const diag::SourceManager& sources_;
  diag::Sink& sink_;
  Json hot_;
  Json parameters_ = Json::object();
  Json resources_ = Json::object();
  std::vector<Role> roles_;
  std::map<uint32_t, std::string> ports_;      // server node -> the port resource it attaches by
  std::map<uint32_t, uint32_t> floating_ips_;  // server node -> its floating IP node
  std::map<uint32_t, std::vector<ir::NodeId>> bound_ports_;  // TOSCA server -> its ports
  std::map<uint32_t, std::string> last_step_;  // software node -> its last deployment resource
  std::vector<File> files_;
  std::set<std::string> file_names_;
  int property_depth_ = 0;
  std::map<std::string, uint32_t> unit_of_;  // software resource -> the server it runs on
  std::set<std::string> scaled_;             // resources moved into a scaled unit
  std::vector<Nested> nested_;  // get_property chains being followed (the front end bars cycles)
};

}  // namespace toscac::heat
