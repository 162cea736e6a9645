import type { RouteContract } from '../../shared/api/contract';
import { issuesOf } from './parse';
import type { Reply } from './route';

const bareType = (contentType: string) => contentType.split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * Why `reply` is not what the contract declares for its status, or null when it is. JSON is
 * checked as the client receives it (after serialisation: dates are strings, `undefined` gone).
 */
export function replyProblem(contract: RouteContract, reply: Reply): string | null {
  const status = reply.status ?? 200;
  const spec = contract.responses[status];
  if (!spec) return `status ${status} is not declared`;
  if (reply.json !== undefined) {
    if (!spec.json) return `status ${status} declares no JSON body`;
    const parsed = spec.json.safeParse(JSON.parse(JSON.stringify(reply.json)));
    if (parsed.success) return null;
    return issuesOf(parsed.error, 'reply')
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
  }
  const hasBody = reply.body !== undefined && reply.body.length > 0;
  if (!hasBody) {
    return spec.json || spec.content ? `status ${status} declares a body; none was sent` : null;
  }
  const type = bareType(reply.contentType ?? '');
  if (!spec.content || !(type in spec.content)) {
    return `status ${status} does not declare the content type "${type}"`;
  }
  return null;
}
