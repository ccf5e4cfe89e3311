import type { WorkflowNode } from '../../contract/workflows';

/** Webhook targets are http(s) only; a templated host is fine, a file: or ftp: URL is not. */
const isHttpUrl = (url: string) => /^https?:\/\/[^\s/]/i.test(url);

/** The first WEBHOOK node whose url is not an http(s) URL, described for a 422. */
export function webhookUrlProblem(nodes: Pick<WorkflowNode, 'identifier' | 'config'>[]) {
  for (const [i, node] of nodes.entries()) {
    if (node.config.type !== 'WEBHOOK' || node.config.url === undefined) continue;
    const url = node.config.url;
    if (typeof url !== 'string' || !isHttpUrl(url)) {
      return `nodes[${i}].config.url of node "${node.identifier}" must be an http(s) URL`;
    }
  }
  return null;
}

/** An action's WEBHOOK invocation method with a url that is not http(s), described for a 422. */
export function invocationUrlProblem(method: { type: string; url?: unknown }) {
  if (method.type !== 'WEBHOOK' || method.url === undefined) return null;
  return typeof method.url === 'string' && isHttpUrl(method.url) && URL.canParse(method.url)
    ? null
    : 'body.invocationMethod.url must be an http(s) URL';
}
