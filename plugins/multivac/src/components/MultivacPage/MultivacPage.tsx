import { Navigate, Route, Routes } from 'react-router-dom';
import { AlertGroupPage } from '../AlertGroupPage';
import { AlertIntegrationsPage } from '../AlertIntegrationsPage';
import { AlertsListPage } from '../AlertsListPage';
import { DigestPage } from '../DigestPage';
import { IncidentPage } from '../IncidentPage';
import { InsightsPage } from '../InsightsPage';
import { IncidentsListPage } from '../IncidentsListPage';
import { OnCallPage } from '../OnCallPage';
import { PostmortemPage } from '../PostmortemPage';
import { PostmortemsListPage } from '../PostmortemsListPage';
import { ReleaseCalendarPage } from '../ReleaseCalendarPage';
import { ReportDetailsPage } from '../ReportDetailsPage';
import { ReportPage } from '../ReportPage';
import { ReportsListPage } from '../ReportsListPage';

/** Everything under `/multivac`. */
export const MultivacPage = () => (
  <Routes>
    <Route path="/" element={<Navigate to="incidents" replace />} />
    <Route path="/alerts" element={<AlertsListPage />} />
    <Route path="/alerts/groups/:id" element={<AlertGroupPage />} />
    <Route path="/alerts/integrations" element={<AlertIntegrationsPage />} />
    <Route path="/digest" element={<DigestPage />} />
    <Route path="/incidents" element={<IncidentsListPage />} />
    <Route path="/incidents/:id" element={<IncidentPage />} />
    <Route path="/insights" element={<InsightsPage />} />
    <Route path="/oncall" element={<OnCallPage />} />
    <Route path="/postmortems" element={<PostmortemsListPage />} />
    <Route path="/postmortems/:id" element={<PostmortemPage />} />
    <Route path="/releases" element={<ReleaseCalendarPage />} />
    <Route path="/releases/:id" element={<ReleaseCalendarPage />} />
    <Route path="/report" element={<ReportPage />} />
    <Route path="/reports" element={<ReportsListPage />} />
    <Route path="/reports/:id" element={<ReportDetailsPage />} />
  </Routes>
);
