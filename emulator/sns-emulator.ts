/**
 * A minimal Amazon SNS emulator for tests: the one operation the function calls, `Publish`, on an HTTP
 * server on 127.0.0.1 that the real `@aws-sdk/client-sns` talks to (`endpoint: sns.endpoint`).
 *
 * Protocol and rules, from the public SNS API model (2010-03-31) and the Publish API reference:
 * - AWS Query: `POST /`, form-encoded `Action=Publish&Version=2010-03-31&TopicArn=...&Message=...`
 *   (`Subject`, `MessageStructure` optional); the answer is XML `PublishResponse/PublishResult/MessageId`.
 * - Errors are XML `ErrorResponse/Error/{Type,Code,Message}`: an unknown topic `NotFound` (404), a bad
 *   parameter `InvalidParameter` (400).
 * - `Subject`: UTF-8 with no line breaks or control characters, fewer than 100 characters.
 * - `Message`: at most 256 KB (262,144 bytes). With `MessageStructure=json` it is a JSON object with at
 *   least a top-level `default` string; a key naming a protocol (`email`, `https`, `sqs`...) must have a
 *   string value; each subscriber gets its protocol's value, or `default`.
 * - Requests must be SigV4-signed (any credentials work; signatures are not verified), as with the App
 *   Runner emulator.
 * Where the reference is silent, the emulator chooses and says so: the exact error messages are ours.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** SNS's largest message, in bytes. */
export const SNS_MESSAGE_MAX_BYTES = 262_144;

/** One accepted Publish call. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageStructure?: string;
  /** What a subscriber of `protocol` receives: its protocol's value of a JSON-structured message, else `default`, else the message. */
  deliveredTo(protocol: string): string;
}

/** A running SNS emulator. */
export interface SnsEmulator {
  readonly endpoint: string;
  /** The messages published so far, oldest first. */
  published(): readonly PublishedMessage[];
  /** Makes the next Publish call fail with this error code and HTTP status (e.g. `AuthorizationError`, 403). */
  failNextPublish(code: string, status: number): void;
  close(): Promise<void>;
}

/** Options for `startSnsEmulator`. */
export interface SnsEmulatorOptions {
  /** The topics that exist; Publish to another answers NotFound. */
  readonly topicArns: readonly string[];
}

/** A request refused with an SNS error. */
class SnsError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts an SNS emulator on an ephemeral port. */
export async function startSnsEmulator(options: SnsEmulatorOptions): Promise<SnsEmulator> {
  const topics = new Set(options.topicArns);
  const published: PublishedMessage[] = [];
  let nextFailure: { code: string; status: number } | undefined;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        if (!request.headers.authorization?.startsWith('AWS4-HMAC-SHA256')) {
          throw new SnsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
        }
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        if (form.get('Action') !== 'Publish') throw new SnsError('InvalidAction', 400, `Action ${form.get('Action')} is not supported by this emulator`);
        if (nextFailure) {
          const failure = nextFailure;
          nextFailure = undefined;
          throw new SnsError(failure.code, failure.status, 'injected failure');
        }
        const message = publish(form, topics);
        published.push(message);
        reply(response, 200, `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${message.messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`);
      } catch (error) {
        const e = error instanceof SnsError ? error : new SnsError('InternalError', 500, String(error));
        reply(
          response,
          e.status,
          `<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${e.status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    published: () => [...published],
    failNextPublish: (code, status) => {
      nextFailure = { code, status };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Validates a Publish request as SNS does and returns what it accepted. */
function publish(form: URLSearchParams, topics: ReadonlySet<string>): PublishedMessage {
  const topicArn = form.get('TopicArn') ?? '';
  if (!topics.has(topicArn)) throw new SnsError('NotFound', 404, 'Topic does not exist');
  const message = form.get('Message');
  if (message === null || message.length === 0) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Empty message');
  if (Buffer.byteLength(message, 'utf8') > SNS_MESSAGE_MAX_BYTES) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Message too long');
  const subject = form.get('Subject') ?? undefined;
  // eslint-disable-next-line no-control-regex
  if (subject !== undefined && (subject.length === 0 || subject.length >= 100 || /[\x00-\x1f\x7f]/.test(subject))) {
    throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Subject');
  }
  const messageStructure = form.get('MessageStructure') ?? undefined;
  let perProtocol: Record<string, unknown> | undefined;
  if (messageStructure !== undefined) {
    if (messageStructure !== 'json') throw new SnsError('InvalidParameter', 400, 'Invalid parameter: MessageStructure');
    try {
      perProtocol = JSON.parse(message) as Record<string, unknown>;
    } catch {
      throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Message Structure - JSON message body failed to parse');
    }
    if (typeof perProtocol !== 'object' || perProtocol === null || typeof perProtocol.default !== 'string') {
      throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Message Structure - No default entry in JSON message body');
    }
    for (const [key, value] of Object.entries(perProtocol)) {
      if (typeof value !== 'string') throw new SnsError('InvalidParameter', 400, `Invalid parameter: Message Structure - the value of ${key} is not a string`);
    }
  }
  const structured = perProtocol;
  return {
    messageId: randomUUID(),
    topicArn,
    subject,
    message,
    messageStructure,
    deliveredTo: (protocol) => (structured ? ((structured[protocol] ?? structured.default) as string) : message),
  };
}

function reply(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  response.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
