type Handler = (signal: NodeJS.Signals) => Promise<void>;

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const handlers = new Set<Handler>();
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  uninstall();
  const running = [...handlers];
  handlers.clear();
  void Promise.allSettled(running.map((h) => h(signal))).then(() => {
    // Exit as the process would have without us: re-raise, unless someone else handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/**
 * Runs `handler` (teardown) on SIGINT/SIGTERM while registered; after every handler finished the
 * signal is re-raised so the process ends as it would have. Returns the unregister function.
 */
export function onProcessSignal(handler: Handler): () => void {
  handlers.add(handler);
  install();
  return () => {
    handlers.delete(handler);
    if (handlers.size === 0) uninstall();
  };
}
