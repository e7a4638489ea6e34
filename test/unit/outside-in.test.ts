/** Issue 18: the outside-in bench's two instruments, the /proc CPU of a process tree and the profile summary. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeCpuMs } from '../../bench/outside-in';
import { summariseProfile } from '../../bench/profile-summary';

describe('outside-in instruments', () => {
  it("counts a child's CPU in its parent's tree while it runs", async () => {
    const before = treeCpuMs(process.pid).node;
    const child = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 600); setTimeout(() => {}, 5000)']);
    try {
      let added = 0;
      for (let waited = 0; added < 300 && waited < 20_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        added = treeCpuMs(process.pid).node - before;
      }
      expect(added).toBeGreaterThanOrEqual(300);
      expect(treeCpuMs(child.pid!).java).toBe(0);
    } finally {
      child.kill();
    }
  }, 30_000);

  it('sums self time by package and cuts the profile to a window', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'maildesk-profile-')), 'p.cpuprofile');
    const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 0 } });
    writeFileSync(
      file,
      JSON.stringify({
        startTime: 1_000_000,
        nodes: [
          frame(1, '(root)', ''),
          frame(2, 'send', 'file:///x/node_modules/@smithy/core/dist-cjs/index.js'),
          frame(3, 'decide', 'file:///x/shared/domain/decide.ts'),
          frame(4, '(idle)', ''),
        ],
        // 1 ms apart: smithy, smithy, ours, idle, ours (µs)
        samples: [2, 2, 3, 4, 3],
        timeDeltas: [1000, 1000, 1000, 1000, 1000],
      }),
    );
    const all = summariseProfile(file);
    expect(all.totalMs).toBe(4);
    expect(all.byPackage).toEqual([
      { name: 'smithy (SDK core)', ms: 2, share: 50 },
      { name: 'our code', ms: 2, share: 50 },
    ]);
    const late = summariseProfile(file, 5, { fromUs: 1_002_500, toUs: 1_010_000 });
    expect(late.byPackage).toEqual([{ name: 'our code', ms: 2, share: 100 }]);
    expect(late.topFunctions[0]).toMatchObject({ name: 'decide', where: 'shared/domain/decide.ts:1' });
  });
});
