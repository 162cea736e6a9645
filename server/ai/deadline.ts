/**
 * Runs `work` with an abort signal that fires after `ms`, and settles by then whatever `work`
 * does: the SDKs honour the signal, and the race covers anything that does not.
 */
export async function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = onTimeout();
      // Rejected first, so the race settles with the timeout, not with the abort it causes.
      reject(error);
      controller.abort(error);
    }, ms);
  });
  const running = work(controller.signal);
  // When the deadline wins, the late rejection of `work` is expected and must not go unhandled.
  running.catch(() => {});
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
