// texstim_winograd.c: Winograd F(4×4, 3×3) transforms, vectorised over the tiles of a tile row.
//
// Every transform is separable: a 1-D transform along x for each row, then along y. Along a
// tile row the 1-D transforms of neighbouring tiles are independent, so they run on vectors of
// 16 tiles (vec16, a GCC/Clang vector type that each clone lowers to its own instructions).
// Tiles step 4 pixels, so a row of 64 pixels is first split into four phase vectors (pixel
// 4·t + q at lane t of phase q) and output rows are interleaved back the same way.
// Each exported transform is compiled three times, for AVX-512F, for AVX2 with FMA and for the
// baseline, and runs the code of the level its caller passes (texstim_kernel_level, or a test's).
// With fp-contract on, Clang fuses a·b + c into one FMA wherever the target has FMA: the
// AVX-512 and AVX2 code fuse in the same places (tested: the same bits), the baseline does not.

#include "texstim_winograd.h"

#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define TEXSTIM_X86 1
#else
#define TEXSTIM_X86 0
#endif
#define TEXSTIM_INLINE static inline __attribute__((always_inline))

typedef float vec16 __attribute__((vector_size(64)));
typedef int ivec16 __attribute__((vector_size(64)));
/// The same vector at any float alignment, for loads and stores (vector types may alias floats).
typedef float unaligned_vec16 __attribute__((vector_size(64), aligned(4)));

/// Tiles rounded up to whole vectors.
static int padded_tiles(int tilesAcross) { return (tilesAcross + 15) & ~15; }

size_t texstim_winograd_work_floats(int tilesAcross) {
    int tiles = padded_tiles(tilesAcross);
    // a padded pixel row (plus two vectors of slack), then 6×6 rows of tiles (input), or
    // 4×6 rows of tiles and a reversed pixel row (output)
    return (size_t)(4 * tiles + 32) + (size_t)36 * tiles;
}

// Macros rather than functions: a function returning a 64-byte vector changes the ABI in
// the instances without AVX-512, which Clang rejects even when the function is inlined.
#define load16(p) (*(const unaligned_vec16 *)(p))
#define store16(p, v) (*(unaligned_vec16 *)(p) = (v))

#define EVEN16 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define ODD16 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define ZIP_LOW16 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define ZIP_HIGH16 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#define NEXT16 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16

/// phase[q][t] = in[4t + q] for 64 consecutive floats.
TEXSTIM_INLINE void deinterleave4(const float *in, vec16 phase[4]) {
    vec16 a = load16(in), b = load16(in + 16), c = load16(in + 32), d = load16(in + 48);
    vec16 abEven = __builtin_shufflevector(a, b, EVEN16), abOdd = __builtin_shufflevector(a, b, ODD16);
    vec16 cdEven = __builtin_shufflevector(c, d, EVEN16), cdOdd = __builtin_shufflevector(c, d, ODD16);
    phase[0] = __builtin_shufflevector(abEven, cdEven, EVEN16);
    phase[1] = __builtin_shufflevector(abOdd, cdOdd, EVEN16);
    phase[2] = __builtin_shufflevector(abEven, cdEven, ODD16);
    phase[3] = __builtin_shufflevector(abOdd, cdOdd, ODD16);
}

/// out[4t + q] = phase[q][t] for 64 consecutive floats (the inverse of deinterleave4).
TEXSTIM_INLINE void interleave4(const vec16 phase[4], float *out) {
    vec16 evenLow = __builtin_shufflevector(phase[0], phase[2], ZIP_LOW16);
    vec16 evenHigh = __builtin_shufflevector(phase[0], phase[2], ZIP_HIGH16);
    vec16 oddLow = __builtin_shufflevector(phase[1], phase[3], ZIP_LOW16);
    vec16 oddHigh = __builtin_shufflevector(phase[1], phase[3], ZIP_HIGH16);
    store16(out, __builtin_shufflevector(evenLow, oddLow, ZIP_LOW16));
    store16(out + 16, __builtin_shufflevector(evenLow, oddLow, ZIP_HIGH16));
    store16(out + 32, __builtin_shufflevector(evenHigh, oddHigh, ZIP_LOW16));
    store16(out + 48, __builtin_shufflevector(evenHigh, oddHigh, ZIP_HIGH16));
}

// MARK: - Weights: U = G g Gᵀ

/// out[0..5] = G · in[0..2] (column of three taps, stride `stride`).
static void kernel_transform_1d(const float *in, int stride, float *out) {
    float g0 = in[0], g1 = in[stride], g2 = in[2 * stride];
    out[0] = g0 / 4;
    out[1] = -(g0 + g1 + g2) / 6;
    out[2] = -(g0 - g1 + g2) / 6;
    out[3] = g0 / 24 + g1 / 12 + g2 / 6;
    out[4] = g0 / 24 - g1 / 12 + g2 / 6;
    out[5] = g2;
}

void texstim_winograd_weights(const float *weight, int outChannels, int inChannels, float *u) {
    size_t pairs = (size_t)outChannels * (size_t)inChannels;
    for (size_t pair = 0; pair < pairs; pair++) {
        const float *g = weight + pair * 9;
        float columns[6][3], row[6];  // columns[i][kx] = (G g)[i][kx]
        for (int kx = 0; kx < 3; kx++) {
            float column[6];
            kernel_transform_1d(g + kx, 3, column);
            for (int i = 0; i < 6; i++) columns[i][kx] = column[i];
        }
        for (int i = 0; i < 6; i++) {
            kernel_transform_1d(columns[i], 1, row);
            for (int j = 0; j < 6; j++) u[(size_t)(6 * i + j) * pairs + pair] = row[j];
        }
    }
}

// MARK: - Input: V = Bᵀ d B

/// out = Bᵀ · d for six vectors of 16 tiles (vectors go by pointer, see load16).
TEXSTIM_INLINE void input_1d(const vec16 d[6], vec16 out[6]) {
    out[0] = 4 * d[0] - 5 * d[2] + d[4];
    out[1] = d[3] + d[4] - 4 * (d[1] + d[2]);
    out[2] = 4 * (d[1] - d[2]) - d[3] + d[4];
    out[3] = 2 * (d[3] - d[1]) - d[2] + d[4];
    out[4] = 2 * (d[1] - d[3]) - d[2] + d[4];
    out[5] = 4 * d[1] - 5 * d[3] + d[5];
}

/// Pixel x of a row (read right to left with `flip`), zeroed where mask is not > 0.
TEXSTIM_INLINE float pixel(const float *restrict source, const float *restrict maskRow, int width, int flip, int x) {
    int column = flip ? width - 1 - x : x;
    return maskRow && !(maskRow[column] > 0) ? 0 : source[column];
}

/// Pixels x … x + 15 of a row as one vector (0 ≤ x ≤ width − 16), like `pixel`.
TEXSTIM_INLINE void pixels16(const float *restrict source, const float *restrict maskRow, int width, int flip, int x,
                             vec16 *out) {
    int column = flip ? width - 16 - x : x;
    vec16 value = load16(source + column);
    if (maskRow) value = (vec16)((ivec16)value & (load16(maskRow + column) > 0));
    if (flip) value = __builtin_shufflevector(value, value, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    *out = value;
}

/// Lanes d … d + 15 of (v, 16 zeros).
#define SHIFTED16(v, d) __builtin_shufflevector(v, (vec16){0}, d, d + 1, d + 2, d + 3, d + 4, d + 5, d + 6, d + 7, \
                                                d + 8, d + 9, d + 10, d + 11, d + 12, d + 13, d + 14, d + 15)

/// The vector of pixels x … x + 15 that crosses an edge of the row (x = −1, or x + 16 > width),
/// zero outside the row. It is built from the row's first or last 16 pixels by a constant
/// shift: per-lane reads compile to gathers, which took a quarter of this transform's time.
/// Vector starts are 15 mod 16, so with width a multiple of 4 the right edge needs one of four
/// shifts; other widths (and rows under 16 pixels) take the per-lane path.
TEXSTIM_INLINE void edge_vector(const float *restrict source, const float *restrict maskRow, int width, int flip,
                                int x, vec16 *out) {
    vec16 window;
    if (width >= 16 && x < 0) {
        pixels16(source, maskRow, width, flip, 0, &window);
        *out = __builtin_shufflevector((vec16){0}, window, 0, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
        return;
    }
    if (width >= 16) {
        pixels16(source, maskRow, width, flip, width - 16, &window);
        switch (x - (width - 16)) {
        case 3: *out = SHIFTED16(window, 3); return;
        case 7: *out = SHIFTED16(window, 7); return;
        case 11: *out = SHIFTED16(window, 11); return;
        case 15: *out = SHIFTED16(window, 15); return;
        }
    }
    float lanes[16];
    for (int lane = 0; lane < 16; lane++) {
        lanes[lane] = x + lane >= 0 && x + lane < width ? pixel(source, maskRow, width, flip, x + lane) : 0;
    }
    *out = load16(lanes);
}

/// padded[i] = pixel (y, i − 1) of the (possibly rotated) plane for i < 4·tiles + 32, zero
/// outside the image. Written as whole vectors at multiples of 16 floats, the offsets that
/// input_row reads: a vector load that spans several narrower stores still in the store buffer
/// waits for them to retire (measured: 30% of this transform's time with memcpy here).
TEXSTIM_INLINE void load_row(const float *restrict plane, const float *restrict mask, int height, int width, int flip,
                             int y, int tiles, float *restrict padded) {
    size_t offset = (size_t)(flip ? height - 1 - y : y) * width;
    const float *restrict source = plane + offset, *restrict maskRow = mask ? mask + offset : NULL;
    ptrdiff_t ahead = (flip ? -4 : 4) * (ptrdiff_t)width;
    for (int start = 0; start < 4 * tiles + 32; start += 16) {
        int x = start - 1;  // the column of lane 0
        vec16 value = {0};
        if (x >= 0 && x + 16 <= width) {
            int column = flip ? width - 16 - x : x;
            // The row four ahead (the next tile row's): the planes come from memory, and the
            // hardware prefetcher alone left this transform waiting on loads (1.6 → 0.9 ms for
            // conv1_2 at 256²). A prefetch past the plane's end is harmless.
            __builtin_prefetch(source + column + ahead, 0, 3);
            if (maskRow) __builtin_prefetch(maskRow + column + ahead, 0, 3);
            pixels16(source, maskRow, width, flip, x, &value);
        } else if (x < width) {
            edge_vector(source, maskRow, width, flip, x, &value);
        }
        store16(padded + start, value);
    }
}

/// h[s][t] = (d Bᵀ)[s] of tile t's row segment d = pixels 4t − 1 … 4t + 4 (padded[4t …]).
TEXSTIM_INLINE void input_row(const float *restrict padded, int tiles, float *restrict h) {
    for (int t = 0; t < tiles; t += 16) {
        vec16 d[6], next[4], out[6];
        deinterleave4(padded + 4 * t, d);
        deinterleave4(padded + 4 * t + 64, next);
        d[4] = __builtin_shufflevector(d[0], next[0], NEXT16);
        d[5] = __builtin_shufflevector(d[1], next[1], NEXT16);
        input_1d(d, out);
        for (int s = 0; s < 6; s++) store16(h + (size_t)s * tiles + t, out[s]);
    }
}

/// The input transform's body, compiled into each level's function below.
TEXSTIM_INLINE void input_transform(const float *plane, const float *mask, int height, int width, int flip,
                                    int firstTileRow, int tileRows, float *v, size_t xiStride, float *work) {
    int tilesAcross = (width + 3) / 4, tiles = padded_tiles(tilesAcross);
    float *restrict padded = work;
    // rows[r][s][t]: patch row r after d Bᵀ. Tile rows overlap by two pixel rows, so rows 4
    // and 5 of one tile row are rows 0 and 1 of the next and are not transformed again.
    float *rows[6];
    for (int r = 0; r < 6; r++) rows[r] = padded + 4 * tiles + 32 + (size_t)r * 6 * tiles;
    for (int tileRow = 0; tileRow < tileRows; tileRow++) {
        int ty = firstTileRow + tileRow;
        if (tileRow > 0) {
            float *reused[2] = {rows[4], rows[5]}, *free[4] = {rows[0], rows[1], rows[2], rows[3]};
            rows[0] = reused[0], rows[1] = reused[1];
            for (int r = 2; r < 6; r++) rows[r] = free[r - 2];
        }
        for (int r = tileRow > 0 ? 2 : 0; r < 6; r++) {
            int y = 4 * ty - 1 + r;
            if (y < 0 || y >= height) {
                memset(rows[r], 0, sizeof(float) * 6 * (size_t)tiles);
                continue;
            }
            load_row(plane, mask, height, width, flip, y, tiles, padded);
            input_row(padded, tiles, rows[r]);
        }
        float *restrict target = v + (size_t)tileRow * tilesAcross;
        for (int s = 0; s < 6; s++) {
            size_t column = (size_t)s * tiles;
            for (int t = 0; t < tilesAcross; t += 16) {
                vec16 d[6], out[6];
                for (int r = 0; r < 6; r++) d[r] = load16(rows[r] + column + t);
                input_1d(d, out);
                for (int i = 0; i < 6; i++) store16(target + (size_t)(6 * i + s) * xiStride + t, out[i]);
            }
        }
    }
}

// MARK: - Output: Y = Aᵀ M A

/// out = Aᵀ · m for six vectors of 16 tiles.
TEXSTIM_INLINE void output_1d(const vec16 m[6], vec16 out[4]) {
    vec16 sum12 = m[1] + m[2], diff12 = m[1] - m[2];
    vec16 sum34 = m[3] + m[4], diff34 = m[3] - m[4];
    out[0] = m[0] + sum12 + sum34;
    out[1] = diff12 + 2 * diff34;
    out[2] = sum12 + 4 * sum34;
    out[3] = diff12 + 8 * diff34 + m[5];
}

/// Writes one finished output row (first `width` floats of `row`) into the plane. Rotated
/// rows are reversed into `row` first, so each mode has one unit-stride loop.
TEXSTIM_INLINE void write_row(float *restrict row, float *restrict reversed, float *restrict plane, int height,
                              int width, int y, float bias, int mode, int flip) {
    float *restrict target = plane + (size_t)(flip ? height - 1 - y : y) * width;
    const float *restrict values = row;
    // The row four ahead, for writing (as in load_row; conv1_2 at 256²: 0.9 → 0.6 ms).
    ptrdiff_t ahead = (flip ? -4 : 4) * (ptrdiff_t)width;
    for (int x = 0; x < width; x += 16) __builtin_prefetch(target + x + ahead, 1, 3);
    if (flip) {
        for (int x = 0; x < width; x++) reversed[x] = row[width - 1 - x];
        values = reversed;
    }
    if (mode == texstim_winograd_accumulate) {
        for (int x = 0; x < width; x++) target[x] += values[x];
    } else if (mode == texstim_winograd_store_relu) {
        for (int x = 0; x < width; x++) {
            float value = values[x] + bias;
            target[x] = value > 0 ? value : 0;
        }
    } else {
        for (int x = 0; x < width; x++) target[x] = values[x] + bias;
    }
}

/// The output transform's body, compiled into each level's function below.
TEXSTIM_INLINE void output_transform(const float *m, size_t xiStride, int firstTileRow, int tileRows,
                                     float *plane, int height, int width, float bias, int mode, int flip,
                                     float *work) {
    int tilesAcross = (width + 3) / 4, tiles = padded_tiles(tilesAcross);
    float *restrict row = work;                   // 4·tiles + 32
    float *restrict q = row + 4 * tiles + 32;     // q[i][s][t] = (Aᵀ M)[i][s]
    float *restrict reversed = q + 24 * tiles;    // 4·tiles
    size_t rowStride = (size_t)6 * tiles;
    for (int tileRow = 0; tileRow < tileRows; tileRow++) {
        const float *restrict source = m + (size_t)tileRow * tilesAcross;
        for (int s = 0; s < 6; s++) {
            for (int t = 0; t < tilesAcross; t += 16) {
                vec16 column[6], out[4];
                // Lanes past the row's last tile become pixels past the plane's width, which
                // write_row never writes.
                for (int r = 0; r < 6; r++) column[r] = load16(source + (size_t)(6 * r + s) * xiStride + t);
                output_1d(column, out);
                for (int i = 0; i < 4; i++) store16(q + i * rowStride + (size_t)s * tiles + t, out[i]);
            }
        }
        for (int i = 0; i < 4; i++) {
            int y = 4 * (firstTileRow + tileRow) + i;
            if (y >= height) break;
            const float *qi = q + (size_t)i * rowStride;
            for (int t = 0; t < tilesAcross; t += 16) {
                vec16 column[6], out[4];
                for (int s = 0; s < 6; s++) column[s] = load16(qi + (size_t)s * tiles + t);
                output_1d(column, out);
                interleave4(out, row + 4 * t);
            }
            write_row(row, reversed, plane, height, width, y, bias, mode, flip);
        }
    }
}

// MARK: - One function per level

#define INPUT_PARAMETERS const float *plane, const float *mask, int height, int width, int flip, int firstTileRow, \
                         int tileRows, float *v, size_t xiStride, float *work
#define INPUT_ARGUMENTS plane, mask, height, width, flip, firstTileRow, tileRows, v, xiStride, work
#define OUTPUT_PARAMETERS const float *m, size_t xiStride, int firstTileRow, int tileRows, float *plane, int height, \
                          int width, float bias, int mode, int flip, float *work
#define OUTPUT_ARGUMENTS m, xiStride, firstTileRow, tileRows, plane, height, width, bias, mode, flip, work

static void input_baseline(INPUT_PARAMETERS) { input_transform(INPUT_ARGUMENTS); }
static void output_baseline(OUTPUT_PARAMETERS) { output_transform(OUTPUT_ARGUMENTS); }

#if TEXSTIM_X86
__attribute__((target("avx2,fma"))) static void input_avx2(INPUT_PARAMETERS) { input_transform(INPUT_ARGUMENTS); }
__attribute__((target("avx2,fma"))) static void output_avx2(OUTPUT_PARAMETERS) { output_transform(OUTPUT_ARGUMENTS); }
__attribute__((target("avx512f"))) static void input_avx512(INPUT_PARAMETERS) { input_transform(INPUT_ARGUMENTS); }
__attribute__((target("avx512f"))) static void output_avx512(OUTPUT_PARAMETERS) {
    output_transform(OUTPUT_ARGUMENTS);
}

/// The level that runs: the one asked for, or the CPU's best if that is lower.
static int runnable(int level) {
    int cpu = texstim_kernel_cpu_level();
    return level < cpu ? level : cpu;
}
#endif

void texstim_winograd_input(int level, INPUT_PARAMETERS) {
#if TEXSTIM_X86
    switch (runnable(level)) {
    case texstim_level_avx512: input_avx512(INPUT_ARGUMENTS); return;
    case texstim_level_avx2: input_avx2(INPUT_ARGUMENTS); return;
    }
#endif
    (void)level;
    input_baseline(INPUT_ARGUMENTS);
}

void texstim_winograd_output(int level, OUTPUT_PARAMETERS) {
#if TEXSTIM_X86
    switch (runnable(level)) {
    case texstim_level_avx512: output_avx512(OUTPUT_ARGUMENTS); return;
    case texstim_level_avx2: output_avx2(OUTPUT_ARGUMENTS); return;
    }
#endif
    (void)level;
    output_baseline(OUTPUT_ARGUMENTS);
}
