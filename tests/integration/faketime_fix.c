/* Preloaded ahead of libfaketime in the clock-jump tests (tests/integration/clock_jump_test.cpp).
 *
 * With FAKETIME_DONT_FAKE_MONOTONIC, libfaketime 0.9.10 still shifts the absolute times given to
 * timerfd_settime() and clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) by the wall-clock
 * offset. Boost.Asio arms an already expired timer as "absolute 1 ns" on its CLOCK_MONOTONIC
 * timerfd; shifted by a forward offset that becomes negative, the kernel answers EINVAL and the
 * timer never fires. A real step of the wall clock never touches monotonic timers, so these two
 * calls go straight to the kernel here; everything else stays faked. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int timerfd_settime(int fd, int flags, const struct itimerspec* value, struct itimerspec* old) {
  return (int)syscall(SYS_timerfd_settime, fd, flags, value, old);
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* request,
                    struct timespec* remain) {
  if (clock != CLOCK_MONOTONIC && clock != CLOCK_MONOTONIC_RAW && clock != CLOCK_BOOTTIME) {
    typedef int (*Fn)(clockid_t, int, const struct timespec*, struct timespec*);
    static Fn faked = NULL;
    if (faked == NULL) {
      void* symbol = dlsym(RTLD_NEXT, "clock_nanosleep");
      memcpy(&faked, &symbol, sizeof faked); /* ISO C has no object-to-function pointer cast */
    }
    return faked(clock, flags, request, remain);
  }
  /* The libc function returns the error number instead of setting errno. */
  return syscall(SYS_clock_nanosleep, clock, flags, request, remain) == 0 ? 0 : errno;
}
