// CPNG: the only code that calls libpng; setjmp stays on the C side of the boundary.
#include "texstim_png.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

typedef struct {
    jmp_buf jump;
    char *error;
    size_t error_length;
    const uint8_t *input;
    size_t input_length, input_offset;
    uint8_t *output;
    size_t output_length, output_capacity;
    int out_of_memory;
} png_context;

static void on_error(png_structp png, png_const_charp message) {
    png_context *context = (png_context *)png_get_error_ptr(png);
    snprintf(context->error, context->error_length, "%s", message);
    longjmp(context->jump, 1);
}

static void on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static void read_bytes(png_structp png, png_bytep out, png_size_t count) {
    png_context *context = (png_context *)png_get_io_ptr(png);
    if (context->input_offset + count > context->input_length) {
        png_error(png, "file is truncated (unexpected end of data)");
    }
    memcpy(out, context->input + context->input_offset, count);
    context->input_offset += count;
}

static void write_bytes(png_structp png, png_bytep in, png_size_t count) {
    png_context *context = (png_context *)png_get_io_ptr(png);
    if (context->output_length + count > context->output_capacity) {
        size_t capacity = context->output_capacity ? context->output_capacity * 2 : 65536;
        while (capacity < context->output_length + count) capacity *= 2;
        uint8_t *grown = realloc(context->output, capacity);
        if (!grown) { context->out_of_memory = 1; png_error(png, "out of memory"); }
        context->output = grown;
        context->output_capacity = capacity;
    }
    memcpy(context->output + context->output_length, in, count);
    context->output_length += count;
}

static void flush_bytes(png_structp png) { (void)png; }

// Every chunk's declared length must fit in the bytes that follow it. libpng allocates an
// ancillary chunk's buffer (e.g. iTXt) from the declared length before reading it, so a 2 KB
// file could make it allocate 2 GB; the whole file is in memory, so this check is exact.
static int check_chunk_lengths(const uint8_t *data, size_t length, char *error, size_t error_length) {
    size_t offset = 8;
    while (offset + 8 <= length) {
        uint32_t declared = (uint32_t)data[offset] << 24 | (uint32_t)data[offset + 1] << 16 |
                            (uint32_t)data[offset + 2] << 8 | (uint32_t)data[offset + 3];
        char type[5];
        for (int i = 0; i < 4; i++) {
            uint8_t c = data[offset + 4 + i];
            type[i] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ? (char)c : '?';
        }
        type[4] = 0;
        size_t remaining = length - offset - 8;
        if (declared > 0x7fffffffu || (size_t)declared + 4 > remaining) {
            snprintf(error, error_length, "chunk %s at byte %zu declares %u data bytes, but only %zu bytes follow "
                     "(with its CRC it needs %llu)", type, offset, declared, remaining, (unsigned long long)declared + 4);
            return 1;
        }
        if (memcmp(type, "IEND", 4) == 0) return 0;
        offset += 12 + (size_t)declared;
    }
    return 0;  // a file that stops between chunks: libpng reports it as truncated
}

int texstim_png_decode(const uint8_t *data, size_t length, uint32_t max_side,
                       texstim_png_info *info, uint16_t **pixels, char *error, size_t error_length) {
    png_context context;
    memset(&context, 0, sizeof context);
    context.error = error; context.error_length = error_length;
    context.input = data; context.input_length = length;
    *pixels = NULL;
    if (length < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(error, error_length, "not a PNG file (bad signature)");
        return 1;
    }
    if (check_chunk_lengths(data, length, error, error_length)) return 1;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, on_error, on_warning);
    png_infop png_info = png ? png_create_info_struct(png) : NULL;
    if (!png || !png_info) {
        snprintf(error, error_length, "libpng could not be initialised");
        png_destroy_read_struct(&png, NULL, NULL);
        return 1;
    }
    // volatile: these are read after a longjmp back into this frame.
    uint8_t *volatile row_bytes = NULL;
    uint16_t *volatile samples = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(context.jump)) {
        free(row_bytes); free(samples); free(rows);
        png_destroy_read_struct(&png, &png_info, NULL);
        return 1;
    }
    png_set_read_fn(png, &context, read_bytes);
    png_set_user_limits(png, max_side, max_side);
    png_read_info(png, png_info);
    int color_type = png_get_color_type(png, png_info);
    int depth = png_get_bit_depth(png, png_info);
    memset(info, 0, sizeof *info);
    info->width = png_get_image_width(png, png_info);
    info->height = png_get_image_height(png, png_info);
    info->was_palette = color_type == PNG_COLOR_TYPE_PALETTE;
    info->had_alpha = (color_type & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, png_info, PNG_INFO_tRNS);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (color_type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    if (png_get_valid(png, png_info, PNG_INFO_tRNS) && color_type != PNG_COLOR_TYPE_PALETTE) {
        // tRNS on grey/RGB only marks one colour transparent: ignoring it drops the alpha.
        png_free_data(png, png_info, PNG_FREE_TRNS, -1);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, png_info);
    int channels = png_get_channels(png, png_info);
    int out_depth = png_get_bit_depth(png, png_info);
    info->channels = channels;
    info->bit_depth = out_depth;
    size_t row_size = png_get_rowbytes(png, png_info);
    size_t count = (size_t)info->width * info->height * (size_t)channels;
    row_bytes = malloc(row_size * info->height);
    samples = malloc(count * sizeof(uint16_t));
    if (!row_bytes || !samples) png_error(png, "out of memory");
    rows = malloc(sizeof(png_bytep) * info->height);
    if (!rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < info->height; y++) rows[y] = row_bytes + y * row_size;
    png_read_image(png, rows);
    free(rows);
    rows = NULL;
    png_read_end(png, NULL);
    if (out_depth == 16) {
        for (size_t i = 0; i < count; i++) samples[i] = (uint16_t)((row_bytes[2 * i] << 8) | row_bytes[2 * i + 1]);
    } else {
        for (size_t i = 0; i < count; i++) samples[i] = row_bytes[i];
    }
    free(row_bytes);
    png_destroy_read_struct(&png, &png_info, NULL);
    *pixels = samples;
    return 0;
}

int texstim_png_encode(const uint16_t *pixels, uint32_t width, uint32_t height, int channels,
                       int bit_depth, const char *key, const char *text,
                       uint8_t **png_out, size_t *png_length, char *error, size_t error_length) {
    *png_out = NULL; *png_length = 0;
    if ((channels != 1 && channels != 3) || (bit_depth != 8 && bit_depth != 16)) {
        snprintf(error, error_length, "unsupported PNG layout: %d channels, %d bits", channels, bit_depth);
        return 1;
    }
    png_context context;
    memset(&context, 0, sizeof context);
    context.error = error; context.error_length = error_length;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, on_error, on_warning);
    png_infop png_info = png ? png_create_info_struct(png) : NULL;
    if (!png || !png_info) {
        snprintf(error, error_length, "libpng could not be initialised");
        png_destroy_write_struct(&png, NULL);
        return 1;
    }
    size_t row_size = (size_t)width * channels * (bit_depth / 8);
    uint8_t *volatile row = malloc(row_size ? row_size : 1);
    if (setjmp(context.jump)) {
        free(row); free(context.output);
        png_destroy_write_struct(&png, &png_info);
        return 1;
    }
    if (!row) png_error(png, "out of memory");
    png_set_write_fn(png, &context, write_bytes, flush_bytes);
    png_set_IHDR(png, png_info, width, height, bit_depth,
                 channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (key) {
        png_text entry;
        memset(&entry, 0, sizeof entry);
        entry.compression = PNG_ITXT_COMPRESSION_NONE;
        entry.key = (png_charp)key;
        entry.text = (png_charp)text;
        entry.itxt_length = strlen(text);
        entry.lang = "";
        entry.lang_key = "";
        png_set_text(png, png_info, &entry, 1);
    }
    png_write_info(png, png_info);
    for (uint32_t y = 0; y < height; y++) {
        const uint16_t *source = pixels + (size_t)y * width * channels;
        size_t samples_in_row = (size_t)width * channels;
        if (bit_depth == 16) {
            for (size_t i = 0; i < samples_in_row; i++) {
                row[2 * i] = (uint8_t)(source[i] >> 8);
                row[2 * i + 1] = (uint8_t)(source[i] & 0xff);
            }
        } else {
            for (size_t i = 0; i < samples_in_row; i++) row[i] = (uint8_t)source[i];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    free(row);
    png_destroy_write_struct(&png, &png_info);
    *png_out = context.output;
    *png_length = context.output_length;
    return 0;
}
