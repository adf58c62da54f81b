export { ALL, FilterSelect, SEVERITY_FILTER_OPTIONS } from './FilterSelect';
