#include "lif_backends.hpp"
#include "spikernn/core/time_grid.hpp"

namespace spikernn {

void simulate_reference(SimulationRun& run) {
  TORCH_INTERNAL_ASSERT(run.W.size(0) == 1, "the reference engine takes one weight set");
  const LIFParams& p = *run.params;
  const Stims& stims = *run.stims;
  const auto options = p.W.options();
  const int64_t N = p.W.size(0), B = run.current.size(1), columns = run.current.size(0);
  at::Generator& generator = *run.generator;

  torch::Tensor kick_units;
  if (stims.active()) {
    kick_units = torch::zeros({1, N}, options);
    kick_units.index_put_({0, torch::tensor(stims.units, torch::kLong).to(options.device())},
                          stims.kick());
  }
  LIFState state = lif_initial_state(p, B, generator);
  for (int64_t i = 0; i < run.nt; ++i) {
    if (run.IPSCs.defined()) run.IPSCs.select(2, i).copy_(state.ipsc);
    LIFStepInput input{
        run.current[stimulus_column(i, columns)], torch::randn({B, N}, generator, options), {}};
    if (stims.active() && i >= stims.dur[0] && i < stims.dur[1]) {
      // The port draws one float32 coin per step inside the window.
      const torch::Tensor coin = torch::rand({B}, generator, options.dtype(torch::kFloat32));
      input.kick = coin.lt(0.5).to(options.dtype()).unsqueeze(1) * kick_units;
    }
    LIFStepOutput step = lif_step(p, state, input, i);
    state = std::move(step.state);
    if (run.spk.defined()) run.spk.select(2, i).copy_(step.spikes);
    if (run.REC.defined()) run.REC.select(2, i).copy_(step.v_record);
    if (run.rs.defined()) run.rs.select(2, i).copy_(state.r);
    if (i >= kRateWindowStart) run.counts.add_(step.spikes);
    if (run.out.defined())
      run.out.select(1, i).copy_(torch::matmul(state.r, run.w_out.t()).squeeze(1));
  }
}

}  // namespace spikernn
