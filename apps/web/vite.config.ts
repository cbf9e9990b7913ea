import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The reference web client. `scripts/build.sh` builds it into `dist/web`, which the gateway serves
 * at `/`. No React plugin: esbuild compiles JSX itself, which keeps the build small and fast
 * (Fast Refresh is the only thing lost; `npx vite apps/web` still reloads on change).
 */
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  resolve: {
    // The typed client package (libs/client), as the rest of the monorepo imports it; the web
    // client takes its REST types (and openapi-fetch) from it.
    alias: { '@plaza/client': fileURLToPath(new URL('../../libs/client/src/index.ts', import.meta.url)) },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      // TanStack Query marks its modules "use client" (for React Server Components); meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `npx vite apps/web` during development: the API and sockets of a local `npm start`.
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
