import { defineConfig } from 'drizzle-kit'

/** The PROVENIQ service's own PostgreSQL schema (src-proveniq); `drizzle.server.config.ts` is the clinic sync server's. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src-proveniq/schema.ts',
  out: './drizzle/proveniq'
})
