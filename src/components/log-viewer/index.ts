export { LogViewer, type LogViewerProps } from './LogViewer';
export type { LogViewState } from '../../lib/log-search';
export { refreshSource, type LogSource } from './store';
export { sumCounts } from './model';
