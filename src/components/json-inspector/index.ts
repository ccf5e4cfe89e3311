export { JsonInspector, type JsonInspectorProps } from './JsonInspector';
/** For building a `rootPath` from keys that may need quoting: formatPath('.outputs', [nodeId]). */
export { formatPath } from './model';
export { ShallowInspector, type FullRequest, type ShallowInspectorProps } from './ShallowInspector';
