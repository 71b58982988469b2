// FuzzDriver: hands the process's arguments to libFuzzer's driver (in the runtime -sanitize=fuzzer links).
#include "fuzz_driver.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*user_callback)(const uint8_t *data, size_t size));

int texstim_fuzz_main(int argc, char **argv, int (*one_input)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(&argc, &argv, one_input);
}
