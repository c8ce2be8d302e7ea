import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Why a request was refused; `status` is the HTTP status to answer with. */
export interface Refusal {
  status: 401 | 403;
  message: string;
}

/**
 * Decides whether a request may reach the studio. The web shell listens on loopback, but any
 * web page the user visits can still aim requests at 127.0.0.1, so three checks apply:
 * the Host header must name this server (defeats DNS rebinding), a browser-sent Origin must be
 * this server's (defeats cross-site requests and WebSocket hijacking), and the per-launch token
 * must be present (defeats other local users and pages that guess the port).
 */
export class RequestGuard {
  private readonly tokenBuffer: Buffer;

  constructor(
    readonly token: string,
    private readonly port: () => number,
  ) {
    this.tokenBuffer = Buffer.from(token, 'utf8');
  }

  /** Name of the cookie carrying the token; per port, since cookies ignore the port. */
  get cookieName(): string {
    return `transfer_studio_token_${this.port()}`;
  }

  allowedHosts(): string[] {
    const port = this.port();
    return [`127.0.0.1:${port}`, `localhost:${port}`];
  }

  allowedOrigins(): string[] {
    return this.allowedHosts().map((host) => `http://${host}`);
  }

  /** Host and Origin checks, which apply even to the page that receives the token. */
  checkSource(request: IncomingMessage): Refusal | null {
    const host = request.headers.host?.toLowerCase();
    if (!host || !this.allowedHosts().includes(host)) {
      return {
        status: 403,
        message: `Unexpected Host header "${host ?? ''}". Open the studio at ${this.allowedOrigins()[0]}/ instead.`,
      };
    }
    const origin = request.headers.origin;
    // Browsers always send Origin on WebSocket upgrades and cross-origin requests; a request
    // without one comes from a non-browser client, which still needs the token below.
    if (origin !== undefined && !this.allowedOrigins().includes(origin.toLowerCase())) {
      return {
        status: 403,
        message: `Requests from origin "${origin}" are refused: only the studio's own page may talk to it.`,
      };
    }
    // Fetch metadata: another site's page (other local ports count as the same site) may
    // navigate here, but never load from or script against the studio.
    const site = request.headers['sec-fetch-site'];
    if (
      (site === 'cross-site' || site === 'same-site') &&
      request.headers['sec-fetch-mode'] !== 'navigate'
    ) {
      return {
        status: 403,
        message: 'Requests from other sites are refused: only the studio page may talk to it.',
      };
    }
    return null;
  }

  /** The token from the `token` query parameter, if any. */
  queryToken(request: IncomingMessage): string | null {
    const url = new URL(request.url ?? '/', 'http://placeholder');
    return url.searchParams.get('token');
  }

  cookieToken(request: IncomingMessage): string | null {
    const header = request.headers.cookie;
    if (!header) return null;
    for (const part of header.split(';')) {
      const separator = part.indexOf('=');
      if (separator < 0) continue;
      if (part.slice(0, separator).trim() === this.cookieName) {
        return part.slice(separator + 1).trim();
      }
    }
    return null;
  }

  matches(candidate: string | null): boolean {
    if (candidate === null) return false;
    const buffer = Buffer.from(candidate, 'utf8');
    return buffer.length === this.tokenBuffer.length && timingSafeEqual(buffer, this.tokenBuffer);
  }

  /** Full check: source, then the token from the cookie or the query string. */
  check(request: IncomingMessage): Refusal | null {
    const refusal = this.checkSource(request);
    if (refusal) return refusal;
    if (this.matches(this.cookieToken(request)) || this.matches(this.queryToken(request))) {
      return null;
    }
    return {
      status: 401,
      message:
        'Missing or wrong access token. Open the address printed by "npm run serve" ' +
        '(it ends with ?token=…); the token changes every time the server starts.',
    };
  }

  /**
   * Check for the WebSocket, which is what can read and write the user's files: the token must
   * come in the address, never from the cookie alone. Cookies are not port-scoped, so every
   * other server on 127.0.0.1 the browser visits receives this one; with it alone it can only
   * load the page, its public assets and thumbnails of unguessable, per-launch ids.
   */
  checkSocket(request: IncomingMessage): Refusal | null {
    const refusal = this.checkSource(request);
    if (refusal) return refusal;
    if (this.matches(this.queryToken(request))) return null;
    return {
      status: 401,
      message:
        'Missing or wrong access token: the studio page connects with the token from the ' +
        'address printed by "npm run serve". Open that address again.',
    };
  }

  /** Set-Cookie value that lets the page, its assets and thumbnails load. */
  sessionCookie(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}
