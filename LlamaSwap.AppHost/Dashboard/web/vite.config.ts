import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The AppHost embeds dist/ and serves it at the dashboard's root; `npm run dev` proxies the API to a
// running AppHost (DASHBOARD_URL, default http://localhost:18888).
const dashboard = process.env.DASHBOARD_URL ?? 'http://localhost:18888';

export default defineConfig({
  plugins: [svelte()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: {
      '/api': dashboard,
      '/login': dashboard,
    },
  },
});
