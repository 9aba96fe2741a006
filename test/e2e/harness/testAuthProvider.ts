// A stand-in for VS Code's `microsoft` authentication provider, which code-server does not have:
// sessions with the bearer tokens the e2e emulator accepts ("e2e-ms-token-<n>"), kept in the
// harness's global state so that they survive a window reload, created without any UI, and
// refreshed on demand (a new token, announced as a changed session, as a real refresh is).
import * as vscode from 'vscode';

export const TEST_MICROSOFT_ACCOUNT = 'e2e.user@example.com';
const STATE_KEY = 'e2e.microsoftSessions';

interface Stored {
  id: string;
  scopes: string[];
  token: number;
}

export function tokenText(n: number): string {
  return `e2e-ms-token-${n}`;
}

export class TestMicrosoftAuthProvider implements vscode.AuthenticationProvider {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  private stored(): Stored[] {
    return this.memento.get<Stored[]>(STATE_KEY, []);
  }

  private toSession(s: Stored): vscode.AuthenticationSession {
    return { id: s.id, accessToken: tokenText(s.token), account: { id: TEST_MICROSOFT_ACCOUNT, label: TEST_MICROSOFT_ACCOUNT }, scopes: s.scopes };
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    return this.stored().filter((s) => !scopes || scopes.every((scope) => s.scopes.includes(scope))).map((s) => this.toSession(s));
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const next: Stored = { id: `s${Date.now()}`, scopes: [...scopes], token: 1 };
    await this.memento.update(STATE_KEY, [...this.stored(), next]);
    const session = this.toSession(next);
    this.changed.fire({ added: [session], removed: [], changed: [] });
    return session;
  }

  async removeSession(sessionId: string): Promise<void> {
    const gone = this.stored().filter((s) => s.id === sessionId);
    await this.memento.update(STATE_KEY, this.stored().filter((s) => s.id !== sessionId));
    this.changed.fire({ added: [], removed: gone.map((s) => this.toSession(s)), changed: [] });
  }

  /** A token refresh: every session gets the next token. Resolves with the new token. */
  async refresh(): Promise<string> {
    const refreshed = this.stored().map((s) => ({ ...s, token: s.token + 1 }));
    await this.memento.update(STATE_KEY, refreshed);
    this.changed.fire({ added: [], removed: [], changed: refreshed.map((s) => this.toSession(s)) });
    return tokenText(refreshed[0]?.token ?? 0);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
