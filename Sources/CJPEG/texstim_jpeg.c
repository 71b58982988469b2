// CJPEG: the only code that calls libjpeg; its error_exit longjmps back here, never into Swift.
#include "texstim_jpeg.h"
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *error;
    size_t error_length;
} jpeg_context;

static void on_error_exit(j_common_ptr info) {
    jpeg_context *context = (jpeg_context *)info->err;
    char message[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, message);
    snprintf(context->error, context->error_length, "%s", message);
    longjmp(context->jump, 1);
}

// Corrupt-data warnings (e.g. premature end of data) must fail the decode, not pass silently.
static void on_emit_message(j_common_ptr info, int level) {
    if (level < 0 && info->err->num_warnings++ == 0) on_error_exit(info);
}

int texstim_jpeg_decode(const uint8_t *data, size_t length, uint32_t max_side,
                        uint32_t *width, uint32_t *height, int *channels,
                        uint8_t **pixels, char *error, size_t error_length) {
    struct jpeg_decompress_struct info;
    jpeg_context context;
    memset(&context, 0, sizeof context);
    context.error = error; context.error_length = error_length;
    info.err = jpeg_std_error(&context.base);
    context.base.error_exit = on_error_exit;
    context.base.emit_message = on_emit_message;
    uint8_t *volatile samples = NULL;
    *pixels = NULL;
    if (setjmp(context.jump)) {
        free(samples);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)length);
    jpeg_read_header(&info, TRUE);
    *width = info.image_width;
    *height = info.image_height;
    if (info.image_width > max_side || info.image_height > max_side) {
        snprintf(error, error_length, "image is %ux%u, above the limit of %u pixels per side",
                 info.image_width, info.image_height, max_side);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
        snprintf(error, error_length, "CMYK JPEGs are not supported; convert the file to RGB");
        jpeg_destroy_decompress(&info);
        return 1;
    }
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    size_t stride = (size_t)info.output_width * info.output_components;
    samples = malloc(stride * info.output_height);
    if (!samples) {
        snprintf(error, error_length, "out of memory");
        jpeg_destroy_decompress(&info);
        return 1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = samples + (size_t)info.output_scanline * stride;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    *width = info.output_width;
    *height = info.output_height;
    *channels = info.output_components;
    jpeg_destroy_decompress(&info);
    *pixels = samples;
    return 0;
}
