export { IncidentTimeline, TimelineActor } from './IncidentTimeline';
