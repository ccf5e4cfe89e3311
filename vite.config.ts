import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { bootChunks } from './scripts/vite-boot-chunks.ts';
import { bootPreload } from './scripts/vite-boot-preload.ts';
import { bootRewrites } from './scripts/vite-boot-rewrites.ts';
import { lazyScrollRestoration } from './scripts/vite-lazy-scroll-restoration.ts';
import { mantineStylesCheck } from './scripts/vite-mantine-styles.ts';
import { mantineStableIds } from './scripts/vite-mantine-use-id.ts';
import { precompressAssets } from './scripts/vite-precompress.ts';
import { pureContractSchemas } from './scripts/vite-pure-contract.ts';

export default defineConfig({
  plugins: [
    react(),
    pureContractSchemas(),
    lazyScrollRestoration(),
    mantineStylesCheck(),
    mantineStableIds(),
    bootRewrites(),
    bootChunks(),
    bootPreload(),
    precompressAssets(),
  ],
  server: {
    port: 5173,
    proxy: { '/v1': 'http://localhost:8080', '/healthz': 'http://localhost:8080' },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    // The Trends tab's charts (recharts) are one lazy chunk of ~500 kB, loaded by that tab only;
    // the boot's chunks are under 360 kB. Without this every `npm start` that builds warns.
    chunkSizeWarningLimit: 600,
  },
});
