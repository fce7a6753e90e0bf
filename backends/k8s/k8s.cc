// Objects from node templates: descriptors with their overrides, embedded configs, generated
// Deployments and Services; then labels, namespace, file names and the autoscalers (hpa.cc).
#include "backends/k8s/k8s.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "backends/common/yaml_out.h"
#include "backends/k8s/internal.h"

namespace toscac::k8s {
namespace {

using Json = nlohmann::ordered_json;
using VK = ir::Value::Kind;

constexpr std::string_view kMicroservice = "cloudify.kubernetes.Microservice";

// Kinds that live outside namespaces: they get no metadata.namespace.
auto IsClusterScoped(std::string_view kind) -> bool {
  static constexpr std::string_view kKinds[] = {"Namespace",
                                                "Node",
                                                "PersistentVolume",
                                                "ClusterRole",
                                                "ClusterRoleBinding",
                                                "StorageClass",
                                                "CustomResourceDefinition",
                                                "PriorityClass",
                                                "APIService",
                                                "IngressClass",
                                                "RuntimeClass",
                                                "MutatingWebhookConfiguration",
                                                "ValidatingWebhookConfiguration",
                                                "VolumeAttachment",
                                                "CSIDriver",
                                                "CSINode"};
  return std::find(std::begin(kKinds), std::end(kKinds), kind) != std::end(kKinds);
}

auto Lower(std::string s) -> std::string {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class Emitter {
 public:
  Emitter(const ir::ServiceTemplate& st, const Options& options, diag::Sink& sink)
      : st_(st), options_(options), sink_(sink), values_(st, sink) {}

  auto Run() -> Manifests {
    incomplete_.assign(st_.nodes.size(), false);
    ir::TypeId microservice = st_.FindType(ir::TypeKind::kNode, kMicroservice);
    for (uint32_t i = 0; i < st_.nodes.size(); ++i) {
      ir::NodeId id{i};
      const ir::NodeTemplate& node = st_.node(id);
      if (microservice.valid() && st_.DerivesFrom(node.type, microservice)) {
        size_t errors = sink_.error_count();
        Microservice(id);
        incomplete_[i] = sink_.error_count() > errors;
      } else if (IsContainerApplication(st_, id)) {
        size_t errors = sink_.error_count();
        for (Json& body : ContainerObjects(st_, id, values_, sink_)) AddFrom(id, body, node.loc);
        incomplete_[i] = sink_.error_count() > errors;
      } else {
        sink_.Report(diag::Kind::kEmitNotExpressible, node.loc, "", node.name,
                     st_.type(node.type).name, "Kubernetes", WhyNot(node));
      }
    }
    for (Located& hpa : Autoscalers(st_, objects_, incomplete_, sink_)) {
      objects_.push_back(std::move(hpa));
    }
    Finish();
    Manifests out;
    for (Located& located : objects_) out.objects.push_back(std::move(located.object));
    return out;
  }

 private:
  auto WhyNot(const ir::NodeTemplate& node) const -> std::string {
    ir::TypeId proxy = st_.FindType(ir::TypeKind::kNode, "cloudify.nodes.DeploymentProxy");
    if (proxy.valid() && st_.DerivesFrom(node.type, proxy)) {
      return "it stands for another deployment, whose outputs reach the manifests through "
             "--deployment-outputs";
    }
    ir::TypeId runtime = st_.FindType(ir::TypeKind::kNode, "tosca.nodes.Container.Runtime");
    if (runtime.valid() && st_.DerivesFrom(node.type, runtime)) {
      return "it is the container runtime its applications are placed on, the cluster that "
             "`kubectl apply` targets";
    }
    return "only Cloudify Kubernetes microservices and TOSCA container applications become "
           "Kubernetes objects";
  }

  void Microservice(ir::NodeId id) {
    const ir::NodeTemplate& node = st_.node(id);
    if (!node.config_files.empty()) {
      for (const ir::ConfigFile& file : node.config_files) Descriptor(id, file);
      return;
    }
    if (const ir::Property* config = FindProperty(node, "config");
        config != nullptr && config->value.kind == VK::kMap && !config->value.entries.empty()) {
      if (auto body = values_.ToJson(config->value, "property `config`")) {
        AddFrom(id, std::move(*body), config->value.loc);
      }
      return;
    }
    Generated(id);
  }

  // A descriptor's documents, its overrides applied to the (single) document they patch.
  void Descriptor(ir::NodeId id, const ir::ConfigFile& file) {
    if (file.documents.empty()) {
      sink_.Report(diag::Kind::kEmitUnresolved, file.loc, "",
                   fmt::format("the descriptor of `config_files` entry `{}`", file.file),
                   "the file was not read", "give `file` as a path next to the blueprint");
      return;
    }
    for (size_t d = 0; d < file.documents.size(); ++d) {
      auto body = values_.ToJson(file.documents[d], fmt::format("{}", file.file));
      if (!body) continue;
      bool ok = true;
      if (d == 0) {
        for (const ir::DescriptorOverride& o : file.overrides) ok &= Apply(*body, o, file);
      }
      if (ok) AddFrom(id, std::move(*body), file.loc);
    }
  }

  auto Apply(Json& doc, const ir::DescriptorOverride& o, const ir::ConfigFile& file) -> bool {
    auto value = values_.ToJson(o.value, fmt::format("the value of `{}`", o.statement));
    if (!value) return false;
    Json* at = &doc;
    for (size_t i = 0; i < o.path.size(); ++i) {
      const ir::PathStep& step = o.path[i];
      bool last = i + 1 == o.path.size();
      if (!step.is_index && at->is_object() && (last || at->contains(step.key))) {
        at = &(*at)[step.key];
        continue;
      }
      if (step.is_index && at->is_array()) {
        auto size = static_cast<int64_t>(at->size());
        int64_t index = step.index < 0 ? size + step.index : step.index;
        if (index >= 0 && index < size) {
          at = &(*at)[static_cast<size_t>(index)];
          continue;
        }
      }
      // The front end checked every path against the descriptor; this is a second guard.
      sink_.Report(diag::Kind::kEmitUnresolved, o.loc, "", fmt::format("`{}`", o.statement),
                   fmt::format("its path is not in {}", file.file), "fix the override's path");
      return false;
    }
    *at = std::move(*value);
    return true;
  }

  // What the plugin's kube_run_expose ran: `kubectl run NAME --image --port --replicas`, then
  // `kubectl expose` with port, target port and protocol when a port is given.
  void Generated(ir::NodeId id) {
    const ir::NodeTemplate& node = st_.node(id);
    std::string image = StringProperty(node, "image");
    if (image.empty()) {
      sink_.Report(diag::Kind::kEmitNotExpressible, node.loc, "", node.name,
                   st_.type(node.type).name, "Kubernetes",
                   "it has no `config_files`, no `config` and no `image`");
      return;
    }
    std::string name = StringProperty(node, "name");
    if (name.empty()) name = node.name;
    int64_t port = IntProperty(node, "port", -1);
    int64_t target = IntProperty(node, "target_port", -1);
    if (target <= 0) target = port;
    Json labels = {{"app", name}};
    Json container = {{"name", name}, {"image", image}};
    if (target > 0) container["ports"] = Json::array({{{"containerPort", target}}});
    Json deployment = {{"apiVersion", "apps/v1"},
                       {"kind", "Deployment"},
                       {"metadata", {{"name", name}}},
                       {"spec",
                        {{"replicas", IntProperty(node, "replicas", 1)},
                         {"selector", {{"matchLabels", labels}}},
                         {"template",
                          {{"metadata", {{"labels", labels}}},
                           {"spec", {{"containers", Json::array({container})}}}}}}}};
    if (MergeOverrides(node, "run_overrides", deployment)) AddFrom(id, deployment, node.loc);
    if (port <= 0) return;
    std::string protocol = StringProperty(node, "protocol");
    Json service = {
        {"apiVersion", "v1"},
        {"kind", "Service"},
        {"metadata", {{"name", name}}},
        {"spec",
         {{"selector", labels},
          {"ports", Json::array({{{"port", port},
                                  {"targetPort", target},
                                  {"protocol", protocol.empty() ? "TCP" : protocol}}})}}}};
    if (MergeOverrides(node, "expose_overrides", service)) AddFrom(id, service, node.loc);
  }

  // `run_overrides`/`expose_overrides`: JSON that kubectl merged into what it generated.
  auto MergeOverrides(const ir::NodeTemplate& node, std::string_view property, Json& object)
      -> bool {
    const ir::Property* p = FindProperty(node, property);
    if (p == nullptr || p->value.kind != VK::kString || p->value.s.empty()) return true;
    Json patch = Json::parse(p->value.s, nullptr, false);
    if (patch.is_discarded() || !patch.is_object()) {
      sink_.Report(diag::Kind::kEmitUnresolved, p->value.loc, "",
                   fmt::format("property `{}`", property), "it is not a JSON object",
                   "write it as kubectl's --overrides takes it, e.g. {\"spec\": {...}}");
      return false;
    }
    object.merge_patch(patch);
    return true;
  }

  void AddFrom(ir::NodeId id, Json body, diag::Loc loc) {
    if (!body.is_object() || !body.contains("kind") || !body["kind"].is_string() ||
        !body.contains("metadata") || !body["metadata"].is_object() ||
        !body["metadata"].contains("name") || !body["metadata"]["name"].is_string()) {
      sink_.Report(diag::Kind::kEmitNotExpressible, loc, "", st_.node(id).name,
                   st_.type(st_.node(id).type).name, "Kubernetes",
                   "a document has no `kind` or no `metadata.name`");
      return;
    }
    objects_.push_back(Located{Object{"", std::move(body), id}, loc});
  }

  // Labels, namespace and file names, once every object is known.
  void Finish() {
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < objects_.size(); ++i) {
      Object& object = objects_[i].object;
      Json& metadata = object.body["metadata"];
      std::string kind = object.body["kind"].get<std::string>();
      std::string name = metadata["name"].get<std::string>();
      Json& labels = metadata["labels"];
      if (!labels.is_object()) labels = Json::object();
      labels["app.kubernetes.io/managed-by"] = "toscac";
      labels["toscac.io/deployment"] = LabelValue(options_.deployment);
      labels["toscac.io/node"] = LabelValue(st_.node(object.node).name);
      if (!options_.namespace_name.empty() && !IsClusterScoped(kind)) {
        if (metadata.contains("namespace") && metadata["namespace"] != options_.namespace_name) {
          sink_.Report(diag::Kind::kEmitConflict, objects_[i].loc, "",
                       fmt::format("{} `{}` sets namespace `{}`", kind, name,
                                   metadata["namespace"].is_string()
                                       ? metadata["namespace"].get<std::string>()
                                       : metadata["namespace"].dump()),
                       fmt::format("--namespace asks for `{}`", options_.namespace_name));
        }
        metadata["namespace"] = options_.namespace_name;
      }
      object.file = fmt::format("{}-{}.yaml", Lower(kind), name);
      auto [it, fresh] = seen.emplace(object.file, i);
      if (!fresh) {
        sink_.Report(diag::Kind::kEmitConflict, objects_[i].loc, "",
                     fmt::format("{} `{}` is emitted twice", kind, name),
                     "object names must be unique per kind and namespace");
        sink_.AddNote(objects_[it->second].loc, "first emitted here");
      }
    }
  }

  // Label values: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends.
  static auto LabelValue(std::string_view text) -> std::string {
    std::string out;
    for (char c : text) {
      bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      out += ok ? c : '-';
    }
    if (out.size() > 63) out.resize(63);
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    while (!out.empty() && !alnum(out.back())) out.pop_back();
    size_t first = 0;
    while (first < out.size() && !alnum(out[first])) ++first;
    return out.substr(first);
  }

  static auto FindProperty(const ir::NodeTemplate& node, std::string_view name)
      -> const ir::Property* {
    for (const ir::Property& p : node.properties) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }
  static auto StringProperty(const ir::NodeTemplate& node, std::string_view name) -> std::string {
    const ir::Property* p = FindProperty(node, name);
    return p != nullptr && p->value.kind == VK::kString ? p->value.s : "";
  }
  static auto IntProperty(const ir::NodeTemplate& node, std::string_view name, int64_t fallback)
      -> int64_t {
    const ir::Property* p = FindProperty(node, name);
    return p != nullptr && p->value.kind == VK::kInt ? p->value.i : fallback;
  }

  const ir::ServiceTemplate& st_;
  const Options& options_;
  diag::Sink& sink_;
  ValueWriter values_;
  std::vector<Located> objects_;
  std::vector<bool> incomplete_;  // per node: an error withheld some of its objects
};

}  // namespace

auto Emit(const ir::ServiceTemplate& st, const Options& options, diag::Sink& sink) -> Manifests {
  return Emitter(st, options, sink).Run();
}

auto Kustomization(const Manifests& manifests) -> std::string {
  Json k;
  k["apiVersion"] = "kustomize.config.k8s.io/v1beta1";
  k["kind"] = "Kustomization";
  k["resources"] = Json::array();
  for (const Object& object : manifests.objects) k["resources"].push_back(object.file);
  return backends::ToYaml(k);
}

}  // namespace toscac::k8s
