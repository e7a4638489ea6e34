#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx, so `npx maildesk` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// The SDK warns on every run that its 2027 releases will need Node 22; the lock file pins ours.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./maildesk.ts');
