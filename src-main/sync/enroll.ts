import { hostname } from 'node:os'

export interface Enrollment {
  clinicId: string
  deviceToken: string
}

/** Joins the clinic whose server issued the code: this workstation gets its own device credential. */
export async function enrollWorkstation(url: string, code: string, deviceId: string, name = hostname(), fetchFn: typeof fetch = fetch): Promise<Enrollment> {
  let res: Response
  try {
    res = await fetchFn(`${url}/sync/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: code.trim(), deviceId, name }) })
  } catch (e) {
    throw new Error(`cannot reach the clinic server at ${url}: ${(e as Error).message}`)
  }
  const body = (await res.json().catch(() => ({}))) as Partial<Enrollment> & { error?: string; message?: string }
  if (!res.ok || !body.clinicId || !body.deviceToken) throw new Error(`the clinic server refused the enrollment code: ${body.message ?? body.error ?? res.status}`)
  return { clinicId: body.clinicId, deviceToken: body.deviceToken }
}
