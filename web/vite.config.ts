import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The console is built into dist/web at the repository root; the server serves it with an SPA fallback. */
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: `${repoRoot}dist/web`,
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // `npx vite --config web/vite.config.ts` next to `npm run dev` (port 3000): the API is proxied.
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
});
