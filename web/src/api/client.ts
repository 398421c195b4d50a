/**
 * The console's only door to the server: JSON over fetch with the session cookie, the CSRF token
 * on every change, and every failure turned into an ApiError that screens can show as text.
 */

export interface Problem {
  field: string;
  message: string;
  /** What is wrong as a code the console can say in the reader's language. */
  code?: string;
}

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** the server's machine-readable code (validation_failed, conflict, …), or network / unknown */
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
    readonly requestId: string | null = null,
    /** the error's details as the server sent them (e.g. the open escalation of a 409) */
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export interface ApiClientOptions {
  baseUrl?: string;
  /** Called when the server says the session is gone (401), so the app can show sign-in. */
  onUnauthenticated?: () => void;
  fetchImpl?: typeof fetch;
}

const UNSAFE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Reads the standard error body; anything else (HTML from a proxy, empty body) becomes a plain message. */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown } } | null)?.error;
  if (err && typeof err === 'object') {
    const code = typeof err.code === 'string' ? err.code : fallbackCode(res.status);
    const message = typeof err.message === 'string' ? err.message : res.statusText;
    const rawProblems = (err.details as { problems?: unknown } | undefined)?.problems;
    const problems = Array.isArray(rawProblems)
      ? rawProblems.filter((p): p is Problem => typeof p === 'object' && p !== null && typeof p.field === 'string' && typeof p.message === 'string')
      : [];
    return new ApiError(res.status, code, message, problems, typeof err.requestId === 'string' ? err.requestId : null, err.details);
  }
  return new ApiError(res.status, fallbackCode(res.status), res.statusText || `HTTP ${res.status}`);
}

function fallbackCode(status: number): string {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'internal';
  return 'unknown';
}

/** A form field name from the server's problem path: "body.currentPassword" → "currentPassword". */
export const problemField = (p: Problem): string => p.field.replace(/^(body|query|querystring|params)\./, '');

export class ApiClient {
  private csrfToken: string | null = null;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: ApiClientOptions = {}) {
    this.baseUrl = opts.baseUrl ?? '';
    this.fetchImpl = opts.fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** The token returned by sign-in or GET /auth/session; sent as X-CSRF-Token on changes. */
  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path + buildQuery(query), undefined, signal);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** Sends a file as the raw request body (attachments), typed by its own content type. */
  async upload<T>(path: string, file: Blob): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' };
    if (this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, { method: 'POST', headers, body: file, credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, 'network', 'The server could not be reached.');
    }
    if (!res.ok) throw await toApiError(res);
    return (await res.json()) as T;
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (UNSAFE.has(method) && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        signal,
      });
    } catch (cause) {
      if ((cause as { name?: string })?.name === 'AbortError') throw cause;
      throw new ApiError(0, 'network', 'The server could not be reached.');
    }
    if (!res.ok) {
      const err = await toApiError(res);
      // A 401 on sign-in itself means wrong credentials, not an ended session.
      if (res.status === 401 && !path.startsWith('/api/v1/auth/')) this.opts.onUnauthenticated?.();
      throw err;
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export const isAbort = (err: unknown): boolean => (err as { name?: string } | null)?.name === 'AbortError';
