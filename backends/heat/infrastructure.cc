// OpenStack resources: Cloudify OpenStack plugin nodes and TOSCA normative Compute, BlockStorage
// and network nodes, with the relationships between them (ports, floating IPs, security groups,
// volume attachments). TOSCA Compute flavors and images come from the table in docs/backends.md.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "backends/heat/internal.h"

namespace toscac::heat {
namespace {

using VK = ir::Value::Kind;

// A scalar-unit.size (`2 GB`, `512 MiB`) or a plain number of `unit_bytes` units, in those units.
auto Size(const ir::Value* v, double unit_bytes) -> std::optional<double> {
  if (v == nullptr) return std::nullopt;
  if (v->kind == VK::kInt) return static_cast<double>(v->i);
  if (v->kind != VK::kString) return std::nullopt;
  char* end = nullptr;
  double number = std::strtod(v->s.c_str(), &end);
  std::string unit(end);
  unit.erase(0, unit.find_first_not_of(' '));
  static const std::map<std::string, double> kUnits = {{"B", 1},     {"kB", 1e3},
                                                       {"KB", 1e3},  {"KiB", 1024},
                                                       {"MB", 1e6},  {"MiB", 1048576.0},
                                                       {"GB", 1e9},  {"GiB", 1073741824.0},
                                                       {"TB", 1e12}, {"TiB", 1099511627776.0}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) return std::nullopt;
  return number * it->second / unit_bytes;
}

struct Flavor {
  const char* name;
  int64_t vcpus;
  double ram_mb;
  double disk_gb;
};
// OpenStack's long-standing default flavors; the smallest that meets every given size wins.
constexpr Flavor kFlavors[] = {{"m1.tiny", 1, 512, 1},
                               {"m1.small", 1, 2048, 20},
                               {"m1.medium", 2, 4096, 40},
                               {"m1.large", 4, 8192, 80},
                               {"m1.xlarge", 8, 16384, 160}};

auto Lower(std::string s) -> std::string {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

auto Emitter::RefTo(ir::NodeId node) -> Json {
  if (roles_[node.value] == Role::kExternal) {
    for (const char* key : {"resource_id", "network_id", "network_name"}) {
      const ir::Value* id = Property(node, key);
      if (id == nullptr || id->kind == VK::kNull || (id->kind == VK::kString && id->s.empty())) {
        continue;
      }
      std::string what = fmt::format("property `{}` of `{}`", key, st_.node(node).name);
      if (auto h = Hot(*id, what, node)) return *h;
    }
  }
  return Json{{"get_resource", st_.node(node).name}};
}

void Emitter::Infrastructure(ir::NodeId node) {
  switch (roles_[node.value]) {
    case Role::kServer:
      if (Is(node, "tosca.nodes.Compute")) {
        ToscaCompute(node);
      } else {
        Server(node);
      }
      break;
    case Role::kFloatingIp:
      FloatingIp(node);
      break;
    case Role::kSecurityGroup:
      SecurityGroup(node);
      break;
    case Role::kKeyPair:
      Simple(node, "OS::Nova::KeyPair", "keypair");
      break;
    case Role::kNetwork:
      if (Is(node, "tosca.nodes.network.Network")) {
        ToscaNetwork(node);
      } else {
        Simple(node, "OS::Neutron::Net", "network");
      }
      break;
    case Role::kSubnet:
      Simple(node, "OS::Neutron::Subnet", "subnet");
      break;
    case Role::kPort:
      if (Is(node, "tosca.nodes.network.Port")) {
        ToscaPort(node);
      } else {
        Simple(node, "OS::Neutron::Port", "port");
      }
      break;
    case Role::kVolume:
      if (Is(node, "cloudify.openstack.nodes.Volume")) {
        Simple(node, "OS::Cinder::Volume", "volume");
      } else {
        ToscaVolume(node);
      }
      break;
    case Role::kExternal:
      break;  // exists already; referenced by resource_id
    case Role::kSoftware:
      break;
    case Role::kNone:
      if (ServerOf(node).valid()) {
        roles_[node.value] = Role::kSoftware;
      } else if (Is(node, "cloudify.nodes.DeploymentProxy")) {
        Skip(node, "it stands for another deployment; pass that stack's outputs as parameters");
      } else {
        Skip(node, "it is neither an OpenStack resource nor software on a server");
      }
      break;
  }
}

// A Cloudify OpenStack server, attached through a port of its own so that its security groups
// and floating IP have something to hold on to.
void Emitter::Server(ir::NodeId node) {
  const std::string& name = st_.node(node).name;
  Json props = Json::object();
  for (const char* key : {"image", "flavor"}) {
    const ir::Value* v = Property(node, key);
    if (v == nullptr || (v->kind == VK::kString && v->s.empty())) v = Field(node, "server", key);
    std::optional<Json> h;
    if (v != nullptr && !(v->kind == VK::kString && v->s.empty())) {
      h = Hot(*v, fmt::format("`{}` of `{}`", key, name), node);
    } else {
      h = AddParameter(
          fmt::format("{}_{}", name, key),
          {{"type", "string"},
           {"description", fmt::format("{} of server {}", key, name)},
           {"constraints",
            Json::array({{{"custom_constraint",
                           std::string(key) == "image" ? "glance.image" : "nova.flavor"}}})}});
    }
    if (h) props[key] = *h;
  }
  for (ir::RelationshipId rid : st_.node(node).relationships) {
    const ir::Relationship& rel = st_.relationships[rid.value];
    if (roles_[rel.target.value] == Role::kKeyPair) props["key_name"] = RefTo(rel.target);
  }
  props["networks"] = Json::array({{{"port", {{"get_resource", ServerPort(node)}}}}});
  resources_[name] = {{"type", "OS::Nova::Server"}, {"properties", props}};
}

// The port a Cloudify server attaches by: one it is connected to, else one created on the
// network it is connected to, else on the `network` parameter (Cloudify's management network).
auto Emitter::ServerPort(ir::NodeId server) -> std::string {
  if (auto it = ports_.find(server.value); it != ports_.end()) return it->second;
  Json network;
  Json groups = Json::array();
  for (ir::RelationshipId rid : st_.node(server).relationships) {
    const ir::Relationship& rel = st_.relationships[rid.value];
    Role role = roles_[rel.target.value];
    if (role == Role::kPort) return ports_[server.value] = st_.node(rel.target).name;
    if (role == Role::kNetwork) network = RefTo(rel.target);
    if (role == Role::kSecurityGroup) groups.push_back(RefTo(rel.target));
  }
  if (network.is_null()) {
    Json definition = {{"type", "string"},
                       {"description",
                        "the network servers attach to (Cloudify's management "
                        "network)"},
                       {"constraints", Json::array({{{"custom_constraint", "neutron.network"}}})}};
    const ir::Value* management = Property(server, "management_network_name");
    if (management != nullptr && management->kind == VK::kString && !management->s.empty()) {
      definition["default"] = management->s;
    }
    network = AddParameter("network", definition);
  }
  std::string port = st_.node(server).name + "_port";
  Json props = {{"network", network}};
  if (!groups.empty()) props["security_groups"] = groups;
  resources_[port] = {{"type", "OS::Neutron::Port"}, {"properties", props}};
  return ports_[server.value] = port;
}

auto Emitter::InputValue(const ir::Value* v) const -> const ir::Value* {
  if (v == nullptr || v->kind != VK::kFunction || v->s != "get_input" || v->items.size() != 1) {
    return v;
  }
  for (const ir::Input& in : st_.inputs) {
    if (in.name != v->items[0].s) continue;
    return in.has_value ? &in.value : in.has_default ? &in.default_value : nullptr;
  }
  return nullptr;
}

void Emitter::ToscaCompute(ir::NodeId node) {
  const ir::NodeTemplate& n = st_.node(node);
  // A capability property's value for the table; an input's value or default stands in for
  // get_input (the parameters below keep the choice open).
  auto cap = [&](std::string_view capability, std::string_view property) -> const ir::Value* {
    for (const ir::CapabilityValues& c : n.capabilities) {
      if (c.name != capability) continue;
      for (const ir::Property& p : c.properties) {
        if (p.name == property && !p.from_default) return InputValue(&p.value);
      }
    }
    return nullptr;
  };
  const ir::Value* cpus = cap("host", "num_cpus");
  std::optional<double> mem = Size(cap("host", "mem_size"), 1048576.0);
  std::optional<double> disk = Size(cap("host", "disk_size"), 1e9);
  std::string flavor;
  for (const Flavor& f : kFlavors) {
    bool fits = (cpus == nullptr || cpus->kind != VK::kInt || cpus->i <= f.vcpus) &&
                (!mem || *mem <= f.ram_mb) && (!disk || *disk <= f.disk_gb);
    if (fits) {
      flavor = f.name;
      break;
    }
  }
  Json flavor_param = {{"type", "string"},
                       {"description", fmt::format("flavor of server {}", n.name)},
                       {"constraints", Json::array({{{"custom_constraint", "nova.flavor"}}})}};
  if (!flavor.empty()) flavor_param["default"] = flavor;
  const ir::Value* distribution = cap("os", "distribution");
  const ir::Value* version = cap("os", "version");
  const ir::Value* arch = cap("os", "architecture");
  Json image_param = {{"type", "string"},
                      {"description", fmt::format("image of server {}", n.name)},
                      {"constraints", Json::array({{{"custom_constraint", "glance.image"}}})}};
  if (distribution != nullptr && distribution->kind == VK::kString) {
    std::string image = Lower(distribution->s);
    if (version != nullptr && version->kind == VK::kString) image += "-" + version->s;
    if (version != nullptr && (version->kind == VK::kInt || version->kind == VK::kFloat)) {
      image += "-" + ir::ValueToString(*version);
    }
    if (arch != nullptr && arch->kind == VK::kString && Lower(arch->s) != "x86_64") {
      image += "-" + Lower(arch->s);
    }
    image_param["default"] = image;
  }
  Json props = {{"flavor", AddParameter(n.name + "_flavor", flavor_param)},
                {"image", AddParameter(n.name + "_image", image_param)}};
  resources_[n.name] = {{"type", "OS::Nova::Server"}, {"properties", props}};
}

void Emitter::FloatingIp(ir::NodeId node) {
  const ir::Value* network = Field(node, "floatingip", "floating_network_name");
  Json net;
  if (network != nullptr && network->kind == VK::kString && !network->s.empty()) {
    net = network->s;
  } else {
    net =
        AddParameter("public_network",
                     {{"type", "string"},
                      {"description", "the external network floating IPs come from"},
                      {"default", "public"},
                      {"constraints", Json::array({{{"custom_constraint", "neutron.network"}}})}});
  }
  resources_[st_.node(node).name] = {{"type", "OS::Neutron::FloatingIP"},
                                     {"properties", {{"floating_network", net}}}};
}

// Cloudify rules (`port` or a range, `remote_ip_prefix` or a remote group, protocol default tcp)
// as Heat's ingress rules.
void Emitter::SecurityGroup(ir::NodeId node) {
  const std::string& name = st_.node(node).name;
  Json props = Json::object();
  const ir::Value* group_name = Field(node, "security_group", "name");
  if (group_name != nullptr && group_name->kind == VK::kString) props["name"] = group_name->s;
  const ir::Value* description = Field(node, "security_group", "description");
  if (description == nullptr) description = Property(node, "description");
  if (description != nullptr && description->kind == VK::kString && !description->s.empty()) {
    props["description"] = description->s;
  }
  Json rules = Json::array();
  const ir::Value* written = Property(node, "rules");
  for (const ir::Value& rule : written != nullptr ? written->items : std::vector<ir::Value>{}) {
    Json r = {{"direction", "ingress"}, {"protocol", "tcp"}};
    bool ok = true;
    for (const auto& [key, value] : rule.entries) {
      auto h = Hot(value, fmt::format("rule `{}` of `{}`", key, name), node);
      if (!h) {
        ok = false;
        continue;
      }
      if (key == "port") {
        r["port_range_min"] = *h;
        r["port_range_max"] = *h;
      } else if (key == "remote_ip_prefix" || key == "port_range_min" || key == "port_range_max" ||
                 key == "protocol" || key == "direction" || key == "ethertype" ||
                 key == "remote_group_id") {
        r[key] = *h;
      } else if (key == "remote_group_node" && h->is_string()) {
        ir::NodeId group = st_.FindNode(h->get<std::string>());
        if (group == node) {
          r["remote_mode"] = "remote_group_id";  // the group itself: a reference would be a cycle
        } else if (group.valid()) {
          r["remote_group_id"] = RefTo(group);
        }
      } else {
        sink_.Report(diag::Kind::kEmitUnresolved, value.loc, "",
                     fmt::format("rule key `{}` of `{}`", key, name),
                     "Heat security group rules have no such field",
                     "use port, port_range_min/max, protocol, remote_ip_prefix or a remote group");
        ok = false;
      }
    }
    if (ok) rules.push_back(r);
  }
  props["rules"] = rules;
  resources_[name] = {{"type", "OS::Neutron::SecurityGroup"}, {"properties", props}};
}

// A Cloudify node whose map property (`network: {...}`) holds the resource's own properties,
// plus what its relationships add (a subnet's or port's network, a port's subnet and groups).
void Emitter::Simple(ir::NodeId node, const char* type, std::string_view property) {
  const std::string& name = st_.node(node).name;
  Json props = Json::object();
  // The plugin passed these maps to the OpenStack APIs; the fields Heat's resource shares
  // carry over, the ones toscac reads elsewhere are skipped, and any other is reported.
  static const std::map<std::string_view, std::set<std::string_view>> kFields = {
      {"OS::Neutron::Net",
       {"name", "admin_state_up", "shared", "port_security_enabled", "dns_domain", "qos_policy",
        "value_specs"}},
      {"OS::Neutron::Subnet",
       {"name", "cidr", "ip_version", "gateway_ip", "enable_dhcp", "dns_nameservers",
        "allocation_pools", "host_routes", "ipv6_address_mode", "ipv6_ra_mode", "value_specs"}},
      {"OS::Neutron::Port",
       {"name", "admin_state_up", "mac_address", "fixed_ips", "allowed_address_pairs",
        "port_security_enabled", "binding:vnic_type", "value_specs"}},
      {"OS::Cinder::Volume",
       {"name", "size", "description", "volume_type", "availability_zone", "snapshot_id",
        "metadata", "image"}},
      {"OS::Nova::KeyPair", {"name", "public_key"}}};
  static const std::set<std::string_view> kReadElsewhere = {"device_name"};
  const ir::Value* map = Property(node, property);
  if (map != nullptr && map->kind == VK::kMap) {
    const std::set<std::string_view>& fields = kFields.at(type);
    for (const auto& [key, value] : map->entries) {
      if (kReadElsewhere.count(key) != 0) continue;
      if (fields.count(key) == 0) {
        sink_.Report(diag::Kind::kEmitUnresolved, value.loc, "",
                     fmt::format("`{}.{}` of `{}`", property, key, name),
                     fmt::format("{} has no such property", type),
                     fmt::format("use one of: {}", fmt::join(fields, ", ")));
        continue;
      }
      if (auto h = Hot(value, fmt::format("`{}.{}` of `{}`", property, key, name), node)) {
        props[key] = *h;
      }
    }
  }
  Json groups = Json::array();
  for (ir::RelationshipId rid : st_.node(node).relationships) {
    const ir::Relationship& rel = st_.relationships[rid.value];
    Role role = roles_[rel.target.value];
    if (role == Role::kNetwork && (std::string_view(type) == "OS::Neutron::Subnet" ||
                                   std::string_view(type) == "OS::Neutron::Port")) {
      props["network"] = RefTo(rel.target);
    }
    if (role == Role::kSubnet && std::string_view(type) == "OS::Neutron::Port") {
      props["fixed_ips"] = Json::array({{{"subnet", RefTo(rel.target)}}});
    }
    if (role == Role::kSecurityGroup) groups.push_back(RefTo(rel.target));
  }
  if (!groups.empty()) props["security_groups"] = groups;
  if (std::string_view(type) == "OS::Cinder::Volume" && !props.contains("size")) props["size"] = 1;
  if (std::string_view(type) == "OS::Nova::KeyPair") {
    if (!props.contains("name")) props["name"] = name;
    // Nova stopped generating keys (compute API 2.92): the public half must be given.
    props.erase("private_key_path");
    if (!props.contains("public_key")) {
      props["public_key"] = AddParameter(
          name + "_public_key",
          {{"type", "string"},
           {"description",
            fmt::format("public key of key pair {} (Nova no longer makes keys)", name)}});
    }
  }
  if (std::string_view(type) == "OS::Neutron::Subnet" && !props.contains("ip_version")) {
    props["ip_version"] = 4;
  }
  resources_[name] = {{"type", type}, {"properties", props}};
}

// A TOSCA network to create: OS::Neutron::Net, and OS::Neutron::Subnet `<node>_subnet` for its
// cidr, gateway, DHCP and start_ip..end_ip pool.
void Emitter::ToscaNetwork(ir::NodeId node) {
  const std::string& name = st_.node(node).name;
  auto text = [&](std::string_view key) -> std::optional<Json> {
    const ir::Value* v = Property(node, key);
    if (v == nullptr || v->kind == VK::kNull || (v->kind == VK::kString && v->s.empty())) {
      return std::nullopt;
    }
    return Hot(*v, fmt::format("property `{}` of `{}`", key, name), node);
  };
  Json net = Json::object();
  if (auto n = text("network_name")) net["name"] = *n;
  resources_[name] = {{"type", "OS::Neutron::Net"}, {"properties", net}};
  Json subnet = {{"network", {{"get_resource", name}}}};
  if (auto c = text("cidr")) subnet["cidr"] = *c;
  auto version = text("ip_version");
  subnet["ip_version"] = version ? *version : Json(4);
  if (auto g = text("gateway_ip")) subnet["gateway_ip"] = *g;
  if (auto d = text("dhcp_enabled")) subnet["enable_dhcp"] = *d;
  auto start = text("start_ip"), end = text("end_ip");
  if (start && end) subnet["allocation_pools"] = Json::array({{{"start", *start}, {"end", *end}}});
  resources_[name + "_subnet"] = {{"type", "OS::Neutron::Subnet"}, {"properties", subnet}};
}

// A TOSCA port: its network from LinksTo (its `link` requirement), its fixed address if given.
// The server it binds to (BindsTo) lists it among its networks, in `order`.
void Emitter::ToscaPort(ir::NodeId node) {
  Json props = Json::object();
  for (ir::RelationshipId rid : st_.node(node).relationships) {
    const ir::Relationship& rel = st_.relationships[rid.value];
    Role to = roles_[rel.target.value];
    if (to == Role::kNetwork || to == Role::kExternal) {
      props["network"] = RefTo(rel.target);
      if (to == Role::kNetwork) {
        props["fixed_ips"] =
            Json::array({{{"subnet", {{"get_resource", st_.node(rel.target).name + "_subnet"}}}}});
      }
    }
    if (to == Role::kServer) bound_ports_[rel.target.value].push_back(node);
  }
  const ir::Value* ip = Property(node, "ip_address");
  if (ip != nullptr && ip->kind == VK::kString && !ip->s.empty()) {
    Json fixed = props.contains("fixed_ips") ? props["fixed_ips"][0] : Json::object();
    fixed["ip_address"] = ip->s;
    props["fixed_ips"] = Json::array({fixed});
  }
  resources_[st_.node(node).name] = {{"type", "OS::Neutron::Port"}, {"properties", props}};
}

// Ports bound to TOSCA servers, by their `order`, once every port is known.
void Emitter::BindPorts() {
  for (auto& [server, ports] : bound_ports_) {
    auto order = [&](ir::NodeId port) {
      const ir::Value* v = Property(port, "order");
      return v != nullptr && v->kind == VK::kInt ? v->i : 0;
    };
    std::stable_sort(ports.begin(), ports.end(),
                     [&](ir::NodeId a, ir::NodeId b) { return order(a) < order(b); });
    Json networks = Json::array();
    for (ir::NodeId port : ports) {
      networks.push_back({{"port", {{"get_resource", st_.node(port).name}}}});
    }
    resources_[st_.node(ir::NodeId{server}).name]["properties"]["networks"] = networks;
  }
}

void Emitter::ToscaVolume(ir::NodeId node) {
  std::optional<double> gb = Size(Property(node, "size"), 1e9);
  int64_t size = gb ? std::max<int64_t>(1, static_cast<int64_t>(std::ceil(*gb))) : 1;
  Json props = {{"size", size}};
  const ir::Value* name = Property(node, "name");
  if (name != nullptr && name->kind == VK::kString && !name->s.empty()) props["name"] = name->s;
  resources_[st_.node(node).name] = {{"type", "OS::Cinder::Volume"}, {"properties", props}};
}

// What relationships add once every resource exists: floating IP associations and volume
// attachments (Cloudify's server_connected_to_floating_ip and volume_attached_to_server, TOSCA's
// AttachesTo).
void Emitter::Links(ir::NodeId node) {
  for (ir::RelationshipId rid : st_.node(node).relationships) {
    const ir::Relationship& rel = st_.relationships[rid.value];
    Role from = roles_[rel.source.value], to = roles_[rel.target.value];
    if (from == Role::kServer && to == Role::kFloatingIp && ports_.count(node.value) != 0) {
      floating_ips_[node.value] = rel.target.value;
      resources_[st_.node(rel.target).name + "_association"] = {
          {"type", "OS::Neutron::FloatingIPAssociation"},
          {"properties",
           {{"floatingip_id", RefTo(rel.target)},
            {"port_id", {{"get_resource", ports_[node.value]}}}}}};
    }
    bool attach = (from == Role::kVolume && to == Role::kServer) ||
                  (from == Role::kServer && to == Role::kVolume);
    if (attach) {
      ir::NodeId volume = from == Role::kVolume ? rel.source : rel.target;
      ir::NodeId server = from == Role::kServer ? rel.source : rel.target;
      Json props = {{"instance_uuid", RefTo(server)}, {"volume_id", RefTo(volume)}};
      for (const ir::Property& p : rel.properties) {  // TOSCA AttachesTo's device (/dev/vdb)
        if (p.name == "device" && p.value.kind == VK::kString) props["mountpoint"] = p.value.s;
      }
      const ir::Value* device = Field(volume, "volume", "device_name");  // Cloudify's
      if (device != nullptr && device->kind == VK::kString && !device->s.empty()) {
        props["mountpoint"] = device->s;
      }
      // One attachment per volume and server (a volume may be attached to several).
      resources_[fmt::format("{}_{}_attachment", st_.node(volume).name, st_.node(server).name)] = {
          {"type", "OS::Cinder::VolumeAttachment"}, {"properties", props}};
    }
  }
}

}  // namespace toscac::heat
