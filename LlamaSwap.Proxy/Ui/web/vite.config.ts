import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The Proxy embeds dist/ in its assembly and serves it under /ui/. `npm run dev` serves the sources
// with hot reload and forwards every API call to a running Proxy (PROXY_URL, default
// http://localhost:8080), so the UI can be developed against the real stack.
const proxy = process.env.PROXY_URL ?? 'http://localhost:8080';
const apiPaths = ['/v1', '/api', '/logs', '/running', '/upstream', '/health'];

export default defineConfig({
  plugins: [svelte()],
  base: '/ui/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: proxy, changeOrigin: true }])),
  },
});
