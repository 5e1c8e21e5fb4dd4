// The command-centre dashboard: plain TypeScript bundled by Vite into dist/dashboard, which the gateway
// serves at `/`. `npm run build` builds it; `npm run dashboard:dev` serves it with live reload against a
// gateway on GATEWAY_URL (default http://127.0.0.1:3000).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const gateway = process.env.GATEWAY_URL || 'http://127.0.0.1:3000';

export default defineConfig({
  root: here('.'),
  base: '/',
  logLevel: 'warn',
  // Only the contract's modules that import no package (no Node built-ins, no zod) are imported at run time.
  resolve: { alias: [{ find: /^@lg\/contracts\/(.*)$/, replacement: here('../../libs/contracts/src/$1') }] },
  build: {
    outDir: here('../../dist/dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': gateway,
      '/socket.io': { target: gateway, ws: true },
    },
  },
});
