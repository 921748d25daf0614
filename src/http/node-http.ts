/**
 * node:http, as Node's own module. Not `import http from 'node:http'`: importing it
 * as an ES module evaluates its lazy WebSocket exports, which load undici (native
 * fetch) into a service that never fetches: ~6.5 MB more RSS and ~50 ms more CPU at
 * start per API or worker (docs/benchmarks.md, tuning history). Take it from here;
 * types still come from `import type ... from 'node:http'`.
 */
export const http = process.getBuiltinModule('node:http');
