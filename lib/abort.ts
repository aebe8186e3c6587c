/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal that aborts after `ms`, or when `parent` does; `dispose()` clears its timer as soon
 * as the work is done. (AbortSignal.timeout keeps its timer, and all the signal holds, alive
 * until it fires: one per event or per API attempt adds up in a busy instance.)
 */
export function deadlineSignal(
  ms: number,
  parent?: AbortSignal,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
    ms,
  );
  timer.unref?.();
  let onParent: (() => void) | undefined;
  if (parent?.aborted) controller.abort(parent.reason);
  else if (parent) {
    onParent = () => controller.abort(parent.reason);
    parent.addEventListener('abort', onParent, { once: true });
  }
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      if (onParent) parent?.removeEventListener('abort', onParent);
    },
  };
}
