export { JsonInspector, type JsonInspectorProps } from './JsonInspector';
