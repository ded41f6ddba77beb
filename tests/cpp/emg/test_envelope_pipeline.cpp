#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "golden.hpp"
#include "kinemyo/emg/envelope_pipeline.hpp"
#include "kinemyo/limits.hpp"

namespace emg = kinemyo::emg;
using kinemyo::test::load_golden;
using kinemyo::test::max_rel_error;

namespace {

struct Input {
  double fs = 0;
  std::vector<double> x;
  std::size_t frames() const { return x.size() / 4; }
};

const Input& input() {
  static const Input in = [] {
    Input i;
    for (const auto& c : load_golden("emg"))
      if (c.id == "input") {
        i.fs = c.at("fs").scalar();
        i.x = c.at("x").values;
      }
    return i;
  }();
  return in;
}

std::vector<double> golden(const std::string& id, const std::string& field = "envelope") {
  for (const auto& c : load_golden("emg"))
    if (c.id == id) return c.at(field).values;
  throw std::runtime_error("no golden case " + id);
}

std::vector<double> run_all(emg::EnvelopePipeline& p, const std::vector<double>& x) {
  const std::size_t n = x.size() / p.n_channels();
  std::vector<double> out(p.output_frames_for(n) * p.n_channels());
  const std::size_t got = p.process(x.data(), n, out.data(), out.size() / p.n_channels());
  out.resize(got * p.n_channels());
  return out;
}

emg::PipelineConfig trunk_config(double fs) {
  emg::ChannelConfig ch;
  ch.profile = emg::Profile::trunk;
  ch.notch = emg::NotchConfig{50.0, 30.0, 3};
  ch.envelope = emg::EnvelopeKind::moving_rms;
  ch.window_s = 0.100;
  auto cfg = emg::PipelineConfig::uniform(fs, 4, ch);
  cfg.output_rate_hz = 100.0;
  return cfg;
}

}  // namespace

TEST(EnvelopePipeline, EqualsTheSameChainBuiltFromScipy) {
  const auto& in = input();
  emg::EnvelopePipeline limb(emg::PipelineConfig::uniform(in.fs, 4));
  EXPECT_LT(max_rel_error(run_all(limb, in.x), golden("limb_lowpass")), 1e-12);

  emg::EnvelopePipeline trunk(trunk_config(in.fs));
  EXPECT_EQ(trunk.decimation(), 20u);
  EXPECT_LT(max_rel_error(run_all(trunk, in.x), golden("trunk_notch_rms_decimated")), 1e-12);

  emg::ChannelConfig arv;
  arv.highpass_hz = 10.0;
  arv.lowpass_hz = 400.0;
  arv.prefilter_order = 2;
  arv.envelope = emg::EnvelopeKind::moving_arv;
  arv.window_s = 0.050;
  emg::EnvelopePipeline p(emg::PipelineConfig::uniform(in.fs, 4, arv));
  EXPECT_LT(max_rel_error(run_all(p, in.x), golden("limb_arv")), 1e-12);
}

TEST(EnvelopePipeline, OfflineEnvelopeIsZeroPhaseWithWinterCorrection) {
  const auto& in = input();
  EXPECT_NEAR(emg::winter_correction(2), 0.8022, 1e-4);
  EXPECT_NEAR(emg::winter_correction(2), golden("offline_limb_lowpass", "winter_c2")[0], 1e-15);
  EXPECT_NEAR(emg::winter_correction(4), golden("offline_limb_lowpass", "winter_c4")[0], 1e-15);
  const auto env = emg::offline_envelope<double>(emg::PipelineConfig::uniform(in.fs, 4), in.x);
  EXPECT_LT(max_rel_error(env, golden("offline_limb_lowpass")), 1e-10);
}

TEST(EnvelopePipeline, ChunkInvariantWithDecimationAndMixedChannels) {
  const auto& in = input();
  auto cfg = trunk_config(in.fs);
  cfg.channels[1].profile = emg::Profile::limb;  // two groups: {0, 2, 3} and {1}
  cfg.channels[1].envelope = emg::EnvelopeKind::lowpass;
  emg::EnvelopePipeline whole(cfg);
  const auto ref = run_all(whole, in.x);
  ASSERT_EQ(ref.size(), in.frames() / 20 * 4);

  std::mt19937 rng(5);
  std::uniform_int_distribution<std::size_t> chunk(1, 97);
  emg::EnvelopePipeline p(cfg);
  std::vector<double> got;
  for (std::size_t done = 0; done < in.frames();) {
    const std::size_t n = std::min(chunk(rng), in.frames() - done);
    std::vector<double> out(p.output_frames_for(n) * 4);
    const std::size_t k = p.process(in.x.data() + done * 4, n, out.data(), out.size() / 4);
    ASSERT_EQ(k * 4, out.size());
    got.insert(got.end(), out.begin(), out.end());
    done += n;
  }
  ASSERT_EQ(got.size(), ref.size());
  EXPECT_EQ(0, std::memcmp(got.data(), ref.data(), got.size() * sizeof(double)));

  // The mixed pipeline equals separate single-configuration pipelines per channel.
  emg::PipelineConfig single = cfg;
  single.channels = {cfg.channels[1]};
  emg::EnvelopePipeline alone(single);
  std::vector<double> x1(in.frames());
  for (std::size_t t = 0; t < in.frames(); ++t) x1[t] = in.x[t * 4 + 1];
  const auto ref1 = run_all(alone, x1);
  for (std::size_t t = 0; t < ref1.size(); ++t) ASSERT_EQ(ref1[t], ref[t * 4 + 1]);
}

TEST(EnvelopePipeline, PlanarFramesAndFloatAgree) {
  const auto& in = input();
  const auto cfg = emg::PipelineConfig::uniform(in.fs, 4);
  emg::EnvelopePipeline a(cfg), b(cfg), c(cfg);
  const auto ref = run_all(a, in.x);
  const std::size_t n = in.frames();
  std::vector<double> planar(in.x.size());
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t k = 0; k < 4; ++k) planar[k * n + t] = in.x[t * 4 + k];
  std::vector<double> out(ref.size());
  ASSERT_EQ(b.process_planar(planar.data(), n, n, out.data(), n), n);
  EXPECT_EQ(out, ref);
  for (std::size_t t = 0; t < n; ++t) ASSERT_TRUE(c.process_frame(&in.x[t * 4], &out[t * 4]));
  EXPECT_EQ(out, ref);
  // Too small an output buffer: nothing written, state untouched.
  std::vector<double> small(4);
  EXPECT_EQ(c.process(in.x.data(), 2, small.data(), 1), 0u);
}

TEST(EnvelopePipeline, NonFiniteSamplesAreReplacedNotPropagated) {
  const auto& in = input();
  auto x = in.x;
  x[100 * 4 + 2] = std::numeric_limits<double>::quiet_NaN();
  x[700 * 4 + 0] = std::numeric_limits<double>::infinity();
  emg::EnvelopePipeline p(emg::PipelineConfig::uniform(in.fs, 4));
  const auto env = run_all(p, x);
  for (double v : env) ASSERT_TRUE(std::isfinite(v));
  EXPECT_EQ(p.replaced_samples(), 2u);
}

TEST(EnvelopePipeline, LatencyResponseAndReport) {
  emg::EnvelopePipeline p(emg::PipelineConfig::uniform(2000.0, 2));
  // Envelope low-pass (2nd order, 6 Hz) dominates: sqrt(2) / (2 pi 6) = 37.5 ms, plus ~1 ms of band-pass delay.
  EXPECT_GT(p.latency_ms(0), 37.5);
  EXPECT_LT(p.latency_ms(0), 40.0);
  EXPECT_NEAR(std::abs(p.frequency_response(0, 20.0)), std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(std::abs(p.frequency_response(0, 150.0)), 1.0, 1e-3);
  EXPECT_NEAR(std::abs(p.envelope_frequency_response(0, 6.0)), std::sqrt(0.5), 1e-9);
  EXPECT_NEAR(p.design(0).lowpass_hz, 450.0, 0.0);
  emg::EnvelopePipeline low_rate(emg::PipelineConfig::uniform(800.0, 1));
  EXPECT_NEAR(low_rate.design(0).lowpass_hz, 360.0, 1e-12);  // clamped to 0.45 fs
  const auto text = p.processing_report();
  EXPECT_NE(text.find("Butterworth high-pass 20 Hz"), std::string::npos) << text;
  const auto json = p.processing_report_json();
  EXPECT_NE(json.find("\"cutoff_hz\": 450.0"), std::string::npos) << json;
  EXPECT_NE(json.find("zero-phase"), std::string::npos);
}

TEST(EnvelopePipeline, ValidationNamesTheField) {
  auto expect_field = [](emg::PipelineConfig cfg, const std::string& field) {
    try {
      emg::EnvelopePipeline p(cfg);
      ADD_FAILURE() << "no exception for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).rfind(field + ":", 0), 0u) << e.what();
    }
  };
  auto base = emg::PipelineConfig::uniform(1000.0, 3);
  auto c = base;
  c.fs = 0.0;
  expect_field(c, "fs");
  c = base;
  c.channels.clear();
  expect_field(c, "channels");
  c = base;
  c.channels[2].envelope_cutoff_hz = 600.0;
  expect_field(c, "channels[2].envelope_cutoff_hz");
  c = base;
  c.channels[1].highpass_hz = 500.0;
  expect_field(c, "channels[1].highpass_hz");
  c = base;
  c.channels[0].notch = emg::NotchConfig{50.0, 30.0, 10};
  expect_field(c, "channels[0].notch.harmonics");
  c = base;
  c.channels[0].envelope = emg::EnvelopeKind::moving_rms;
  c.channels[0].window_s = 0.0001;
  expect_field(c, "channels[0].window_s");
  c = base;
  c.output_rate_hz = 300.0;
  expect_field(c, "output_rate_hz");
}

TEST(EnvelopePipeline, CutoffBoundNamesTheChannelField) {
  // The filter cutoffs' lower bound, dsp::kMinRelativeCutoff * fs (1 kHz at fs = 1e12), refused naming the field.
  auto expect_field = [](const emg::PipelineConfig& cfg, const std::string& field) {
    try {
      emg::EnvelopePipeline p(cfg);
      ADD_FAILURE() << "no exception for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).rfind(field + ": must", 0), 0u) << e.what();
    }
  };
  const double fs = 1e12;
  auto base = emg::PipelineConfig::uniform(fs, 1);
  base.channels[0].highpass_hz = 2e3;
  base.channels[0].lowpass_hz = 1e6;
  base.channels[0].envelope_cutoff_hz = 2e3;
  EXPECT_NO_THROW(emg::EnvelopePipeline{base});
  auto c = base;
  c.channels[0].highpass_hz = 999.0;
  expect_field(c, "channels[0].highpass_hz");
  c = base;
  c.channels[0].lowpass_hz = 999.0;
  expect_field(c, "channels[0].lowpass_hz");
  c = base;
  c.channels[0].envelope_cutoff_hz = 999.0;
  expect_field(c, "channels[0].envelope_cutoff_hz");
}

TEST(EnvelopePipeline, WindowBoundIsTheCountBound) {
  // A moving window of kinemyo::kMaxCount + 1 samples is refused before its allocation, naming the field.
  auto w = emg::PipelineConfig::uniform(1000.0, 1);
  w.channels[0].envelope = emg::EnvelopeKind::moving_arv;
  w.channels[0].window_s = (static_cast<double>(kinemyo::kMaxCount) + 1.0) / 1000.0;
  try {
    emg::EnvelopePipeline p(w);
    ADD_FAILURE() << "accepted a window of 2^24 + 1 samples";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("channels[0].window_s: is longer than 16777216 samples", 0), 0u) << e.what();
  }
}

TEST(EnvelopePipeline, DecimationFactorOutOfRangeIsAnErrorNotAnOverflow) {
  // fs / output_rate_hz of 1e20 used to overflow its integer cast and divide by zero (SIGFPE).
  for (const auto& [fs, rate] : {std::pair{1000.0, 1e-17}, std::pair{1e22, 100.0}}) {
    auto cfg = emg::PipelineConfig::uniform(fs, 1);
    cfg.output_rate_hz = rate;
    try {
      emg::EnvelopePipeline p(cfg);
      ADD_FAILURE() << "accepted fs " << fs << " output_rate_hz " << rate;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("output_rate_hz"), std::string::npos) << e.what();
    }
  }
}
