import { createContext, useContext, useEffect, useRef, useState } from 'react'
import { Center, Loader } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { Navigate, Route, Routes } from 'react-router-dom'
import type { StaffMember } from '../../src-preload/contract'
import { useApi, useCall } from './api/hooks'
import { SignIn } from './screens/SignIn'
import { FirstRun } from './screens/FirstRun'
import { Shell } from './components/Shell'
import { PatientsScreen } from './screens/Patients'
import { PatientScreen } from './screens/Patient'
import { ClientScreen } from './screens/Client'
import { AuditScreen } from './screens/Audit'
import { IntegrationsScreen } from './screens/Integrations'
import { IntegrationCaptureScreen } from './screens/IntegrationCapture'
import { SettingsScreen } from './screens/Settings'
import { LabReviewScreen } from './screens/LabReview'
import { ImagingReviewScreen } from './screens/ImagingReview'
import { PrintReport } from './screens/PrintReport'
import { CheckoutScreen } from './screens/Checkout'
import { BillingScreen } from './screens/Billing'
import { PrintReceipt } from './screens/PrintReceipt'
import { LostFoundScreen } from './screens/LostFound'
import { TodayScreen } from './screens/Today'
import { useClinicTimezone } from './components/billing-shared'

const MeContext = createContext<StaffMember | null>(null)

export function useMe(): StaffMember {
  const me = useContext(MeContext)
  if (!me) throw new Error('not signed in')
  return me
}

export function App() {
  const api = useApi()
  const qc = useQueryClient()
  const [signedIn, setSignedIn] = useState(api.signedIn)
  useEffect(
    () =>
      api.onSessionChange(() => {
        qc.clear()
        setSignedIn(api.signedIn)
      }),
    [api, qc]
  )
  // A new workstation chooses its clinic before anyone can sign in.
  const setup = useCall('setup.state', {})
  // Once shown, the first-run screen stays until it reloads the window (the new PIN must be read first).
  const firstRun = useRef(false)
  if (!setup.data) return <Center h="100vh">{setup.error ? setup.error.message : <Loader />}</Center>
  if (setup.data.step !== 'ready') firstRun.current = true
  if (firstRun.current) return <FirstRun />
  return signedIn ? <SignedIn /> : <SignIn />
}

function SignedIn() {
  const me = useCall('auth.me', {})
  // Screens count days in the clinic's timezone (checkout, reports): read it before any screen renders.
  const clinicRead = useClinicTimezone()
  if (!me.data) return <Center h="100vh">{me.isLoading ? <Loader /> : <SignIn />}</Center>
  if (!clinicRead) return <Center h="100vh"><Loader /></Center>
  return (
    <MeContext.Provider value={me.data}>
      <Routes>
        <Route path="/reports/:id" element={<PrintReport />} />
        <Route path="/receipts/:paymentIds" element={<PrintReceipt />} />
        <Route path="*" element={<Screens />} />
      </Routes>
    </MeContext.Provider>
  )
}

function Screens() {
  return (
      <Shell>
        <Routes>
          <Route path="/" element={<Navigate to="/today" replace />} />
          <Route path="/today" element={<TodayScreen />} />
          <Route path="/patients" element={<PatientsScreen />} />
          <Route path="/patients/:id" element={<PatientScreen />} />
          <Route path="/clients/:id" element={<ClientScreen />} />
          <Route path="/lab-review" element={<LabReviewScreen />} />
          <Route path="/imaging-review" element={<ImagingReviewScreen />} />
          <Route path="/checkout" element={<CheckoutScreen />} />
          <Route path="/billing" element={<BillingScreen />} />
          <Route path="/lost-found" element={<LostFoundScreen />} />
          <Route path="/audit" element={<AuditScreen />} />
          <Route path="/integrations" element={<IntegrationsScreen />} />
          <Route path="/integrations/:id/capture" element={<IntegrationCaptureScreen />} />
          <Route path="/settings" element={<SettingsScreen />} />
          <Route path="*" element={<Navigate to="/today" replace />} />
        </Routes>
      </Shell>
  )
}
