// The project's speed goals (bench/RESULTS.md) for one row of upsample_bench's table, so the run
// itself says which are met instead of leaving it to whoever reads the table.
#pragma once

#include <map>
#include <string>

#include "cases.h"

namespace upsample_bench {

struct SpeedGoal {
  bool defined = false;
  double max_over_bound = 0;         // time / bandwidth bound must not exceed this
  double min_speedup_vs_opencv = 0;  // OpenCV time / ours must reach this (0: no such goal)
  std::string text;                  // e.g. "<= 1.25x bound", "<= 2x bound and >= 5x OpenCV"
  std::string group;                 // which goal, e.g. "bilinear at other scales"
};

// Nearest, bed of nails, unpooling and bilinear at integer scales: within 1.25x of the bound;
// bilinear at other scales: within 2x; bicubic: within 2x, and on uint8 at least 5x faster than
// OpenCV's INTER_CUBIC. Nearest at a non-integer scale has no goal.
SpeedGoal speed_goal(Method method, const ScaleSpec& scale, const DataSpec& data);

// Whether a measured row meets its goal: over_bound is time / bound, speedup OpenCV time / ours
// (NaN without OpenCV).
bool goal_met(const SpeedGoal& goal, double over_bound, double speedup);
// "met" or "MISS" for a measured row; "-" without a goal.
const char* goal_verdict(const SpeedGoal& goal, double over_bound, double speedup);

// Per goal: how many rows met it, and the range of time / bound among them, also against the
// ordinary-store bound (the best a kernel without non-temporal stores can reach).
class GoalTally {
 public:
  void add(const SpeedGoal& goal, double over_bound, double over_ordinary_bound, double speedup);
  // One line per goal, e.g. "- bicubic (<= 2x bound): met in 2 of 12 rows; x bound 1.12-2.72 ...".
  std::string summary() const;

 private:
  struct Stats {
    int rows = 0, met = 0, met_ordinary = 0;
    double min_over = 1e300, max_over = 0, min_ordinary = 1e300, max_ordinary = 0;
    double min_speedup = 1e300, max_speedup = 0;
  };
  std::map<std::string, Stats> stats_;
};

}  // namespace upsample_bench
