/**
 * The messages between the local stack and its AWS stand-ins' process (aws-standins.ts) over Node's IPC channel.
 * The stack calls (`start-ses`, `start-smtp`, `close-smtp`, answered by `reply` or `refused` with the same `n`);
 * the stand-ins ask the stack to run inbound on a mail they stored (`inbound`, answered by `received`), as SES
 * invokes the inbound Lambda. Checked with zod on both sides: a process speaking another version of this says so
 * instead of hanging.
 */
import { z } from 'zod';

const n = z.number().int().nonnegative();

export const toStandins = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start-ses'), n, verifiedIdentities: z.array(z.string()), outbox: z.string().min(1) }),
  z.object({ kind: z.literal('start-smtp'), n, port: z.number().int(), mailDir: z.string().min(1) }),
  z.object({ kind: z.literal('close-smtp'), n }),
  z.object({ kind: z.literal('received'), n, error: z.string().optional() }),
]);
export type ToStandins = z.infer<typeof toStandins>;

export const toStack = z.discriminatedUnion('kind', [
  /** sent once its listener is on: the IPC channel does not keep messages sent before it */
  z.object({ kind: z.literal('hello') }),
  z.object({ kind: z.literal('reply'), n, value: z.union([z.string(), z.number()]).optional() }),
  z.object({ kind: z.literal('refused'), n, message: z.string() }),
  z.object({ kind: z.literal('inbound'), n, id: z.string().min(1), recipients: z.array(z.string()) }),
]);
export type ToStack = z.infer<typeof toStack>;
