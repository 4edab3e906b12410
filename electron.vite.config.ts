import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { CSP } from './src-main/security/csp'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // index: the Electron host; hub, audit-verify and ledger-verify run in plain Node.
        input: {
          index: resolve('src-main/index.ts'),
          hub: resolve('src-main/hub.ts'),
          'audit-verify': resolve('src-main/audit-verify.ts'),
          'ledger-verify': resolve('src-main/ledger-verify.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: 'src-renderer',
    base: './',
    // cornerstone3d (the imaging viewer): its image decoder runs in an ES module worker, dicom-parser
    // is CommonJS, and the WASM codecs' JS glue must be pre-bundled for the dev server.
    worker: { format: 'es' },
    optimizeDeps: {
      include: [
        'dicom-parser',
        ...[
          '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
          '@cornerstonejs/codec-charls/decodewasmjs',
          '@cornerstonejs/codec-openjpeg/decodewasmjs',
          '@cornerstonejs/codec-libjxl/decodewasmjs',
          '@cornerstonejs/codec-openjph/wasmjs'
        ].map((codec) => `@cornerstonejs/dicom-image-loader > ${codec}`)
      ],
      exclude: ['@cornerstonejs/dicom-image-loader']
    },
    build: {
      outDir: resolve('out/renderer'),
      target: 'es2022',
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } }
    },
    plugins: [
      react(),
      {
        name: 'vetos-csp',
        transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }]
      }
    ]
  }
})
