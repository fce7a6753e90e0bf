// planner/instances: counts multiply down containment chains, ids are n_k, relationship
// instances follow contained_in and connection_type.
#include "planner/instances.h"

#include <gtest/gtest.h>

#include <random>

namespace toscac::plan {
namespace {

// A template built by hand: nodes with counts, relationships with kinds.
class Builder {
 public:
  auto Node(std::string name, int64_t count) -> ir::NodeId {
    ir::NodeTemplate n;
    n.name = std::move(name);
    n.instances.initial = count;
    st.nodes.push_back(std::move(n));
    return ir::NodeId{static_cast<uint32_t>(st.nodes.size() - 1)};
  }
  void Relate(ir::NodeId source, ir::NodeId target, bool hosted_on,
              std::string connection_type = "") {
    ir::Relationship rel;
    rel.source = source;
    rel.target = target;
    rel.hosted_on = hosted_on;
    if (!connection_type.empty()) {
      ir::Property p;
      p.name = "connection_type";
      p.value.kind = ir::Value::Kind::kString;
      p.value.s = std::move(connection_type);
      rel.properties.push_back(std::move(p));
    }
    st.relationships.push_back(std::move(rel));
    st.nodes[source.value].relationships.push_back(
        ir::RelationshipId{static_cast<uint32_t>(st.relationships.size() - 1)});
  }
  ir::ServiceTemplate st;
};

TEST(Instances, CountsMultiplyDownContainment) {
  Builder b;
  ir::NodeId module = b.Node("module", 2);  // declared first: order must not matter
  ir::NodeId app = b.Node("app", 1);
  ir::NodeId vm = b.Node("vm", 2);
  b.Relate(module, app, true);
  b.Relate(app, vm, true);
  Instances in = Expand(b.st);
  EXPECT_EQ(Dump(in, b.st),
            "instance vm_1 of vm\n"
            "instance vm_2 of vm\n"
            "instance app_1 of app on vm_1\n"
            "instance app_2 of app on vm_2\n"
            "instance module_1 of module on app_1\n"
            "instance module_2 of module on app_1\n"
            "instance module_3 of module on app_2\n"
            "instance module_4 of module on app_2\n"
            "link module_1 -> app_1 (?)\n"
            "link module_2 -> app_1 (?)\n"
            "link module_3 -> app_2 (?)\n"
            "link module_4 -> app_2 (?)\n"
            "link app_1 -> vm_1 (?)\n"
            "link app_2 -> vm_2 (?)\n");
}

TEST(Instances, ConnectionTypeDecidesFanOut) {
  Builder b;
  ir::NodeId web = b.Node("web", 2);
  ir::NodeId db = b.Node("db", 3);
  b.Relate(web, db, false);  // all_to_all by default
  b.Relate(web, db, false, "all_to_one");
  Instances in = Expand(b.st);
  size_t all = 0, one = 0;
  for (const RelationshipInstance& r : in.relationships) {
    (r.relationship.value == 0 ? all : one) += 1;
    if (r.relationship.value == 1) EXPECT_EQ(in.nodes[r.target.value].id, "db_1");
  }
  EXPECT_EQ(all, 6u);
  EXPECT_EQ(one, 2u);
}

TEST(Instances, NoHostInstanceMeansNoContainedInstance) {
  Builder b;
  ir::NodeId vm = b.Node("vm", 0);
  ir::NodeId app = b.Node("app", 3);
  ir::NodeId client = b.Node("client", 1);
  b.Relate(app, vm, true);
  b.Relate(client, app, false);
  Instances in = Expand(b.st);
  EXPECT_EQ(Dump(in, b.st), "instance client_1 of client\n");
}

// Random containment forests with extra connections: every instance sits on an instance of its
// node's host, counts are the product down the chain, and every relationship instance joins
// instances of the relationship's own nodes (contained_in: exactly the source's host).
TEST(Instances, RandomForestsKeepTheRules) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    Builder b;
    size_t n = 1 + random() % 12;
    std::vector<ir::NodeId> nodes;
    std::vector<int64_t> expected;
    std::vector<int> host(n, -1);
    for (size_t i = 0; i < n; ++i) {
      int64_t count = static_cast<int64_t>(random() % 4);
      nodes.push_back(b.Node("n" + std::to_string(i), count));
      expected.push_back(count);
      if (i > 0 && random() % 2 == 0) host[i] = static_cast<int>(random() % i);
    }
    for (size_t i = 0; i < n; ++i) {
      if (host[i] >= 0) {
        b.Relate(nodes[i], nodes[static_cast<size_t>(host[i])], true);
        expected[i] *= expected[static_cast<size_t>(host[i])];
      }
    }
    for (int k = 0; k < 3; ++k) {
      size_t s = random() % n, t = random() % n;
      if (s != t) b.Relate(nodes[s], nodes[t], false, random() % 2 ? "all_to_one" : "");
    }
    Instances in = Expand(b.st);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(in.of_node[i].size(), static_cast<size_t>(expected[i])) << "round " << round;
    }
    for (size_t id = 0; id < in.nodes.size(); ++id) {
      const NodeInstance& inst = in.nodes[id];
      int h = host[inst.node.value];
      if (h < 0) {
        EXPECT_FALSE(inst.host.valid());
      } else {
        ASSERT_TRUE(inst.host.valid());
        EXPECT_EQ(in.nodes[inst.host.value].node.value, static_cast<uint32_t>(h));
        EXPECT_LT(inst.host.value, id);  // hosts first
      }
    }
    for (const RelationshipInstance& r : in.relationships) {
      const ir::Relationship& rel = b.st.relationships[r.relationship.value];
      EXPECT_EQ(in.nodes[r.source.value].node, rel.source);
      EXPECT_EQ(in.nodes[r.target.value].node, rel.target);
      if (rel.hosted_on) EXPECT_EQ(r.target, in.nodes[r.source.value].host);
    }
  }
}

}  // namespace
}  // namespace toscac::plan
