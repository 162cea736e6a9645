import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app. `npm run build` → `client/dist` with content-hashed files under `assets/`, which
 * nginx (nginx/parley.conf) and the node (server/http/static-files.ts) cache for a year.
 * `npm run dev:client` serves it with hot reload and proxies the API and socket.io to a node
 * started with `npm start` (or the URL in PARLEY_URL).
 */
const nodeUrl = process.env.PARLEY_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: import.meta.dirname,
  publicDir: 'public',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    // Modern browsers preload modules natively; the polyfill would be one more script to trust.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1000,
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/api': { target: nodeUrl, changeOrigin: false },
      '/socket.io': { target: nodeUrl, ws: true },
      '/healthz': { target: nodeUrl },
    },
  },
  preview: { port: 4173 },
});
