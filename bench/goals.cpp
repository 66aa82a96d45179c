#include "goals.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace upsample_bench {
namespace {
constexpr const char* kIntegerScaleGroup =
    "nearest, bed of nails, unpooling, bilinear at 2x and 4x";
}  // namespace

SpeedGoal speed_goal(Method method, const ScaleSpec& scale, const DataSpec& data) {
  SpeedGoal goal;
  const bool integer_scale = scale.factor > 0;
  switch (method) {
    case Method::kNearest:
    case Method::kUnpoolNearest:
    case Method::kBedOfNails:
      if (!integer_scale) return goal;
      goal.max_over_bound = 1.25;
      goal.group = kIntegerScaleGroup;
      break;
    case Method::kBilinear:
      goal.max_over_bound = integer_scale ? 1.25 : 2.0;
      goal.group = integer_scale ? kIntegerScaleGroup : "bilinear at other scales";
      break;
    case Method::kBicubic: {
      goal.max_over_bound = 2.0;
      const bool uint8 = data.dtype == upsample::DType::kUInt8;
      if (uint8) goal.min_speedup_vs_opencv = 5.0;
      goal.group = uint8 ? "bicubic, uint8" : "bicubic, float";
      break;
    }
  }
  goal.defined = true;
  char text[64];
  std::snprintf(text, sizeof text, "<= %gx bound", goal.max_over_bound);
  goal.text = text;
  if (goal.min_speedup_vs_opencv > 0) {
    std::snprintf(text, sizeof text, " and >= %gx OpenCV", goal.min_speedup_vs_opencv);
    goal.text += text;
  }
  return goal;
}

bool goal_met(const SpeedGoal& goal, double over_bound, double speedup) {
  return goal.defined && over_bound <= goal.max_over_bound &&
         (goal.min_speedup_vs_opencv == 0 || speedup >= goal.min_speedup_vs_opencv);
}

const char* goal_verdict(const SpeedGoal& goal, double over_bound, double speedup) {
  if (!goal.defined) return "-";
  return goal_met(goal, over_bound, speedup) ? "met" : "MISS";
}

void GoalTally::add(const SpeedGoal& goal, double over_bound, double over_ordinary_bound,
                    double speedup) {
  if (!goal.defined) return;
  Stats& s = stats_[goal.group + " (" + goal.text + ")"];
  ++s.rows;
  if (goal_met(goal, over_bound, speedup)) ++s.met;
  if (goal_met(goal, over_ordinary_bound, speedup)) ++s.met_ordinary;
  s.min_over = std::min(s.min_over, over_bound);
  s.max_over = std::max(s.max_over, over_bound);
  s.min_ordinary = std::min(s.min_ordinary, over_ordinary_bound);
  s.max_ordinary = std::max(s.max_ordinary, over_ordinary_bound);
  if (!std::isnan(speedup)) {
    s.min_speedup = std::min(s.min_speedup, speedup);
    s.max_speedup = std::max(s.max_speedup, speedup);
  }
}

std::string GoalTally::summary() const {
  std::string out;
  char line[512];
  for (const auto& [text, s] : stats_) {
    std::snprintf(line, sizeof line,
                  "- %s: met in %d of %d rows; x bound %.2f-%.2f (against the ordinary-store bound "
                  "%.2f-%.2f, met in %d)",
                  text.c_str(), s.met, s.rows, s.min_over, s.max_over, s.min_ordinary,
                  s.max_ordinary, s.met_ordinary);
    out += line;
    if (s.max_speedup > 0) {
      std::snprintf(line, sizeof line, "; %.1f-%.1fx faster than OpenCV", s.min_speedup,
                    s.max_speedup);
      out += line;
    }
    out += "\n";
  }
  return out;
}

}  // namespace upsample_bench
