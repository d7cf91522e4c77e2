#include "spikernn/core/lif_network.hpp"

#include "spikernn/core/error.hpp"
#include "spikernn/core/time_grid.hpp"

namespace spikernn {

namespace {

void check_device_available(const SpikingConfig& config) {
  const torch::Device device = config.torch_device();
  if (!device.is_cuda()) return;
  if (!torch::cuda::is_available())
    throw InvalidArgument("device '" + config.device +
                          "': CUDA is not available (no GPU, or LibTorch built without CUDA)");
  if (device.has_index() && device.index() >= static_cast<int>(torch::cuda::device_count()))
    throw InvalidArgument("device '" + config.device + "': only " +
                          std::to_string(torch::cuda::device_count()) + " CUDA device(s)");
}

// numpy's `w / scaling_factor`: a true division per element in float64, as the port computes it.
torch::Tensor divide_like_numpy(const torch::Tensor& t, double divisor) {
  torch::Tensor in = t.to(torch::kCPU, torch::kFloat64).contiguous();
  torch::Tensor out = torch::empty_like(in);
  const double* a = in.data_ptr<double>();
  double* b = out.data_ptr<double>();
  for (int64_t i = 0; i < in.numel(); ++i) b[i] = a[i] / divisor;
  return out;
}

}  // namespace

LIFNetworkImpl::LIFNetworkImpl(SpikingConfig config) : AbstractSpikingRNN(std::move(config)) {
  check_device_available(config_);
  reset();
}

LIFNetworkImpl::LIFNetworkImpl(SpikingConfig config, const RateModel& model)
    : LIFNetworkImpl(std::move(config)) {
  load_rate_weights(model);
}

void LIFNetworkImpl::reset() {
  const auto options =
      torch::TensorOptions().dtype(config_.torch_dtype()).device(config_.torch_device());
  const auto empty = [&] { return torch::zeros({0}, options); };
  w_rec_ = register_buffer("w_rec", empty());
  W_ = register_buffer("W", empty());
  w_in_ = register_buffer("w_in", empty());
  w_out_raw_ = register_buffer("w_out_raw", empty());
  w_out_ = register_buffer("w_out", empty());
  td_ = register_buffer("td", empty());
  td0_ = register_buffer("td0", empty());
}

void LIFNetworkImpl::load_rate_weights(const RateModel& model) {
  validate_rate_model(model);
  warnings_.clear();
  const int64_t negative = model.negative_weight_count();
  if (!config_.clamp_negative_weights && negative > 0 && model.inh.any().item<bool>())
    warnings_.push_back(
        (model.path.empty() ? std::string("rate model") : "'" + model.path + "'") + ": " +
        std::to_string(negative) + " of " + std::to_string(model.w.numel()) +
        " entries of 'w' are negative; the rate network used ReLU(w), but they are mapped as "
        "they are (as the PyTorch port does). Set clamp_negative_weights "
        "(--clamp-negative-weights) to map the network as it was trained.");
  config_.N = model.N;
  const auto options = W_.options();
  MappedWeights mapped{
      mapped_recurrent_weights(model, config_.use_initial_weights, config_.clamp_negative_weights),
      model.w_in, model.w_out};
  // On w_rec, before λ, so that set_scaling_factor keeps them; on the host in float64, so that the
  // draws and the numbers are the same on every device. None asked for: the tensors as they are.
  const Perturbations& perturbations = config_.perturbations;
  perturb_seed_ = resolve_perturb_seed(perturbations, config_.seed);
  if (perturbations.changes_weights())
    mapped = apply_perturbations(perturbations, mapped, model.exc, perturb_seed_);
  w_rec_.set_data(mapped.w_rec.to(options));
  w_in_.set_data(mapped.w_in.to(options));
  w_out_raw_.set_data(mapped.w_out.to(options));
  const SynapticDecay decay = synaptic_decay(model);
  td_.set_data(decay.td.to(options));
  td0_.set_data(decay.td0.to(options));
  loaded_ = true;
  apply_scaling_factor();
}

LIFNetworkImpl::ScaledWeights LIFNetworkImpl::scaled_weights(double scaling_factor) const {
  const auto options = w_rec_.options();
  return {divide_like_numpy(w_rec_, scaling_factor).to(options),
          divide_like_numpy(w_out_raw_, scaling_factor).to(options)};
}

void LIFNetworkImpl::apply_scaling_factor() {
  ScaledWeights scaled = scaled_weights(config_.scaling_factor);
  W_.set_data(scaled.W);
  w_out_.set_data(scaled.w_out);
}

void LIFNetworkImpl::set_scaling_factor(double scaling_factor) {
  SpikingConfig changed = config_;
  changed.scaling_factor = scaling_factor;
  validate_spiking_config(changed);
  config_ = changed;
  if (loaded_) apply_scaling_factor();
}

void LIFNetworkImpl::to(torch::Device device, torch::Dtype dtype, bool non_blocking) {
  const SpikingConfig moved = moved_config(device, dtype);
  Cloneable::to(device, dtype, non_blocking);
  config_ = moved;
}

void LIFNetworkImpl::to(torch::Dtype dtype, bool non_blocking) {
  const SpikingConfig moved = moved_config(device(), dtype);
  Cloneable::to(dtype, non_blocking);
  config_ = moved;
}

void LIFNetworkImpl::to(torch::Device device, bool non_blocking) {
  const SpikingConfig moved = moved_config(device, W_.scalar_type());
  Cloneable::to(device, non_blocking);
  config_ = moved;
}

SpikingConfig LIFNetworkImpl::moved_config(torch::Device device, torch::Dtype dtype) const {
  SpikingConfig moved = config_;
  moved.device = device.str();
  if (dtype != torch::kFloat32 && dtype != torch::kFloat64)
    throw ConfigError(std::string("key 'dtype': expected \"float64\" or \"float32\", found ") +
                      c10::toString(dtype));
  moved.dtype = dtype == torch::kFloat32 ? FloatType::Float32 : FloatType::Float64;
  validate_spiking_config(moved);
  check_device_available(moved);
  return moved;
}

LIFParams LIFNetworkImpl::lif_params() const { return lif_params_with(W_); }

void LIFNetworkImpl::check_loaded() const {
  if (!loaded_) throw Error("LIFNetwork: no rate model loaded; call load_rate_weights first");
}

LIFParams LIFNetworkImpl::lif_params_with(const torch::Tensor& W) const {
  check_loaded();
  const double dt = config_.dt * static_cast<double>(config_.downsample);
  return make_lif_params(dt, config_.tref, config_.tm, config_.vreset, config_.vpeak, config_.tr, W,
                         td_);
}

torch::Tensor LIFNetworkImpl::compute_firing_rates(const torch::Tensor& spikes) const {
  const double dt = config_.dt * static_cast<double>(config_.downsample);
  const int64_t nt = spikes.size(-1);
  return spikes.slice(-1, std::min(kRateWindowStart, nt)).sum(-1) / (static_cast<double>(nt) * dt);
}

}  // namespace spikernn
