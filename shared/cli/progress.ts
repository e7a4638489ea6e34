/** Progress of a long run on stderr, rewritten in place; silent unless stderr is a terminal. */
import type { CliIo } from './io';

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export function progressOnStderr(io: CliIo, label: string, everyMs = 100, clock: () => number = Date.now): Progress {
  const write = io.stderrIsTty ? io.stderrRaw : undefined;
  if (!write) return { update() {}, finish() {} };
  let last = -Infinity;
  let shown = false;
  return {
    update(done, total) {
      const now = clock();
      if (done < total && now - last < everyMs) return;
      last = now;
      shown = true;
      const pct = total ? Math.floor((done / total) * 100) : 100;
      write(`\r\u001b[K${label} ${done}/${total} (${pct}%)`);
    },
    finish() {
      if (shown) write('\r\u001b[K');
      shown = false;
    },
  };
}
