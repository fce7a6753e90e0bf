// Import resolution with a fake HTTP transport: download, cache, offline, cycles.
#include "frontend/imports/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace toscac::imports {
namespace {

namespace fs = std::filesystem;

class FakeTransport final : public HttpTransport {
 public:
  std::map<std::string, std::string> pages;
  std::vector<std::string> requested;
  auto Get(const std::string& url, std::string& error) -> std::optional<std::string> override {
    requested.push_back(url);
    auto it = pages.find(url);
    if (it == pages.end()) {
      error = "HTTP status 404";
      return std::nullopt;
    }
    return it->second;
  }
};

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("toscac_loader_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "bp");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const fs::path& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  auto Run(LoadOptions options) -> LoadedSet { return Load(options, sources_, sink_); }
  auto Codes() const -> std::vector<std::string> {
    std::vector<std::string> codes;
    for (const auto& d : sink_.diagnostics()) codes.emplace_back(diag::Info(d.kind).code);
    return codes;
  }

  fs::path dir_;
  diag::SourceManager sources_;
  diag::Sink sink_;
};

constexpr const char* kRemoteTypes =
    "tosca_definitions_version: tosca_simple_yaml_1_3\n"
    "node_types:\n  remote.Node:\n    derived_from: tosca.nodes.Root\n";

TEST_F(LoaderTest, DownloadsThenServesFromTheCache) {
  Write("bp/main.yaml",
        "tosca_definitions_version: tosca_simple_yaml_1_3\n"
        "imports:\n  - http://types.example/remote.yaml\n");
  FakeTransport transport;
  transport.pages["http://types.example/remote.yaml"] = kRemoteTypes;
  LoadOptions options;
  options.root_file = (dir_ / "bp/main.yaml").string();
  options.cache_dir = (dir_ / "cache").string();
  options.transport = &transport;
  LoadedSet first = Run(options);
  EXPECT_TRUE(first.root_ok);
  EXPECT_TRUE(Codes().empty());
  ASSERT_EQ(transport.requested.size(), 1u);
  EXPECT_TRUE(fs::exists(dir_ / "cache/types.example/remote.yaml"));

  // Offline, the cache answers; the transport is not asked again.
  options.offline = true;
  options.transport = nullptr;
  LoadedSet second = Run(options);
  EXPECT_TRUE(Codes().empty());
  bool found = false;
  for (const LoadedFile& f : second.files) found |= f.origin == "http://types.example/remote.yaml";
  EXPECT_TRUE(found);
}

TEST_F(LoaderTest, RelativeImportsOfADownloadedFileAreUrls) {
  Write("bp/main.yaml",
        "tosca_definitions_version: tosca_simple_yaml_1_3\n"
        "imports:\n  - https://types.example/lib/a.yaml\n");
  FakeTransport transport;
  transport.pages["https://types.example/lib/a.yaml"] =
      "tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n  - ../b.yaml\n";
  transport.pages["https://types.example/b.yaml"] = kRemoteTypes;
  LoadOptions options;
  options.root_file = (dir_ / "bp/main.yaml").string();
  options.transport = &transport;
  Run(options);
  EXPECT_TRUE(Codes().empty());
  EXPECT_EQ(transport.requested.back(), "https://types.example/b.yaml");
}

TEST_F(LoaderTest, DownloadFailureAndOfflineAreDiagnostics) {
  Write("bp/main.yaml",
        "tosca_definitions_version: tosca_simple_yaml_1_3\n"
        "imports:\n  - http://types.example/missing.yaml\n");
  FakeTransport transport;
  LoadOptions options;
  options.root_file = (dir_ / "bp/main.yaml").string();
  options.transport = &transport;
  Run(options);
  EXPECT_EQ(Codes(), std::vector<std::string>{"T0206"});
  options.offline = true;
  options.transport = nullptr;
  Run(options);
  EXPECT_EQ(Codes().back(), "T0205");
}

TEST_F(LoaderTest, CatalogAnswersBeforeTheNetwork) {
  Write("bp/main.yaml",
        "tosca_definitions_version: tosca_simple_yaml_1_3\n"
        "imports:\n  - http://types.example/remote.yaml\n");
  Write("catalog/types.example/remote.yaml", kRemoteTypes);
  FakeTransport transport;
  LoadOptions options;
  options.root_file = (dir_ / "bp/main.yaml").string();
  options.catalogs = {(dir_ / "catalog").string()};
  options.transport = &transport;
  Run(options);
  EXPECT_TRUE(Codes().empty());
  EXPECT_TRUE(transport.requested.empty());
}

TEST_F(LoaderTest, BundledProfilesNeedNoNetwork) {
  Write("bp/main.yaml",
        "tosca_definitions_version: cloudify_dsl_1_2\n"
        "imports:\n  - https://www.getcloudify.org/spec/cloudify/3.3.1/types.yaml\n");
  LoadOptions options;
  options.root_file = (dir_ / "bp/main.yaml").string();
  options.offline = true;
  LoadedSet set = Run(options);
  EXPECT_TRUE(Codes().empty());
  ASSERT_EQ(set.files.size(), 2u);
  EXPECT_TRUE(set.files[1].is_profile);
}

}  // namespace
}  // namespace toscac::imports
