// The CPU-feature hook behind upsample/cpu.h: decides, for each multi-target kernel call, which
// instruction-set variants may run.
#pragma once

namespace upsample::internal {

// Installs the hook (once); every kernel call goes through it.
void install_cpu_feature_hook();
// Called before each kernel call: from then on the cap is fixed.
void begin_kernel_variant();

}  // namespace upsample::internal
