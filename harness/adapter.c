/* adapter: running an IUT's adapter with a verb (adapter.h). */
#include "adapter.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "err.h"

static uint64_t adapter_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void adapter_sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

void adapter_reap(struct adapter *a)
{
	int status;

	if (a->bg_pid <= 0)
		return;
	if (waitpid(a->bg_pid, &status, WNOHANG) == 0) {
		kill(a->bg_pid, SIGTERM);
		adapter_sleep_ms(100);
		if (waitpid(a->bg_pid, &status, WNOHANG) == 0) {
			kill(a->bg_pid, SIGKILL);
			waitpid(a->bg_pid, &status, 0);
		}
	}
	a->bg_pid = 0;
}

/* Waits for pid until the time limit: 0 with *status, or -1 (killed). */
static int adapter_wait(pid_t pid, unsigned limit_s, int *status)
{
	uint64_t end = adapter_now_us() + (uint64_t)limit_s * 1000000u;

	for (;;) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
		if (adapter_now_us() > end) {
			kill(pid, SIGTERM);
			adapter_sleep_ms(20);
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -1;
		}
		adapter_sleep_ms(20);
	}
}

int adapter_run(struct adapter *a, const char *const *args, bool background,
    int out_fd, struct err *e)
{
	char *argv[ADAPTER_ARGS_MAX + 2];
	unsigned limit = a->timeout_s ? a->timeout_s : ADAPTER_DEFAULT_TIMEOUT_S;
	pid_t pid;
	int status, i;

	argv[0] = (char *)a->path;
	for (i = 0; args[i] != NULL && i < ADAPTER_ARGS_MAX; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return err_set(e, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(out_fd >= 0 ? out_fd : 2, 1);
		if (out_fd >= 0)
			close(out_fd);
		execv(a->path, argv);
		_exit(127);
	}
	if (background) {
		/* initiate, rekey, terminate: the IUT's messages must be read
		 * (and timed) while the adapter still waits for its daemon */
		a->bg_pid = pid;
		return 0;
	}
	if (adapter_wait(pid, limit, &status) < 0)
		return err_set(e, "%s %s: no answer after %u s", a->path,
		    args[0], limit);
	if (!WIFEXITED(status))
		return err_set(e, "%s %s: killed by signal", a->path, args[0]);
	if (WEXITSTATUS(status) == 127)
		return err_set(e, "%s: could not run", a->path);
	return WEXITSTATUS(status);
}

int adapter_output(struct adapter *a, const char *const *args,
    struct bytes *out, struct err *e)
{
	char path[] = "/tmp/iketest-adapter-XXXXXX";
	uint8_t buf[4096];
	ssize_t r;
	int fd = mkstemp(path), rc;

	if (fd < 0)
		return err_set(e, "mkstemp: %s", strerror(errno));
	(void)unlink(path);
	rc = adapter_run(a, args, false, fd, e);
	if (rc >= 0 && lseek(fd, 0, SEEK_SET) == 0) {
		while ((r = read(fd, buf, sizeof(buf))) > 0 &&
		    out->len < ADAPTER_OUTPUT_MAX)
			if (bytes_append(out, buf, (size_t)r) < 0)
				break;
	}
	close(fd);
	return rc;
}
