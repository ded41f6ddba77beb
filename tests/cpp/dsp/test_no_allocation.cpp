// Proves that streaming process calls never touch the heap: this binary replaces the global allocation
// functions with counting ones and checks the count does not move across process_* calls.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <limits>
#include <new>
#include <vector>

#include "dsp/fft_backend.hpp"
#include "kinemyo/dsp/moving_window.hpp"
#include "kinemyo/emg/ecg_removal.hpp"
#include "kinemyo/emg/envelope_pipeline.hpp"
#include "kinemyo/emg/features.hpp"
#include "kinemyo/emg/onsets.hpp"
#include "kinemyo/imu/classic_filters.hpp"
#include "kinemyo/imu/robust_filter.hpp"
#include "kinemyo/dsp/sos_filter.hpp"
#include "kinemyo/dsp/teager_kaiser.hpp"

namespace {
std::atomic<long> g_allocations{0};

void* counted_alloc(std::size_t n, std::size_t align) noexcept {
  ++g_allocations;
  if (n == 0) n = 1;
  if (align <= alignof(std::max_align_t)) return std::malloc(n);
  return std::aligned_alloc(align, (n + align - 1) / align * align);
}

void* counted_alloc_or_throw(std::size_t n, std::size_t align) {
  if (void* p = counted_alloc(n, align)) return p;
  throw std::bad_alloc();
}
}  // namespace

// Every replaceable allocation and deallocation function, so that no pair mixes this allocator with another.
void* operator new(std::size_t n) { return counted_alloc_or_throw(n, 0); }
void* operator new[](std::size_t n) { return counted_alloc_or_throw(n, 0); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_alloc_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_alloc_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

// malloc itself, too (FFTW allocates with malloc/posix_memalign, not operator new). glibc only; AddressSanitizer
// provides its own malloc, so sanitizer builds skip this part.
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define KINEMYO_COUNT_MALLOC 1
namespace {
std::atomic<long> g_mallocs{0};
}
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
void* malloc(std::size_t n) {
  ++g_mallocs;
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t m) {
  ++g_mallocs;
  return __libc_calloc(n, m);
}
void* realloc(void* p, std::size_t n) {
  ++g_mallocs;
  return __libc_realloc(p, n);
}
int posix_memalign(void** p, std::size_t align, std::size_t n) {
  ++g_mallocs;
  *p = __libc_memalign(align, n);
  return *p ? 0 : 12;  // ENOMEM
}
void* aligned_alloc(std::size_t align, std::size_t n) {
  ++g_mallocs;
  return __libc_memalign(align, n);
}
void* memalign(std::size_t align, std::size_t n) {
  ++g_mallocs;
  return __libc_memalign(align, n);
}
void free(void* p) { __libc_free(p); }
}
#endif

namespace dsp = kinemyo::dsp;

TEST(NoAllocation, CountingAllocatorSeesAllocations) {
  const long before = g_allocations.load();
  auto* v = new std::vector<double>(100);
  delete v;
  EXPECT_GT(g_allocations.load(), before);  // the probe works, so a zero delta below means something
}

TEST(NoAllocation, StreamingProcessCallsDoNotAllocate) {
  const std::size_t C = 16;
  auto sos = dsp::butterworth_sos(4, {20.0, 450.0}, dsp::FilterKind::bandpass, 2000.0);
  dsp::SosFilter filter(sos, C);
  dsp::MovingWindow rms(200, C, dsp::WindowStatistic::rms);
  dsp::TeagerKaiser tkeo(C);
  std::vector<double> xd(5000 * C, 0.25), yd(xd.size());
  std::vector<float> xf(5000 * C, 0.25f), yf(xf.size());
  xd[77] = std::numeric_limits<double>::quiet_NaN();

  const long before = g_allocations.load();
  filter.process_interleaved(xd.data(), yd.data(), 5000);
  filter.process_interleaved(xf.data(), yf.data(), 5000);
  filter.process_planar(xd.data(), 5000, yd.data(), 5000, 5000);
  filter.process_planar(xf.data(), 5000, yf.data(), 5000, 5000);
  for (std::size_t t = 0; t < 100; ++t) filter.process_frame(&xd[t * C], &yd[t * C]);
  filter.reset();
  rms.process_interleaved(xd.data(), yd.data(), 5000);
  rms.process_frame(xf.data(), yf.data());
  tkeo.process_interleaved(xd.data(), yd.data(), 5000);
  tkeo.process_frame(xf.data(), yf.data());
  EXPECT_EQ(g_allocations.load(), before);
}

TEST(NoAllocation, EnvelopePipelineProcessDoesNotAllocate) {
  auto cfg = kinemyo::emg::PipelineConfig::uniform(2000.0, 16);
  cfg.channels[3].envelope = kinemyo::emg::EnvelopeKind::moving_rms;  // two channel groups
  cfg.output_rate_hz = 100.0;
  kinemyo::emg::EnvelopePipeline pipeline(cfg);
  std::vector<double> x(4000 * 16, 0.1), y(4000 * 16);
  std::vector<float> xf(x.begin(), x.end()), yf(y.size());
  x[5] = std::numeric_limits<double>::quiet_NaN();
  const long before = g_allocations.load();
  pipeline.process(x.data(), 4000, y.data(), 4000);
  pipeline.process(xf.data(), 4000, yf.data(), 4000);
  pipeline.process_planar(x.data(), 4000, 4000, y.data(), 4000);
  pipeline.process_frame(x.data(), y.data());
  EXPECT_EQ(g_allocations.load(), before);
}

TEST(NoAllocation, EcgRemoverAndTrunkPipelineDoNotAllocate) {
  kinemyo::emg::EcgRemover remover(2, 1000.0, {});
  auto cfg = kinemyo::emg::PipelineConfig::uniform(1000.0, 2);
  for (auto& c : cfg.channels) c.remove_ecg = true;
  kinemyo::emg::EnvelopePipeline pipeline(cfg);
  // Spikes every 0.9 s so that beats are detected, templated and subtracted inside the measured calls.
  std::vector<double> x(2 * 12000, 0.0), y(x.size());
  for (std::size_t t = 0; t < 12000; ++t) {
    const double s = (t % 900 < 20) ? 50.0 * std::sin(3.14159 * static_cast<double>(t % 900) / 20.0) : 0.0;
    x[2 * t] = x[2 * t + 1] = s + 0.1 * std::sin(0.7 * static_cast<double>(t));
  }
  remover.process(x.data(), y.data(), 3000);  // past the learning period
  pipeline.process(x.data(), 3000, y.data(), 3000);
  const long before = g_allocations.load();
  remover.process(x.data() + 6000, y.data(), 9000);
  pipeline.process(x.data() + 6000, 9000, y.data(), 9000);
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_GE(remover.beats(0), 8u);
}

TEST(NoAllocation, OrientationFilterUpdatesDoNotAllocate) {
  kinemyo::imu::RobustFilter robust;
  kinemyo::imu::MadgwickFilter madgwick;
  kinemyo::imu::MahonyFilter mahony(kinemyo::imu::MahonyParams{1.0, 0.1});
  const long before = g_allocations.load();
  for (int i = 0; i < 5000; ++i) {
    const double t = 0.01 * i;
    const Eigen::Vector3d gyr(0.3 * std::sin(t), 0.2 * std::cos(0.7 * t), 0.1), acc(0.5 * std::sin(t), 0.2, 9.8),
        mag(1.0, 20.0 + std::sin(t), -40.0);
    const Eigen::Vector3d bad = i % 97 == 0 ? Eigen::Vector3d::Constant(std::nan("")) : mag;
    robust.update(0.01, gyr, acc, bad);
    madgwick.update(0.01, gyr, acc, bad);
    mahony.update(0.01, gyr, acc, bad);
  }
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_TRUE(robust.quat_9d().coeffs().allFinite());
}

TEST(NoAllocation, OnsetDetectorProcessDoesNotAllocate) {
  kinemyo::emg::OnsetConfig cfg;
  cfg.method = kinemyo::emg::OnsetMethod::hodges_bui;
  kinemyo::emg::OnsetDetector det(4, 1000.0, cfg);
  std::vector<double> rest(4000 * 4, 1.0);
  for (std::size_t i = 0; i < rest.size(); ++i) rest[i] += 0.01 * static_cast<double>(i % 7);
  det.set_baseline(rest);
  std::vector<double> x(5000 * 4, 5.0);
  std::vector<kinemyo::emg::OnsetEvent> events(100);
  const long before = g_allocations.load();
  det.process(x.data(), 5000, events.data(), events.size());
  EXPECT_EQ(g_allocations.load(), before);
}

#if defined(KINEMYO_COUNT_MALLOC)
TEST(NoAllocation, FftTransformsAndFatigueTrackerNeverCallMalloc) {
  {
    const long before = g_mallocs.load();
    void* p = std::malloc(16);
    std::free(p);
    ASSERT_GT(g_mallocs.load(), before);  // the probe sees malloc
  }
  // Lengths FFTW serves with allocating solvers (large prime factors) and plain ones.
  for (std::size_t n : {74u, 255u, 997u, 1111u, 1926u, 1000u, 1024u, 2000u}) {
    kinemyo::detail::FftPlan plan(n);
    std::vector<double> r(n, 0.5);
    std::vector<std::complex<double>> c(n, {0.25, 0.0}), out(n);
    const long before = g_mallocs.load();
    plan.forward_real(r.data(), out.data());
    plan.forward(c.data(), out.data());
    plan.inverse(out.data(), out.data());
    EXPECT_EQ(g_mallocs.load(), before) << "n = " << n << " (" << kinemyo::detail::fft_backend_name() << ")";
  }
  kinemyo::emg::FatigueTracker tracker(4, 1926.0);  // a 1 s window at a Delsys rate: 1926 = 2 * 3^2 * 107
  std::vector<double> x(4 * 1926 * 3, 0.0);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37 * static_cast<double>(i));
  std::vector<kinemyo::emg::SpectralFatiguePoint> pts(tracker.output_points_for(1926 * 3));
  const long before = g_mallocs.load();
  const std::size_t n = tracker.process(x.data(), 1926 * 3, pts.data(), pts.size());
  EXPECT_EQ(g_mallocs.load(), before);
  EXPECT_EQ(n, pts.size());
}
#endif
