/**
 * What the REST-JSON APIs the emulator serves (EventBridge Scheduler, Lambda) share: a request as the
 * router hands it to an operation, the answer an operation gives, and the route table's shape. The
 * emulator (`app-runner-emulator.ts`) owns the HTTP server, the call log and fault injection; each API
 * module owns its routes, inputs and response shapes.
 */
import { ApiError } from './api-error';

/** One REST request, decoded: path labels and query already URL-decoded. */
export interface RestRequest {
  readonly method: string;
  /** The path labels of the matched route, e.g. `{ Name: 'my-schedule' }`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Query parameters; a parameter given twice keeps its last value. */
  readonly query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body text ('' when none). */
  readonly body: string;
  /** The Region from the SigV4 credential scope. */
  readonly region: string;
}

/** What an operation answers: a status, headers and a body (JSON object or raw text). */
export interface RestResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON object is serialized with `content-type: application/json`; a string is sent as is. */
  readonly body?: Record<string, unknown> | string;
}

/** One route: method, a path template with `{Label}` segments, the operation's name and handler. */
export interface RestRoute<Context> {
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly handle: (request: RestRequest, context: Context) => RestResponse | Promise<RestResponse>;
}

/** The route that serves `method` and `pathname`, with its decoded labels; undefined when none does. */
export function matchRoute<Context>(
  routes: readonly RestRoute<Context>[],
  method: string,
  pathname: string,
): { route: RestRoute<Context>; labels: Record<string, string> } | undefined {
  const segments = pathname.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = route.path.split('/');
    if (template.length !== segments.length) continue;
    const labels: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const label = /^\{(\w+)\}$/.exec(part)?.[1];
      if (label === undefined) return part === segments[i];
      if (segments[i] === '') return false;
      labels[label] = safeDecode(segments[i]);
      return true;
    });
    if (matches) return { route, labels };
  }
  return undefined;
}

/** The body as a JSON object; an empty body is `{}`. A body that is not a JSON object is `error`. */
export function jsonBody(body: string, error: (message: string) => ApiError): Record<string, unknown> {
  if (body.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(body);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through: unparsable and non-object bodies get the same answer.
  }
  throw error('The request body is not a JSON object.');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
