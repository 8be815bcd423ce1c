import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @vexil/dashboard` proxies the API to a server started with `npm start` (or VEXIL_API_URL).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': process.env.VEXIL_API_URL ?? 'http://localhost:8000' },
  },
});
