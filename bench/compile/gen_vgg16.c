/*
 * gen_vgg16 -- write a VGG-16 (configuration D, ImageNet shapes) in qgen's
 * net.json v1 format, with random but deterministic weights.
 *
 *   cc -O2 -o gen_vgg16 gen_vgg16.c        (no -lm needed)
 *   ./gen_vgg16 OUTDIR
 *
 * writes OUTDIR/vgg16.json, OUTDIR/vgg16.bin (little-endian float32, ~553 MB)
 * and OUTDIR/quant.json (8-bit weights and activations, kernel regions).
 * OUTDIR must exist.  On success prints "params=138357544" (and some details)
 * on stdout and exits 0; on any failure prints a message on stderr, exits 1.
 *
 * Weights: He-style uniform, w ~ U(-a, a) with a = sqrt(6 / fan_in), so
 * Var(w) = 2 / fan_in and ReLU activations keep roughly the input's scale.
 * The last layer (fc8, feeding softmax) uses a = sqrt(3 / fan_in) (unit gain)
 * so the logits stay moderate.  Biases ~ U(-0.01, 0.01).
 * The PRNG is splitmix64 with a fixed seed, so the output is byte-identical
 * on every run and host.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECTED_PARAMS 138357544ULL
#define SEED 0x5eed0016c0ffee16ULL
#define CHUNK (1u << 20) /* floats per fwrite */

static uint64_t rng_state = SEED;

static uint64_t splitmix64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* sqrt for x > 0 by Newton's method (keeps the program free of -lm) */
static double sqrt_pos(double x)
{
    double r = x > 1.0 ? x : 1.0;
    int i;
    for (i = 0; i < 200; i++)
        r = 0.5 * (r + x / r);
    return r;
}

/* uniform in [-a, a) */
static float uniform_sym(float a)
{
    /* 24 random bits -> [0, 1) exactly representable in float */
    float u = (float)(splitmix64() >> 40) * (1.0f / 16777216.0f);
    return (2.0f * u - 1.0f) * a;
}

static const char *g_dir;
static char g_path[4096];

static void die(const char *msg)
{
    fprintf(stderr, "gen_vgg16: error: %s\n", msg);
    exit(1);
}

static void die_path(const char *what, const char *path)
{
    fprintf(stderr, "gen_vgg16: error: %s %s\n", what, path);
    perror("gen_vgg16");
    exit(1);
}

static const char *out_path(const char *file)
{
    size_t n = strlen(g_dir);
    if (n + 1 + strlen(file) + 1 > sizeof g_path)
        die("output directory path too long");
    strcpy(g_path, g_dir);
    if (n > 0 && g_path[n - 1] != '/')
        strcat(g_path, "/");
    strcat(g_path, file);
    return g_path;
}

static int host_is_little_endian(void)
{
    uint32_t x = 1;
    unsigned char c;
    memcpy(&c, &x, 1);
    return c == 1;
}

/* ---- weight file writer ------------------------------------------------ */

static FILE *g_bin;
static float *g_buf;
static size_t g_buf_n;
static uint64_t g_bin_bytes; /* bytes written (logically) so far */
static int g_swap;

static void bin_flush(void)
{
    if (g_buf_n == 0)
        return;
    if (g_swap) {
        size_t i;
        for (i = 0; i < g_buf_n; i++) {
            uint32_t v;
            memcpy(&v, &g_buf[i], 4);
            v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
            memcpy(&g_buf[i], &v, 4);
        }
    }
    if (fwrite(g_buf, sizeof(float), g_buf_n, g_bin) != g_buf_n)
        die_path("write failed:", out_path("vgg16.bin"));
    g_buf_n = 0;
}

/* appends n values U(-a, a) to the weight file; returns their byte offset */
static uint64_t bin_append_uniform(uint64_t n, float a)
{
    uint64_t off = g_bin_bytes, i;
    for (i = 0; i < n; i++) {
        float v = uniform_sym(a);
        if (!isfinite(v))
            die("internal: non-finite weight");
        g_buf[g_buf_n++] = v;
        if (g_buf_n == CHUNK)
            bin_flush();
    }
    g_bin_bytes += n * 4u;
    return off;
}

/* ---- json writer -------------------------------------------------------- */

static FILE *g_json;
static int g_first_layer = 1;
static int g_layers;
static uint64_t g_params;

static void layer_begin(void)
{
    fputs(g_first_layer ? "\n" : ",\n", g_json);
    g_first_layer = 0;
    g_layers++;
}

static void conv_layer(const char *name, int out_c, int in_c)
{
    uint64_t nw = (uint64_t)out_c * in_c * 3 * 3, nb = (uint64_t)out_c;
    uint64_t fan_in = (uint64_t)in_c * 3 * 3;
    uint64_t woff = bin_append_uniform(nw, (float)sqrt_pos(6.0 / (double)fan_in));
    uint64_t boff = bin_append_uniform(nb, 0.01f);
    g_params += nw + nb;
    layer_begin();
    fprintf(g_json,
            "    {\"name\": \"%s\", \"op\": \"conv2d\", \"stride\": 1, \"padding\": 1,\n"
            "     \"weight\": {\"offset\": %llu, \"shape\": [%d, %d, 3, 3]},\n"
            "     \"bias\": {\"offset\": %llu, \"shape\": [%d]}}",
            name, (unsigned long long)woff, out_c, in_c, (unsigned long long)boff, out_c);
}

static void dense_layer(const char *name, int out_n, int in_n, double gain)
{
    uint64_t nw = (uint64_t)out_n * in_n, nb = (uint64_t)out_n;
    uint64_t woff = bin_append_uniform(nw, (float)sqrt_pos(3.0 * gain / (double)in_n));
    uint64_t boff = bin_append_uniform(nb, 0.01f);
    g_params += nw + nb;
    layer_begin();
    fprintf(g_json,
            "    {\"name\": \"%s\", \"op\": \"dense\",\n"
            "     \"weight\": {\"offset\": %llu, \"shape\": [%d, %d]},\n"
            "     \"bias\": {\"offset\": %llu, \"shape\": [%d]}}",
            name, (unsigned long long)woff, out_n, in_n, (unsigned long long)boff, out_n);
}

static void simple_layer(const char *name, const char *op)
{
    layer_begin();
    fprintf(g_json, "    {\"name\": \"%s\", \"op\": \"%s\"}", name, op);
}

static void pool_layer(const char *name)
{
    layer_begin();
    fprintf(g_json, "    {\"name\": \"%s\", \"op\": \"maxpool2d\", \"kernel\": 2, \"stride\": 2}",
            name);
}

static void close_file(FILE *f, const char *file)
{
    if (ferror(f) || fclose(f) != 0)
        die_path("write failed:", out_path(file));
}

int main(int argc, char **argv)
{
    /* VGG-16 configuration D; 0 = maxpool */
    static const int cfg[] = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0,
                              512, 512, 512, 0, 512, 512, 512, 0};
    const int ncfg = (int)(sizeof cfg / sizeof cfg[0]);
    int i, c = 3, hw = 224, block = 1, idx = 1, flat;
    char name[32];
    FILE *q;

    if (argc != 2 || argv[1][0] == '\0' || argv[1][0] == '-') {
        fprintf(stderr, "usage: gen_vgg16 OUTDIR\n"
                        "writes OUTDIR/vgg16.json, OUTDIR/vgg16.bin, OUTDIR/quant.json\n");
        return 2;
    }
    g_dir = argv[1];
    g_swap = !host_is_little_endian();

    g_buf = (float *)malloc(CHUNK * sizeof(float));
    if (!g_buf)
        die("out of memory");

    g_bin = fopen(out_path("vgg16.bin"), "wb");
    if (!g_bin)
        die_path("cannot create", out_path("vgg16.bin"));
    g_json = fopen(out_path("vgg16.json"), "w");
    if (!g_json)
        die_path("cannot create", out_path("vgg16.json"));

    fputs("{\n"
          "  \"format\": \"qgen-net\",\n"
          "  \"version\": 1,\n"
          "  \"name\": \"vgg16\",\n"
          "  \"weights\": \"vgg16.bin\",\n"
          "  \"input\": {\"name\": \"image\", \"shape\": [3, 224, 224], \"layout\": \"CHW\"},\n"
          "  \"layers\": [",
          g_json);

    for (i = 0; i < ncfg; i++) {
        if (cfg[i] == 0) {
            sprintf(name, "pool%d", block);
            pool_layer(name);
            hw /= 2;
            block++;
            idx = 1;
        } else {
            sprintf(name, "conv%d_%d", block, idx);
            conv_layer(name, cfg[i], c);
            sprintf(name, "relu%d_%d", block, idx);
            simple_layer(name, "relu");
            c = cfg[i];
            idx++;
        }
    }
    flat = c * hw * hw;
    if (flat != 25088)
        die("internal: flatten size is not 25088");
    simple_layer("flatten", "flatten");
    dense_layer("fc6", 4096, flat, 2.0);
    simple_layer("relu6", "relu");
    dense_layer("fc7", 4096, 4096, 2.0);
    simple_layer("relu7", "relu");
    dense_layer("fc8", 1000, 4096, 1.0);
    simple_layer("prob", "softmax");
    fputs("\n  ],\n  \"outputs\": [\"prob\"]\n}\n", g_json);

    bin_flush();
    close_file(g_bin, "vgg16.bin");
    close_file(g_json, "vgg16.json");
    free(g_buf);

    if (g_params != EXPECTED_PARAMS) {
        fprintf(stderr, "gen_vgg16: error: parameter count %llu, expected %llu\n",
                (unsigned long long)g_params, EXPECTED_PARAMS);
        return 1;
    }
    if (g_bin_bytes != 4u * g_params)
        die("internal: weight file size != 4 * params");

    q = fopen(out_path("quant.json"), "w");
    if (!q)
        die_path("cannot create", out_path("quant.json"));
    fputs("{\"default\": {\"w_bits\": 8, \"a_bits\": 8, "
          "\"w_region\": \"kernel\", \"a_region\": \"kernel\"}}\n",
          q);
    close_file(q, "quant.json");

    printf("params=%llu\n", (unsigned long long)g_params);
    printf("weights_bytes=%llu\n", (unsigned long long)g_bin_bytes);
    printf("layers=%d\n", g_layers);
    return 0;
}
