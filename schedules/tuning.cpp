#include "tuning.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

namespace upsample::schedules {

namespace {

using nlohmann::json;

// A generator is a command-line program: a bad tuned file stops it with a message and status 1.
template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::ostringstream message;
  (message << ... << parts);
  std::fprintf(stderr, "Error: %s\n", message.str().c_str());
  std::exit(1);
}

// Features that say how code is packaged or checked, not which instructions it may use.
constexpr Halide::Target::Feature kBookkeeping[] = {
    Halide::Target::NoRuntime,   Halide::Target::LargeBuffers,      Halide::Target::UserContext,
    Halide::Target::NoAsserts,   Halide::Target::NoBoundsQuery,     Halide::Target::Debug,
    Halide::Target::Profile,     Halide::Target::StrictFloat,       Halide::Target::TraceLoads,
    Halide::Target::TraceStores, Halide::Target::TraceRealizations,
};

struct TunedFile {
  Halide::Target isa;
  json variants;
};

// Each directory is read once per generator process (a multi-target build asks once per target).
const std::vector<TunedFile>& tuned_files(const std::string& dir) {
  static std::mutex mutex;
  static std::map<std::string, std::vector<TunedFile>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(dir);
  if (it != cache.end()) return it->second;
  std::vector<TunedFile>& files = cache[dir];
  std::vector<std::filesystem::path> paths;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".json") paths.push_back(entry.path());
  }
  if (error) fail("tuned_dir ", dir, ": ", error.message());
  std::sort(paths.begin(), paths.end());  // a deterministic order for the duplicate check
  for (const auto& path : paths) {
    std::ifstream in(path);
    json document = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded() || !document.is_object() || !document.contains("target") ||
        !document["target"].is_string() || !document.contains("variants") ||
        !document["variants"].is_object()) {
      fail("tuned schedule file ", path.string(),
           " is not a JSON object with a \"target\" string and a \"variants\" "
           "object");
    }
    const std::string target_name = document["target"].get<std::string>();
    if (!Halide::Target::validate_target_string(target_name)) {
      fail(path.string(), ": \"", target_name, "\" is not a Halide target");
    }
    TunedFile file{isa_of(Halide::Target(target_name)), document["variants"]};
    for (const TunedFile& other : files) {
      if (other.isa == file.isa) {
        fail(path.string(), ": a second tuned file for target ", file.isa.to_string(), " in ", dir);
      }
    }
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace

Halide::Target isa_of(const Halide::Target& target) {
  Halide::Target isa = target;
  for (Halide::Target::Feature feature : kBookkeeping) isa = isa.without_feature(feature);
  return isa;
}

TunedParams TunedParams::load(const std::string& tuned_dir, const std::string& variant,
                              const Halide::Target& target) {
  TunedParams result;
  if (tuned_dir.empty() || variant.empty()) return result;
  const Halide::Target isa = isa_of(target);
  for (const TunedFile& file : tuned_files(tuned_dir)) {
    if (!(file.isa == isa) || !file.variants.contains(variant)) continue;
    const json& entry = file.variants[variant];
    if (!entry.is_object() || !entry.contains("params") || !entry["params"].is_object()) {
      fail("tuned schedule of ", variant, " for ", isa.to_string(), " has no \"params\" object");
    }
    for (const auto& [name, value] : entry["params"].items()) {
      if (value.is_number_integer()) {
        result.ints_[name] = value.get<int>();
      } else if (value.is_string()) {
        result.strings_[name] = value.get<std::string>();
      } else {
        fail("tuned parameter ", name, " of ", variant, " is neither an integer nor a string");
      }
    }
  }
  return result;
}

int TunedParams::get(const std::string& name, int fallback) const {
  auto it = ints_.find(name);
  return it == ints_.end() ? fallback : it->second;
}

std::string TunedParams::get(const std::string& name, const std::string& fallback) const {
  auto it = strings_.find(name);
  return it == strings_.end() ? fallback : it->second;
}

const std::vector<std::string>& autoscheduler_names() {
  static const std::vector<std::string> names = {"Mullapudi2016", "Adams2019", "Li2018"};
  return names;
}

bool apply_autoscheduler(const std::string& name, const std::vector<Halide::Func>& outputs,
                         const Halide::Target& target, int parallelism, uint64_t cache_bytes) {
  if (name.empty() || name == "none") return false;
  const auto& names = autoscheduler_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    fail("unknown autoscheduler \"", name, "\": use none, Mullapudi2016, Adams2019 or Li2018");
  }
  // Each plugin registers its scheduler once per process.
  static std::mutex mutex;
  static std::map<std::string, bool> loaded;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!loaded[name]) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char ch) { return char(std::tolower(ch)); });
      const char* dir = std::getenv("UPSAMPLE_AUTOSCHEDULER_DIR");
      Halide::load_plugin(std::string(dir != nullptr ? dir : UPSAMPLE_AUTOSCHEDULER_DIR) +
                          "/libautoschedule_" + lower + ".so");
      loaded[name] = true;
    }
  }
  Halide::Pipeline(outputs).auto_schedule(name, target,
                                          Halide::MachineParams(parallelism, cache_bytes, 40));
  return true;
}

}  // namespace upsample::schedules
