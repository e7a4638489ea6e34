#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx, so `npx maildesk` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('./maildesk.ts');
