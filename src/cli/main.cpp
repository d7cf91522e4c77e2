#include <torch/torch.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"
#include "mpi_world.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/version.hpp"

int main(int argc, char** argv) {
  const spikernn::cli::MpiWorld world;  // joins the MPI job when mpirun started this process
  CLI::App app{
      "spikernn: leaky integrate-and-fire spiking RNNs mapped from trained rate RNNs "
      "(Kim, Li & Sejnowski, PNAS 2019)"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", [] {
    return "spikernn " + spikernn::version() + " (LibTorch " + spikernn::torch_version() +
           ", CUDA " + (torch::cuda::is_available() ? "available" : "not available") + ", MPI " +
           (spikernn::cli::MpiWorld::available() ? "built in" : "not built in") + ")";
  });
  spikernn::cli::add_simulate_command(app);
  spikernn::cli::add_grid_search_command(app);
  spikernn::cli::add_eval_command(app);
  spikernn::cli::add_merge_command(app);
  spikernn::cli::add_train_command(app);
  spikernn::cli::add_dataset_command(app);
  spikernn::cli::add_analyze_command(app);
  // A rank that fails before handing its result to rank 0 must end the MPI job, else the others
  // wait for it for ever (mpi_world.hpp); outside a job this returns the status alone.
  const auto fail = [&](int status) {
    if (status != 0) world.abort_job();
    return status;
  };
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      std::cout << app.help();
      return 0;
    }
  } catch (const CLI::ParseError& e) {
    return fail(app.exit(e));
  } catch (const spikernn::Interrupted& e) {
    std::cerr << "spikernn: " << e.what() << '\n';
    return fail(130);  // as a shell reports a process ended by SIGINT
  } catch (const spikernn::Error& e) {
    std::cerr << "spikernn: error: " << e.what() << '\n';
    return fail(1);
  } catch (const c10::Error& e) {
    std::cerr << "spikernn: error (LibTorch): " << e.what_without_backtrace() << '\n';
    return fail(1);
  } catch (const std::exception& e) {
    std::cerr << "spikernn: error: " << e.what() << '\n';
    return fail(1);
  }
  return 0;
}
