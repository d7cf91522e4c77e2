// The MPI job this process is one rank of, when spikernn was built with MPI and mpirun started
// it; otherwise a world of one rank. Only the CLI uses MPI: the core runs parts of a TaskRun and
// never communicates.
#pragma once

#include <string>
#include <vector>

namespace spikernn::cli {

class MpiWorld {
 public:
  // Joins the job when mpirun (or srun with PMIx) started this process; ranks other than 0 send
  // their standard output to /dev/null, so that the job prints what one process would.
  MpiWorld();
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  int rank() const { return rank_; }
  // This rank's index among the ranks on its node.
  int local_rank() const { return local_rank_; }
  int size() const { return size_; }
  // Every rank's `text`, in rank order, on rank 0; empty on the others.
  std::vector<std::string> gather(const std::string& text) const;

  // For an error this rank could not hand to rank 0 (one before its gather): ends every rank of
  // the job with status 1, as the others would wait for it for ever. Does nothing outside a job
  // or after the gather.
  void abort_job() const;

  // Whether this build can join an MPI job.
  static bool available();

 private:
  int rank_ = 0, size_ = 1, local_rank_ = 0;
  [[maybe_unused]] bool joined_ = false;  // read only where MPI is built in
  mutable bool gathered_ = false;
};

// The world of this process (made by main).
const MpiWorld& mpi_world();

}  // namespace spikernn::cli
