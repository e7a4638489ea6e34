/** Concurrency, short version: 50 replies at once, one race of commands and replies; test/stress runs more. */
import { concurrencySuite, SHORT_CONCURRENCY } from './concurrency.suite';

concurrencySuite(SHORT_CONCURRENCY);
