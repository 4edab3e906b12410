import { defineConfig } from 'drizzle-kit'

/** The central sync server's PostgreSQL schema (src-server); `drizzle.config.ts` is the workstation's SQLite. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src-server/schema.ts',
  out: './drizzle/server'
})
