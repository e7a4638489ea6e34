/** Concurrency, long version: 100 replies at once, five races of commands against 40 replies each. */
import { concurrencySuite } from '../reliability/concurrency.suite';

concurrencySuite({ replies: 100, raceRounds: 5, raceReplies: 40 });
