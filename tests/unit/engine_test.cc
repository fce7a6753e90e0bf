// planner/policies/engine: the arithmetic behind the golden decision logs, one rule at a time,
// on the golden blueprints (tests/golden/autoscale).
#include "planner/policies/engine.h"

#include <gtest/gtest.h>

#include "frontend/frontend.h"

namespace toscac::policies {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  void Load(const std::string& name) {
    frontend::LoadOptions options;
    options.root_file = std::string(TOSCAC_SOURCE_DIR) + "/tests/golden/autoscale/" + name;
    options.offline = true;
    st_ = frontend::Load(options, frontend::DeploymentOptions{}, sources_, sink_);
    ASSERT_TRUE(st_.has_value());
    ASSERT_EQ(sink_.error_count(), 0u);
  }

  void Start(EngineOptions options = {}) {
    engine_ = std::make_unique<Engine>(*st_, ReadRules(*st_).rules, std::move(options), sink_);
  }

  void Feed(double ts, const std::string& source, const std::string& name, double value) {
    Sample s;
    s.ts = ts;
    s.source = source;
    s.name = name;
    s.value = value;
    engine_->Feed(s, decisions_);
  }

  diag::SourceManager sources_;
  diag::Sink sink_;
  std::optional<ir::ServiceTemplate> st_;
  std::unique_ptr<Engine> engine_;
  std::vector<Decision> decisions_;
};

TEST_F(EngineTest, MovingAverageForgetsSamplesOlderThanTheWindow) {
  Load("moving_average.yaml");
  Start();
  Feed(0, "web_1", "web.requests", 6);
  Feed(5, "web_1", "web.requests", 6);
  Feed(20, "web_1", "web.requests", 16);  // the window (10, 20] holds only this one: mean 16
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_EQ(decisions_[0].policy, "up");
  EXPECT_EQ(decisions_[0].ts, 20);
  EXPECT_EQ(decisions_[0].from, 2);
  EXPECT_EQ(decisions_[0].to, 3);
  ASSERT_TRUE(decisions_[0].plan.has_value());
  EXPECT_EQ(decisions_[0].plan->workflow, "scale");
}

TEST_F(EngineTest, MovingAverageIsTheMeanOfPerSourceAverages) {
  Load("moving_average.yaml");
  Start();
  Feed(1, "web_2", "web.requests", 6);
  for (double t : {2, 3, 4}) Feed(t, "web_1", "web.requests", 12);
  EXPECT_TRUE(decisions_.empty());       // per source 6 and 12: mean 9 (of the samples: 10.5)
  Feed(5, "web_2", "web.requests", 10);  // 12 and 8: mean 10, not above 10
  EXPECT_TRUE(decisions_.empty());
  Feed(6, "web_2", "web.requests", 11);  // 12 and 9: 10.5
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_EQ(decisions_[0].to, 3);
}

TEST_F(EngineTest, AGlitchLeavingTheWindowLeavesNoTrace) {
  Load("moving_average.yaml");
  Start();
  // 6 per second, one counter glitch of 1e20: once it has left the window the mean is 6 again
  // (a plain running sum would have lost the 6s next to 1e20 and read 0: a scale-down).
  for (double t = 0; t <= 60; ++t) Feed(t, "web_1", "web.requests", t == 20 ? 1e20 : 6);
  ASSERT_EQ(decisions_.size(), 1u);  // the glitch itself: mean far above 10
  EXPECT_EQ(decisions_[0].ts, 20);
  EXPECT_EQ(decisions_[0].to, 3);
}

TEST_F(EngineTest, CooldownHoldsThePolicyBack) {
  Load("moving_average.yaml");
  Start();
  for (double t = 0; t <= 55; t += 5) Feed(t, "web_1", "web.requests", 20);
  ASSERT_EQ(decisions_.size(), 1u);  // t=0: 2 -> 3, then 60 s of cooldown
  for (double t = 60; t <= 400; t += 5) Feed(t, "web_1", "web.requests", 20);
  ASSERT_EQ(decisions_.size(), 2u);  // t=60: 3 -> 4; then count 4 is not below limit 4
  EXPECT_EQ(decisions_[1].ts, 60);
  EXPECT_EQ(decisions_[1].to, 4);
  EXPECT_EQ(engine_->counts().at("web"), 4);
}

TEST_F(EngineTest, LateSamplesWithinTheBoundAreReorderedBeyondItLeftOut) {
  Load("moving_average.yaml");
  EngineOptions options;
  options.lateness = 10;
  Start(options);
  Feed(10, "web_1", "web.requests", 1);
  Feed(5, "web_1", "web.requests", 1);   // 5 s behind: waits for its turn
  Feed(30, "web_1", "web.requests", 1);  // releases 5 and 10, in that order
  Feed(12, "web_1", "web.requests", 1);  // 18 s behind 30: left out
  engine_->Finish(decisions_);
  EXPECT_EQ(engine_->stats().samples, 4u);
  EXPECT_EQ(engine_->stats().late, 1u);
  EXPECT_EQ(engine_->stats().first_ts, 5);
  EXPECT_EQ(sink_.warning_count(), 1u);
}

TEST_F(EngineTest, StateReplacesTheBlueprintsCounts) {
  Load("moving_average.yaml");
  EngineOptions options;
  options.counts.push_back({"web", 4, {}});
  Start(options);
  EXPECT_EQ(engine_->counts().at("web"), 4);
  Feed(0, "web_1", "web.requests", 1);  // below 5 with 4 > 1: scale down
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_EQ(decisions_[0].from, 4);
  EXPECT_EQ(decisions_[0].to, 3);
}

TEST_F(EngineTest, TargetTrackingHoldsWithinTheTolerance) {
  Load("hpa.yaml");
  Start();
  for (double t = 0; t <= 120; t += 5) Feed(t, "web_1", "cpu", 0.109);  // 9 % above target
  EXPECT_TRUE(decisions_.empty());
  for (double t = 125; t <= 145; t += 5) Feed(t, "web_1", "cpu", 0.35);  // 3.5 x the target
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_EQ(decisions_[0].from, 1);
  EXPECT_EQ(decisions_[0].to, 4);  // ceil(3.5) = 4, within `increment` 4 per 15 s
}

TEST_F(EngineTest, TargetTrackingSkipsLongGapsAtOnce) {
  Load("hpa.yaml");
  Start();
  Feed(0, "web_1", "cpu", 0.1);
  Feed(8e15, "web_1", "cpu", 0.1);  // 5e14 ticks later: skipped, not run one by one
  Feed(8e15 + 30, "web_1", "cpu", 1.0);
  Feed(8e15 + 45, "web_1", "cpu", 1.0);  // the tick at +45 reads 10 x the target
  ASSERT_EQ(decisions_.size(), 1u);
  EXPECT_EQ(decisions_[0].to, 5);
}

TEST_F(EngineTest, TargetTrackingReadsOnlyItsTargetsSources) {
  Load("hpa.yaml");
  Start();
  for (double t = 0; t <= 40; t += 5) {
    Feed(t, "web_1", "cpu", 0.1);  // web at its target
    Feed(t, "api_1", "cpu", 5.0);  // another target's instance, same metric name
  }
  EXPECT_TRUE(decisions_.empty());
}

TEST_F(EngineTest, TargetTrackingRateLimitsScaleUp) {
  Load("hpa.yaml");
  Start();
  // 20 x the target asks for 20 instances, then more; `increment` 4 per 15 s (a change exactly
  // 15 s ago is out of the period, as in the HPA) gives 1 -> 5 -> 9, then max_instances 10.
  for (double t = 0; t <= 46; t += 1) Feed(t, "web_1", "cpu", 2.0);
  ASSERT_EQ(decisions_.size(), 3u);
  EXPECT_EQ(decisions_[0].ts, 15);
  EXPECT_EQ(decisions_[0].to, 5);
  EXPECT_EQ(decisions_[1].to, 9);
  EXPECT_EQ(decisions_[2].to, 10);
}

}  // namespace
}  // namespace toscac::policies
