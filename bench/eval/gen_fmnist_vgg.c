/*
 * gen_fmnist_vgg -- write a VGG-style Fashion-MNIST network in qgen's net.json
 * v1 format with random but deterministic weights (a stand-in for the trained
 * examples/fashion-mnist/fmnist_vgg.onnx, same layers and shapes).
 *
 *   cc -O2 -o gen_fmnist_vgg gen_fmnist_vgg.c
 *   ./gen_fmnist_vgg OUTDIR [--synthetic-data N]
 *
 * writes OUTDIR/fmnist_vgg.json, OUTDIR/fmnist_vgg.bin (little-endian float32)
 * and OUTDIR/quant.json (8-bit LQ: weights and activations, kernel regions).
 * With --synthetic-data N it also writes N random 28x28 images and labels as
 * OUTDIR/t10k-images-idx3-ubyte and OUTDIR/t10k-labels-idx1-ubyte (plain IDX,
 * for hosts without Debian's dataset-fashion-mnist).
 *
 * Network (input "image" [1, 28, 28] CHW), as in examples/fashion-mnist/train.py
 * after BatchNorm folding:
 *   conv1a 1->16, conv1b 16->16, pool1 (28 -> 14)
 *   conv2a 16->32, conv2b 32->32, pool2 (14 -> 7)
 *   conv3a 32->64, conv3b 64->64, pool3 (7 -> 3)
 *   conv4a 64->64, conv4b 64->64
 *   global_avgpool, flatten, fc 64->10 (logits)
 * every conv 3x3, padding 1, followed by relu; 8,002,432 MACs per image.
 *
 * Weights: He-style uniform, U(-a, a) with a = sqrt(6 / fan_in), so ReLU
 * activations keep roughly the input's scale; fc: a = sqrt(3 / fan_in);
 * biases U(-0.05, 0.05). PRNG: splitmix64 with a fixed seed, so the output is
 * byte-identical on every run and host. On failure: a message on stderr, exit 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED 0x5eed00f4a5410016ULL

static uint64_t rng_state = SEED;

static uint64_t splitmix64(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* sqrt for x > 0 by Newton's method (no -lm needed) */
static double sqrt_pos(double x) {
  double r = x > 1.0 ? x : 1.0;
  int i;
  for (i = 0; i < 200; i++) r = 0.5 * (r + x / r);
  return r;
}

static float uniform_sym(float a) {
  float u = (float)(splitmix64() >> 40) * (1.0f / 16777216.0f);
  return (2.0f * u - 1.0f) * a;
}

static const char *g_dir;

static void die(const char *msg, const char *arg) {
  fprintf(stderr, "gen_fmnist_vgg: error: %s%s\n", msg, arg ? arg : "");
  exit(1);
}

static FILE *open_out(const char *file, const char *mode) {
  static char path[4096];
  FILE *f;
  if (snprintf(path, sizeof path, "%s/%s", g_dir, file) >= (int)sizeof path) die("path too long: ", file);
  f = fopen(path, mode);
  if (!f) die("cannot create ", path);
  return f;
}

static void close_out(FILE *f, const char *file) {
  if (ferror(f) || fclose(f) != 0) die("write failed: ", file);
}

static FILE *g_bin, *g_json;
static unsigned long long g_off, g_params, g_macs;
static int g_first = 1;

static void put_f32(float v) {
  unsigned char b[4];
  uint32_t u;
  memcpy(&u, &v, 4);
  b[0] = (unsigned char)u;
  b[1] = (unsigned char)(u >> 8);
  b[2] = (unsigned char)(u >> 16);
  b[3] = (unsigned char)(u >> 24);
  if (fwrite(b, 1, 4, g_bin) != 4) die("write failed: ", "fmnist_vgg.bin");
}

/* n values U(-a, a) appended to the weight file; returns their byte offset */
static unsigned long long append_uniform(unsigned long long n, float a) {
  unsigned long long off = g_off, i;
  for (i = 0; i < n; i++) put_f32(uniform_sym(a));
  g_off += 4 * n;
  g_params += n;
  return off;
}

static void layer(const char *text) {
  fputs(g_first ? "\n    " : ",\n    ", g_json);
  g_first = 0;
  fputs(text, g_json);
}

static void conv(const char *name, int cin, int cout, int hw) {
  char buf[512];
  unsigned long long w = append_uniform((unsigned long long)cout * cin * 9, (float)sqrt_pos(6.0 / (cin * 9)));
  unsigned long long b = append_uniform((unsigned long long)cout, 0.05f);
  snprintf(buf, sizeof buf,
           "{\"name\": \"%s\", \"op\": \"conv2d\", \"stride\": 1, \"padding\": 1, "
           "\"weight\": {\"offset\": %llu, \"shape\": [%d, %d, 3, 3]}, \"bias\": {\"offset\": %llu, \"shape\": [%d]}}",
           name, w, cout, cin, b, cout);
  layer(buf);
  snprintf(buf, sizeof buf, "{\"name\": \"relu%s\", \"op\": \"relu\"}", name + 4);
  layer(buf);
  g_macs += (unsigned long long)hw * hw * cout * cin * 9;
}

static void write_idx(const char *file, int rank, const int *dims, const unsigned char *data, size_t n) {
  FILE *f = open_out(file, "wb");
  unsigned char h[4] = {0, 0, 0x08, (unsigned char)rank};
  int i;
  fwrite(h, 1, 4, f);
  for (i = 0; i < rank; i++) {
    unsigned char d[4] = {(unsigned char)(dims[i] >> 24), (unsigned char)(dims[i] >> 16), (unsigned char)(dims[i] >> 8),
                          (unsigned char)dims[i]};
    fwrite(d, 1, 4, f);
  }
  if (fwrite(data, 1, n, f) != n) die("write failed: ", file);
  close_out(f, file);
}

/* Random "images": smooth blobs over noise, so activations vary like real ones. */
static void synthetic_data(int n) {
  unsigned char *img = malloc((size_t)n * 784), *lab = malloc((size_t)n);
  int i, p;
  int dims[3] = {n, 28, 28};
  if (!img || !lab) die("out of memory", NULL);
  for (i = 0; i < n; i++) {
    int cx = 6 + (int)(splitmix64() % 16), cy = 6 + (int)(splitmix64() % 16), r = 4 + (int)(splitmix64() % 8);
    lab[i] = (unsigned char)(splitmix64() % 10);
    for (p = 0; p < 784; p++) {
      int dx = p % 28 - cx, dy = p / 28 - cy, v = (int)(splitmix64() % 40);
      if (dx * dx + dy * dy <= r * r) v += 150 + lab[i] * 8;
      img[(size_t)i * 784 + (size_t)p] = (unsigned char)(v > 255 ? 255 : v);
    }
  }
  write_idx("t10k-images-idx3-ubyte", 3, dims, img, (size_t)n * 784);
  write_idx("t10k-labels-idx1-ubyte", 1, dims, lab, (size_t)n);
  free(img);
  free(lab);
}

int main(int argc, char **argv) {
  static const int chans[8] = {16, 16, 32, 32, 64, 64, 64, 64};
  static const char *names[8] = {"conv1a", "conv1b", "conv2a", "conv2b", "conv3a", "conv3b", "conv4a", "conv4b"};
  int i, cin = 1, hw = 28, synthetic = 0;
  char buf[512];
  FILE *q;
  unsigned long long fw, fb;

  if (argc == 4 && strcmp(argv[2], "--synthetic-data") == 0) synthetic = atoi(argv[3]);
  if ((argc != 2 && !(argc == 4 && synthetic > 0)) || argv[1][0] == '\0' || argv[1][0] == '-') {
    fprintf(stderr, "usage: gen_fmnist_vgg OUTDIR [--synthetic-data N]\n");
    return 2;
  }
  g_dir = argv[1];
  g_bin = open_out("fmnist_vgg.bin", "wb");
  g_json = open_out("fmnist_vgg.json", "w");
  fputs("{\n  \"format\": \"qgen-net\",\n  \"version\": 1,\n  \"name\": \"fmnist_vgg\",\n"
        "  \"weights\": \"fmnist_vgg.bin\",\n"
        "  \"input\": {\"name\": \"image\", \"shape\": [1, 28, 28], \"layout\": \"CHW\"},\n  \"layers\": [",
        g_json);
  for (i = 0; i < 8; i++) {
    conv(names[i], cin, chans[i], hw);
    cin = chans[i];
    if (i % 2 == 1 && i < 7) {
      snprintf(buf, sizeof buf, "{\"name\": \"pool%d\", \"op\": \"maxpool2d\", \"kernel\": 2, \"stride\": 2}", i / 2 + 1);
      layer(buf);
      hw /= 2;
    }
  }
  layer("{\"name\": \"gap\", \"op\": \"global_avgpool\"}");
  layer("{\"name\": \"flatten\", \"op\": \"flatten\"}");
  fw = append_uniform(10ULL * 64, (float)sqrt_pos(3.0 / 64));
  fb = append_uniform(10, 0.05f);
  snprintf(buf, sizeof buf,
           "{\"name\": \"fc\", \"op\": \"dense\", \"weight\": {\"offset\": %llu, \"shape\": [10, 64]}, "
           "\"bias\": {\"offset\": %llu, \"shape\": [10]}}",
           fw, fb);
  layer(buf);
  g_macs += 640;
  fputs("\n  ]\n}\n", g_json);
  close_out(g_bin, "fmnist_vgg.bin");
  close_out(g_json, "fmnist_vgg.json");

  q = open_out("quant.json", "w");
  fputs("{\"default\": {\"w_bits\": 8, \"a_bits\": 8, \"w_region\": \"kernel\", \"a_region\": \"kernel\"}}\n", q);
  close_out(q, "quant.json");
  if (synthetic) synthetic_data(synthetic);

  printf("params=%llu\nmacs=%llu\n", g_params, g_macs);
  return 0;
}
