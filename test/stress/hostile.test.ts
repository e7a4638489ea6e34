/** Hostile input, long version: the hand-made corpus, 3000 generated mails, a bomb of 500 from one sender. */
import { hostileSuite } from '../reliability/hostile.suite';

hostileSuite({ generated: 3000, bigAttachmentMb: 30, manyAttachments: 400, bomb: 500, parallel: 4 });
