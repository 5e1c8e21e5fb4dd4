import type { LoginResult, Principal } from './types';

/** The login of this tab (sessionStorage: a wall screen's tab stays logged in across reloads). */
export interface Session {
  token: string;
  expiresAt: number;
  user: Principal;
}

const KEY = 'lg.session';

export function loadSession(now = Date.now()): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== 'string' || typeof s.expiresAt !== 'number' || !s.user) return null;
    if (s.expiresAt <= now) return null;
    return s as Session;
  } catch {
    return null;
  }
}

export function saveSession(result: LoginResult): Session {
  const session: Session = {
    token: result.token,
    expiresAt: Date.parse(result.expiresAt),
    user: result.user,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
