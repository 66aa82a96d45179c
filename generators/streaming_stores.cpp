// upsample-streaming-stores IN.ll OUT.o BUFFER: compiles one target's LLVM module, as Halide 14
// emitted it, to an object file whose stores into BUFFER are non-temporal (streaming) stores.
//
// Halide 14 cannot ask for non-temporal stores, and an upsampling copy writes 4 or 16 times what it
// reads: with ordinary stores the CPU first reads every output cache line it is about to overwrite
// (read for ownership), which costs a third of the memory traffic. LLVM emits MOVNT* for a store
// that carries !nontemporal metadata. Halide tags every load and store with TBAA metadata that
// names its buffer, so the stores into the output are found there. Each function that streams
// ends with SFENCE, since non-temporal stores are weakly ordered and the caller (or the thread
// that joins Halide's parallel tasks) reads the output next.
//
// The module was already optimized by Halide; this runs only LLVM's code generator, with the CPU
// and features Halide recorded in the module's flags and the target options Halide would set, so
// the code differs from Halide's own object only in the stores into the output (the tests compare
// streaming variants' outputs with the oracle as they do the others').
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicsX86.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/IRReader/IRReader.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

#include <cstdio>
#include <memory>
#include <string>

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "upsample-streaming-stores: %s\n", message.c_str());
  return 1;
}

std::string string_flag(const llvm::Module& module, const char* name) {
  if (auto* text = llvm::dyn_cast_or_null<llvm::MDString>(module.getModuleFlag(name))) {
    return text->getString().str();
  }
  return "";
}

bool int_flag(const llvm::Module& module, const char* name) {
  if (auto* value =
          llvm::mdconst::dyn_extract_or_null<llvm::ConstantInt>(module.getModuleFlag(name))) {
    return !value->isZero();
  }
  return false;
}

// Whether a TBAA access tag describes memory of `buffer`: Halide's type nodes are
// !{!"name", !parent, i64 offset}, with the buffer's node above the nodes of its index ranges.
// Another buffer whose name starts with `buffer$` would match too; Halide names none so here.
bool tags_buffer(const llvm::MDNode* tag, const std::string& buffer) {
  if (tag == nullptr || tag->getNumOperands() < 1) return false;
  const auto* type = llvm::dyn_cast_or_null<llvm::MDNode>(tag->getOperand(0).get());
  for (int depth = 0; type != nullptr && depth < 64; depth++) {
    if (type->getNumOperands() < 1) return false;
    if (const auto* name = llvm::dyn_cast_or_null<llvm::MDString>(type->getOperand(0).get())) {
      // A multi-target build names the buffer output$1, output$2, ... in later targets' modules.
      const llvm::StringRef text = name->getString();
      if (text == buffer ||
          (text.startswith(buffer) && text.substr(buffer.size()).startswith("$"))) {
        return true;
      }
    }
    if (type->getNumOperands() < 2) return false;
    type = llvm::dyn_cast_or_null<llvm::MDNode>(type->getOperand(1).get());
  }
  return false;
}

// The options Halide 14's own code generator uses for this module (get_target_options in its
// CodeGen_Internal.cpp), so that floating-point code compiles to the same instructions: with
// per-instruction fast-math flags, contraction into FMA follows each instruction's flags.
llvm::TargetOptions halide_target_options(const llvm::Module& module) {
  const bool per_instruction = int_flag(module, "halide_per_instruction_fast_math_flags");
  llvm::TargetOptions options;
  options.AllowFPOpFusion = per_instruction ? llvm::FPOpFusion::Strict : llvm::FPOpFusion::Fast;
  options.UnsafeFPMath = !per_instruction;
  options.NoInfsFPMath = !per_instruction;
  options.NoNaNsFPMath = !per_instruction;
  options.HonorSignDependentRoundingFPMathOption = !per_instruction;
  options.NoZerosInBSS = false;
  options.GuaranteedTailCallOpt = false;
  options.FunctionSections = true;
  options.UseInitArray = true;
  options.FloatABIType =
      int_flag(module, "halide_use_soft_float_abi") ? llvm::FloatABI::Soft : llvm::FloatABI::Hard;
  options.RelaxELFRelocations = false;
  options.MCOptions.ABIName = string_flag(module, "halide_mabi");
  return options;
}

// Marks the stores into `buffer`, and fences each function that has one. Returns the count.
int stream_stores(llvm::Module& module, const std::string& buffer) {
  llvm::LLVMContext& context = module.getContext();
  llvm::MDNode* nontemporal = llvm::MDNode::get(
      context,
      llvm::ConstantAsMetadata::get(llvm::ConstantInt::get(llvm::Type::getInt32Ty(context), 1)));
  int marked = 0;
  for (llvm::Function& function : module) {
    int marked_here = 0;
    for (llvm::BasicBlock& block : function) {
      for (llvm::Instruction& instruction : block) {
        auto* store = llvm::dyn_cast<llvm::StoreInst>(&instruction);
        if (store == nullptr ||
            !tags_buffer(store->getMetadata(llvm::LLVMContext::MD_tbaa), buffer)) {
          continue;
        }
        store->setMetadata(llvm::LLVMContext::MD_nontemporal, nontemporal);
        marked_here++;
      }
    }
    if (marked_here == 0) continue;
    marked += marked_here;
    llvm::Function* sfence =
        llvm::Intrinsic::getDeclaration(&module, llvm::Intrinsic::x86_sse_sfence);
    for (llvm::BasicBlock& block : function) {
      if (auto* ret = llvm::dyn_cast<llvm::ReturnInst>(block.getTerminator())) {
        llvm::IRBuilder<>(ret).CreateCall(sfence);
      }
    }
  }
  return marked;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s IN.ll OUT.o BUFFER\n", argv[0]);
    return 2;
  }
  const std::string in_path = argv[1], out_path = argv[2], buffer = argv[3];
  llvm::LLVMContext context;
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> module = llvm::parseIRFile(in_path, diagnostic, context);
  if (!module) return fail(in_path + ": " + diagnostic.getMessage().str());

  const llvm::Triple triple(module->getTargetTriple());
  if (triple.getArch() != llvm::Triple::x86_64) {
    return fail(in_path + ": only x86-64 modules are supported, not " + triple.str());
  }
  const int marked = stream_stores(*module, buffer);
  if (marked == 0) return fail(in_path + ": no store into buffer '" + buffer + "' found");
  std::string verify_errors;
  llvm::raw_string_ostream verify_stream(verify_errors);
  if (llvm::verifyModule(*module, &verify_stream)) return fail("invalid module: " + verify_errors);

  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86AsmPrinter();
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple.str(), error);
  if (target == nullptr) return fail(error);
  const llvm::TargetOptions options = halide_target_options(*module);
  const auto relocation =
      int_flag(*module, "halide_use_pic") ? llvm::Reloc::PIC_ : llvm::Reloc::Static;
  const auto code_model = int_flag(*module, "halide_use_large_code_model") ? llvm::CodeModel::Large
                                                                           : llvm::CodeModel::Small;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple.str(), string_flag(*module, "halide_mcpu"), string_flag(*module, "halide_mattrs"),
      options, relocation, code_model, llvm::CodeGenOpt::Aggressive));
  if (!machine) return fail("cannot create a target machine for " + triple.str());
  module->setDataLayout(machine->createDataLayout());

  std::error_code file_error;
  llvm::raw_fd_ostream out(out_path, file_error, llvm::sys::fs::OF_None);
  if (file_error) return fail(out_path + ": " + file_error.message());
  llvm::legacy::PassManager passes;
  if (machine->addPassesToEmitFile(passes, out, nullptr, llvm::CGFT_ObjectFile)) {
    return fail("the target cannot emit object files");
  }
  passes.run(*module);
  out.flush();
  std::printf("%s: %d stores into '%s' made non-temporal\n", out_path.c_str(), marked,
              buffer.c_str());
  return 0;
}
