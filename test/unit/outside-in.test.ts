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

  it("counts the AWS stand-ins' process (its command line names aws-standins.ts) and what it starts apart from node", async () => {
    // given: a stand-ins process that burns 300 ms and starts a child burning 300 ms, and a plain node process
    // CPU time, not wall time: on a loaded machine a wall-clock loop gets a fraction of a core
    const burn = 'while (process.cpuUsage().user < 300_000); setTimeout(() => {}, 60_000)';
    const spawnChild = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(burn)}], { stdio: 'inherit' });`;
    const standins = spawn(process.execPath, ['-e', `${spawnChild} ${burn}`, 'infra/local/aws-standins.ts']);
    const plain = spawn(process.execPath, ['-e', burn]);
    try {
      // when
      let tree = treeCpuMs(standins.pid!);
      for (let waited = 0; tree.standins < 600 && waited < 20_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        tree = treeCpuMs(standins.pid!);
      }
      let other = treeCpuMs(plain.pid!);
      for (let waited = 0; other.node < 300 && waited < 20_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        other = treeCpuMs(plain.pid!);
      }
      // then
      expect(tree.standins).toBeGreaterThanOrEqual(600);
      expect(tree.node).toBe(0);
      expect(other.standins).toBe(0);
      expect(other.node).toBeGreaterThanOrEqual(300);
    } finally {
      standins.kill();
      plain.kill();
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
