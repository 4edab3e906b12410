/**
 * Content-Security-Policy for the renderer, in one place: the hub sends it as a header, the Electron
 * host sets it on every response, and the build writes it into index.html as a meta tag.
 * Only our own origin; no inline script, no remote content. WASM is allowed for the image codecs.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  // Mantine sets element styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'"
].join('; ')
