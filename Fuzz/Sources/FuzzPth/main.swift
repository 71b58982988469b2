// FuzzPth: libFuzzer target for PyTorch .pth import (ZipArchive, RestrictedUnpickler, the tensor checks).
import Foundation
import FuzzDriver
import TextureWeights

/// One input. A thrown error is a correct answer to bad bytes; only a trap, an ASan report,
/// a leak or a timeout is a finding. Also exported under libFuzzer's name, which its runtime
/// references even though its own main never runs.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    _ = try? WeightsImport.decode(Data(bytes: data, count: size), format: .pth, path: "fuzz.pth")
    return 0
}

exit(texstim_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzOne))
