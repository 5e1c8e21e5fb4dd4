import type { LoginResult } from './types';

/** An error answer of the API (`{statusCode, error, message}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const message =
      body && typeof body === 'object' && 'message' in body ? String(body.message) : `HTTP ${res.status}`;
    throw new ApiError(res.status, message);
  }
  return body as T;
}

async function send(input: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (err) {
    throw new ApiError(0, err instanceof Error ? err.message : String(err));
  }
}

export async function login(username: string, password: string): Promise<LoginResult> {
  const res = await send('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return parse<LoginResult>(res);
}

type Query = Record<string, string | number | boolean | undefined>;

/** The gateway's REST API with this session's token; a 401 (expired login) calls `onUnauthorized`. */
export class Api {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  private async request<T>(method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    const res = await send(qs ? `${path}?${qs}` : path, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status === 401) this.onUnauthorized();
    return parse<T>(res);
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  /** A file of the API (an export): its content and the name the server gave it. */
  async download(path: string, query: Query): Promise<{ blob: Blob; name: string }> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const res = await send(`${path}?${params.toString()}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (res.status === 401) this.onUnauthorized();
    if (!res.ok) await parse<never>(res);
    const disposition = res.headers.get('content-disposition') ?? '';
    const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'export';
    return { blob: await res.blob(), name };
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, {}, body);
  }
}
