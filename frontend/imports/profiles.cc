// Which bundled profile stands in for which import URL. The texts are generated from profiles/.
#include <algorithm>

#include "frontend/imports/loader.h"
#include "frontend/imports/profiles_data.h"

namespace toscac::imports {
namespace {

struct Mapping {
  std::string_view profile;
  std::vector<std::string_view> urls;            // without scheme and `www.`
  std::vector<std::string_view> relative_paths;  // where blueprints vendor the same file
};

auto Mappings() -> const std::vector<Mapping>& {
  static const std::vector<Mapping> kMappings = {
      {"cloudify/types-3.3.1.yaml", {"getcloudify.org/spec/cloudify/3.3.1/types.yaml"}, {}},
      {"cloudify/openstack-plugin-1.3.1.yaml",
       {"getcloudify.org/spec/openstack-plugin/1.3.1/plugin.yaml"},
       {}},
      {"cloudify/diamond-plugin-1.3.1.yaml",
       {"getcloudify.org/spec/diamond-plugin/1.3.1/plugin.yaml"},
       {}},
      {"cloudify/fabric-plugin-1.3.1.yaml",
       {"getcloudify.org/spec/fabric-plugin/1.3.1/plugin.yaml"},
       {}},
      // The seed blueprints vendor the Kubernetes plugin as a git submodule under
      // plugins/kubernetes.
      {"cloudify/kubernetes-plugin-1.3.1.yaml",
       {"github.com/cloudify-examples/cloudify-kubernetes-plugin/raw/1.3.1/plugin.yaml"},
       {"plugins/kubernetes/plugin.yaml"}},
      {"cloudify/kubernetes-plugin-remote-1.3.1.yaml",
       {"github.com/cloudify-examples/cloudify-kubernetes-plugin/raw/1.3.1/plugin-remote.yaml"},
       {"plugins/kubernetes/plugin-remote.yaml"}},
  };
  return kMappings;
}

auto Find(std::string_view name) -> const Profile* {
  for (const Profile& p : BundledProfiles()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

auto BundledProfiles() -> const std::vector<Profile>& {
  static const std::vector<Profile> kProfiles = [] {
    std::vector<Profile> out;
    for (const auto& [name, text] : generated::kProfileTexts) out.push_back(Profile{name, text});
    return out;
  }();
  return kProfiles;
}

auto ProfileForUrl(std::string_view url) -> const Profile* {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (url.substr(0, scheme.size()) == scheme) url.remove_prefix(scheme.size());
  }
  if (url.substr(0, 4) == "www.") url.remove_prefix(4);
  for (const Mapping& m : Mappings()) {
    if (std::find(m.urls.begin(), m.urls.end(), url) != m.urls.end()) return Find(m.profile);
  }
  return nullptr;
}

auto ProfileForRelativePath(std::string_view path) -> const Profile* {
  for (const Mapping& m : Mappings()) {
    for (std::string_view p : m.relative_paths) {
      if (p == path) return Find(m.profile);
    }
  }
  return nullptr;
}

auto NormativeProfile() -> const Profile& { return *Find("tosca/normative_types.yaml"); }

auto CloudifyBuiltinsProfile() -> const Profile& { return *Find("cloudify/dsl-1.3-builtins.yaml"); }

}  // namespace toscac::imports
