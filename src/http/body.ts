import type { IncomingMessage, ServerResponse } from 'node:http';

/** An HTTP answer raised from a handler: the server turns it into `status` with a JSON `error`. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const ONE_MIB = 1024 * 1024;

/**
 * Reads the raw request body. Signatures are verified on these exact bytes, so callers must not
 * re-serialize parsed JSON. Bodies over `limitBytes` are refused with 413 without buffering them.
 */
export async function readRawBody(req: IncomingMessage, limitBytes = ONE_MIB): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new HttpError(413, `request body is larger than ${limitBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new HttpError(413, `request body is larger than ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses JSON or answers 400: malformed input never reaches a handler's logic. */
export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    // A 413 is answered before the body was read: closing tells the client to stop sending, where a
    // kept-alive connection would sit with the rest of the body unread until a timeout.
    ...(status === 413 ? { connection: 'close' } : {}),
  });
  res.end(payload);
}
