import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fullcalendarIconFont } from './tools/fullcalendarIconFont.ts';

// The Tauri webview loads ui/dist; no dev server is needed to build or test.
export default defineConfig(({ mode }) => ({
  plugins: [svelte(), fullcalendarIconFont()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The CSP allows no data: URLs (font-src and img-src are 'self'), so every
    // asset, however small, is a file of its own rather than inlined as data:.
    assetsInlineLimit: 0,
  },
  // Under vitest (mode "test"), load Svelte's browser build into jsdom.
  resolve: mode === 'test' ? { conditions: ['browser'] } : {},
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'tools/**/*.test.ts'],
  },
}));
