import type { ApiClientError } from '../api/client'

/** Field errors from the API's invalid-input issues, keyed by form field path. */
export function fieldErrors(error: ApiClientError | null | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const i of error?.issues ?? []) if (!out[i.path]) out[i.path] = i.message
  return out
}
