// Only built when the LibTorch found has CUDA (SPIKERNN_WITH_CUDA).
#include <c10/cuda/CUDAStream.h>

#include "lif_backends.hpp"
#include "lif_fused_cuda.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {
namespace {

template <typename T>
void run(SimulationRun& s) {
  const LIFParams& p = *s.params;
  const int64_t N = s.W.size(1);
  const auto options = s.W.options();
  // Kept alive until the launch has been enqueued; the stream orders their later release.
  const torch::Tensor Wt = s.W.transpose(1, 2).contiguous();
  const torch::Tensor decay_syn = p.decay_syn.expand({N}).contiguous();
  const torch::Tensor rise = p.rise_decay.expand({N}).contiguous();
  const torch::Tensor w_out = s.w_out.contiguous();
  torch::Tensor stimulated;
  LIFCudaArgs<T> a;
  a.trials = s.current.size(1);
  a.B = s.W.size(0) * a.trials;
  a.N = N;
  a.nt = s.nt;
  a.columns = s.current.size(0);
  a.constants = unit_constants<T>(p);
  a.dt = p.dt;
  a.Wt = Wt.data_ptr<T>();
  a.decay_syn = decay_syn.data_ptr<T>();
  a.rise_decay = rise.data_ptr<T>();
  a.current = s.current.data_ptr<T>();
  a.w_out = w_out.data_ptr<T>();
  if (s.stims->active()) {
    stimulated = torch::zeros({N}, torch::kUInt8);
    for (int64_t unit : s.stims->units) stimulated[unit] = 1;
    stimulated = stimulated.to(options.device());
    a.stimulated = stimulated.data_ptr<uint8_t>();
    a.kick = static_cast<T>(s.stims->kick());
    a.stim_on = s.stims->dur[0];
    a.stim_off = s.stims->dur[1];
  }
  a.seed = s.fast_seed;
  a.rec = data_or_null<T>(s.REC);
  a.spk = data_or_null<T>(s.spk);
  a.rs = data_or_null<T>(s.rs);
  a.ipscs = data_or_null<T>(s.IPSCs);
  a.out = data_or_null<T>(s.out);
  a.counts = data_or_null<T>(s.counts);
  try {
    launch_lif_fused_cuda(a, c10::cuda::getCurrentCUDAStream(options.device().index()).stream());
  } catch (const std::invalid_argument& e) {
    throw InvalidArgument(std::string(e.what()) + "; use engine 'reference' for larger networks");
  } catch (const std::runtime_error& e) {
    throw Error(e.what());
  }
}

}  // namespace

void simulate_fused_cuda(SimulationRun& simulation) {
  if (simulation.params->W.scalar_type() == torch::kFloat32)
    run<float>(simulation);
  else
    run<double>(simulation);
}

}  // namespace spikernn
