// loaxa_bench_cpu: runs a command and prints the CPU time it and its children used (user +
// system, from wait4's rusage). CPU time, unlike wall time, hardly moves when other work shares
// the machine, so two programs measured this way in one run compare fairly.
//
//   loaxa_bench_cpu COMMAND [ARG...]      prints `cpu_s=<seconds> maxrss_kb=<kB> wall_s=<seconds>`
//
// wall_s (monotonic clock, fork to reaping) is for the few goals that are wall times.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s COMMAND [ARG...]\n", argv[0]);
    return 2;
  }
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    return 1;
  }
  if (pid == 0) {
    // The measured command's own output is not part of the result.
    if (std::freopen("/dev/null", "w", stdout) == nullptr) _exit(127);
    if (std::freopen("/dev/null", "w", stderr) == nullptr) _exit(127);
    execvp(argv[1], argv + 1);
    std::perror(argv[1]);
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) {
    std::perror("wait4");
    return 1;
  }
  timespec end{};
  clock_gettime(CLOCK_MONOTONIC, &end);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "%s failed (status %d)\n", argv[1], status);
    return 1;
  }
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  const double wall = static_cast<double>(end.tv_sec - start.tv_sec) +
                      static_cast<double>(end.tv_nsec - start.tv_nsec) / 1e9;
  std::printf("cpu_s=%.3f maxrss_kb=%ld wall_s=%.3f\n", cpu, usage.ru_maxrss, wall);
  return 0;
}
