export { DatabaseInsightsStore } from './DatabaseInsightsStore';
export { InsightsService } from './InsightsService';
export { createInsightsRouter } from './insightsRouter';
export { PersonTimeZones } from './PersonTimeZones';
export { RecordingPageStore } from './RecordingPageStore';
export { demoHistoryEnabled, seedDemoHistory } from './demoHistory';
