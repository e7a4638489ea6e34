/**
 * maildesk.config.json: one file read by the functions, the CLI, the local stack and the CDK stack.
 * Validated with zod at the edge; everything inside trusts the parsed `MaildeskConfig`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { configSchema, type Engineer, type MaildeskConfig, type Tenant } from './config-schema';

export {
  configSchema,
  MAX_ENGINEER_ATTACHMENT_MB,
  type Engineer,
  type MaildeskConfig,
  type Tenant,
} from './config-schema';

export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** One line per problem, each naming the key: `tenants[1].addresses[0]: expected an e-mail address`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
        '',
      );
      return `  ${path || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}

export function parseConfig(input: unknown, source = 'config'): MaildeskConfig {
  const result = configSchema().safeParse(input);
  if (!result.success) throw new ConfigError(`${source} is invalid:\n${formatIssues(result.error)}`);
  return result.data;
}

export const DEFAULT_CONFIG_FILE = 'maildesk.config.json';
export const EXAMPLE_CONFIG_FILE = 'maildesk.config.example.json';

/** The config path: explicit, else MAILDESK_CONFIG, else ./maildesk.config.json, else the shipped example. */
export function resolveConfigPath(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string {
  if (explicit) return resolve(cwd, explicit);
  if (env.MAILDESK_CONFIG) return resolve(cwd, env.MAILDESK_CONFIG);
  const own = resolve(cwd, DEFAULT_CONFIG_FILE);
  try {
    readFileSync(own);
    return own;
  } catch {
    return resolve(cwd, EXAMPLE_CONFIG_FILE);
  }
}

export function loadConfig(path = resolveConfigPath()): MaildeskConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${path}: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(json, path);
}

export function tenantById(config: MaildeskConfig, id: string | null): Tenant | undefined {
  return id === null ? undefined : config.tenants.find((t) => t.id === id);
}

export function engineerByAddress(config: MaildeskConfig, addr: string | undefined): Engineer | undefined {
  if (!addr) return undefined;
  const wanted = addr.toLowerCase();
  return config.engineers.find((e) => e.address === wanted);
}

export function isSupportAddress(config: MaildeskConfig, addr: string): boolean {
  const wanted = addr.toLowerCase();
  return config.tenants.some((t) => t.addresses.includes(wanted));
}

/**
 * The config a Lambda runs with: the CDK build validates maildesk.config.json with parseConfig and
 * embeds zod's output through esbuild's `define` (the literal `process.env.MAILDESK_CONFIG_JSON` is
 * replaced at build time), so a function never reads a file or SSM at cold start, and does not
 * validate again what the build already validated. Outside a bundle it reads and validates the file.
 */
export function configFromEnvironment(): MaildeskConfig {
  // One expression on the replaced literal: esbuild folds it at parse time, so a bundle never references
  // loadConfig, and the schema and zod stay out of the Lambdas (test/unit/lambda-bundles.test.ts).
  return process.env.MAILDESK_CONFIG_JSON
    ? (JSON.parse(process.env.MAILDESK_CONFIG_JSON) as MaildeskConfig)
    : loadConfig(resolveConfigPath());
}
