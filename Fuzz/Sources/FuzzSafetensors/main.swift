// FuzzSafetensors: libFuzzer target for the safetensors reader and the VGG-19 loaders on top of it.
import Foundation
import FuzzDriver
import TextureCore
import TextureWeights

/// One input. A thrown error is a correct answer to bad bytes; only a trap, an ASan report,
/// a leak or a timeout is a finding. Also exported under libFuzzer's name, which its runtime
/// references even though its own main never runs.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    let bytes = Data(bytes: data, count: size)
    // Both ways a safetensors file comes in: as texstim's own weights, and as a foreign import.
    if let file = try? SafetensorsFile.parse(bytes, path: "fuzz.safetensors") {
        // The block widths the file's conv_1 layers declare, so small seeds reach every shape check.
        let widths = (1...5).map { file.tensors["conv\($0)_1.weight"]?.shape.first ?? 64 }
        _ = try? VGG19Weights.load(file, path: "fuzz.safetensors", architecture: VGGArchitecture(widths: widths))
    }
    _ = try? WeightsImport.decode(bytes, format: .safetensors, path: "fuzz.safetensors")
    return 0
}

exit(texstim_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzOne))
