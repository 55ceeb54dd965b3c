/* The pod sandbox's placeholder process (image k8s/pause): holds the pod's namespaces open,
 * reaps the orphans it inherits as PID 1 of the pod, exits 0 on SIGINT or SIGTERM.
 * Built by scripts/node-images.sh with `gcc -static -Os`. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig) { stop_signal = sig; }

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int handle(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("pause (kadm)");
    return 0;
  }
  if (getpid() != 1) {
    fprintf(stderr, "pause: warning: not PID 1, orphans of this pod are not reaped here\n");
  }
  if (handle(SIGINT, on_stop, 0) != 0 || handle(SIGTERM, on_stop, 0) != 0 ||
      handle(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) != 0) {
    perror("pause: sigaction");
    return 1;
  }
  /* SIGINT/SIGTERM are only delivered inside sigsuspend: one arriving between the check and the
   * wait cannot be lost. */
  sigset_t stops, waiting;
  sigemptyset(&stops);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &stops, &waiting) != 0) {
    perror("pause: sigprocmask");
    return 1;
  }
  sigdelset(&waiting, SIGINT);
  sigdelset(&waiting, SIGTERM);
  while (!stop_signal) {
    sigsuspend(&waiting);
  }
  fprintf(stderr, "pause: shutting down, got signal %d\n", (int)stop_signal);
  return 0;
}
