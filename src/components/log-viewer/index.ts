export { LogViewer, type LogViewState, type LogViewerProps } from './LogViewer';
export { refreshSource, type LogSource } from './store';
export { sumCounts } from './model';
