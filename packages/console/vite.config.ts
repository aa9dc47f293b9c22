import { defineConfig } from 'vite';

/** The console is served at /console by `abaco serve`: every asset is bundled, nothing is loaded from elsewhere. */
export default defineConfig({
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, assetsInlineLimit: 0, chunkSizeWarningLimit: 400 },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
