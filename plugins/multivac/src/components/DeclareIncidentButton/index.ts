export { DeclareIncidentButton } from './DeclareIncidentButton';
