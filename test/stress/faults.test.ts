/** Faults, long version: every fault kind at every call of every scenario, and every pair of calls. */
import { faultSuite } from '../reliability/faults.suite';

faultSuite({ kinds: 'all', extended: true, pairs: true, parallel: 4 });
