// FuzzPNG: libFuzzer target for source-image reading of PNG bytes (ImageFile.decode → PNGFile → CPNG → libpng).
import Foundation
import FuzzDriver
import TextureImages

/// One input. A thrown error is a correct answer to bad bytes; only a trap, an ASan report,
/// a leak or a timeout is a finding. Also exported under libFuzzer's name, which its runtime
/// references even though its own main never runs.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    _ = try? ImageFile.decode(Data(bytes: data, count: size), path: "fuzz.png")
    return 0
}

exit(texstim_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzOne))
