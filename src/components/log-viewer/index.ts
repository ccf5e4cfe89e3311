export { LogViewer, type LogViewState, type LogViewerProps } from './LogViewer';
export type { LogSource } from './store';
export { sumCounts } from './model';
