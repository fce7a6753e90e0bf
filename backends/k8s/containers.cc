// TOSCA container applications (tosca.nodes.Container.Application hosted on a
// tosca.nodes.Container.Runtime, with a Docker image artifact) as a Deployment and, when they
// expose endpoints, a Service. The mapping is in docs/backends.md.
#include <fmt/format.h>

#include <cctype>

#include "backends/k8s/internal.h"

namespace toscac::k8s {
namespace {

using Json = nlohmann::ordered_json;
using VK = ir::Value::Kind;

// A DNS-1123 label: what Deployment, Service and container names must be.
auto DnsLabel(std::string_view text) -> std::string {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-';
  }
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  size_t first = out.find_first_not_of('-');
  return first == std::string::npos ? "app" : out.substr(first);
}

auto Find(const std::vector<ir::Property>& props, std::string_view name) -> const ir::Value* {
  for (const ir::Property& p : props) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

// An IANA service name, as container and Service ports are named: at most 15 characters,
// lower-case letters, digits and single dashes.
auto PortName(std::string_view text) -> std::string {
  std::string label = DnsLabel(text), out;
  for (char c : label) {
    if (c != '-' || (!out.empty() && out.back() != '-')) out += c;
  }
  if (out.size() > 15) out.resize(15);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace

auto IsContainerApplication(const ir::ServiceTemplate& st, ir::NodeId node) -> bool {
  ir::TypeId app = st.FindType(ir::TypeKind::kNode, "tosca.nodes.Container.Application");
  return app.valid() && st.DerivesFrom(st.node(node).type, app);
}

auto ContainerObjects(const ir::ServiceTemplate& st, ir::NodeId id, ValueWriter& values,
                      diag::Sink& sink) -> std::vector<Json> {
  const ir::NodeTemplate& node = st.node(id);
  auto skip = [&](std::string why) {
    sink.Report(diag::Kind::kEmitNotExpressible, node.loc, "", node.name, st.type(node.type).name,
                "Kubernetes", std::move(why));
    return std::vector<Json>{};
  };
  ir::TypeId runtime = st.FindType(ir::TypeKind::kNode, "tosca.nodes.Container.Runtime");
  ir::NodeId host = st.HostOf(id);
  if (!host.valid() || !runtime.valid() || !st.DerivesFrom(st.node(host).type, runtime)) {
    return skip("it is not hosted on a tosca.nodes.Container.Runtime");
  }
  ir::TypeId docker =
      st.FindType(ir::TypeKind::kArtifact, "tosca.artifacts.Deployment.Image.Container.Docker");
  const ir::Artifact* image = nullptr;
  for (const ir::Artifact& a : node.artifacts) {
    if (image == nullptr && docker.valid() && st.DerivesFrom(a.type, docker)) image = &a;
  }
  if (image == nullptr) return skip("it has no tosca.artifacts.Deployment.Image.Container.Docker");

  std::string name = DnsLabel(node.name);
  Json container = {{"name", name}, {"image", image->file}};
  // The lifecycle operations' inputs are what the application is started with: its environment.
  Json env = Json::array();
  bool complete = true;
  for (const ir::Interface& interface : node.interfaces) {
    for (const ir::Operation& op : interface.operations) {
      if (op.name != "create" && op.name != "configure") continue;
      for (const auto& [input, value] : op.inputs) {
        auto json = values.ToJson(value, fmt::format("input `{}` of {}", input, op.name));
        if (!json) {
          complete = false;
          continue;
        }
        env.push_back({{"name", input},
                       {"value", json->is_string() ? json->get<std::string>() : json->dump()}});
      }
    }
  }
  if (!complete) return {};
  if (!env.empty()) container["env"] = env;

  // Endpoint capabilities with a port: container ports, and a Service in front of them.
  ir::TypeId endpoint = st.FindType(ir::TypeKind::kCapability, "tosca.capabilities.Endpoint");
  Json container_ports = Json::array(), service_ports = Json::array();
  bool is_public = false;
  for (const ir::CapabilityValues& cap : node.capabilities) {
    if (!endpoint.valid() || !st.DerivesFrom(cap.type, endpoint)) continue;
    const ir::Value* port = Find(cap.properties, "port");
    if (port == nullptr || port->kind != VK::kInt) continue;
    const ir::Value* protocol = Find(cap.properties, "protocol");
    std::string proto = protocol != nullptr && protocol->s == "udp" ? "UDP" : "TCP";
    const ir::Value* network = Find(cap.properties, "network_name");
    is_public |= network != nullptr && network->kind == VK::kString && network->s == "PUBLIC";
    std::string port_name = PortName(cap.name);
    container_ports.push_back(
        {{"name", port_name}, {"containerPort", port->i}, {"protocol", proto}});
    service_ports.push_back(
        {{"name", port_name}, {"port", port->i}, {"targetPort", port_name}, {"protocol", proto}});
  }
  if (!container_ports.empty()) container["ports"] = container_ports;

  Json labels = {{"app", name}};
  std::vector<Json> out;
  out.push_back({{"apiVersion", "apps/v1"},
                 {"kind", "Deployment"},
                 {"metadata", {{"name", name}}},
                 {"spec",
                  {{"replicas", st.InitialInstances(id)},
                   {"selector", {{"matchLabels", labels}}},
                   {"template",
                    {{"metadata", {{"labels", labels}}},
                     {"spec", {{"containers", Json::array({container})}}}}}}}});
  if (!service_ports.empty()) {
    out.push_back({{"apiVersion", "v1"},
                   {"kind", "Service"},
                   {"metadata", {{"name", name}}},
                   {"spec",
                    {{"type", is_public ? "NodePort" : "ClusterIP"},
                     {"selector", labels},
                     {"ports", service_ports}}}});
  }
  return out;
}

}  // namespace toscac::k8s
