/** Faults at every SDK call, short version (one fault kind per call, rotating); test/stress runs every kind and every pair. */
import { faultSuite, SHORT_FAULTS } from './faults.suite';

faultSuite(SHORT_FAULTS);
