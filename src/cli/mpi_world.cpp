#include "mpi_world.hpp"

#include <cstdio>
#include <cstdlib>

#include "spikernn/core/error.hpp"

#ifdef SPIKERNN_WITH_MPI
#include <mpi.h>
#endif

namespace spikernn::cli {
namespace {

const MpiWorld* the_world = nullptr;

#ifdef SPIKERNN_WITH_MPI
// mpirun (OpenMPI, MPICH) and PMIx launchers set these; a process started by hand is not a rank,
// and does not pay for MPI's singleton start-up.
bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}
#endif

}  // namespace

bool MpiWorld::available() {
#ifdef SPIKERNN_WITH_MPI
  return true;
#else
  return false;
#endif
}

MpiWorld::MpiWorld() {
  the_world = this;
#ifdef SPIKERNN_WITH_MPI
  if (!started_by_mpi_launcher()) return;
  int provided = 0;
  // Only the main thread calls MPI; the worker threads simulate.
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  joined_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &local_rank_);
  MPI_Comm_free(&node);
  if (rank_ != 0 && std::freopen("/dev/null", "w", stdout) == nullptr) std::fclose(stdout);
#endif
}

MpiWorld::~MpiWorld() {
#ifdef SPIKERNN_WITH_MPI
  if (joined_) MPI_Finalize();
#endif
  the_world = nullptr;
}

std::vector<std::string> MpiWorld::gather(const std::string& text) const {
  gathered_ = true;
  if (size_ == 1) return {text};
#ifdef SPIKERNN_WITH_MPI
  const int length = static_cast<int>(text.size());
  std::vector<int> lengths(static_cast<size_t>(rank_ == 0 ? size_ : 0));
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<int> offsets(lengths.size(), 0);
  std::string all;
  if (rank_ == 0) {
    long total = 0;
    for (size_t r = 0; r < lengths.size(); ++r) {
      offsets[r] = static_cast<int>(total);
      total += lengths[r];
    }
    if (total > 2147483647L)
      throw Error("MPI: the ranks' results exceed 2 GiB; run fewer units per job");
    all.resize(static_cast<size_t>(total));
  }
  MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR,
              0, MPI_COMM_WORLD);
  std::vector<std::string> texts;
  for (size_t r = 0; r < lengths.size(); ++r)
    texts.push_back(all.substr(static_cast<size_t>(offsets[r]), static_cast<size_t>(lengths[r])));
  return texts;
#else
  return {text};
#endif
}

void MpiWorld::abort_job() const {
#ifdef SPIKERNN_WITH_MPI
  if (size_ > 1 && !gathered_) MPI_Abort(MPI_COMM_WORLD, 1);
#endif
}

const MpiWorld& mpi_world() {
  if (the_world == nullptr) throw Error("MPI: no world (main makes it)");
  return *the_world;
}

}  // namespace spikernn::cli
