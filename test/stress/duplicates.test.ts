/** Duplicate delivery, long version: ten mails per case, every count from 2 to 5, sequential and concurrent. */
import { duplicateSuite } from '../reliability/duplicates.suite';

duplicateSuite({ times: [2, 3, 4, 5], mailsPerCase: 10 });
