export { LogViewer, type LogViewerProps } from './LogViewer';
export type { LogViewState } from '../../lib/log-search';
export { logKeys } from './use-log-polling';
export { openLog, type LogSource } from './store';
export { sumCounts } from './model';
