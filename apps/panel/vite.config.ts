import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The server serves dist/ with an SPA fallback and the API on the same origin under /api,
// so in development we proxy /api to a locally running server instead.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // scripts/sizes.mjs reads the manifest to find which chunks the login page loads.
    manifest: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": { target: process.env.USERTRAIL_API ?? "http://127.0.0.1:3000", changeOrigin: false },
    },
  },
});
