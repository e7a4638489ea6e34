/** Sizes of one bench run: `npm run bench` (full) and `npm run bench -- --quick` (about a minute). */
export interface BenchProfile {
  name: 'full' | 'quick';
  seed: number;
  /** ingest corpus: new-ticket mails and as many replies */
  newTickets: number;
  concurrency: number[];
  /** store cost: mails measured one by one */
  cost: { newTickets: number; replies: number; commands: number };
  /** floor ratio: corpus mails and rounds */
  floor: { newTickets: number; rounds: number };
  sweepSizes: number[];
  coldStartRounds: number;
  memory: { sizesMb: number[]; runs: number };
  /** outside in: new-ticket mails (and one reply each) through a child `npm start`, and warm-up mails */
  outsideIn: { newTickets: number; warmUp: number; concurrency: number };
  /** the SDK's floor: DynamoDB calls per round, rounds (SDK and bare HTTP alternating) */
  sdkFloor: { callsPerRound: number; rounds: number };
}

export const SEED = 20260302;

export function benchProfile(quick: boolean): BenchProfile {
  return quick
    ? {
        name: 'quick',
        seed: SEED,
        newTickets: 25,
        concurrency: [1, 16],
        cost: { newTickets: 10, replies: 10, commands: 4 },
        floor: { newTickets: 25, rounds: 2 },
        sweepSizes: [1_000, 4_000],
        coldStartRounds: 3,
        memory: { sizesMb: [30], runs: 1 },
        outsideIn: { newTickets: 40, warmUp: 8, concurrency: 4 },
        sdkFloor: { callsPerRound: 300, rounds: 3 },
      }
    : {
        name: 'full',
        seed: SEED,
        newTickets: 300,
        concurrency: [1, 16],
        cost: { newTickets: 100, replies: 100, commands: 20 },
        floor: { newTickets: 150, rounds: 5 },
        sweepSizes: [1_000, 10_000, 100_000],
        coldStartRounds: 30,
        memory: { sizesMb: [30, 40], runs: 3 },
        outsideIn: { newTickets: 200, warmUp: 8, concurrency: 4 },
        sdkFloor: { callsPerRound: 1000, rounds: 7 },
      };
}

/** The corpus of a run: the bench and bench/export-corpus.ts (for Request Tracker) make the same one. */
export const corpusOptions = (profile: BenchProfile) => ({
  seed: profile.seed,
  newTickets: profile.newTickets,
  commands: profile.cost.commands,
});
