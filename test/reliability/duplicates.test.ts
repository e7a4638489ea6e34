/** Duplicate delivery, short version (`npm test`); test/stress/duplicates.test.ts runs the long one. */
import { duplicateSuite, SHORT_DUPLICATES } from './duplicates.suite';

duplicateSuite(SHORT_DUPLICATES);
