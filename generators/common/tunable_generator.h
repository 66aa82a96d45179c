// The base of every operator generator: the parameters that say where a variant's schedule comes
// from (schedules/tuning.h). The operator's own tunables (tile sizes, vector lanes, ...) are
// GeneratorParams of the generator, read through tuned() so that a tuned file can override them.
#pragma once

#include <string>
#include <vector>

#include "Halide.h"
#include "tuning.h"

namespace upsample::generators {

template <typename T>
class TunableGenerator : public Halide::Generator<T> {
 public:
  // The directory of tuned schedule files (the AOT build passes schedules/tuned/), and this
  // variant's name there; either empty: the GeneratorParams as given.
  Halide::GeneratorParam<std::string> tuned_dir{"tuned_dir", ""};
  Halide::GeneratorParam<std::string> variant{"variant", ""};
  // "none": the hand schedule of schedules/. Otherwise a Halide 14 autoscheduler (Mullapudi2016,
  // Adams2019, Li2018) schedules the whole pipeline instead.
  Halide::GeneratorParam<std::string> autoscheduler{"autoscheduler", "none"};
  // The machine an autoscheduler plans for: cores and last-level cache in KiB.
  Halide::GeneratorParam<int> autoscheduler_cores{"autoscheduler_cores", 2};
  Halide::GeneratorParam<int> autoscheduler_cache_kib{"autoscheduler_cache_kib", 32768};

 protected:
  // The value of tunable `name` for this variant and target: the tuned file's where it has one,
  // else the GeneratorParam's.
  int tuned(const std::string& name, int value) { return params().get(name, value); }

  // Whether an autoscheduler replaces the hand schedule: the parameters or the tuned file name
  // one. Halide's own auto_schedule=true counts too (the framework then schedules after
  // generate()). The generator then constrains its buffers as the hand schedule would (the
  // runtime relies on their strides) and calls autoschedule().
  bool wants_autoscheduler() { return this->get_auto_schedule() || scheduler_name() != "none"; }

  void autoschedule(const std::vector<Halide::Func>& outputs) {
    if (this->get_auto_schedule()) return;
    schedules::apply_autoscheduler(scheduler_name(), outputs, this->get_target(),
                                   autoscheduler_cores,
                                   uint64_t(int(autoscheduler_cache_kib)) * 1024);
  }

 private:
  std::string scheduler_name() {
    const std::string name = params().get("autoscheduler", std::string(autoscheduler));
    return name.empty() ? "none" : name;
  }
  // Looked up per call: a multi-target build generates each target in turn (the files
  // themselves are read once).
  schedules::TunedParams params() {
    return schedules::TunedParams::load(tuned_dir, variant, this->get_target());
  }
};

}  // namespace upsample::generators
