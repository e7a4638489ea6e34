/** Hostile input, short version: the hand-made corpus, 140 generated mails (205 in all), a 30-mail bomb; test/stress runs thousands and a bomb of 500. */
import { hostileSuite, SHORT_HOSTILE } from './hostile.suite';

hostileSuite(SHORT_HOSTILE);
