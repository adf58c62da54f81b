export { TrackerIssue } from './TrackerIssue';
